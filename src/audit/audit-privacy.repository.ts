import { sql, rows, type Executor } from '../db/db.ts';

/** The SQL of a data subject's access (GDPR art. 15(1)(c)) to the audit trail. */

export const auditLinesAbout = (db: Executor, stateCode: string, personRecord: string, caseRecord: string) =>
  rows<{ at: string; actor: string; role: string | null; action: string; purpose: string | null }>(
    db,
    sql`SELECT at, actor, role, action, purpose FROM audit_lines_about(${stateCode}, ${personRecord}, ${caseRecord})`,
  );
