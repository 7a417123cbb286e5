/**
 * What every benchmark shares: fresh databases that clean up after themselves, temp folders,
 * timing, percentiles, progress lines on stderr and the formatting of results.
 */
import type { PGlite } from '@electric-sql/pglite';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { APP_ROLE, OPERATOR_ROLE, rows, sql, type Database } from '../src/db/db.ts';
import { openSeededDatabase } from '../src/seed/seed.ts';

export type DbKind = 'pglite' | 'postgres';

// ---------------------------------------------------------------------------------------------
// Progress and cleanup

const started = performance.now();

/** A progress line on stderr, with the seconds since the run started and the 1-minute load average (other work on the machine skews timings). */
export function progress(message: string): void {
  const load = loadavg()[0]!.toFixed(1);
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(7)}s load ${load.padStart(4)}] ${message}\n`);
}

type Cleanup = () => Promise<void> | void;
const cleanups = new Set<Cleanup>();

/** Runs `fn` with a cleanup registered for the run's lifetime: also run on Ctrl-C. */
export async function withCleanup<T>(cleanup: Cleanup, fn: () => Promise<T>): Promise<T> {
  cleanups.add(cleanup);
  try {
    return await fn();
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    progress(`${signal}: cleaning up (again to quit at once)`);
    void (async () => {
      for (const c of [...cleanups].reverse()) await Promise.resolve(c()).catch((e) => progress(`cleanup failed: ${(e as Error).message}`));
      process.exit(130);
    })();
  });
}

/** A temp folder, removed when `fn` ends however it ends. */
export function withTempDir<T>(prefix: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), `pathways-bench-${prefix}-`));
  return withCleanup(
    () => rmSync(dir, { recursive: true, force: true }),
    () => fn(dir),
  );
}

// ---------------------------------------------------------------------------------------------
// Fresh databases

export interface BenchDb {
  kind: DbKind;
  database: Database;
  /** The embedded client, for COPY from a blob (PGlite only). */
  pglite: PGlite | null;
  /** A connection string to the fresh database (PostgreSQL only), for extra clients such as COPY. */
  url: string | null;
  /** A raw statement, no result wanted. */
  exec(text: string): Promise<void>;
  /** The first column of the first row of a raw query. */
  scalar<T>(text: string): Promise<T>;
}

/**
 * Opens a database nobody has used: PGlite in a new temp folder, or a new database
 * `pathways_bench_<random>` on the PostgreSQL server of `adminUrl`, dropped at the end.
 * Migrations and reference data are applied by `openDatabase`, as the platform does.
 */
export async function withFreshDatabase<T>(
  kind: DbKind,
  adminUrl: string | undefined,
  fn: (db: BenchDb) => Promise<T>,
  opts: { pgliteThread?: boolean } = {},
): Promise<T> {
  if (kind === 'pglite') {
    return withTempDir('pglite', async (dir) => {
      const database = await openSeededDatabase({ dataDir: dir, scope: '*', thread: opts.pgliteThread });
      const client = (database.db as unknown as { $client: PGlite }).$client;
      await asOwner(client, null, (q) => q(`SET track_functions = 'pl'`));
      return withCleanup(
        () => database.close(),
        () => fn(benchDb(kind, database, (database.db as unknown as { $client: PGlite }).$client, null)),
      );
    });
  }
  if (!adminUrl)
    throw new Error('PostgreSQL needs DATABASE_URL (an admin URL such as postgres://postgres:postgres@127.0.0.1:5432/postgres).');
  const name = `pathways_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    // Time spent in PL/pgSQL functions (the arrivals triggers) is then counted in pg_stat_user_functions.
    await admin.query(`ALTER DATABASE ${name} SET track_functions = 'pl'`);
  } catch (e) {
    await admin.end();
    throw e;
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const dropDb = async () => {
    try {
      // pool.end() resolves before its sockets are closed: wait for the sessions to go, so that
      // the FORCE below (there for a run that was interrupted) terminates nobody still closing.
      for (let i = 0; i < 50; i++) {
        const { rows: r } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
        if (r[0].n === 0) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  };
  return withCleanup(dropDb, async () => {
    const database = await openSeededDatabase({ url: url.toString(), scope: '*' });
    // A session ended by the server must not end the run (src/db/db.ts has its own listener since 9806218).
    (database.db as unknown as { $client: pg.Pool }).$client.on('error', (e) => progress(`postgres pool: ${e.message}`));
    return withCleanup(
      () => database.close(),
      () => fn(benchDb(kind, database, null, url.toString())),
    );
  });
}

function benchDb(kind: DbKind, database: Database, pglite: PGlite | null, url: string | null): BenchDb {
  return {
    kind,
    database,
    pglite,
    url,
    // The baselines (bare tables, COPY, full scans, CHECKPOINT) run as the tables' owner, outside the
    // application's role and its row-level security: the platform is measured against the bare database.
    async exec(text) {
      await asOwner(pglite, url, async (q) => void (await q(text)));
    },
    async scalar<T>(text: string) {
      const found = await asOwner(pglite, url, (q) => q(text));
      return Object.values(found[0] ?? {})[0] as T;
    },
  };
}

/** On PostgreSQL, a checkpoint before a timed write, so no earlier write's checkpoint lands in it. */
export async function checkpoint(db: BenchDb): Promise<void> {
  if (db.kind === 'postgres') await db.exec('CHECKPOINT');
}

/** Clears the statistics of the database, the function timings included. */
export async function resetStats(db: BenchDb): Promise<void> {
  await db.exec('SELECT pg_stat_reset()');
}

/**
 * Calls of and time in a PL/pgSQL function since the last reset, as the server measured them
 * (track_functions = 'pl'). A PostgreSQL session reports its counts within about a second of
 * going idle: read until two readings half a second apart agree.
 */
export async function functionTime(db: BenchDb, name: string): Promise<{ calls: number; ms: number }> {
  const read = async () => {
    if (db.kind === 'pglite') await db.exec('SELECT pg_stat_force_next_flush()');
    const [r] = await rows<{ calls: string; ms: number }>(
      db.database.db,
      sql`SELECT calls, total_time AS ms FROM pg_stat_user_functions WHERE funcname = ${name}`,
    );
    return { calls: Number(r?.calls ?? 0), ms: Number(r?.ms ?? 0) };
  };
  let last = await read();
  for (let i = 0; i < 30; i++) {
    await new Promise((res) => setTimeout(res, 500));
    const now = await read();
    if (now.calls > 0 && now.calls === last.calls && now.ms === last.ms) return now;
    last = now;
  }
  return last;
}

// ---------------------------------------------------------------------------------------------
// Timing

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/** Nearest-rank percentile of a sample (p in 0..100). */
export function percentile(sample: readonly number[], p: number): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Stats {
  runs: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export function stats(sample: readonly number[]): Stats {
  return {
    runs: sample.length,
    minMs: Math.min(...sample),
    p50Ms: percentile(sample, 50),
    p95Ms: percentile(sample, 95),
    maxMs: Math.max(...sample),
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtMs = (ms: number) =>
  ms >= 10_000
    ? `${(ms / 1000).toFixed(1)} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : ms >= 10
        ? `${ms.toFixed(1)} ms`
        : `${ms.toFixed(2)} ms`;
export const fmtPct = (x: number) => `${(x * 100).toFixed(1)} %`;
export const fmtX = (x: number) => `${x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1)}×`;
export const fmtSize = (n: number) =>
  n >= 1_000_000 && n % 100_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);

/** A Markdown table. */
export function markdownTable(headers: string[], body: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...body.map(line)].join('\n');
}

/** Runs raw SQL as the owner: PGlite's superuser (its one session, switched back after), or a PostgreSQL client of `url`. */
export async function asOwner<T>(
  pglite: PGlite | null,
  url: string | null,
  work: (q: (text: string) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  if (pglite) {
    const run = (text: string) => pglite.exec(text).then((r) => r.at(-1)?.rows ?? []);
    const [me] = await run('SELECT current_user AS u');
    const role = me?.u;
    if (role !== APP_ROLE && role !== OPERATOR_ROLE) return work(run); // already the owner (a session switched by its caller)
    await pglite.exec('RESET ROLE');
    try {
      return await work(run);
    } finally {
      await pglite.exec(`SET ROLE ${role}`);
    }
  }
  const client = new pg.Client({ connectionString: url!, options: '-c pathways.tenant=*' });
  await client.connect();
  try {
    return await work(async (text) => (await client.query(text)).rows);
  } finally {
    await client.end();
  }
}
