import { sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { CasePerson, CaseSummary, Priority } from './case.ts';
import { SUMMARY } from './case.repository.ts';
import type { Modality, Status } from './stage.ts';

/** The SQL of the views of cases (src/cases/case-views.service.ts): a state's cases page by page, a policy's view of one case, an organisation's cases. */

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

/** `%` and `_` taken literally in a LIKE pattern. */
const likeLiteral = (s: string): string => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The conditions of a state's cases under the filters (`c`: cases). */
function filterConditions(stateCode: string, f: CaseFilters): SQL[] {
  return [
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
}

/**
 * Up to `limit` cases of a state under the filters, in the sort's order after the position `after`
 * (the last row's sort key and reference), each with its sort key.
 */
export function selectCasePage(
  db: Executor,
  o: { stateCode: string; filters: CaseFilters; sort: CaseSort; after: [key: string | number, ref: string] | null; limit: number },
): Promise<(CaseSummary & { sortKey: string | number })[]> {
  const desc = o.sort.startsWith('-');
  const key = SORT_KEYS[desc ? o.sort.slice(1) : o.sort]!;
  const filtered = [
    ...filterConditions(o.stateCode, o.filters),
    o.after ? sql`(${key.expr}, c.case_ref) ${desc ? sql`<` : sql`>`} (${o.after[0]}::${key.cast}, ${o.after[1]}::text)` : null,
  ].filter((x): x is SQL => x !== null);
  const direction = desc ? sql`DESC` : sql`ASC`;
  return rows<CaseSummary & { sortKey: string | number }>(
    db,
    sql`SELECT ${SUMMARY}, ${key.expr} AS "sortKey" FROM cases c
         WHERE ${sql.join(filtered, sql` AND `)}
         ORDER BY ${key.expr} ${direction}, c.case_ref ${direction}
         LIMIT ${o.limit + 1}`,
  );
}

/** How many of a state's cases the filters find. */
export async function countCases(db: Executor, stateCode: string, filters: CaseFilters): Promise<number | undefined> {
  const [counted] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM cases c WHERE ${sql.join(filterConditions(stateCode, filters), sql` AND `)}`,
  );
  return counted?.n;
}

export interface CaseResourceRow {
  id: number;
  version: number;
  stateCode: string;
  referringPartner: string | null;
  supporters: { organisation: string; phases: string[] }[];
}

/** A case's id, version, state, referring partner and supporters (with their phases), by its state and reference. */
export async function selectCaseResource(db: Executor, stateCode: string, caseRef: string): Promise<CaseResourceRow | undefined> {
  const [c] = await rows<CaseResourceRow>(
    db,
    sql`SELECT c.id::int AS id, c.version, c.state_code AS "stateCode", c.referring_partner AS "referringPartner",
               coalesce((SELECT json_agg(json_build_object('organisation', s.organisation, 'phases', s.phases) ORDER BY s.organisation)
                           FROM case_supporters s WHERE s.case_id = c.id), '[]'::json) AS supporters
          FROM cases c WHERE c.state_code = ${stateCode} AND c.case_ref = ${caseRef}`,
  );
  return c;
}

/** Up to `limit` + 1 cases an organisation referred to a state, by state and reference after `after`. */
export function selectReferrals(
  db: Executor,
  o: { organisation: string | null; stateCode: string | null; after: [stateCode: string, caseRef: string] | null; limit: number },
): Promise<(Record<string, unknown> & { stateCode: string; caseRef: string })[]> {
  return rows<Record<string, unknown> & { stateCode: string; caseRef: string }>(
    db,
    sql`SELECT c.state_code AS "stateCode", c.case_ref AS "caseRef", c.referring_partner AS "referringPartner", c.partner_ref AS "partnerRef",
               c.round_id AS "roundId", c.status, c.status_on AS "statusOn"
          FROM cases c
         WHERE c.referring_partner = ${o.organisation} AND c.state_code = ${o.stateCode}
           ${o.after ? sql`AND (c.state_code, c.case_ref) > (${o.after[0]}, ${o.after[1]})` : sql``}
         ORDER BY c.state_code, c.case_ref LIMIT ${o.limit + 1}`,
  );
}

/** Up to `limit` + 1 households an organisation supports in a state, with the phases it supports each in, after `after`. */
export function selectSupportedHouseholds(
  db: Executor,
  o: { organisation: string | null; stateCode: string | null; after: [stateCode: string, caseRef: string] | null; limit: number },
): Promise<(Record<string, unknown> & { id: number; stateCode: string; caseRef: string; phases: string[] })[]> {
  return rows<Record<string, unknown> & { id: number; stateCode: string; caseRef: string; phases: string[] }>(
    db,
    sql`SELECT ${SUMMARY}, c.primary_category AS "primaryCategory", c.secondary_category AS "secondaryCategory", s.phases
          FROM cases c JOIN case_supporters s ON s.case_id = c.id AND s.organisation = ${o.organisation} AND s.state_code = ${o.stateCode}
         WHERE true ${o.after ? sql`AND (c.state_code, c.case_ref) > (${o.after[0]}, ${o.after[1]})` : sql``}
         ORDER BY c.state_code, c.case_ref LIMIT ${o.limit + 1}`,
  );
}

/** The members of several cases, by case and reference. */
export function selectMembersOfCases(db: Executor, caseIds: number[]): Promise<(CasePerson & { caseId: number })[]> {
  return rows<CasePerson & { caseId: number }>(
    db,
    sql`SELECT case_id::int AS "caseId", person_ref AS "personRef", citizenship, sex, birth_year AS "birthYear", relationship, arrived_on AS "arrivedOn",
               round_id AS "roundId", needs, excluded_reason AS "excludedReason"
          FROM persons WHERE case_id = ANY(${sql.param(caseIds)}::bigint[]) ORDER BY case_id, person_ref`,
  );
}
