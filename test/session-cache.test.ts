import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApi } from '../src/api/api.ts';
import { openDatabase, type Database } from '../src/db/db.ts';
import { revokeSession } from '../src/identity/session.ts';
import { databaseKinds } from './databases.ts';
import { signInAs } from './factories.ts';
import { asOwner } from './owner.ts';

/**
 * Issue 17: the server keeps a session's principal in memory, so that a request needs no lookup of
 * its own; every transaction of the request checks, in the statement that sets its scope, that the
 * session is still live and the same principal. A revocation, a disabled user or a changed role made
 * elsewhere (another process: on PostgreSQL another pool) takes effect at the very next request.
 */
describe.each(databaseKinds)('sessions kept in memory ($name)', (kind) => {
  let database: Database;
  /** Another process's handle on the same database (PGlite: the one process there can be). */
  let elsewhere: Database;
  let api: ReturnType<typeof createApi>;
  beforeAll(async () => {
    database = await kind.open();
    elsewhere =
      kind.name === 'postgres'
        ? await openDatabase({
            url: (() => {
              const u = new URL(process.env.DATABASE_URL!);
              u.pathname = new URL(database.location).pathname;
              return u.toString();
            })(),
          })
        : database;
    api = createApi(database, { identity: false });
  }, 120_000);
  afterAll(async () => {
    if (elsewhere !== database) await elsewhere?.close();
    await database?.close();
  });

  const list = (headers: Record<string, string>) => api.request('/api/states/BE/cases?limit=1', { headers });

  it('serves a known session without looking it up again', async () => {
    const officer = await signInAs.officer(database, 'BE');
    expect((await list(officer.headers)).status).toBe(200);
    // The lookup of a session fails from here on: the session already known is still served (and
    // checked in its transaction), a session not seen yet is not.
    const other = await signInAs.officer(database, 'BE');
    await asOwner(database, `ALTER FUNCTION session_principal(text, int) RENAME TO session_principal_away`);
    try {
      expect((await list(officer.headers)).status).toBe(200);
      expect((await list(other.headers)).status).toBe(500);
    } finally {
      await asOwner(database, `ALTER FUNCTION session_principal_away(text, int) RENAME TO session_principal`);
    }
  });

  it('refuses a session revoked elsewhere at the next request', async () => {
    const officer = await signInAs.officer(database, 'BE');
    expect((await list(officer.headers)).status).toBe(200);
    expect((await list(officer.headers)).status).toBe(200);
    await elsewhere.db.transaction((tx) => revokeSession(tx, officer.token));
    const refused = await list(officer.headers);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'unauthenticated' });
    expect((await list(officer.headers)).status).toBe(401);
  });

  it('reads and writes nothing for a session over, though the statements follow its check without waiting for it', async () => {
    // The check fails the transaction (migration 0017) and the route's statements are already on the
    // wire behind it (src/db/db.ts, FIRST_UNREAD): none of them may take effect, the audit line included.
    const officer = await signInAs.officer(database, 'BE');
    expect((await list(officer.headers)).status).toBe(200);
    const audited = async () => Number((await asOwner<{ n: string }>(database, 'SELECT count(*) AS n FROM audit_log'))[0]!.n);
    const before = await audited();
    expect((await list(officer.headers)).status).toBe(200);
    // The control: a list that is served writes its audit line.
    expect(await audited()).toBe(before + 1);
    await elsewhere.db.transaction((tx) => revokeSession(tx, officer.token));
    const lines = await audited();
    expect((await list(officer.headers)).status).toBe(401);
    expect(await audited()).toBe(lines);
  });

  it('refuses a session whose user was disabled, or whose role or state changed, at the next request', async () => {
    for (const change of [`disabled_at = now()`, `role = 'auditor'`, `state_code = 'NL'`]) {
      const officer = await signInAs.officer(database, 'BE');
      expect((await list(officer.headers)).status).toBe(200);
      // Straight in the table, as another process's code might, without ending the sessions.
      await asOwner(database, `UPDATE users SET ${change} WHERE id = ${officer.principal.userId}`);
      expect((await list(officer.headers)).status, change).toBe(401);
    }
  });
});
