import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkArchitecture,
  compareWithKnown,
  drawFolderGraph,
  formatViolation,
  graphBlock,
  readKnownViolations,
} from './architecture/rules.ts';

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

describe('the dependency rules', () => {
  it('are kept by the tree, beyond the known violations, and every known violation still exists', () => {
    const { fresh, stale, refused } = compareWithKnown(checkArchitecture(root), readKnownViolations(root));
    const report = [
      ...fresh.map(formatViolation),
      ...stale.map((k) => `stale: ${k.rule} ${k.file} is no longer a violation; remove it from test/architecture/known-violations.json`),
      ...refused.map((k) => `refused: ${k.rule} ${k.file}; this rule may not have known violations`),
    ].join('\n');
    expect(report, report).toBe('');
  });

  it('fail on SQL added to a route and on a service importing another folder’s repository', () => {
    const found = checkArchitecture(root, {
      extraFiles: {
        'src/api/rounds.routes.ts': `${readFileSync(join(root, 'src/api/rounds.routes.ts'), 'utf8')}
export const broken = (db: { execute(q: unknown): unknown }) => db.execute(sql\`SELECT 1\`);
`,
        'src/incentives/incentive.service.ts': `import { findCase } from '../cases/case.repository.ts';
${readFileSync(join(root, 'src/incentives/incentive.service.ts'), 'utf8')}`,
      },
    });
    expect(found.filter((v) => v.rule === 'sql-in-adapter' && v.file === 'src/api/rounds.routes.ts').length).toBeGreaterThan(0);
    expect(found.some((v) => v.rule === 'foreign-repository' && v.file === 'src/incentives/incentive.service.ts' && v.line === 1)).toBe(
      true,
    );
  });

  it('ARCHITECTURE.md shows the folder graph as the imports draw it (npm run architecture:draw)', () => {
    expect(graphBlock(readFileSync(join(root, 'ARCHITECTURE.md'), 'utf8'))).toBe(drawFolderGraph(root));
  });
});
