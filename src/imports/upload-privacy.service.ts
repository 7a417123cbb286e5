import type { Executor } from '../db/db.ts';
import { blankCommittedContent, deleteUncommittedBefore } from './upload-privacy.repository.ts';

/** Storage limitation on uploads, for `src/privacy/`; the caller owns the transaction and audits. */

/**
 * Deletes the uploads not committed and uploaded before `before` (an ISO timestamp), then drops
 * what is left of committed uploads' content and quoted rows. Returns the uploads deleted (id,
 * state) and those blanked.
 */
export async function expireUploads(opts: {
  db: Executor;
  before: string;
}): Promise<{ deleted: { id: number; stateCode: string }[]; blanked: { id: number }[] }> {
  const deleted = await deleteUncommittedBefore(opts.db, opts.before);
  const blanked = await blankCommittedContent(opts.db);
  return { deleted, blanked };
}
