import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { programmeForCase } from '../programmes/programme.service.ts';
import { checkCaseVersion, findCase } from './case-changes.service.ts';
import { updateCaseProgramme } from './case.repository.ts';

/**
 * A case joins a programme (or leaves it: `programme` null). The programme must be the case's
 * state's or an EU one, active, and of the case's pathway (src/programmes decides): its admissions
 * then count under it in the returns of point 27. Refused against an older version of the case
 * (412); raises the case's version (its ETag); audited.
 */
export async function joinProgramme(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  caseRef: string;
  programme: string | null;
  expectedVersion: number;
}): Promise<{ caseRef: string; programme: string | null; version: number }> {
  const { db, actor, stateCode, caseRef } = opts;
  authorize(policies.changeCase, actor, { stateCode });
  const c = await findCase(db, stateCode, caseRef, true);
  checkCaseVersion(caseRef, opts.expectedVersion, c.version);
  const programmeId =
    opts.programme === null ? null : await programmeForCase(db, { code: opts.programme, stateCode, caseRef, pathway: c.pathway });
  const version = c.version + 1;
  await updateCaseProgramme(db, c.id, programmeId, version);
  await recordAudit(db, {
    actor,
    action: 'case.programme',
    subject: `case:${stateCode}:${caseRef}`,
    stateCode,
    recordIds: [`case:${caseRef}`],
    fields: ['programme'],
    details: { from: c.programmeId, programme: opts.programme, version },
  });
  return { caseRef, programme: opts.programme, version };
}
