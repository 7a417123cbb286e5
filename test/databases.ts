import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../src/db/db.ts';
import { openSeededDatabase } from '../src/seed/seed.ts';
import { createTestDatabase, databaseUrl, openPgliteCopy } from './template.ts';

/**
 * The databases every database test runs on: the embedded one always, PostgreSQL where
 * DATABASE_URL is set (CI sets it). Each test suite gets a fresh, migrated, seeded database: a copy
 * of the run's template (test/template.ts).
 */
export interface TestDatabaseKind {
  name: 'pglite' | 'postgres';
  open: () => Promise<Database>;
}

export const databaseKinds: TestDatabaseKind[] = [
  { name: 'pglite', open: () => freshPglite() },
  ...(process.env.DATABASE_URL ? [{ name: 'postgres' as const, open: () => freshPostgres(process.env.DATABASE_URL!) }] : []),
];

/** A new embedded database in memory, migrated and seeded (`openSeededDatabase`): a copy of the run's template. */
export function freshPglite(opts: { scope?: '*'; thread?: boolean } = { scope: '*' }): Promise<Database> {
  return openPgliteCopy({ dataDir: 'memory://', ...opts });
}

/** A new database on the server of `adminUrl` (a copy of the run's template), dropped again when the handle is closed. */
export async function freshPostgres(adminUrl: string, opts: { scope?: '*' } = { scope: '*' }): Promise<Database> {
  const name = `pathways_test_${randomBytes(6).toString('hex')}`;
  await createTestDatabase(adminUrl, name);
  // Where the application's role can log in (CI), the suite connects as it, as production should.
  const appUrl = process.env.DATABASE_APP_URL ? databaseUrl(process.env.DATABASE_APP_URL, name) : undefined;
  const database = await openSeededDatabase({ url: databaseUrl(adminUrl, name), appUrl, ...opts });
  return {
    ...database,
    async close() {
      await database.close();
      await dropDatabase(adminUrl, name);
    },
  };
}

/**
 * Drops a database of the server of `adminUrl`. The application role's backends may still be on their
 * way out after a pool ended; the test role may not terminate them (only its own), so the drop waits
 * for them a little.
 */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const a = new pg.Client({ connectionString: adminUrl });
  await a.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        break;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (attempt >= 50 || (code !== '42501' && code !== '55006')) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await a.end();
  }
}

/** Where the shared material beside the repository lives (../shared); tests that need it skip with a clear message where it is absent (and fail on CI). */
export const SHARED = new URL('../../shared/', import.meta.url);

/** UNHCR's resettlement arrivals 2015–2024 (CC BY 4.0), shipped in the repository: data/unhcr/README.md. */
export const UNHCR_ARRIVALS = new URL('../data/unhcr/unhcr-resettlement-arrivals-by-origin-2015-2024.csv', import.meta.url);
