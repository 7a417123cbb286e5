import { PGlite } from '@electric-sql/pglite';
import { appError } from '../i18n/problem.ts';
import { sql, type ExtractTablesWithRelations, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { lockDataDir } from './lockfile.ts';
import { asPglite, LATER_MARK, openThreadedPglite, type ThreadedPglite } from './pglite-thread.ts';
import type * as schema from './schema.ts';

/**
 * The tables' types. The handles are made without the schema itself: no statement uses drizzle's
 * relational queries (`db.query.…`), and with the schema every transaction's handle built a query
 * builder for each of the 46 tables, 13–17 µs a transaction (0.1 µs without), a transaction or more per request.
 */
export type Schema = typeof schema;
/** A database handle or a transaction: services take either, and the caller owns the transaction. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages: a folder or a server address without password. */
  location: string;
  /**
   * Runs `work` in one transaction as the operator role (`pathways_operator`), the only role besides
   * the owner for which the scope '*' counts (migration 0012): the server's scheduled jobs. On
   * PostgreSQL a connection of the owner's URL that switches to that role; the application's own
   * connections cannot give themselves '*'.
   */
  asOperator<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL URL; when absent the embedded database is used. */
  url?: string | undefined;
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string | undefined;
  /**
   * Run after the migrations, as the owner and under the migrations' lock: loading the reference data
   * (`seedReferenceData` of src/seed, which the callers pass; the opener itself knows no feature).
   */
  prepare?: ((ownerDb: Db) => Promise<void>) | undefined;
  /**
   * PostgreSQL URL of the application's own role (`pathways_app`, which owns nothing). When absent,
   * the connections of `url` switch to that role as they open (`SET ROLE`); set it in production
   * so that the application cannot even switch back (docs/security.md).
   */
  appUrl?: string | undefined;
  /**
   * The scope a connection starts in: '*' for the operator at the command line (every state, as
   * psql would be), whose connections are then the operator role's (`pathways_operator`, reached
   * from the owner's URL: the application's role may not hold '*'); absent for the server, where
   * each transaction names its scope and a connection that names none sees nothing
   * (src/access/scope.ts).
   */
  scope?: '*' | undefined;
  /**
   * The embedded database in a worker thread (default), so that a long statement holds that thread
   * and not the event loop (issue 19); false runs it in this thread (the thread's own tests compare).
   */
  thread?: boolean | undefined;
  /**
   * The embedded database's data folder as a tarball (PGlite's `dumpDataDir`), loaded into a folder
   * that holds none yet instead of an empty database: the tests open copies of one migrated, seeded
   * database (test/template.ts). The migrations and `prepare` still run and find nothing left to do.
   */
  loadDataDir?: Uint8Array<ArrayBuffer> | undefined;
}

/** The role the application runs as: no table of its own, row-level security applies to it. */
export const APP_ROLE = 'pathways_app';
/** The operator's role: the application's rights, bound by row-level security, and the scope '*' (migration 0012). */
export const OPERATOR_ROLE = 'pathways_operator';

/** A connection's setting: no JIT compilation (see `openPostgres`). */
export const NO_JIT = '-c jit=off';
const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const DATE_OID = 1082;
const TIMESTAMPTZ_OID = 1184;
const keepText = (v: string) => v;

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  return opts.url ? await openPostgres(opts.url, opts) : await openPglite(opts.dataDir ?? './.pathways', opts);
}

async function openPglite(dataDir: string, opts: OpenOptions): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : lockDataDir(dataDir);
  let client: PGlite | ThreadedPglite | undefined;
  try {
    const where = inMemory ? 'memory://' : join(dataDir, 'pgdata');
    client =
      opts.thread === false
        ? await PGlite.create(where, {
            parsers: { [DATE_OID]: keepText, [TIMESTAMPTZ_OID]: keepText },
            ...(opts.loadDataDir ? { loadDataDir: new Blob([opts.loadDataDir]) } : {}),
          })
        : await openThreadedPglite(where, [DATE_OID, TIMESTAMPTZ_OID], opts.loadDataDir);
    const db = drizzlePglite({ client: client instanceof PGlite ? client : asPglite(client) });
    await migratePglite(db, { migrationsFolder });
    await opts.prepare?.(db as unknown as Db);
    // The daily retention job vacuums the embedded database (src/privacy/retention.ts), as the
    // application's role: PGlite is PostgreSQL 18, whose pg_maintain lets it without owning a table.
    await client.exec(`GRANT pg_maintain TO ${APP_ROLE}`);
    // PGlite runs as a superuser, which row-level security does not bind: from here on the one
    // connection is the application's role (or the operator's), bound like on PostgreSQL.
    await client.exec(`SET ROLE ${opts.scope ? OPERATOR_ROLE : APP_ROLE}`);
    if (opts.scope) await client.query(`SELECT set_config('pathways.tenant', $1, false)`, [opts.scope]);
    const opened = client;
    return {
      db: db as unknown as Db,
      kind: 'pglite',
      location: inMemory ? 'memory' : dataDir,
      // The one connection's session is the superuser's, so a transaction may switch to the operator.
      asOperator: (work) =>
        (db as unknown as Db).transaction(async (tx) => {
          await tx.execute(sql.raw(`SET LOCAL ROLE ${OPERATOR_ROLE}`));
          return work(tx);
        }),
      async close() {
        try {
          if (!opened.closed) await opened.close();
        } finally {
          release();
        }
      },
    };
  } catch (e) {
    if (client && !client.closed) await client.close().catch(() => {});
    release();
    throw e;
  }
}

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === DATE_OID || oid === TIMESTAMPTZ_OID
      ? keepText
      : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

async function openPostgres(url: string, opts: OpenOptions): Promise<Database> {
  // Migrations and reference data as the owner, on one connection; everything else as the app role.
  const owner = new pg.Pool({ connectionString: url, max: 1, types });
  // The operator ('*') switches from the owner to its own role; the application connects as its role
  // (DATABASE_APP_URL) or, where that is unset, switches to it (which a connection can undo: RESET ROLE).
  // Issue 17: no JIT compilation for the platform's statements. Row-level security makes the planner's
  // estimates of ordinary statements large (a write of 20,000 incentives, the distinct evidence of an
  // import) and past jit_above_cost on tables of a million rows, whose compilation then took
  // 0.57–0.83 s of a statement that ran in 0.2–0.6 s (docs/benchmarks.md). Nothing the platform runs
  // is a long analytic scan that compiled expressions would pay back.
  const operatorStartup = `-c role=${OPERATOR_ROLE} -c pathways.tenant=* ${NO_JIT}`;
  const startup = opts.scope ? operatorStartup : opts.appUrl ? NO_JIT : `-c role=${APP_ROLE} ${NO_JIT}`;
  const pool = new pg.Pool({
    connectionString: opts.scope ? url : (opts.appUrl ?? url),
    max: 8,
    types,
    options: startup,
  });
  const location = redact(url);
  let operatorPool: pg.Pool | undefined;
  const operatorDb = (): Db => {
    if (opts.scope) return drizzlePg({ client: pool }) as unknown as Db;
    if (!operatorPool) {
      operatorPool = new pg.Pool({ connectionString: url, max: 2, types, options: operatorStartup });
      operatorPool.on('error', (e) => console.error(`PostgreSQL connection lost (${location}): ${e.message}`));
    }
    return drizzlePg({ client: operatorPool }) as unknown as Db;
  };
  // An idle connection the server ends (a restart, an administrator) must not take the process down:
  // the pool drops it and the next query opens another.
  pool.on('error', (e) => console.error(`PostgreSQL connection lost (${location}): ${e.message}`));
  pool.on('connect', (client) => preparedStatements(client));
  owner.on('error', (e) => console.error(`PostgreSQL connection lost (${location}): ${e.message}`));
  try {
    const db = drizzlePg({ client: pool });
    // Two processes starting at once must not both migrate.
    const conn = await owner.connect();
    let ready = false;
    try {
      const missing = missingPipelineParts(conn);
      if (missing.length > 0)
        throw new Error(
          `This version of pg lacks what src/db/db.ts pipelines statements with (${missing.join(', ')}): install the version package.json pins`,
        );
      await conn.query('SELECT pg_advisory_lock(727274)');
      const ownerDb = drizzlePg({ client: conn });
      await migratePg(ownerDb, { migrationsFolder });
      await opts.prepare?.(ownerDb as unknown as Db);
      ready = true;
    } finally {
      await conn.query('SELECT pg_advisory_unlock(727274)').catch(() => {});
      conn.release();
      await owner.end().catch(() => {});
    }
    // The first connection of the pool: a role this user may not switch to fails here, not at the first request.
    if (ready) await pool.query('SELECT 1');
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      location,
      asOperator: (work) => operatorDb().transaction(work),
      close: async () => {
        await pool.end();
        await operatorPool?.end();
      },
    };
  } catch (e) {
    await pool.end().catch(() => {});
    await owner.end().catch(() => {});
    if (e instanceof AppError) throw e;
    // A shared cluster's roles exist, but this user is no member of them (GRANT … TO owner).
    const denied = e as { code?: string; message?: string };
    const setRole = /permission denied to set role "?([a-z_]+)"?/i.exec(denied.message ?? '');
    if (denied.code === '42501' && setRole) {
      throw appError(ErrorCode.Configuration, 'appRoleNotMember', { role: setRole[1]!, owner: ownerName(url), p1: location });
    }
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === '28P01' || err.code === '3D000') {
      throw appError(ErrorCode.DatabaseUnavailable, 'postgresUnreachable', { p1: location, p2: err.message });
    }
    // The migrations create the application's role where it is missing; a role without CREATEROLE cannot.
    const cause = (e as { cause?: { code?: string; message?: string } }).cause ?? (e as { code?: string; message?: string });
    if (cause.code === '42501' && /role/i.test(cause.message ?? '')) {
      throw appError(ErrorCode.Configuration, 'appRoleMissing', { role: APP_ROLE, p1: location });
    }
    throw e;
  }
}

const PREPARED_PER_CONNECTION = 1000;

/**
 * The parts of pg's client that preparedStatements reads besides its public API (pg is pinned in
 * package.json for them): its pipeline switch, its three queues and its socket's cork. Returns the
 * ones missing, so that another version of pg is refused when the database opens, with their names,
 * and not by a transaction that goes wrong later.
 */
export function missingPipelineParts(client: unknown): string[] {
  const c = client as Record<string, unknown> & { connection?: { stream?: Record<string, unknown> } };
  const missing: string[] = [];
  if (typeof c.pipeline !== 'boolean') missing.push('pipeline');
  for (const queue of ['_sentQueryQueue', '_queryQueue'] as const) if (!Array.isArray(c[queue])) missing.push(queue);
  if (!('_activeQuery' in c)) missing.push('_activeQuery');
  if (typeof c.connection?.stream?.cork !== 'function' || typeof c.connection.stream.uncork !== 'function')
    missing.push('connection.stream.cork');
  if (typeof prepareValue !== 'function') missing.push("pg/lib/utils.js's prepareValue");
  return missing;
}

/**
 * Marks the statement a transaction begins with (its scope: src/access/scope.repository.ts), which
 * on PostgreSQL then carries the transaction's BEGIN in the same round trip (preparedStatements).
 */
const FIRST_MARK = '/*first*/ ';
export const FIRST_IN_TRANSACTION = sql.raw(FIRST_MARK);
/**
 * Marks a statement whose result nobody reads and whose failure nobody catches apart (an audit line,
 * a kept answer). On the embedded database in its thread it goes with the transaction's next
 * message (src/db/pglite-thread.ts, LATER_MARK). On PostgreSQL, inside a transaction, it is sent at
 * once as the prepared statement it is, and the caller goes on without waiting for its answer: the
 * transaction's next statement (or its COMMIT) follows it on the wire in the same round trip
 * (pg's pipeline mode, for as long as such a statement is unanswered), and its error is that next
 * statement's (preparedStatements).
 */
export const RESULT_UNREAD = sql.raw(LATER_MARK);
/**
 * Both: the statement a transaction begins with, whose result nobody reads (a scope that fails the
 * transaction where it fails). On PostgreSQL BEGIN and it go in one simple query, and the transaction's
 * next statement follows without a wait.
 */
export const FIRST_UNREAD = sql.raw(LATER_MARK + FIRST_MARK);
const NO_RESULT = { command: '', rowCount: null, rows: [], fields: [] };

/** pg's own conversion of a parameter to the text it sends: a literal of it means the same. */
const { prepareValue } = createRequire(import.meta.url)('pg/lib/utils.js') as { prepareValue: (v: unknown) => unknown };

/**
 * Parameterised queries become named prepared statements on each connection: PostgreSQL then
 * plans a query once per connection instead of at every call, which row-level security makes
 * costly (its policies are planned into every query). The name is a hash of the text; a
 * connection keeps at most PREPARED_PER_CONNECTION of them, beyond which queries go unnamed.
 *
 * One round trip fewer per transaction (issue 17): BEGIN waits for the transaction's first
 * statement. Where that statement is marked FIRST_IN_TRANSACTION (the scope, which needs no plan to
 * keep), both go in one simple query (`BEGIN; SELECT …`), its parameters written as literals of what
 * pg itself would send (prepareValue, then the driver's escapeLiteral); any other goes after BEGIN,
 * as it would have. A transaction that ends before any statement sends nothing at all. (Sending
 * more statements that way, unprepared, measured slower: they lose their kept plans.)
 *
 * A statement marked RESULT_UNREAD inside a transaction is not waited for (issue 17): it is sent, the
 * caller gets an empty result at once, and the connection stays in pg's pipeline mode until every
 * such statement has its answer, so that the transaction's next statement goes out behind it without
 * a round trip in between. That next statement's answer waits for theirs: where one of them failed,
 * the next statement fails with its error (PostgreSQL answers a COMMIT after a failed statement
 * with a ROLLBACK, not an error; here it is the error), but a ROLLBACK still rolls back. A COPY or
 * any query of its own kind (pipeline mode refuses those) first waits for them, outside the pipeline.
 */
function preparedStatements(client: pg.PoolClient): void {
  const names = new Set<string>();
  let pendingBegin = false;
  let inTransaction = false;
  /** The RESULT_UNREAD statements sent and not yet answered (each settles to its error, or null). */
  let unread: Promise<unknown>[] = [];
  const pipelined = client as unknown as { pipeline: boolean; _sentQueryQueue: unknown[]; _queryQueue: unknown[]; _activeQuery: unknown };
  /** Out of pipeline mode once nothing is on the wire: pg's ordinary mode then takes over where it left. */
  const leavePipeline = () => {
    if (
      unread.length === 0 &&
      pipelined.pipeline &&
      !pipelined._activeQuery &&
      pipelined._sentQueryQueue.length === 0 &&
      pipelined._queryQueue.length === 0
    )
      pipelined.pipeline = false;
  };
  /** The answers of the unread statements sent before: the first error among them, or null. */
  const unreadError = async (): Promise<unknown> => {
    const waiting = unread;
    if (waiting.length === 0) return null;
    const errors = await Promise.all(waiting);
    unread = unread.filter((u) => !waiting.includes(u));
    return errors.find((e) => e !== null) ?? null;
  };
  const raw = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  // The statements sent without a wait go out in one write with the statement that follows them: each
  // write to a socket is a system call and a packet, the largest part of this process's CPU under load.
  const stream = (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;
  let corked = false;
  const uncork = () => {
    if (!corked) return;
    corked = false;
    stream.uncork();
  };
  const cork = () => {
    if (corked) return;
    corked = true;
    stream.cork();
    // Whatever comes next, not later than the next turn of the event loop.
    setImmediate(uncork);
  };
  /** A query sent behind unread statements: its answer, but their error where one failed (a ROLLBACK is still a ROLLBACK). */
  const query = (config: unknown, ...rest: unknown[]): Promise<unknown> => {
    leavePipeline();
    if (rest.some((r) => typeof r === 'function')) return raw(config, ...rest);
    const plain =
      typeof config === 'string' ||
      (config !== null && typeof config === 'object' && 'text' in config && !('submit' in config) && !('rows' in config));
    if (unread.length === 0) {
      // Statements of one transaction sent together (Promise.all): each follows the one still on the
      // wire without waiting for its answer, the ones sent in the same turn in one write.
      const busy = pipelined._activeQuery || pipelined._queryQueue.length > 0 || pipelined._sentQueryQueue.length > 0;
      if (!(inTransaction && plain && busy)) return raw(config, ...rest);
      pipelined.pipeline = true;
      cork();
      return raw(config, ...rest).finally(leavePipeline);
    }
    // A ROLLBACK (or to a savepoint) undoes the unread statements with the rest: their error is not its own.
    const text = typeof config === 'string' ? config : (config as { text?: unknown }).text;
    const rollback = typeof text === 'string' && /^\s*rollback\b/i.test(text);
    // Pipeline mode refuses a COPY or a cursor, which pg returns at once as a stream: the caller waits first (settleUnread).
    if (!plain) throw new Error('A COPY or a cursor waits for the statements sent before it (settleUnread of src/db/db.ts)');
    const sent = raw(config, ...rest);
    uncork();
    const answer = sent.then(
      (r) => ({ r, e: null as unknown }),
      (e: unknown) => ({ r: undefined, e }),
    );
    return Promise.all([answer, unreadError()]).then(([a, e]) => {
      leavePipeline();
      if (e !== null && !rollback) throw e;
      if (a.e !== null) throw a.e;
      return a.r;
    });
  };
  (client as unknown as Unsettled)[SETTLE] = async () => {
    if (pendingBegin) {
      pendingBegin = false;
      sendUnread('BEGIN', []);
    }
    uncork();
    const e = await unreadError();
    leavePipeline();
    if (e !== null) throw e;
  };
  const sendUnread = (config: unknown, rest: unknown[]): Promise<unknown> => {
    pipelined.pipeline = true;
    cork();
    unread.push(
      raw(withName(config, rest), ...rest).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    return Promise.resolve({ ...NO_RESULT, command: 'UNREAD' });
  };
  /** Whether the caller reads rows as arrays (drizzle's selects): such a statement is always waited for. */
  const rowMode = (config: unknown) => Boolean((config as { rowMode?: unknown } | null)?.rowMode);
  const inTransactionQuery = (config: unknown, rest: unknown[], text: string): Promise<unknown> =>
    text.startsWith(LATER_MARK) && !rowMode(config) ? sendUnread(config, rest) : named(config, rest);
  /** The statement with its parameters as literals, or null where one cannot be (binary data). */
  const inline = (text: string, values: unknown[]): string | null => {
    const literals: string[] = [];
    for (const v of values) {
      const t = prepareValue(v);
      if (t === null || t === undefined) literals.push('NULL');
      else if (typeof t === 'string') literals.push(client.escapeLiteral(t));
      else return null;
    }
    return text.replace(/\$(\d+)/g, (_, n: string) => literals[Number(n) - 1]!);
  };
  /** The query as a named prepared statement, where it can be one. */
  const withName = (config: unknown, rest: unknown[]): unknown => {
    if (config && typeof config === 'object' && 'text' in config && !(config as { name?: string }).name) {
      const c = config as { text: string; values?: unknown[] };
      const values = c.values ?? (Array.isArray(rest[0]) ? rest[0] : undefined);
      if (values && values.length > 0 && c.text.length < 8000) {
        const name = `p${createHash('sha1').update(c.text).digest('base64url')}`;
        if (names.has(name) || names.size < PREPARED_PER_CONNECTION) {
          names.add(name);
          return { ...c, name };
        }
      }
    }
    return config;
  };
  const named = (config: unknown, rest: unknown[]): Promise<unknown> => query(withName(config, rest), ...rest);
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (config: unknown, ...rest: unknown[]) => {
    const text =
      typeof config === 'string'
        ? config
        : config && typeof config === 'object' && 'text' in config
          ? (config as { text: string }).text
          : undefined;
    // Callbacks (pg-pool's own queries) and anything else pass as they are: they are never inside our transactions.
    if (rest.some((r) => typeof r === 'function') || text === undefined) return named(config, rest);
    const values = (config as { values?: unknown[] } | null)?.values ?? (Array.isArray(rest[0]) ? (rest[0] as unknown[]) : []);
    const word = values.length === 0 ? text.trim().toLowerCase() : '';
    if (word === 'begin' && !pendingBegin) {
      pendingBegin = true;
      inTransaction = true;
      return Promise.resolve({ ...NO_RESULT, command: 'BEGIN' });
    }
    if (word === 'commit' || word === 'rollback') inTransaction = false;
    // Outside a transaction a statement is waited for: the connection goes back to the pool with its answer.
    if (!pendingBegin) return inTransaction ? inTransactionQuery(config, rest, text) : named(config, rest);
    pendingBegin = false;
    // Nothing ran: nothing to commit or roll back.
    if (word === 'commit' || word === 'rollback') return Promise.resolve({ ...NO_RESULT, command: word.toUpperCase() });
    const types = (config as { types?: unknown } | null)?.types;
    const unreadFirst = text.startsWith(LATER_MARK + FIRST_MARK);
    const first = (text.startsWith(FIRST_MARK) || unreadFirst) && !rowMode(config);
    const self = first ? inline(text, values) : null;
    // The scope whose answer nobody reads (it fails the transaction where it fails): the next statement follows it.
    if (self !== null && unreadFirst) return sendUnread({ text: `BEGIN;\n${self}` }, []);
    if (self !== null) return query({ text: `BEGIN;\n${self}`, ...(types ? { types } : {}) }).then((r) => (r as unknown[]).at(-1));
    // Any other goes on the wire behind BEGIN, whose answer nobody reads either.
    sendUnread('BEGIN', []);
    return inTransactionQuery(config, rest, text);
  };
}

const SETTLE = Symbol('settleUnread');
type Unsettled = { [SETTLE]?: () => Promise<void> };

/**
 * Before a query that pg hands back at once as a stream (a COPY): the transaction's BEGIN sent and
 * every statement sent before it answered, their error thrown (pg's pipeline mode refuses streams).
 */
export async function settleUnread(client: unknown): Promise<void> {
  await (client as Unsettled)[SETTLE]?.();
}

function ownerName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || 'CURRENT_USER';
  } catch {
    return 'CURRENT_USER';
  }
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Rows of a raw SQL query, the same shape on both drivers. */
export async function rows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** One round trip to the database (the server's `/health`): resolves when it answers, rejects when it fails. */
export async function pingDatabase(db: Executor): Promise<void> {
  await db.execute(sql`SELECT 1`);
}

export { sql };
