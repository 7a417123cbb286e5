import { sql } from 'drizzle-orm';
import { RESULT_UNREAD, rows, type Executor } from '../db/db.ts';
import type { CaseDetail, CaseEvent, CasePerson, CaseSummary } from './case.ts';
import type { Modality, Stage, Status } from './stage.ts';

/** The columns of a case's summary, as every list of cases reads them (`c`: cases). */
export const SUMMARY = sql`c.id::int AS id, c.state_code AS "stateCode", c.case_ref AS "caseRef", c.pathway, c.round_id AS "roundId",
  c.country_of_departure AS "countryOfDeparture", c.status, c.held_from AS "heldFrom", c.status_on AS "statusOn", c.version,
  c.priority, c.modality, (SELECT count(*)::int FROM persons p WHERE p.case_id = c.id) AS persons`;

/**
 * A case named by its id, or by its state and reference where its id is not known yet: then the
 * statements that read it need no lookup before them, and go out together with nothing to wait for.
 */
export type CaseKey = number | { stateCode: string; caseRef: string };

/** The id of the case `key` names, as an SQL expression. */
const caseIdOf = (key: CaseKey) =>
  typeof key === 'number' ? sql`${key}` : sql`(SELECT id FROM cases WHERE state_code = ${key.stateCode} AND case_ref = ${key.caseRef})`;

/** The history of one case, oldest first, as every view shows it. */
export function caseEventRows(db: Executor, key: CaseKey): Promise<CaseEvent[]> {
  return rows<CaseEvent>(
    db,
    sql`SELECT "on", recorded_at::text AS "recordedAt", actor, from_status AS "fromStatus", to_status AS "toStatus", reason, details
          FROM case_events WHERE case_id = ${caseIdOf(key)} ORDER BY id`,
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
  key: CaseKey,
): Promise<(CaseSummary & Omit<CaseDetail, keyof CaseSummary | 'members' | 'history'>) | undefined> {
  const [c] = await rows<CaseSummary & Omit<CaseDetail, keyof CaseSummary | 'members' | 'history'>>(
    db,
    sql`SELECT ${SUMMARY}, c.primary_category AS "primaryCategory", c.secondary_category AS "secondaryCategory",
               c.referring_partner AS "referringPartner", c.partner_ref AS "partnerRef", c.linked_refs AS "linkedRefs"
          FROM cases c WHERE c.id = ${caseIdOf(key)}`,
  );
  return c;
}

/** The members of a case, by their reference. */
export function selectCaseMembers(db: Executor, key: CaseKey): Promise<CasePerson[]> {
  return rows<CasePerson>(
    db,
    sql`SELECT person_ref AS "personRef", citizenship, sex, birth_year AS "birthYear", relationship, arrived_on AS "arrivedOn", round_id AS "roundId", needs, excluded_reason AS "excludedReason"
          FROM persons WHERE case_id = ${caseIdOf(key)} ORDER BY person_ref`,
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

/**
 * Moves a case: writes its new status and version (only where it is still at the version read; the
 * modality where one is given) and adds the line of its history, in one statement. The caller holds
 * the case locked since it read its version (selectCaseToMove: FOR UPDATE), so the version cannot
 * have moved. One statement, one round trip (issue 17). False when the case was not at that version:
 * then nothing was written.
 */
export async function moveCase(
  db: Executor,
  c: {
    id: number;
    stateCode: string;
    fromVersion: number;
    from: Status;
    status: Status;
    heldFrom: Stage | null;
    on: string;
    version: number;
    modality: Modality | null;
    actor: string;
    reason: string | null;
    details: Record<string, unknown>;
  },
): Promise<void> {
  // Nothing reads its answer (RESULT_UNREAD): the statements after it follow it on the wire. A case not
  // at `fromVersion` fails the statement, and the transaction with it (pathways_assert, migration 0017).
  await db.execute(
    sql`${RESULT_UNREAD}WITH moved AS (
          UPDATE cases SET status = ${c.status}, held_from = ${c.heldFrom}, status_on = ${c.on}::date, version = ${c.version},
                           modality = coalesce(${c.modality}, modality)
           WHERE id = ${c.id} AND version = ${c.fromVersion}
          RETURNING id),
        logged AS (
          INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason, details)
          SELECT moved.id, ${c.stateCode}, ${c.on}::date, ${c.actor}, ${c.from}, ${c.status}, ${c.reason}, ${JSON.stringify(c.details)}::jsonb
            FROM moved
          RETURNING 1)
        SELECT pathways_assert((SELECT count(*) FROM logged) = 1, ${`case ${c.stateCode} #${c.id} was not at version ${c.fromVersion}`})`,
  );
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
