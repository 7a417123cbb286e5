import { sql } from 'drizzle-orm';
import { appError } from '../i18n/problem.ts';
import { recordAudit, type Actor } from '../audit/audit.ts';
import { rows, type Executor } from '../db/db.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import type { CaseDetail, CasePerson, CaseSummary } from './case.ts';
import { isStatus } from './stage.ts';
import { caseEventRows, SUMMARY } from './case.repository.ts';
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
  const [found] = await rows<{ id: number }>(
    db,
    sql`SELECT id::int AS id FROM cases WHERE state_code = ${stateCode} AND case_ref = ${caseRef}`,
  );
  if (!found) throw appError(ErrorCode.NotFound, 'caseNotFoundInSee', { p1: caseRef, p2: stateCode, p3: stateCode });
  return found.id;
}

/** One case with its members and its whole history. Reading it is audited. */
export async function getCase(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  caseRef: string /** Known already (the caller looked the case up). */;
  caseId?: number /** The fields the caller will show (its role's), for the audit line; default all read. */;
  shown?: string[];
}): Promise<CaseDetail> {
  const { db, actor, stateCode, caseRef } = opts;
  const id = opts.caseId ?? (await findCaseId(db, stateCode, caseRef));
  const [c] = await rows<CaseSummary & Omit<CaseDetail, keyof CaseSummary | 'members' | 'history'>>(
    db,
    sql`SELECT ${SUMMARY}, c.primary_category AS "primaryCategory", c.secondary_category AS "secondaryCategory",
               c.referring_partner AS "referringPartner", c.partner_ref AS "partnerRef", c.linked_refs AS "linkedRefs"
          FROM cases c WHERE c.id = ${id}`,
  );
  const members = await rows<CasePerson>(
    db,
    sql`SELECT person_ref AS "personRef", citizenship, sex, birth_year AS "birthYear", relationship, arrived_on AS "arrivedOn", round_id AS "roundId", needs, excluded_reason AS "excludedReason"
          FROM persons WHERE case_id = ${id} ORDER BY person_ref`,
  );
  const history = await caseEventRows(db, id);
  await recordAudit(db, {
    actor,
    action: 'case.read',
    purpose: 'case management: one case',
    subject: `case:${stateCode}:${caseRef}`,
    stateCode,
    recordIds: [`case:${caseRef}`, ...members.map((m) => `person:${m.personRef}`)],
    fields: opts.shown ?? [...Object.keys(c ?? {}), ...(members[0] ? Object.keys(members[0]).map((k) => `members.${k}`) : []), 'history'],
  });
  return { ...c!, members, history };
}

/** The state of a case given only its reference; asks for --state where two states use the reference. */
export async function stateOfCase(db: Executor, caseRef: string, stateCode?: string): Promise<string> {
  if (stateCode) return stateCode;
  const found = await rows<{ s: string }>(db, sql`SELECT state_code AS s FROM cases WHERE case_ref = ${caseRef} ORDER BY 1`);
  if (found.length === 0) throw appError(ErrorCode.NotFound, 'caseNotFound', { p1: caseRef });
  if (found.length > 1) throw appError(ErrorCode.BadInput, 'caseRefAmbiguous', { p1: caseRef, p2: found.map((f) => f.s).join(' and ') });
  return found[0]!.s;
}
