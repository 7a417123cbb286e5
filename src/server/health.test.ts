import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Database } from '../db/db.ts';
import { openPgliteCopy } from '../../test/template.ts';
import { createApp, HEALTH_PROBE_WAIT_MS } from './server.ts';

/**
 * `/health` during long work on the embedded database (issue 19, finding 3): its one connection is
 * held by an import's transaction for as long as the import takes; the health check must not wait
 * with it, and must still say so when the database is gone.
 */
describe('/health on the embedded database', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openPgliteCopy({ dataDir: 'memory://' });
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it('answers at once that the database is busy while a transaction holds its one connection, and plainly after', async () => {
    const app = createApp(database);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = database.db.transaction(async (t) => {
      await t.execute(sql`SELECT 1`);
      await held;
    });
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    const busy = await app.request('/health');
    const waited = performance.now() - started;
    expect(busy.status).toBe(200);
    expect(await busy.json()).toEqual({ status: 'ok', database: 'pglite', busy: true });
    expect(waited).toBeLessThan(HEALTH_PROBE_WAIT_MS + 1_000);
    release();
    await tx;
    const free = await app.request('/health');
    expect(free.status).toBe(200);
    expect(await free.json()).toEqual({ status: 'ok', database: 'pglite' });
  });

  it('answers 503 when the database is gone', async () => {
    const other = await openPgliteCopy({ dataDir: 'memory://' });
    const app = createApp(other);
    await other.close();
    const res = await app.request('/health');
    expect(res.status).toBe(503);
  });
});
