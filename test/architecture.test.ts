import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const IGNORED = new Set(['node_modules', '.git', '.pathways', 'meta', 'coverage', '.bench-data', 'screens']);

function folders(dir: string, rel = ''): string[] {
  return readdirSync(join(root, dir, rel))
    .filter((f) => !IGNORED.has(f) && statSync(join(root, dir, rel, f)).isDirectory())
    .flatMap((f) => [`${dir}/${rel}${f}/`.replace(/\/+/g, '/'), ...folders(dir, `${rel}${f}/`)]);
}

describe('ARCHITECTURE.md', () => {
  const text = readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8');
  const listed = [...text.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);

  it('has a line for every folder of the tree', () => {
    const tree = ['.ci/', 'bin/', 'bench/', 'docs/', 'test/', 'src/', 'web/' as const]
      .filter((d) => existsSync(join(root, d)))
      .flatMap((d) => (d === 'src/' ? folders('src') : [d, ...folders(d.slice(0, -1))]));
    expect(tree.filter((f) => !listed.includes(f))).toEqual([]);
  });

  it('lists no folder the tree does not have', () => {
    expect(listed.filter((f) => !existsSync(join(root, f)))).toEqual([]);
  });
});
