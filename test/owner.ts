import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { APP_ROLE, type Database } from '../src/db/db.ts';

/** The URL of `database` (a suite's fresh PostgreSQL database) as `base`'s role. */
function urlFor(database: Database, base: string): string {
  const u = new URL(base);
  u.pathname = new URL(database.location).pathname;
  return u.toString();
}

/**
 * Raw SQL as the tables' owner — what an attacker with the owner's password, or a careless
 * administrator, could do. PGlite: the superuser its one connection really is; PostgreSQL: the
 * DATABASE_URL role that ran the migrations.
 */
export async function asOwner<T = Record<string, unknown>>(database: Database, text: string, params: unknown[] = []): Promise<T[]> {
  if (database.kind === 'pglite') {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const role = await currentRole(client);
    await client.exec('RESET ROLE');
    try {
      if (params.length === 0) return ((await client.exec(text)).at(-1)?.rows ?? []) as T[];
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.exec(`SET ROLE ${role}`);
    }
  }
  // The owner is bound by the forced policies too: it acts in the operator's scope.
  const c = new pg.Client({ connectionString: urlFor(database, process.env.DATABASE_URL!), options: '-c pathways.tenant=*' });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/**
 * Raw SQL on a connection of the application's role that has set no scope at all — the state of
 * any connection before `inScope` runs.
 */
export async function asUnscopedApp<T = Record<string, unknown>>(database: Database, text: string, params: unknown[] = []): Promise<T[]> {
  if (database.kind === 'pglite') {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const [{ before }] = (await client.query<{ before: string }>(`SELECT coalesce(current_setting('pathways.tenant', true), '') AS before`))
      .rows as [{ before: string }];
    // The suite's connection may be the operator's (scope '*'): the application's role, unscoped.
    const role = await currentRole(client);
    await client.exec(`SET ROLE ${APP_ROLE}`);
    await client.query(`SELECT set_config('pathways.tenant', '', false)`);
    try {
      return (await client.query<T>(text, params)).rows;
    } finally {
      await client.exec(`SET ROLE ${role}`);
      await client.query(`SELECT set_config('pathways.tenant', $1, false)`, [before]);
    }
  }
  const c = process.env.DATABASE_APP_URL
    ? new pg.Client({ connectionString: urlFor(database, process.env.DATABASE_APP_URL) })
    : new pg.Client({ connectionString: urlFor(database, process.env.DATABASE_URL!), options: `-c role=${APP_ROLE}` });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

async function currentRole(client: PGlite): Promise<string> {
  return (await client.query<{ r: string }>('SELECT current_user AS r')).rows[0]!.r;
}

/** What the database said, under the query wrapper's message (drizzle puts it in `cause`). */
export async function databaseRefusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (e) {
    const err = e as Error & { cause?: Error };
    return `${err.message} :: ${err.cause?.message ?? ''}`;
  }
  return 'no refusal';
}
