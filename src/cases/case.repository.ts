import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { CaseEvent } from './case.ts';
import type { PersonRow } from './person-row.ts';
import { PRE_ARRIVAL } from './stage.ts';

/** The columns of a case's summary, as every list of cases reads them (`c`: cases). */
export const SUMMARY = sql`c.id::int AS id, c.state_code AS "stateCode", c.case_ref AS "caseRef", c.pathway, c.round_id AS "roundId",
  c.country_of_departure AS "countryOfDeparture", c.status, c.held_from AS "heldFrom", c.status_on AS "statusOn", c.version,
  c.priority, c.modality, (SELECT count(*)::int FROM persons p WHERE p.case_id = c.id) AS persons`;

export interface ChunkOutcome {
  casesAdded: number;
  casesUpdated: number;
  /** Persons added and updated, per state (the tenant the audit line goes to). */
  byState: { stateCode: string; added: number; updated: number }[];
}

/**
 * Writes a chunk of validated persons, and their cases, in set-based statements: arrays bound as
 * parameters and unnested, the same SQL on PGlite and PostgreSQL. A person or case that exists is
 * updated only where a value differs, so the same file twice changes nothing. An empty arrival or
 * round never erases one already recorded (by an earlier import or by the case's arrival).
 */
export async function writePersonChunk(
  db: Executor,
  persons: readonly PersonRow[],
  importId: number,
  actor: string,
  today: string,
): Promise<ChunkOutcome> {
  // One entry per household in the chunk, with its first arrival (a case with an arrived member
  // is created at 'arrived' on that day, any other at 'referred' on a day the import does not know).
  const households = new Map<string, { p: PersonRow; firstArrival: string | null }>();
  for (const p of persons) {
    const key = `${p.stateCode}\u0000${p.caseRef}`;
    const h = households.get(key);
    if (!h) households.set(key, { p, firstArrival: p.arrivedOn });
    else if (p.arrivedOn && (!h.firstArrival || p.arrivedOn < h.firstArrival)) h.firstArrival = p.arrivedOn;
  }
  const hs = [...households.values()];
  // A case file (`cases import`) also carries the household's priority, categories, partner and
  // linked cases; a plain person file leaves what the case has.
  const ext = hs.some((h) => h.p.caseFields !== undefined);
  const cf = (f: (c: NonNullable<PersonRow['caseFields']>) => string | null) =>
    sql.param(hs.map((h) => (h.p.caseFields ? f(h.p.caseFields) : null)));
  const caseResult = await rows<{ id: number; inserted: boolean; stateCode: string; status: string; statusOn: string }>(
    db,
    sql`INSERT INTO cases AS c (state_code, case_ref, pathway, round_id, country_of_departure, import_id, status, status_on,
                               priority, primary_category, secondary_category, referring_partner, partner_ref, linked_refs)
        SELECT s, r, p, rd, d, ${importId}::bigint, CASE WHEN a IS NULL THEN 'referred' ELSE 'arrived' END, coalesce(a, ro),
               coalesce(pr, 'normal'), c1, c2, rp, pref, coalesce(string_to_array(nullif(lr, ''), chr(31)), '{}')
          FROM unnest(${sql.param(hs.map((h) => h.p.stateCode))}::text[], ${sql.param(hs.map((h) => h.p.caseRef))}::text[], ${sql.param(hs.map((h) => h.p.pathway))}::text[],
                      ${sql.param(hs.map((h) => h.p.namedRound))}::text[], ${sql.param(hs.map((h) => h.p.countryOfDeparture))}::text[],
                      ${sql.param(hs.map((h) => h.firstArrival))}::date[],
                      ${cf((c) => c.priority)}::text[], ${cf((c) => c.primaryCategory)}::text[], ${cf((c) => c.secondaryCategory)}::text[],
                      ${cf((c) => c.referringPartner)}::text[], ${cf((c) => c.partnerRef)}::text[], ${cf((c) => c.linkedRefs.join('\u001f'))}::text[],
                      ${cf((c) => c.referredOn)}::date[])
               AS u(s, r, p, rd, d, a, pr, c1, c2, rp, pref, lr, ro)
        ON CONFLICT (state_code, case_ref) DO UPDATE
           SET pathway = excluded.pathway, round_id = excluded.round_id,
               country_of_departure = excluded.country_of_departure, import_id = excluded.import_id, version = c.version + 1,
               priority = CASE WHEN ${ext} THEN excluded.priority ELSE c.priority END,
               primary_category = CASE WHEN ${ext} THEN excluded.primary_category ELSE c.primary_category END,
               secondary_category = CASE WHEN ${ext} THEN excluded.secondary_category ELSE c.secondary_category END,
               referring_partner = CASE WHEN ${ext} THEN excluded.referring_partner ELSE c.referring_partner END,
               partner_ref = CASE WHEN ${ext} THEN excluded.partner_ref ELSE c.partner_ref END,
               linked_refs = CASE WHEN ${ext} THEN excluded.linked_refs ELSE c.linked_refs END
         WHERE (c.pathway, c.round_id, c.country_of_departure) IS DISTINCT FROM (excluded.pathway, excluded.round_id, excluded.country_of_departure)
            OR (${ext} AND (c.priority, c.primary_category, c.secondary_category, c.referring_partner, c.partner_ref, c.linked_refs)
                 IS DISTINCT FROM (excluded.priority, excluded.primary_category, excluded.secondary_category, excluded.referring_partner, excluded.partner_ref, excluded.linked_refs))
        RETURNING c.id::int AS id, (c.xmax = 0) AS inserted, c.state_code AS "stateCode", c.status, c.status_on AS "statusOn"`,
  );
  const created = caseResult.filter((c) => c.inserted);
  if (created.length > 0) {
    // The first line of each new case's history.
    await db.execute(sql`
      INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason, details)
      SELECT id, s, coalesce(d, ${today}::date), ${actor}, NULL, st, 'created by import', jsonb_build_object('import', ${importId}::bigint)
        FROM unnest(${sql.param(created.map((c) => c.id))}::bigint[], ${sql.param(created.map((c) => c.stateCode))}::text[],
                    ${sql.param(created.map((c) => c.status))}::text[], ${sql.param(created.map((c) => c.statusOn))}::date[]) AS u(id, s, st, d)`);
  }
  const changedCases = caseResult.filter((c) => !c.inserted).map((c) => c.id);
  const byState = await rows<{ stateCode: string; added: number; updated: number }>(
    db,
    sql`WITH u AS (
          SELECT * FROM unnest(
            ${sql.param(persons.map((p) => p.caseRef))}::text[], ${sql.param(persons.map((p) => p.personRef))}::text[], ${sql.param(persons.map((p) => p.stateCode))}::text[],
            ${sql.param(persons.map((p) => p.pathway))}::text[], ${sql.param(persons.map((p) => p.roundId))}::text[], ${sql.param(persons.map((p) => p.countryOfDeparture))}::text[],
            ${sql.param(persons.map((p) => p.citizenship))}::text[], ${sql.param(persons.map((p) => p.sex))}::text[], ${sql.param(persons.map((p) => p.birthYear))}::int2[],
            ${sql.param(persons.map((p) => p.arrivedOn))}::date[],
            ${sql.param(persons.map((p) => p.relationship ?? null))}::text[], ${sql.param(persons.map((p) => (p.needs ? JSON.stringify(p.needs) : null)))}::text[]
          ) AS u(case_ref, person_ref, state_code, pathway, round_id, country_of_departure, citizenship, sex, birth_year, arrived_on, relationship, needs)
        ), ins AS (
          INSERT INTO persons AS p (case_id, person_ref, state_code, pathway, round_id, country_of_departure, citizenship, sex, birth_year, arrived_on, import_id, relationship, needs)
          SELECT c.id, u.person_ref, u.state_code, u.pathway, u.round_id, u.country_of_departure, u.citizenship, u.sex, u.birth_year, u.arrived_on, ${importId}::bigint,
                 u.relationship, coalesce(u.needs::jsonb, '[]'::jsonb)
            -- One index lookup per row (LATERAL … OFFSET 0): a hash join would scan every case in every chunk.
            FROM u CROSS JOIN LATERAL (SELECT c.id FROM cases c WHERE c.state_code = u.state_code AND c.case_ref = u.case_ref OFFSET 0) c
          ON CONFLICT (case_id, person_ref) DO UPDATE
             SET pathway = excluded.pathway, round_id = coalesce(excluded.round_id, p.round_id), country_of_departure = excluded.country_of_departure,
                 citizenship = excluded.citizenship, sex = excluded.sex, birth_year = excluded.birth_year,
                 arrived_on = coalesce(excluded.arrived_on, p.arrived_on), import_id = excluded.import_id,
                 relationship = CASE WHEN ${ext} THEN excluded.relationship ELSE p.relationship END,
                 needs = CASE WHEN ${ext} THEN excluded.needs ELSE p.needs END
           WHERE (p.pathway, p.round_id, p.country_of_departure, p.citizenship, p.sex, p.birth_year, p.arrived_on)
                 IS DISTINCT FROM (excluded.pathway, coalesce(excluded.round_id, p.round_id), excluded.country_of_departure, excluded.citizenship,
                                   excluded.sex, excluded.birth_year, coalesce(excluded.arrived_on, p.arrived_on))
              OR (${ext} AND (p.relationship, p.needs) IS DISTINCT FROM (excluded.relationship, excluded.needs))
          RETURNING p.state_code, (p.xmax = 0) AS inserted
        )
        SELECT state_code AS "stateCode", (count(*) FILTER (WHERE inserted))::int AS added, (count(*) FILTER (WHERE NOT inserted))::int AS updated
          FROM ins GROUP BY state_code`,
  );
  if (changedCases.length > 0) {
    // A household's departure and pathway are the household's: carry a change to the members
    // that this chunk did not list (the chunk's own rows were written above, and counted there).
    const carried = await rows<{ stateCode: string; n: number }>(
      db,
      sql`WITH upd AS (
            UPDATE persons p SET pathway = c.pathway, country_of_departure = c.country_of_departure, import_id = ${importId}::bigint
              FROM cases c
             WHERE p.case_id = c.id AND c.id = ANY(${sql.param(changedCases)}::bigint[])
               AND (p.pathway, p.country_of_departure) IS DISTINCT FROM (c.pathway, c.country_of_departure)
            RETURNING p.state_code)
          SELECT state_code AS "stateCode", count(*)::int AS n FROM upd GROUP BY state_code`,
    );
    for (const c of carried) {
      const entry = byState.find((b) => b.stateCode === c.stateCode);
      if (entry) entry.updated += c.n;
      else byState.push({ stateCode: c.stateCode, added: 0, updated: c.n });
    }
  }
  // A case that existed before its members' arrival was recorded now moves to 'arrived', with a line in its history.
  const arrivedHouseholds = hs.filter((h) => h.firstArrival !== null);
  if (arrivedHouseholds.length > 0) {
    await db.execute(sql`
      WITH a AS (
        SELECT c.id, c.state_code, c.status, p.first_arrival
          FROM unnest(${sql.param(arrivedHouseholds.map((h) => h.p.stateCode))}::text[], ${sql.param(arrivedHouseholds.map((h) => h.p.caseRef))}::text[]) AS u(s, r)
          CROSS JOIN LATERAL (SELECT c.id, c.state_code, c.status FROM cases c
                               WHERE c.state_code = u.s AND c.case_ref = u.r AND c.status = ANY(${sql.param([...PRE_ARRIVAL, 'on_hold'])}::text[]) OFFSET 0) c
          CROSS JOIN LATERAL (SELECT min(p.arrived_on) AS first_arrival FROM persons p WHERE p.case_id = c.id AND p.arrived_on IS NOT NULL) p
         WHERE p.first_arrival IS NOT NULL
      ), upd AS (
        UPDATE cases c SET status = 'arrived', held_from = NULL, status_on = a.first_arrival, version = c.version + 1
          FROM a WHERE c.id = a.id
        RETURNING c.id, c.state_code, a.status AS from_status, a.first_arrival
      )
      INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason, details)
      SELECT id, state_code, first_arrival, ${actor}, from_status, 'arrived', 'arrival recorded by import', jsonb_build_object('import', ${importId}::bigint)
        FROM upd`);
  }
  return {
    casesAdded: caseResult.filter((c) => c.inserted).length,
    casesUpdated: changedCases.length,
    byState,
  };
}

/** The history of one case, oldest first, as every view shows it. */
export function caseEventRows(db: Executor, caseId: number): Promise<CaseEvent[]> {
  return rows<CaseEvent>(
    db,
    sql`SELECT "on", recorded_at::text AS "recordedAt", actor, from_status AS "fromStatus", to_status AS "toStatus", reason, details
          FROM case_events WHERE case_id = ${caseId} ORDER BY id`,
  );
}

/** A case by its state and reference, locked for a change when `lock`. */
export async function selectCaseForChange(
  db: Executor,
  stateCode: string,
  caseRef: string,
  lock: boolean,
): Promise<{ id: number; pathway: string; version: number; programmeId: number | null } | undefined> {
  const [c] = await rows<{ id: number; pathway: string; version: number; programmeId: number | null }>(
    db,
    sql`SELECT id::int AS id, pathway, version, programme_id::int AS "programmeId" FROM cases
         WHERE state_code = ${stateCode} AND case_ref = ${caseRef} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return c;
}

/** A member of a case with the vulnerable groups recorded, locked. */
export async function selectMemberGroupsForUpdate(
  db: Executor,
  caseId: number,
  personRef: string,
): Promise<{ id: number; before: string[] } | undefined> {
  const [p] = await rows<{ id: number; before: string[] }>(
    db,
    sql`SELECT id::int AS id, vulnerable_groups AS before FROM persons WHERE case_id = ${caseId} AND person_ref = ${personRef} FOR UPDATE`,
  );
  return p;
}

export async function updatePersonGroups(db: Executor, personId: number, groups: string[]): Promise<void> {
  await db.execute(sql`UPDATE persons SET vulnerable_groups = ${sql.param(groups)}::text[] WHERE id = ${personId}`);
}

export async function updateCaseVersion(db: Executor, caseId: number, version: number): Promise<void> {
  await db.execute(sql`UPDATE cases SET version = ${version} WHERE id = ${caseId}`);
}

export async function updateCaseProgramme(db: Executor, caseId: number, programmeId: number | null, version: number): Promise<void> {
  await db.execute(sql`UPDATE cases SET programme_id = ${programmeId}, version = ${version} WHERE id = ${caseId}`);
}
