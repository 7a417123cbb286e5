import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { recordAudit } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import type { Translate } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import { incentivesOfCase, refreshIncentives, type MemberIncentive } from '../incentives/incentive.service.ts';
import { isVulnerableGroup, VULNERABLE_GROUPS } from '../incentives/incentive.ts';
import { checkCaseVersion, findCase } from './case-changes.service.ts';
import { selectMemberGroupsForUpdate, updateCaseVersion, updatePersonGroups } from './case.repository.ts';

/**
 * A case's AMIF incentives: its members' incentives read with the case, and the vulnerable groups
 * a state records for a member (a change of the case: its version raised, the member's incentive
 * recomputed by src/incentives from the new evidence).
 */

/** The incentives of a case's members, each with its history (why each change), explained in `t`'s language. Audited. */
export async function caseIncentives(
  db: Executor,
  principal: Principal,
  opts: { stateCode: string; caseRef: string; t: Translate },
): Promise<{ caseId: number; version: number; members: MemberIncentive[] }> {
  const { stateCode, caseRef } = opts;
  // A person's incentive is part of the case: its state's officers only (the Commission reads totals).
  authorize(policies.listCases, principal, { stateCode });
  const c = await findCase(db, stateCode, caseRef);
  const members = await incentivesOfCase(db, c.id, opts.t);
  await recordAudit(db, {
    actor: principal,
    action: 'incentive.read',
    purpose: 'AMIF incentives: the incentives of a case and their history',
    subject: `case:${stateCode}:${caseRef}`,
    stateCode,
    recordIds: [`case:${caseRef}`, ...members.map((m) => `person:${m.personRef}`)],
    fields: ['vulnerableGroups', 'incentive', 'history'],
  });
  return { caseId: c.id, version: c.version, members };
}

/**
 * Records the vulnerable groups of a case's member (the state's own finding, beside the case's
 * categories and the person's needs), raises the case's version, and recomputes the member's
 * incentive (reason `evidence`). Refused against an older version of the case (412). Audited.
 */
export async function recordVulnerableGroups(
  db: Executor,
  principal: Principal,
  opts: { stateCode: string; caseRef: string; personRef: string; groups: string[]; expectedVersion?: number; t: Translate },
): Promise<{ version: number; member: MemberIncentive }> {
  const { stateCode, caseRef, personRef } = opts;
  authorize(policies.changeCase, principal, { stateCode });
  const unknown = opts.groups.filter((g) => !isVulnerableGroup(g));
  if (unknown.length > 0)
    throw appError(ErrorCode.BadInput, 'vulnerableGroupUnknown', { p1: unknown.join(', '), p2: VULNERABLE_GROUPS.join(', ') });
  const groups = [...new Set(opts.groups)].sort();
  const c = await findCase(db, stateCode, caseRef, true);
  checkCaseVersion(caseRef, opts.expectedVersion, c.version);
  const p = await selectMemberGroupsForUpdate(db, c.id, personRef);
  if (!p) throw appError(ErrorCode.NotFound, 'personNotInCase', { p1: personRef, p2: caseRef });
  const version = c.version + 1;
  await updatePersonGroups(db, p.id, groups);
  await updateCaseVersion(db, c.id, version);
  await refreshIncentives(db, principal, { personIds: [p.id], reason: 'evidence' });
  await recordAudit(db, {
    actor: principal,
    action: 'person.vulnerable_groups',
    purpose: 'AMIF incentives: evidence of the rate',
    subject: `case:${stateCode}:${caseRef}`,
    stateCode,
    recordIds: [`case:${caseRef}`, `person:${personRef}`],
    fields: ['vulnerableGroups'],
    details: { before: p.before, after: groups, version },
  });
  const read = await caseIncentives(db, principal, { stateCode, caseRef, t: opts.t });
  return { version, member: read.members.find((m) => m.personRef === personRef)! };
}
