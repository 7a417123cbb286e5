import { recordAudit, type Actor } from '../audit/audit.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import {
  selectCaseForChange,
  selectMemberGroupsForUpdate,
  updateCaseProgramme,
  updateCaseVersion,
  updatePersonGroups,
} from './case.repository.ts';

/**
 * The one write path for a change to a case made from another folder (the evidence of an
 * incentive, a programme joined): the case read under its row lock, the version the caller saw
 * checked (a stale one is `PreconditionFailed`, 412, as for an If-Match that no longer matches,
 * with the current version in the details), the version raised, the change audited. The caller
 * owns the transaction and its policy check.
 */

export interface CaseForChange {
  id: number;
  pathway: string;
  version: number;
  programmeId: number | null;
}

/** A case by its state and reference (its id and version), or NotFound. */
export async function findCase(db: Executor, stateCode: string, caseRef: string, lock = false): Promise<CaseForChange> {
  const c = await selectCaseForChange(db, stateCode, caseRef, lock);
  if (!c) throw appError(ErrorCode.NotFound, 'caseNotFoundIn', { p1: caseRef, p2: stateCode });
  return c;
}

/** Refuses a change made against an older version than the case's. */
export function checkCaseVersion(caseRef: string, expectedVersion: number | undefined, version: number): void {
  if (expectedVersion !== undefined && expectedVersion !== version)
    throw appError(ErrorCode.PreconditionFailed, 'staleVersion', { p1: caseRef, p2: expectedVersion, p3: version }, { version });
}

/**
 * Records the vulnerable groups of a case's member and raises the case's version; `then` runs
 * after the write and before the audit line (the incentive recomputed from the new evidence).
 */
export async function recordVulnerableGroups(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  caseRef: string;
  personRef: string;
  groups: string[];
  expectedVersion?: number;
  then?: (personId: number) => Promise<void>;
}): Promise<{ version: number; personId: number }> {
  const { db, actor, stateCode, caseRef, personRef, groups } = opts;
  const c = await findCase(db, stateCode, caseRef, true);
  checkCaseVersion(caseRef, opts.expectedVersion, c.version);
  const p = await selectMemberGroupsForUpdate(db, c.id, personRef);
  if (!p) throw appError(ErrorCode.NotFound, 'personNotInCase', { p1: personRef, p2: caseRef });
  const version = c.version + 1;
  await updatePersonGroups(db, p.id, groups);
  await updateCaseVersion(db, c.id, version);
  await opts.then?.(p.id);
  await recordAudit(db, {
    actor,
    action: 'person.vulnerable_groups',
    purpose: 'AMIF incentives: evidence of the rate',
    subject: `case:${stateCode}:${caseRef}`,
    stateCode,
    recordIds: [`case:${caseRef}`, `person:${personRef}`],
    fields: ['vulnerableGroups'],
    details: { before: p.before, after: groups, version },
  });
  return { version, personId: p.id };
}

/**
 * A case joins a programme (or leaves it: `resolve` gives null). `resolve` checks the programme
 * against the case (its owner's rules) and gives its id; the version is raised, the change audited.
 */
export async function assignProgramme(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  caseRef: string;
  programme: string | null;
  expectedVersion: number;
  resolve: (c: CaseForChange) => Promise<number | null>;
}): Promise<{ version: number }> {
  const { db, actor, stateCode, caseRef } = opts;
  const c = await findCase(db, stateCode, caseRef, true);
  checkCaseVersion(caseRef, opts.expectedVersion, c.version);
  const programmeId = await opts.resolve(c);
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
  return { version };
}
