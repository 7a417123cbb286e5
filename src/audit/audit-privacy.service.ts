import type { Executor } from '../db/db.ts';
import { auditLinesAbout } from './audit-privacy.repository.ts';

/** Who read or changed a household member's data, when and for what (GDPR art. 15(1)(c): recipients). */
export async function accessesAbout(opts: {
  db: Executor;
  stateCode: string;
  caseRef: string;
  personRef: string;
}): Promise<{ at: string; actor: string; role: string | null; action: string; purpose: string | null }[]> {
  return auditLinesAbout(opts.db, opts.stateCode, `person:${opts.personRef}`, `case:${opts.caseRef}`);
}
