import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { CaseDetail, CaseEvent, CasePerson, CaseSummary } from './case.ts';
import type { PersonRow } from './person-row.ts';
import { PRE_ARRIVAL, type Modality, type Stage, type Status } from './stage.ts';

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

// ── One case read by the views and the command line (src/cases/case.service.ts) ─────────────

/** A case's id by its state and reference; undefined where there is none (or the scope sees none). */
export async function selectCaseId(db: Executor, stateCode: string, caseRef: string): Promise<number | undefined> {
  const [found] = await rows<{ id: number }>(
    db,
    sql`SELECT id::int AS id FROM cases WHERE state_code = ${stateCode} AND case_ref = ${caseRef}`,
  );
  return found?.id;
}

/** A case's summary with its categories, partner and linked cases (without members and history). */
export async function selectCaseDetail(
  db: Executor,
  caseId: number,
): Promise<(CaseSummary & Omit<CaseDetail, keyof CaseSummary | 'members' | 'history'>) | undefined> {
  const [c] = await rows<CaseSummary & Omit<CaseDetail, keyof CaseSummary | 'members' | 'history'>>(
    db,
    sql`SELECT ${SUMMARY}, c.primary_category AS "primaryCategory", c.secondary_category AS "secondaryCategory",
               c.referring_partner AS "referringPartner", c.partner_ref AS "partnerRef", c.linked_refs AS "linkedRefs"
          FROM cases c WHERE c.id = ${caseId}`,
  );
  return c;
}

/** The members of a case, by their reference. */
export function selectCaseMembers(db: Executor, caseId: number): Promise<CasePerson[]> {
  return rows<CasePerson>(
    db,
    sql`SELECT person_ref AS "personRef", citizenship, sex, birth_year AS "birthYear", relationship, arrived_on AS "arrivedOn", round_id AS "roundId", needs, excluded_reason AS "excludedReason"
          FROM persons WHERE case_id = ${caseId} ORDER BY person_ref`,
  );
}

/** The states that have a case with this reference, in order. */
export async function selectStatesOfCaseRef(db: Executor, caseRef: string): Promise<string[]> {
  const found = await rows<{ s: string }>(db, sql`SELECT state_code AS s FROM cases WHERE case_ref = ${caseRef} ORDER BY 1`);
  return found.map((f) => f.s);
}

// ── Moving one case (src/cases/advance-case.ts) ──────────────────────────────────────────────

export interface CaseToMove {
  id: number;
  status: Status;
  heldFrom: Stage | null;
  statusOn: string | null;
  version: number;
  roundId: string | null;
}

/** A case by its state and reference, locked for a move. */
export async function selectCaseToMove(db: Executor, stateCode: string, caseRef: string): Promise<CaseToMove | undefined> {
  const [c] = await rows<CaseToMove>(
    db,
    sql`SELECT id::int AS id, status, held_from AS "heldFrom", status_on AS "statusOn", version, round_id AS "roundId"
          FROM cases WHERE state_code = ${stateCode} AND case_ref = ${caseRef} FOR UPDATE`,
  );
  return c;
}

/** The references of a case's members, in order. */
export async function selectMemberRefs(db: Executor, caseId: number): Promise<string[]> {
  return (await rows<{ ref: string }>(db, sql`SELECT person_ref AS ref FROM persons WHERE case_id = ${caseId} ORDER BY person_ref`)).map(
    (m) => m.ref,
  );
}

/** Marks members of a case excluded from its acceptance, with the reason. */
export async function excludeMembers(db: Executor, caseId: number, personRefs: string[], reason: string): Promise<void> {
  await db.execute(
    sql`UPDATE persons SET excluded_reason = ${reason} WHERE case_id = ${caseId} AND person_ref = ANY(${sql.param(personRefs)}::text[])`,
  );
}

/** Writes a case's new status and version (only where it is still at the version read); the modality where one is given. */
export async function updateCaseStatus(
  db: Executor,
  c: {
    id: number;
    fromVersion: number;
    status: Status;
    heldFrom: Stage | null;
    on: string;
    version: number;
    modality: Modality | null;
  },
): Promise<void> {
  await db.execute(sql`
    UPDATE cases SET status = ${c.status}, held_from = ${c.heldFrom}, status_on = ${c.on}::date, version = ${c.version},
                     modality = coalesce(${c.modality}, modality)
     WHERE id = ${c.id} AND version = ${c.fromVersion}`);
}

/** Adds a line to a case's history. */
export async function insertCaseEvent(
  db: Executor,
  e: {
    caseId: number;
    stateCode: string;
    on: string;
    actor: string;
    from: Status;
    to: Status;
    reason: string | null;
    details: Record<string, unknown>;
  },
): Promise<void> {
  await db.execute(sql`
    INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason, details)
    VALUES (${e.caseId}, ${e.stateCode}, ${e.on}::date, ${e.actor}, ${e.from}, ${e.to}, ${e.reason},
            ${JSON.stringify(e.details)}::jsonb)`);
}

/**
 * Records the arrival of a case's members who have not arrived and are not excluded: the day, the
 * round (theirs, or else `roundId`) and the case's country of departure. Gives how many arrived.
 */
export async function recordMembersArrival(db: Executor, caseId: number, on: string, roundId: string | null): Promise<number> {
  const written = await rows<{ n: number }>(
    db,
    sql`WITH upd AS (
          UPDATE persons p SET arrived_on = ${on}::date, round_id = coalesce(p.round_id, ${roundId}), country_of_departure = cs.country_of_departure
            FROM cases cs WHERE cs.id = p.case_id AND p.case_id = ${caseId} AND p.arrived_on IS NULL AND p.excluded_reason IS NULL
          RETURNING 1)
        SELECT count(*)::int AS n FROM upd`,
  );
  return written[0]?.n ?? 0;
}

// ── Appending whole histories (src/cases/append-case-histories.ts) ───────────────────────────

export interface CaseAtStatus {
  id: number;
  s: string;
  r: string;
  status: Status;
  heldFrom: Stage | null;
  version: number;
}

/** The cases named by state and reference, locked, with their status and version. */
export function selectCasesForUpdate(db: Executor, keys: readonly { stateCode: string; caseRef: string }[]): Promise<CaseAtStatus[]> {
  return rows<CaseAtStatus>(
    db,
    sql`SELECT c.id::int AS id, c.state_code AS s, c.case_ref AS r, c.status, c.held_from AS "heldFrom", c.version
          FROM unnest(${sql.param(keys.map((i) => i.stateCode))}::text[], ${sql.param(keys.map((i) => i.caseRef))}::text[]) AS u(s, r)
          JOIN cases c ON c.state_code = u.s AND c.case_ref = u.r
           FOR UPDATE OF c`,
  );
}

/** Lines of history, as columns (one entry per line), all by one actor. */
export async function insertCaseEvents(
  db: Executor,
  actor: string,
  ev: {
    id: number[];
    state: string[];
    on: string[];
    from: string[];
    to: string[];
    reason: (string | null)[];
    details: string[];
  },
): Promise<void> {
  await db.execute(sql`
    INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason, details)
    SELECT id, s, d, ${actor}, f, t, r, j::jsonb
      FROM unnest(${sql.param(ev.id)}::bigint[], ${sql.param(ev.state)}::text[], ${sql.param(ev.on)}::date[], ${sql.param(ev.from)}::text[],
                  ${sql.param(ev.to)}::text[], ${sql.param(ev.reason)}::text[], ${sql.param(ev.details)}::text[]) AS u(id, s, d, f, t, r, j)`);
}

/** Cases' final status, day, version and modality (where one is given), as columns. */
export async function updateCaseStatuses(
  db: Executor,
  finals: {
    id: number[];
    status: string[];
    heldFrom: (string | null)[];
    on: string[];
    version: number[];
    modality: (string | null)[];
  },
): Promise<void> {
  await db.execute(sql`
    UPDATE cases c SET status = u.st, held_from = u.hf, status_on = u.d, version = u.v, modality = coalesce(u.m, c.modality)
      FROM unnest(${sql.param(finals.id)}::bigint[], ${sql.param(finals.status)}::text[], ${sql.param(finals.heldFrom)}::text[],
                  ${sql.param(finals.on)}::date[], ${sql.param(finals.version)}::int[], ${sql.param(finals.modality)}::text[]) AS u(id, st, hf, d, v, m)
     WHERE c.id = u.id`);
}

/** The arrival of the members of many cases who have not arrived: the day per case, the case's round and country of departure. */
export async function recordCasesArrival(db: Executor, arrivals: { id: number[]; on: string[] }): Promise<void> {
  await db.execute(sql`
    UPDATE persons p SET arrived_on = u.d, round_id = coalesce(p.round_id, c.round_id), country_of_departure = c.country_of_departure
      FROM unnest(${sql.param(arrivals.id)}::bigint[], ${sql.param(arrivals.on)}::date[]) AS u(id, d)
      JOIN cases c ON c.id = u.id
     WHERE p.case_id = u.id AND p.arrived_on IS NULL`);
}

// ── Holding and resuming many cases (src/cases/hold-cases.ts) ────────────────────────────────

/** Which cases a bulk move covers: one state's, one country of departure's, or (neither) all. */
export interface CaseScopeFilter {
  stateCode?: string;
  countryOfDeparture?: string;
}

function scopeSql(scope: CaseScopeFilter) {
  return sql`${scope.stateCode ? sql`AND state_code = ${scope.stateCode}` : sql``} ${scope.countryOfDeparture ? sql`AND country_of_departure = ${scope.countryOfDeparture}` : sql``}`;
}

/** Puts on hold the scope's cases in one of `stages`, each with a line of history; gives each case's state. */
export function holdCasesInScope(
  db: Executor,
  o: { scope: CaseScopeFilter; stages: readonly string[]; on: string; actor: string; reason: string },
): Promise<{ stateCode: string }[]> {
  return rows<{ stateCode: string }>(
    db,
    sql`WITH held AS (
          UPDATE cases SET held_from = status, status = 'on_hold', status_on = greatest(status_on, ${o.on}::date), version = version + 1
           WHERE status = ANY(${sql.param([...o.stages])}::text[]) ${scopeSql(o.scope)}
          RETURNING id, state_code, held_from, status_on)
        INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason)
        SELECT id, state_code, status_on, ${o.actor}, held_from, 'on_hold', ${o.reason} FROM held
        RETURNING state_code AS "stateCode"`,
  );
}

/** Resumes the scope's cases on hold at the stage each was held from, each with a line of history; gives each case's state. */
export function resumeCasesInScope(
  db: Executor,
  o: { scope: CaseScopeFilter; on: string; actor: string; reason: string | null },
): Promise<{ stateCode: string }[]> {
  return rows<{ stateCode: string }>(
    db,
    sql`WITH resumed AS (
          UPDATE cases SET status = held_from, held_from = NULL, status_on = greatest(status_on, ${o.on}::date), version = version + 1
           WHERE status = 'on_hold' ${scopeSql(o.scope)}
          RETURNING id, state_code, status, status_on)
        INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason)
        SELECT id, state_code, status_on, ${o.actor}, 'on_hold', status, ${o.reason} FROM resumed
        RETURNING state_code AS "stateCode"`,
  );
}

// ── The person import (src/cases/person.import.ts) ───────────────────────────────────────────

/**
 * Turns PostgreSQL's JIT off for the rest of the transaction: the chunk statements' plans are
 * cheap index lookups that JIT would compile anew in every chunk for nothing (measured: 47 ms a chunk).
 */
export async function turnOffJit(tx: Executor): Promise<void> {
  await tx.execute(sql`SET LOCAL jit = off`);
}
