import type { Executor } from '../db/db.ts';
import type { Actor } from './audit-line.service.ts';
import { insertImportRecord, updateImportCounts } from './audit.repository.ts';

/**
 * The record of an import (`imports`), written in the import's transaction: opened when it starts,
 * its counts set when it ends. The features that import call these (src/cases/person.import.ts).
 */
export function startImportRecord(db: Executor, r: { kind: string; source: string; sha256: string | null; actor: Actor }): Promise<number> {
  return insertImportRecord(db, { kind: r.kind, source: r.source, sha256: r.sha256, actor: r.actor.id });
}

export function finishImportRecord(
  db: Executor,
  importId: number,
  counts: { rows: number; added: number; updated: number; unchanged: number },
): Promise<void> {
  return updateImportCounts(db, importId, counts);
}
