import type { PGlite } from '@electric-sql/pglite';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Database, OpenOptions } from '../src/db/db.ts';
import { openSeededDatabase } from '../src/seed/seed.ts';

/**
 * Migrate once per run, then copy (issue 16): a migrated PGlite takes 17–25 s to open and every
 * suite used to open its own. The run's global set-up (test/global-setup.ts) builds one migrated,
 * seeded database of each kind — exactly what `openSeededDatabase` gives a suite — and each suite
 * opens a copy: PGlite from a dump of the template's data folder (`dumpDataDir`, `loadDataDir`),
 * PostgreSQL by `CREATE DATABASE … TEMPLATE`. The copy is still opened through `openSeededDatabase`,
 * whose migrations and seeds then find nothing left to do.
 *
 * The templates are kept between runs under a key: the hash of every source file the migrations and
 * the seeds could depend on (all of src/ but the tests) and of the PGlite version. A change to any
 * of them builds new ones; a fresh clone (CI) always builds.
 */
export interface Templates {
  key: string;
  /** The PGlite template: a tarball of its data folder. */
  pglite: string;
  /** The PostgreSQL template database and the server it is on (DATABASE_URL), where one is set. */
  postgres: { adminUrl: string; name: string } | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    pathwaysTemplates: Templates | null;
  }
}

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const CACHE = join(tmpdir(), 'pathways-test-templates');

/** The hash of what a migrated, seeded database is made from. */
export function templateKey(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.includes('.test.')) hash.update(relative(ROOT, path)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(join(ROOT, 'src'));
  hash.update(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json')));
  return hash.digest('hex').slice(0, 16);
}

/** Builds (or finds, under the same key) the templates of this run. Called once, by the global set-up. */
export async function buildTemplates(adminUrl: string | undefined): Promise<Templates> {
  const key = templateKey();
  const [pglite, postgres] = await Promise.all([pgliteTemplate(key), adminUrl ? postgresTemplate(adminUrl, key) : null]);
  return { key, pglite, postgres };
}

async function pgliteTemplate(key: string): Promise<string> {
  const file = join(CACHE, `pglite-${key}.tar`);
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  // In this thread, so that the dump can be asked of PGlite itself.
  const database = await openSeededDatabase({ dataDir: 'memory://', scope: '*', thread: false });
  try {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    // Written out of the buffers, so that a copy starts without replaying the log.
    await client.exec('RESET ROLE; CHECKPOINT');
    const dump = await client.dumpDataDir('none');
    const building = `${file}.${randomBytes(4).toString('hex')}`;
    writeFileSync(building, new Uint8Array(await dump.arrayBuffer()));
    renameSync(building, file);
  } finally {
    await database.close();
  }
  // Templates of other keys left by earlier runs, two hours old or more (a run still going may read its own).
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (path !== file && age > 7_200_000) rmSync(path, { force: true });
  }
  return file;
}

const TEMPLATE = 'pathways_tpl_';
const BUILDING = 'pathways_bld_';
/** How long a template of another key (or one left half-built) is kept for a run that may still copy it. */
const STALE_SECONDS = 3600;

/**
 * The template of `key` on the server of `adminUrl`, built where there is none. Names carry the key
 * and when they were made (`pathways_tpl_<key>_<unix seconds>`): another run, started before a source
 * changed, may still be copying an older one, so templates of other keys are dropped only when an
 * hour old.
 */
async function postgresTemplate(adminUrl: string, key: string): Promise<{ adminUrl: string; name: string }> {
  const now = Math.floor(Date.now() / 1000);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const existing = (
      await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE 'pathways\\_tpl\\_%' OR datname LIKE 'pathways\\_bld\\_%' ORDER BY datname DESC`,
      )
    ).rows.map((r) => r.datname);
    let name = existing.find((n) => n.startsWith(`${TEMPLATE}${key}_`));
    if (!name) {
      // Built under a name of its own and renamed when complete: a run that stops half-way leaves no
      // template that looks whole, and two runs at once do not build into one database.
      const building = `${BUILDING}${key}_${now}_${randomBytes(3).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${building}`);
      const database = await openSeededDatabase({ url: databaseUrl(adminUrl, building), scope: '*' });
      await database.close();
      name = `${TEMPLATE}${key}_${now}`;
      await whileInUse(() => admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`));
    }
    for (const other of existing) {
      const made = Number(other.split('_').at(other.startsWith(BUILDING) ? -2 : -1));
      if (other !== name && !(now - made < STALE_SECONDS)) await admin.query(`DROP DATABASE IF EXISTS ${other}`).catch(() => {});
    }
    return { adminUrl, name };
  } finally {
    await admin.end();
  }
}

/** Retries `work` while PostgreSQL says the database is in use: a closed pool's backends may still be on their way out. */
async function whileInUse<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (attempt >= 50 || (e as { code?: string }).code !== '55006') throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** `base` pointing at the database `name` of its server. */
export function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The templates the run's global set-up built; none outside vitest (the benchmarks import the helpers). */
async function provided(): Promise<Templates | null> {
  if (!process.env.VITEST) return null;
  const { inject } = await import('vitest');
  return inject('pathwaysTemplates') ?? null;
}

let dump: Promise<Uint8Array<ArrayBuffer> | null> | undefined;

/** The PGlite template's dump, read once per test file; null where there is none (the database is then migrated as before). */
export function pgliteDump(): Promise<Uint8Array<ArrayBuffer> | null> {
  dump ??= provided().then((t) => (t && existsSync(t.pglite) ? new Uint8Array(readFileSync(t.pglite)) : null));
  return dump;
}

/**
 * An embedded database opened, migrated and seeded as `openSeededDatabase(opts)` opens it, started
 * from the template: in memory, or in a folder that holds no database yet (the command line's tests
 * then find it ready).
 */
export async function openPgliteCopy(opts: Omit<OpenOptions, 'url' | 'loadDataDir' | 'prepare'>): Promise<Database> {
  const loadDataDir = await pgliteDump();
  const dataDir = opts.dataDir ?? 'memory://';
  const fresh = dataDir.startsWith('memory://') || !existsSync(join(dataDir, 'pgdata', 'PG_VERSION'));
  return openSeededDatabase({ ...opts, dataDir, ...(loadDataDir && fresh ? { loadDataDir } : {}) });
}

/** Fills the folder `dataDir` of the command line's tests with a copy of the template, when it holds no database yet. */
export async function prepareDataDir(dataDir: string): Promise<void> {
  const database = await openPgliteCopy({ dataDir, scope: '*' });
  await database.close();
}

/**
 * The name of the PostgreSQL template for a database on the server of `adminUrl`, where the global
 * set-up built one there.
 */
export async function postgresTemplateFor(adminUrl: string): Promise<string | null> {
  const t = (await provided())?.postgres;
  if (!t) return null;
  const a = new URL(t.adminUrl);
  const b = new URL(adminUrl);
  return a.host === b.host && a.username === b.username ? t.name : null;
}

/**
 * Creates the database `name` on the server of `adminUrl`: a copy of the template where there is one,
 * else empty (the opener then migrates and seeds it). A template another run has just dropped (its
 * key no longer current) is no failure: the database is then made empty.
 */
export async function createTestDatabase(adminUrl: string, name: string): Promise<void> {
  const template = await postgresTemplateFor(adminUrl);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    let copied = false;
    if (template) {
      try {
        await whileInUse(() => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
        copied = true;
      } catch (e) {
        if ((e as { code?: string }).code !== '3D000') throw e;
      }
    }
    if (!copied) await admin.query(`CREATE DATABASE ${name}`);
    // A test database lives for one suite: its commits need not wait for the log to reach the disk
    // (a crash of the server would lose the last ones, which no test survives anyway). Set on the
    // test's database only; the server's default, and the benchmarks' databases, keep theirs.
    await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  } finally {
    await admin.end();
  }
}
