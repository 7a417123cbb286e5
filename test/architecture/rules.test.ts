import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkArchitecture, folderGraph } from './rules.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'pathways-arch-'));
  dirs.push(root);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  return root;
}

const clean = {
  'src/b/b.table.ts':
    "import { pgTable, text } from 'drizzle-orm/pg-core';\nexport const bThings = pgTable('b_things', { id: text('id') });\n",
  'src/b/b.repository.ts':
    "import { sql } from 'drizzle-orm';\nimport { bThings } from './b.table.ts';\nexport const touch = (db: any) => db.update(bThings).set({ id: 'x' });\nexport const one = (db: any) => db.execute(sql`UPDATE b_things SET id = 'y'`);\n",
  'src/b/b.service.ts': "import { touch } from './b.repository.ts';\nexport const run = (db: unknown) => touch(db);\n",
  'src/b/b.ts': 'export const isB = (x: string) => x === "b";\n',
  'src/a/a.service.ts': "import { run } from '../b/b.service.ts';\nexport const go = (db: unknown) => run(db);\n",
  'src/api/x.routes.ts': "import { go } from '../a/a.service.ts';\nexport const route = (db: unknown) => go(db);\n",
};

const rulesAndFiles = (root: string) => checkArchitecture(root).map((v) => `${v.rule} ${v.file}`);

describe('the dependency checker', () => {
  it('finds nothing in a tree that keeps the rules', () => {
    expect(checkArchitecture(tree(clean))).toEqual([]);
  });

  it('catches each deliberate violation, by rule and file', () => {
    const root = tree({
      ...clean,
      'src/api/x.routes.ts': "import { sql } from 'drizzle-orm';\nexport const route = (db: any) => db.execute(sql`SELECT 1`);\n",
      'src/a/a.service.ts': "import { touch } from '../b/b.repository.ts';\nexport const go = (db: unknown) => touch(db);\n",
      'src/a/a.repository.ts':
        "import { sql } from 'drizzle-orm';\nexport const steal = (db: any) => db.execute(sql`UPDATE b_things SET id = 'z'`);\n",
      'src/c/c.ts': "import { d } from '../d/d.ts';\nexport const c = () => d();\n",
      'src/d/d.ts': "import { c } from '../c/c.ts';\nexport const d = (): unknown => c;\n",
      'src/b/b.ts': "import { readFileSync } from 'node:fs';\nexport const isB = (x: string) => x === readFileSync('b', 'utf8');\n",
      'src/a/a.helper.ts': "import { sql } from 'drizzle-orm';\nexport const q = sql`SELECT 2`;\n",
    });
    expect(rulesAndFiles(root)).toEqual([
      'folder-cycle src/c/c.ts',
      'foreign-repository src/a/a.service.ts',
      'foreign-write src/a/a.repository.ts',
      'layers src/b/b.ts',
      'sql-in-adapter src/api/x.routes.ts',
      'sql-outside-repository src/a/a.helper.ts',
    ]);
    const cycle = checkArchitecture(root).find((v) => v.rule === 'folder-cycle')!;
    expect(cycle.message).toContain('src/c/c.ts:1 → src/d/d.ts');
    expect(cycle.message).toContain('src/d/d.ts:1 → src/c/c.ts');
  });

  it('catches a drizzle write of another folder’s table and an adapter importing a repository', () => {
    const root = tree({
      ...clean,
      'src/a/a.repository.ts':
        "import { bThings as things } from '../b/b.table.ts';\nexport const steal = (tx: any) => tx.delete(things);\n",
      'web/src/x/x.tsx': "import { one } from '../../../src/b/b.repository.ts';\nexport const X = () => one;\n",
    });
    expect(rulesAndFiles(root)).toEqual([
      'foreign-repository src/a/a.repository.ts',
      'foreign-write src/a/a.repository.ts',
      'sql-in-adapter web/src/x/x.tsx',
    ]);
  });

  it('counts a table’s foreign key to another folder’s table as no folder dependency, and a call back as one', () => {
    const withKey = {
      ...clean,
      'src/c/c.table.ts':
        "import { pgTable, text } from 'drizzle-orm/pg-core';\nimport { bThings } from '../b/b.table.ts';\nexport const cThings = pgTable('c_things', { b: text('b').references(() => bThings.id) });\n",
      'src/c/c.repository.ts':
        "import { cThings } from './c.table.ts';\nexport const add = (db: any) => db.insert(cThings).values({ b: 'x' });\n",
      'src/c/c.service.ts': "import { add } from './c.repository.ts';\nexport const addC = (db: unknown) => add(db);\n",
      'src/b/b.service.ts':
        "import { touch } from './b.repository.ts';\nimport { addC } from '../c/c.service.ts';\nexport const run = async (db: unknown) => { await touch(db); await addC(db); };\n",
    };
    expect(rulesAndFiles(tree(withKey))).toEqual([]);
    expect(folderGraph(tree(withKey)).get('c')).toBeUndefined();
    const callBack = {
      ...withKey,
      'src/c/c.service.ts':
        "import { add } from './c.repository.ts';\nimport { isB } from '../b/b.ts';\nexport const addC = (db: unknown) => (isB('b') ? add(db) : undefined);\n",
    };
    expect(rulesAndFiles(tree(callBack))).toEqual(['folder-cycle src/b/b.service.ts']);
  });

  it('draws the folder graph from the imports', () => {
    expect([...folderGraph(tree(clean))]).toEqual([
      ['a', ['b']],
      ['api', ['a']],
    ]);
  });
});
