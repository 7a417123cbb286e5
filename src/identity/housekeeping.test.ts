import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import { rows, sql, type Database } from '../db/db.ts';
import { databaseKinds } from '../../test/databases.ts';
import { signIn } from '../../test/sessions.ts';
import { ENDED_SESSION_DAYS, LOGIN_ATTEMPT_DAYS, purgeIdentityRecords } from './housekeeping.ts';

const OPERATOR = operator('housekeeping-test');

describe.each(databaseKinds)('housekeeping of sign-in records ($name)', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
  });
  afterAll(async () => database?.close());

  it('removes attempts older than the retention and long-ended sessions, and keeps the rest', async () => {
    const live = await signIn(database, { role: 'commission_analyst' });
    const old = await signIn(database, { role: 'commission_analyst' });
    const now = '2026-11-28T12:00:00Z';
    const day = 86_400_000;
    const at = (days: number) => new Date(Date.parse(now) - days * day).toISOString();
    await inScope(database.db, OPERATOR, async (tx) => {
      await tx.execute(sql`DELETE FROM login_attempts`);
      for (const d of [LOGIN_ATTEMPT_DAYS + 1, LOGIN_ATTEMPT_DAYS - 1, 0]) {
        await tx.execute(
          sql`INSERT INTO login_attempts (at, username, address, succeeded) VALUES (${at(d)}, ${`u${d}`}, '127.0.0.1', false)`,
        );
      }
      await tx.execute(sql`UPDATE sessions SET expires_at = ${at(ENDED_SESSION_DAYS + 1)} WHERE user_id = ${old.principal.userId}`);
      await tx.execute(sql`UPDATE sessions SET expires_at = ${at(-1)} WHERE user_id = ${live.principal.userId}`);
    });
    const purged = await inScope(database.db, OPERATOR, (tx) => purgeIdentityRecords(tx, now));
    expect(purged).toEqual({ loginAttempts: 1, sessions: 1 });
    const left = await inScope(database.db, OPERATOR, (tx) =>
      rows<{ users: string[]; sessions: number[] }>(
        tx,
        sql`SELECT (SELECT array_agg(username ORDER BY username) FROM login_attempts) AS users,
                   (SELECT array_agg(user_id::int ORDER BY user_id) FROM sessions WHERE user_id IN (${live.principal.userId}, ${old.principal.userId})) AS sessions`,
      ),
    );
    expect(left).toEqual([{ users: ['u0', `u${LOGIN_ATTEMPT_DAYS - 1}`].sort(), sessions: [live.principal.userId] }]);
  });
});
