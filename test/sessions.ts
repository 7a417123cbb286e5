import { randomBytes } from 'node:crypto';
import { operator, type Principal, type Role } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import type { Database } from '../src/db/db.ts';
import { createSession } from '../src/identity/session.ts';
import { createUser } from '../src/identity/user.service.ts';

/**
 * A real account and a real session for a test: the user is written like any other (argon2id
 * hash, audit line), the session is a row whose token the API checks like any other. The second
 * factor is marked passed, as after a real TOTP check (the identity tests prove that check).
 */
export async function signIn(
  database: Database,
  who: { role: Role; stateCode?: string | null; organisation?: string | null; username?: string },
): Promise<{ principal: Principal; token: string; headers: Record<string, string> }> {
  const username = who.username ?? `${who.role}-${who.stateCode ?? who.organisation ?? 'eu'}-${randomBytes(4).toString('hex')}`;
  const admin = operator('test-setup');
  return inScope(database.db, admin, async (tx) => {
    const { id } = await createUser(tx, admin, {
      username,
      displayName: username,
      role: who.role,
      stateCode: who.stateCode ?? null,
      organisation: who.organisation ?? null,
      password: null,
    });
    const session = await createSession(tx, id, { mfaPassed: true });
    const principal: Principal = { id: `user:${id}`, userId: id, username, role: who.role, stateCode: who.stateCode ?? null, organisation: who.organisation ?? null };
    return { principal, token: session.token, headers: { authorization: `Bearer ${session.token}` } };
  });
}
