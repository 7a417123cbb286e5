import { sql, type SQL } from 'drizzle-orm';
import { caseFieldsFor, presentCase, shownFields } from '../access/fields.ts';
import { authorize, policies, type CaseResource } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit.ts';
import { rows, type Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import type { CaseEvent, CasePerson, CaseSummary, Priority } from './case.ts';
import { caseEventRows, SUMMARY } from './case.repository.ts';
import type { Modality, Status } from './stage.ts';

/**
 * The views of cases the API serves beside `getCase`: a state's cases page by page with filters and
 * a sort, a case's history, a referral partner's referrals and a sponsor's households. Each reads
 * inside the caller's scope (row-level security) and writes its audit line, naming the records
 * returned and the fields shown, in the same transaction.
 */

export interface CaseFilters {
  status?: Status;
  priority?: Priority;
  /** A submission category, primary or secondary. */
  category?: string;
  countryOfDeparture?: string;
  modality?: Modality;
  pathway?: string;
  /** A type of specific need (`NEEDS`) that some member of the household has. */
  needs?: string;
  /** Part of the case reference, in any case ("h14" finds H147 and H1459). */
  ref?: string;
}

export const CASE_SORTS = ['case_ref', '-case_ref', 'status_on', '-status_on', 'priority', '-priority'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

/**
 * A reference in natural order as one text key: each run of digits left-padded to 20 places, so
 * H147 comes before H1459 (as the web's tables sort, Intl.Collator numeric), compared bytewise.
 */
const NATURAL_REF = sql`(regexp_replace(regexp_replace(c.case_ref, '([0-9]+)', '00000000000000000000\\1', 'g'), '0*([0-9]{20})', '\\1', 'g') COLLATE "C")`;

/** What each sort orders by; the case reference breaks ties (it is unique within a state). */
const SORT_KEYS: Record<string, { expr: SQL; cast: SQL }> = {
  case_ref: { expr: NATURAL_REF, cast: sql`text` },
  status_on: { expr: sql`coalesce(c.status_on, DATE '0001-01-01')`, cast: sql`date` },
  priority: { expr: sql`(CASE c.priority WHEN 'emergency' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END)`, cast: sql`int` },
};

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

/** `%` and `_` taken literally in a LIKE pattern. */
const likeLiteral = (s: string): string => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

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
  const desc = sort.startsWith('-');
  const key = SORT_KEYS[desc ? sort.slice(1) : sort]!;
  const after = opts.cursor !== undefined ? decodeCursor(opts.cursor, sort) : null;
  const where = [
    sql`c.state_code = ${stateCode}`,
    f.status ? sql`c.status = ${f.status}` : null,
    f.priority ? sql`c.priority = ${f.priority}` : null,
    f.category ? sql`(c.primary_category = ${f.category} OR c.secondary_category = ${f.category})` : null,
    f.countryOfDeparture ? sql`c.country_of_departure = ${f.countryOfDeparture}` : null,
    f.modality ? sql`c.modality = ${f.modality}` : null,
    f.pathway ? sql`c.pathway = ${f.pathway}` : null,
    // Containment of [{type}] matches a member's need of that type whatever its note or accommodation.
    f.needs
      ? sql`EXISTS (SELECT 1 FROM persons p WHERE p.case_id = c.id AND p.needs @> ${JSON.stringify([{ type: f.needs }])}::jsonb)`
      : null,
    f.ref ? sql`c.case_ref ILIKE ${`%${likeLiteral(f.ref)}%`}` : null,
  ].filter((x): x is SQL => x !== null);
  const filtered = [
    ...where,
    after ? sql`(${key.expr}, c.case_ref) ${desc ? sql`<` : sql`>`} (${after[1]}::${key.cast}, ${after[2]}::text)` : null,
  ].filter((x): x is SQL => x !== null);
  const direction = desc ? sql`DESC` : sql`ASC`;
  const found = await rows<CaseSummary & { sortKey: string | number }>(
    db,
    sql`SELECT ${SUMMARY}, ${key.expr} AS "sortKey" FROM cases c
         WHERE ${sql.join(filtered, sql` AND `)}
         ORDER BY ${key.expr} ${direction}, c.case_ref ${direction}
         LIMIT ${limit + 1}`,
  );
  const [counted] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM cases c WHERE ${sql.join(where, sql` AND `)}`);
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
  return { cases: page, nextCursor: last ? encodeCursor([sort, last.sortKey, last.caseRef]) : null, total: counted?.n ?? 0 };
}

/** What a policy needs of a case (its state, referring partner, supporters), its id and version; null where the scope sees none. */
export async function caseResource(
  db: Executor,
  stateCode: string,
  caseRef: string,
): Promise<(CaseResource & { id: number; version: number }) | null> {
  const [c] = await rows<{
    id: number;
    version: number;
    stateCode: string;
    referringPartner: string | null;
    supporters: { organisation: string; phases: string[] }[];
  }>(
    db,
    sql`SELECT c.id::int AS id, c.version, c.state_code AS "stateCode", c.referring_partner AS "referringPartner",
               coalesce((SELECT json_agg(json_build_object('organisation', s.organisation, 'phases', s.phases) ORDER BY s.organisation)
                           FROM case_supporters s WHERE s.case_id = c.id), '[]'::json) AS supporters
          FROM cases c WHERE c.state_code = ${stateCode} AND c.case_ref = ${caseRef}`,
  );
  return c ?? null;
}

/** The history of one case, oldest first. Reading it is audited. */
export async function caseHistory(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  caseRef: string;
  caseId: number;
}): Promise<CaseEvent[]> {
  const { db, actor, stateCode, caseRef } = opts;
  const history = await caseEventRows(db, opts.caseId);
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
  const found = await rows<Record<string, unknown> & { stateCode: string; caseRef: string }>(
    db,
    sql`SELECT c.state_code AS "stateCode", c.case_ref AS "caseRef", c.referring_partner AS "referringPartner", c.partner_ref AS "partnerRef",
               c.round_id AS "roundId", c.status, c.status_on AS "statusOn"
          FROM cases c
         WHERE c.referring_partner = ${actor.organisation} AND c.state_code = ${actor.stateCode}
           ${after ? sql`AND (c.state_code, c.case_ref) > (${after[0]}, ${after[1]})` : sql``}
         ORDER BY c.state_code, c.case_ref LIMIT ${limit + 1}`,
  );
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
  const found = await rows<Record<string, unknown> & { id: number; stateCode: string; caseRef: string; phases: string[] }>(
    db,
    sql`SELECT ${SUMMARY}, c.primary_category AS "primaryCategory", c.secondary_category AS "secondaryCategory", s.phases
          FROM cases c JOIN case_supporters s ON s.case_id = c.id AND s.organisation = ${actor.organisation} AND s.state_code = ${actor.stateCode}
         WHERE true ${after ? sql`AND (c.state_code, c.case_ref) > (${after[0]}, ${after[1]})` : sql``}
         ORDER BY c.state_code, c.case_ref LIMIT ${limit + 1}`,
  );
  const households = found.slice(0, limit);
  const withMembers = households.filter((h) => caseFieldsFor(actor, h.phases).member.length > 0).map((h) => h.id);
  const members = withMembers.length
    ? await rows<CasePerson & { caseId: number }>(
        db,
        sql`SELECT case_id::int AS "caseId", person_ref AS "personRef", citizenship, sex, birth_year AS "birthYear", relationship, arrived_on AS "arrivedOn",
                   round_id AS "roundId", needs, excluded_reason AS "excludedReason"
              FROM persons WHERE case_id = ANY(${sql.param(withMembers)}::bigint[]) ORDER BY case_id, person_ref`,
      )
    : [];
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
