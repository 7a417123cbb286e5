import { userInfo } from 'node:os';
import type { Executor } from '../db/db.ts';
import { auditLog } from './audit.table.ts';

/** Who acts: a user of the platform or, on the command line, the operating-system user. */
export interface Actor {
  id: string;
}

export function cliActor(configured?: string): Actor {
  if (configured) return { id: configured };
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return { id: `cli:${name}` };
}

export const SYSTEM_ACTOR: Actor = { id: 'system' };

/** Writes one audit line. Call it with the transaction of the change it records. */
export async function recordAudit(
  db: Executor,
  entry: { actor: Actor; action: string; subject: string; stateCode?: string | null; details?: Record<string, unknown> },
): Promise<void> {
  await db.insert(auditLog).values({
    actor: entry.actor.id,
    action: entry.action,
    subject: entry.subject,
    stateCode: entry.stateCode ?? null,
    details: entry.details ?? {},
  });
}
