import { rows, sql, type Executor } from '../db/db.ts';
import type { CaseFacts, MemberFacts, PlaceFacts } from './households.ts';
import { PLACEABLE } from './households.ts';
import type { PlaceInput } from './places.ts';

/** The SQL of placement (issue 8). Every query names the state as well: row-level security is the second wall, not the first. */

/** Holds a state's placement runs for the rest of the transaction: one start or one set of decisions at a time. */
export async function lockPlacementRuns(db: Executor, stateCode: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`placement-run:${stateCode}`}, 0))`);
}

export interface PlaceRow extends PlaceFacts {
  stateCode: string;
  version: number;
  updatedAt: string;
}

const PLACE = sql`id, state_code AS "stateCode", code, name, kind, capacity, profile, version, updated_at::text AS "updatedAt"`;

export const placeRows = (db: Executor, stateCode: string) =>
  rows<PlaceRow>(db, sql`SELECT ${PLACE} FROM placement_places WHERE state_code = ${stateCode} ORDER BY code`);

export async function placeRow(db: Executor, stateCode: string, id: number, lock = false): Promise<PlaceRow | null> {
  const [p] = await rows<PlaceRow>(
    db,
    sql`SELECT ${PLACE} FROM placement_places WHERE state_code = ${stateCode} AND id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  return p ?? null;
}

/** Inserts or changes a place by its code; returns whether it was new. */
export async function upsertPlace(db: Executor, stateCode: string, p: PlaceInput): Promise<{ id: number; created: boolean }> {
  const [r] = await rows<{ id: number; created: boolean }>(
    db,
    sql`INSERT INTO placement_places (state_code, code, name, kind, capacity, profile)
        VALUES (${stateCode}, ${p.code}, ${p.name}, ${p.kind}, ${JSON.stringify(p.capacity)}::jsonb, ${JSON.stringify(p.profile)}::jsonb)
        ON CONFLICT (state_code, code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, capacity = EXCLUDED.capacity, profile = EXCLUDED.profile,
               version = placement_places.version + 1, updated_at = now()
        RETURNING id, (xmax = 0) AS created`,
  );
  return r!;
}

export async function updatePlaceRow(db: Executor, id: number, p: Omit<PlaceInput, 'code'>): Promise<void> {
  await db.execute(
    sql`UPDATE placement_places SET name = ${p.name}, kind = ${p.kind}, capacity = ${JSON.stringify(p.capacity)}::jsonb, profile = ${JSON.stringify(p.profile)}::jsonb,
               version = version + 1, updated_at = now() WHERE id = ${id}`,
  );
}

/** The organisation codes of a state's sponsors that are approved or active. */
export const usableSponsors = (db: Executor, stateCode: string) =>
  rows<{ organisation: string }>(
    db,
    sql`SELECT organisation FROM sponsors WHERE state_code = ${stateCode} AND status IN ('approved', 'active')`,
  ).then((r) => new Set(r.map((x) => x.organisation)));

const MEMBERS = sql`coalesce((SELECT json_agg(json_build_object('birthYear', p.birth_year, 'needs', (SELECT coalesce(json_agg(n->>'type'), '[]'::json) FROM jsonb_array_elements(p.needs) n)) ORDER BY p.person_ref)
                               FROM persons p WHERE p.case_id = c.id AND p.excluded_reason IS NULL), '[]'::json)`;

/** The cases of a round a run places: accepted, not yet arrived, not placed now; with their members. */
export async function placeableCases(db: Executor, stateCode: string, roundId: string): Promise<CaseFacts[]> {
  const placeable = sql.join(
    PLACEABLE.map((s) => sql`${s}`),
    sql`, `,
  );
  const found = await rows<{ caseId: number; caseRef: string; linkedRefs: string[]; members: MemberFacts[] }>(
    db,
    sql`SELECT c.id::int AS "caseId", c.case_ref AS "caseRef", c.linked_refs AS "linkedRefs", ${MEMBERS} AS members
          FROM cases c
         WHERE c.state_code = ${stateCode} AND c.round_id = ${roundId} AND c.status IN (${placeable})
           AND NOT EXISTS (SELECT 1 FROM case_placements cp WHERE cp.case_id = c.id AND cp.ended_at IS NULL)
         ORDER BY c.case_ref`,
  );
  return found.filter((c) => c.members.length > 0);
}

/** The households placed now, with their members, by place: what they take of its capacity. */
export const placedMembers = (db: Executor, stateCode: string) =>
  rows<{ placeId: number; members: MemberFacts[] }>(
    db,
    sql`SELECT cp.place_id AS "placeId", ${MEMBERS} AS members
          FROM case_placements cp JOIN cases c ON c.id = cp.case_id
         WHERE cp.state_code = ${stateCode} AND cp.ended_at IS NULL`,
  );

export interface RunRow {
  id: number;
  stateCode: string;
  roundId: string;
  requestedBy: string;
  requestedAt: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  timeLimitSeconds: number;
  progress: { phase: string; message: string; objective?: number; bound?: number; seconds: number } | null;
  result: import('./decision.ts').RunResult | null;
  error: string | null;
  finishedAt: string | null;
}

const RUN = sql`id::int AS id, state_code AS "stateCode", round_id AS "roundId", requested_by AS "requestedBy", requested_at::text AS "requestedAt", status,
                time_limit_seconds AS "timeLimitSeconds", progress, result, error, finished_at::text AS "finishedAt"`;

export async function runRow(
  db: Executor,
  stateCode: string,
  id: number,
  o: { lock?: boolean; result?: boolean } = {},
): Promise<RunRow | null> {
  const [r] = await rows<RunRow>(
    db,
    sql`SELECT ${
      o.result === false
        ? sql`id::int AS id, state_code AS "stateCode", round_id AS "roundId", requested_by AS "requestedBy", requested_at::text AS "requestedAt", status,
                time_limit_seconds AS "timeLimitSeconds", progress, NULL::jsonb AS result, error, finished_at::text AS "finishedAt"`
        : RUN
    }
          FROM placement_runs WHERE state_code = ${stateCode} AND id = ${id} ${o.lock ? sql`FOR UPDATE` : sql``}`,
  );
  return r ?? null;
}

/** A state's latest runs, without their results. */
export const runRows = (db: Executor, stateCode: string, limit: number) =>
  rows<RunRow>(
    db,
    sql`SELECT id::int AS id, state_code AS "stateCode", round_id AS "roundId", requested_by AS "requestedBy", requested_at::text AS "requestedAt", status,
               time_limit_seconds AS "timeLimitSeconds", progress, NULL::jsonb AS result, error, finished_at::text AS "finishedAt"
          FROM placement_runs WHERE state_code = ${stateCode} ORDER BY requested_at DESC, id DESC LIMIT ${limit}`,
  );

/** The state's runs still queued or running (locked): a run that outlived its time limit by `graceSeconds` is one the server lost. */
export const activeRuns = (db: Executor, stateCode: string, graceSeconds: number) =>
  rows<{ id: number; stale: boolean }>(
    db,
    sql`SELECT id::int AS id, requested_at + make_interval(secs => time_limit_seconds + ${graceSeconds}) < now() AS stale
          FROM placement_runs WHERE state_code = ${stateCode} AND status IN ('queued', 'running') FOR UPDATE`,
  );

export async function insertRun(
  db: Executor,
  r: { stateCode: string; roundId: string; requestedBy: string; timeLimitSeconds: number },
): Promise<number> {
  const [x] = await rows<{ id: number }>(
    db,
    sql`INSERT INTO placement_runs (state_code, round_id, requested_by, status, time_limit_seconds, progress)
        VALUES (${r.stateCode}, ${r.roundId}, ${r.requestedBy}, 'running', ${r.timeLimitSeconds}, ${JSON.stringify({ phase: 'start', message: 'starting', seconds: 0 })}::jsonb)
        RETURNING id::int AS id`,
  );
  return x!.id;
}

export async function setProgress(db: Executor, id: number, progress: NonNullable<RunRow['progress']>): Promise<void> {
  await db.execute(sql`UPDATE placement_runs SET progress = ${JSON.stringify(progress)}::jsonb WHERE id = ${id} AND status = 'running'`);
}

export async function finishRun(db: Executor, id: number, end: { result: unknown } | { error: string }): Promise<void> {
  if ('result' in end)
    await db.execute(
      sql`UPDATE placement_runs SET status = 'done', result = ${JSON.stringify(end.result)}::jsonb, finished_at = now() WHERE id = ${id}`,
    );
  else await db.execute(sql`UPDATE placement_runs SET status = 'failed', error = ${end.error}, finished_at = now() WHERE id = ${id}`);
}

export interface PlacementRow {
  id: number;
  caseRef: string;
  placeId: number;
  placeCode: string;
  placeName: string;
  runId: number | null;
  proposedPlaceCode: string | null;
  score: number | null;
  costOfChange: number | null;
  reason: string | null;
  decidedBy: string;
  decidedAt: string;
}

const PLACEMENT = sql`cp.id::int AS id, c.case_ref AS "caseRef", cp.place_id AS "placeId", pl.code AS "placeCode", pl.name AS "placeName", cp.run_id::int AS "runId",
                      pp.code AS "proposedPlaceCode", cp.score, cp.cost_of_change AS "costOfChange", cp.reason, cp.decided_by AS "decidedBy", cp.decided_at::text AS "decidedAt"`;
const PLACEMENT_FROM = sql`case_placements cp JOIN cases c ON c.id = cp.case_id JOIN placement_places pl ON pl.id = cp.place_id LEFT JOIN placement_places pp ON pp.id = cp.proposed_place_id`;

/** The current placements of a state (or of one run's households), by case reference. */
export const currentPlacements = (db: Executor, stateCode: string, o: { runId?: number } = {}) =>
  rows<PlacementRow>(
    db,
    sql`SELECT ${PLACEMENT} FROM ${PLACEMENT_FROM}
         WHERE cp.state_code = ${stateCode} AND cp.ended_at IS NULL ${o.runId !== undefined ? sql`AND cp.run_id = ${o.runId}` : sql``}
         ORDER BY c.case_ref`,
  );

/** Every placement of one case, newest first (a data subject's access export). */
export const casePlacementHistory = (db: Executor, caseId: number) =>
  rows<PlacementRow & { endedAt: string | null }>(
    db,
    sql`SELECT ${PLACEMENT}, cp.ended_at::text AS "endedAt" FROM ${PLACEMENT_FROM} WHERE cp.case_id = ${caseId} ORDER BY cp.decided_at DESC, cp.id DESC`,
  );

/** Ends a case's current placement and records the new decision, in the caller's transaction. */
export async function recordPlacement(
  db: Executor,
  d: {
    caseId: number;
    stateCode: string;
    placeId: number;
    runId: number;
    proposedPlaceId: number | null;
    score: number;
    costOfChange: number;
    reason: string | null;
    decidedBy: string;
  },
): Promise<void> {
  await db.execute(sql`UPDATE case_placements SET ended_at = now() WHERE case_id = ${d.caseId} AND ended_at IS NULL`);
  await db.execute(
    sql`INSERT INTO case_placements (case_id, state_code, place_id, run_id, proposed_place_id, score, cost_of_change, reason, decided_by)
        VALUES (${d.caseId}, ${d.stateCode}, ${d.placeId}, ${d.runId}, ${d.proposedPlaceId}, ${d.score}, ${d.costOfChange}, ${d.reason}, ${d.decidedBy})`,
  );
}
