import { caseFieldsFor, presentCase, shownFields } from '../access/fields.ts';
import { authorize, policies, type CaseResource } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import type { CaseEvent, CaseSummary } from './case.ts';
import { caseEventRows } from './case.repository.ts';
import {
  countCases,
  selectCaseResource,
  selectCasePage,
  selectMembersOfCases,
  selectReferrals,
  selectSupportedHouseholds,
  type CaseFilters,
  type CaseSort,
} from './case-views.repository.ts';

/**
 * The views of cases the API serves beside `getCase`: a state's cases page by page with filters and
 * a sort, a case's history, a referral partner's referrals and a sponsor's households. Each reads
 * inside the caller's scope (row-level security) and writes its audit line, naming the records
 * returned and the fields shown, in the same transaction.
 */

export { CASE_SORTS, type CaseFilters, type CaseSort } from './case-views.repository.ts';

/** A position in a sorted list: the sort, the last row's sort key and reference. Opaque to clients. */
type Cursor = [sort: string, key: string | number, ref: string];

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(text: string, sort: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(c) &&
      c.length === 3 &&
      c[0] === sort &&
      (typeof c[1] === 'string' || typeof c[1] === 'number') &&
      typeof c[2] === 'string'
    ) {
      if (sort.endsWith('status_on') && !/^\d{4}-\d{2}-\d{2}$/.test(String(c[1]))) throw new Error('date');
      if (sort.endsWith('priority') && !Number.isInteger(c[1])) throw new Error('int');
      return c as Cursor;
    }
  } catch {
    // fall through: one answer for every malformed cursor
  }
  throw appError(ErrorCode.BadInput, 'cursorInvalid', {}, { cursor: [] });
}

export interface CasePage {
  cases: CaseSummary[];
  /** The cursor of the next page; null on the last. */
  nextCursor: string | null;
  /** How many cases the filters find, over all pages. */
  total: number;
}

/** A page of a state's cases, filtered and sorted; keyset pagination, so rows added meanwhile shift nothing. */
export async function listCasePage(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  filters?: CaseFilters;
  sort?: CaseSort;
  limit: number;
  cursor?: string | undefined;
}): Promise<CasePage> {
  const { db, actor, stateCode, limit } = opts;
  const f = opts.filters ?? {};
  const sort = opts.sort ?? 'case_ref';
  const after = opts.cursor !== undefined ? decodeCursor(opts.cursor, sort) : null;
  const found = await selectCasePage(db, { stateCode, filters: f, sort, after: after ? [after[1], after[2]] : null, limit });
  const counted = await countCases(db, stateCode, f);
  const page = found.slice(0, limit).map(({ sortKey: _, ...c }) => c);
  const last = found.length > limit ? found[limit - 1]! : null;
  await recordAudit(db, {
    actor,
    action: 'case.list',
    purpose: 'case management: list of cases',
    subject: `state:${stateCode}`,
    stateCode,
    recordIds: page.map((c) => `case:${c.caseRef}`),
    fields: page.length > 0 ? Object.keys(page[0]!) : [],
    details: { filters: f, sort, rows: page.length, cursor: opts.cursor ?? null },
  });
  return { cases: page, nextCursor: last ? encodeCursor([sort, last.sortKey, last.caseRef]) : null, total: counted ?? 0 };
}

/** What a policy needs of a case (its state, referring partner, supporters), its id and version; null where the scope sees none. */
export async function caseResource(
  db: Executor,
  stateCode: string,
  caseRef: string,
): Promise<(CaseResource & { id: number; version: number }) | null> {
  const c = await selectCaseResource(db, stateCode, caseRef);
  return c ?? null;
}

/** The history of one case, oldest first. Reading it is audited. */
export async function caseHistory(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  caseRef: string;
  /** The case's id where the caller looked it up; else it is read by its state and reference. */
  caseId?: number;
}): Promise<CaseEvent[]> {
  const { db, actor, stateCode, caseRef } = opts;
  const history = await caseEventRows(db, opts.caseId ?? { stateCode, caseRef });
  await recordAudit(db, {
    actor,
    action: 'case.history.read',
    purpose: 'case management: history of a case',
    subject: `case:${stateCode}:${caseRef}`,
    stateCode,
    recordIds: [`case:${caseRef}`],
    fields: ['history'],
  });
  return history;
}

/** A page of cases ordered by state and reference; the cursor is the last row's (state, reference). */
interface OrgPage<T> {
  cases: T[];
  nextCursor: string | null;
}

function orgCursor(cursor: string | undefined): [string, string] | null {
  if (cursor === undefined) return null;
  const c = decodeCursor(cursor, 'state');
  return [String(c[1]), c[2]];
}

/**
 * A referral partner's referrals: where each stands, in the fields its role sees
 * (`caseFieldsFor`), of the one state its referral agreement is with (the account's state). The
 * scope (`partner`, with `pathways.organisation_state`) lets the database show it those only, too.
 */
export async function listReferrals(opts: {
  db: Executor;
  actor: Actor;
  limit: number;
  cursor?: string | undefined;
}): Promise<OrgPage<Record<string, unknown>>> {
  authorize(policies.listOwnReferrals, opts.actor, undefined);
  const { db, actor, limit } = opts;
  const after = orgCursor(opts.cursor);
  const found = await selectReferrals(db, { organisation: actor.organisation, stateCode: actor.stateCode, after, limit });
  const shown = shownFields(caseFieldsFor(actor), false);
  const page = found.slice(0, limit).map((c) => presentCase(actor, c));
  const last = found.length > limit ? found[limit - 1]! : null;
  await auditOrgList(
    db,
    actor,
    'referral.list',
    'referral partner: status of its referrals',
    page.length > 0 ? Object.keys(page[0]!) : shown,
    found.slice(0, limit).map((c) => ({ stateCode: c.stateCode, ids: [`case:${c.caseRef}`] })),
  );
  return { cases: page, nextCursor: last ? encodeCursor(['state', last.stateCode, last.caseRef]) : null };
}

/**
 * A sponsor's households, each in the fields of the phases it supports that household in
 * (`caseFieldsFor` with the phases of its `case_supporters` row). Members are read only where a
 * phase shows some of their fields.
 */
export async function listHouseholds(opts: {
  db: Executor;
  actor: Actor;
  limit: number;
  cursor?: string | undefined;
}): Promise<OrgPage<Record<string, unknown>>> {
  authorize(policies.listSupportedHouseholds, opts.actor, undefined);
  const { db, actor, limit } = opts;
  const after = orgCursor(opts.cursor);
  const found = await selectSupportedHouseholds(db, { organisation: actor.organisation, stateCode: actor.stateCode, after, limit });
  const households = found.slice(0, limit);
  const withMembers = households.filter((h) => caseFieldsFor(actor, h.phases).member.length > 0).map((h) => h.id);
  const members = withMembers.length ? await selectMembersOfCases(db, withMembers) : [];
  const shown = new Set<string>();
  const read: { stateCode: string; ids: string[] }[] = [];
  const page = households.map(({ phases, ...h }) => {
    const own = members.filter((m) => m.caseId === h.id).map(({ caseId: _, ...m }) => m);
    const fields = caseFieldsFor(actor, phases);
    const view = presentCase(actor, { ...h, members: fields.member.length > 0 ? own : undefined }, phases);
    for (const f of shownFields(fields, fields.member.length > 0 && own.length > 0)) shown.add(f);
    read.push({
      stateCode: h.stateCode,
      ids: [`case:${h.caseRef}`, ...(fields.member.includes('personRef') ? own.map((m) => `person:${m.personRef}`) : [])],
    });
    return { ...view, phases };
  });
  const last = found.length > limit ? found[limit - 1]! : null;
  await auditOrgList(db, actor, 'household.list', 'community sponsorship: the households it supports', [...shown], read);
  return { cases: page, nextCursor: last ? encodeCursor(['state', last.stateCode, last.caseRef]) : null };
}

/** One audit line per state whose cases the list showed (each state's trail names its records), in the reader's transaction. */
async function auditOrgList(
  db: Executor,
  actor: Actor,
  action: string,
  purpose: string,
  fields: string[],
  read: { stateCode: string; ids: string[] }[],
) {
  const subject = `organisation:${actor.organisation}`;
  const states = [...new Set(read.map((r) => r.stateCode))].sort();
  if (states.length === 0) {
    await recordAudit(db, { actor, action, purpose, subject, stateCode: null, recordIds: [], fields, details: { rows: 0 } });
    return;
  }
  for (const stateCode of states) {
    const own = read.filter((r) => r.stateCode === stateCode);
    await recordAudit(db, {
      actor,
      action,
      purpose,
      subject,
      stateCode,
      recordIds: own.flatMap((r) => r.ids),
      fields,
      details: { rows: own.length },
    });
  }
}
