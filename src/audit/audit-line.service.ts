import { userInfo } from 'node:os';
import type { Executor } from '../db/db.ts';
import { operator, scopeOf, type Principal } from '../access/principal.ts';
import { insertAuditLine } from './audit.repository.ts';

/** Who acts: a principal (a user of the platform, or the operator at the command line). */
export type Actor = Principal;

export function cliActor(configured?: string): Actor {
  if (configured) return { ...operator(configured), id: configured };
  let name = 'unknown';
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (some containers): keep "unknown"
  }
  return operator(name);
}

export const SYSTEM_ACTOR: Actor = { ...operator('system'), id: 'system' };

export interface AuditEntry {
  actor: Actor;
  action: string;
  /** What the line is about, as text (`case:BE:BE-001`, `state:BE`, `round:2020-2021`). */
  subject: string;
  /** The tenant the line belongs to: the state whose data was touched; null for platform lines. */
  stateCode?: string | null;
  /** Why: the operation that did it (GDPR art. 5(1)(b)); defaults to the action. */
  purpose?: string;
  /** The records read or written: case and person references. */
  recordIds?: string[];
  /** The fields shown or changed. */
  fields?: string[];
  details?: Record<string, unknown>;
}

/**
 * Writes one audit line in the caller's transaction: if it fails, the action fails with it. The
 * database chains the line to its tenant's previous one (hash) and refuses to change it later.
 */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await insertAuditLine(db, {
    actor: entry.actor.id,
    role: entry.actor.role,
    tenant: scopeOf(entry.actor).tenant,
    action: entry.action,
    purpose: entry.purpose ?? entry.action,
    subject: entry.subject,
    stateCode: entry.stateCode ?? null,
    recordIds: entry.recordIds ?? [],
    fields: entry.fields ?? [],
    details: entry.details ?? {},
  });
}
