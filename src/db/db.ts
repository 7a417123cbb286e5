import { PGlite } from '@electric-sql/pglite';
import { appError } from '../i18n/problem.ts';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { lockDataDir } from './lockfile.ts';
import * as schema from './schema.ts';
import { seedReferenceData } from './seed.ts';

export type Schema = typeof schema;
/** A database handle or a transaction: services take either, and the caller owns the transaction. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema>;
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, for messages: a folder or a server address without password. */
  location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL URL; when absent the embedded database is used. */
  url?: string | undefined;
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string | undefined;
  /** Load the reference data (states, countries, rounds, the 2020 Annex). Default true. */
  seed?: boolean;
}

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));
const DATE_OID = 1082;
const TIMESTAMPTZ_OID = 1184;
const keepText = (v: string) => v;

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.url ? await openPostgres(opts.url) : await openPglite(opts.dataDir ?? './.pathways');
  try {
    if (opts.seed !== false) await seedReferenceData(database.db);
  } catch (e) {
    await database.close();
    throw e;
  }
  return database;
}

async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith('memory://');
  const release = inMemory ? () => {} : lockDataDir(dataDir);
  let client: PGlite | undefined;
  try {
    client = await PGlite.create(inMemory ? 'memory://' : join(dataDir, 'pgdata'), {
      parsers: { [DATE_OID]: keepText, [TIMESTAMPTZ_OID]: keepText },
    });
    const db = drizzlePglite({ client, schema });
    await migratePglite(db, { migrationsFolder });
    const opened = client;
    return {
      db: db as unknown as Db,
      kind: 'pglite',
      location: inMemory ? 'memory' : dataDir,
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

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 8,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === DATE_OID || oid === TIMESTAMPTZ_OID ? keepText : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  const location = redact(url);
  // An idle connection the server ends (a restart, an administrator) must not take the process down:
  // the pool drops it and the next query opens another.
  pool.on('error', (e) => console.error(`PostgreSQL connection lost (${location}): ${e.message}`));
  try {
    const db = drizzlePg({ client: pool, schema });
    // Two processes starting at once must not both migrate.
    const conn = await pool.connect();
    try {
      await conn.query('SELECT pg_advisory_lock(727274)');
      await migratePg(drizzlePg({ client: conn, schema }), { migrationsFolder });
    } finally {
      await conn.query('SELECT pg_advisory_unlock(727274)').catch(() => {});
      conn.release();
    }
    return {
      db: db as unknown as Db,
      kind: 'postgres',
      location,
      close: () => pool.end(),
    };
  } catch (e) {
    await pool.end().catch(() => {});
    if (e instanceof AppError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === '28P01' || err.code === '3D000') {
      throw appError(ErrorCode.DatabaseUnavailable, 'postgresUnreachable', { p1: location, p2: err.message },
      );
    }
    throw e;
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

export { sql };
