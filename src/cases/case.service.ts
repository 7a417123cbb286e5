import { appError } from '../i18n/problem.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import type { CaseDetail, CaseSummary } from './case.ts';
import { isStatus } from './stage.ts';
import { caseEventRows, selectCaseDetail, selectCaseId, selectCaseMembers, selectStatesOfCaseRef } from './case.repository.ts';
import { listCasePage } from './case-views.service.ts';

/** The cases of one state, optionally in one status. Reading them is audited (they belong to persons). */
export async function listCases(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  status?: string;
  limit?: number;
}): Promise<CaseSummary[]> {
  if (opts.status !== undefined && !isStatus(opts.status)) throw appError(ErrorCode.BadInput, 'notStatus', { p1: opts.status });
  // The first page of the API's list, in the order of the references: one query, one audit rule.
  const page = await listCasePage({
    db: opts.db,
    actor: opts.actor,
    stateCode: opts.stateCode,
    filters: opts.status ? { status: opts.status } : {},
    sort: 'case_ref',
    limit: opts.limit ?? 1000,
  });
  return page.cases;
}

/** Finds a case by its reference, within a state (a reference is unique per state). */
export async function findCaseId(db: Executor, stateCode: string, caseRef: string): Promise<number> {
  const found = await selectCaseId(db, stateCode, caseRef);
  if (found === undefined) throw appError(ErrorCode.NotFound, 'caseNotFoundInSee', { p1: caseRef, p2: stateCode, p3: stateCode });
  return found;
}

/** One case with its members and its whole history. Reading it is audited. */
export async function getCase(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  caseRef: string;
  /** Known already (the caller looked the case up). */
  caseId?: number;
  /** The fields the caller will show (its role's), for the audit line; default all read. */
  shown?: string[];
  /** The error where there is no such case (default: the command line's, which names its command to list them). */
  notFound?: () => Error;
}): Promise<CaseDetail> {
  const { db, actor, stateCode, caseRef } = opts;
  // Sent together: on PostgreSQL the three go out in one write and come back in one round trip
  // (src/db/db.ts). Where the id is not known, they name the case by its state and reference: no lookup first.
  const key = opts.caseId ?? { stateCode, caseRef };
  const [c, members, history] = await Promise.all([selectCaseDetail(db, key), selectCaseMembers(db, key), caseEventRows(db, key)]);
  if (!c) throw opts.notFound?.() ?? appError(ErrorCode.NotFound, 'caseNotFoundInSee', { p1: caseRef, p2: stateCode, p3: stateCode });
  await recordAudit(db, {
    actor,
    action: 'case.read',
    purpose: 'case management: one case',
    subject: `case:${stateCode}:${caseRef}`,
    stateCode,
    recordIds: [`case:${caseRef}`, ...members.map((m) => `person:${m.personRef}`)],
    fields: opts.shown ?? [...Object.keys(c), ...(members[0] ? Object.keys(members[0]).map((k) => `members.${k}`) : []), 'history'],
  });
  return { ...c, members, history };
}

/** The state of a case given only its reference; asks for --state where two states use the reference. */
export async function stateOfCase(db: Executor, caseRef: string, stateCode?: string): Promise<string> {
  if (stateCode) return stateCode;
  const found = await selectStatesOfCaseRef(db, caseRef);
  if (found.length === 0) throw appError(ErrorCode.NotFound, 'caseNotFound', { p1: caseRef });
  if (found.length > 1) throw appError(ErrorCode.BadInput, 'caseRefAmbiguous', { p1: caseRef, p2: found.join(' and ') });
  return found[0]!;
}
