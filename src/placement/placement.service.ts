import { readFileSync } from 'node:fs';
import { authorize, policies } from '../access/policy.ts';
import { inScope } from '../access/scope.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Db, Executor } from '../db/db.ts';
import { ErrorCode, type RowProblem } from '../errors/app-error.ts';
import { appError, rowProblem } from '../i18n/problem.ts';
import { readCsv, inputName, type FileInput } from '../files/csv-source.ts';
import { getRound } from '../rounds/round.service.ts';
import { certify } from './certificate.ts';
import { checkChanges, valueAt, type RunResult } from './decision.ts';
import { buildInstance, householdSize } from './households.ts';
import { DIMENSIONS, type PlacementInstance } from './placement.ts';
import { checkPlace, checkPlaces, jsonPlaceRecords, PLACE_COLUMNS, type PlaceInput } from './places.ts';
import {
  activeRuns,
  currentPlacements,
  finishRun,
  insertRun,
  lockPlacementRuns,
  placeRow,
  placeRows,
  placeableCases,
  placedMembers,
  recordPlacement,
  runRow,
  runRows,
  setProgress,
  updatePlaceRow,
  upsertPlace,
  usableSponsors,
  type PlacementRow,
  type PlaceRow,
  type RunRow,
} from './placement.repository.ts';
import type { PlacementResult } from './solve.ts';
import { placementPool, solveInThread } from './solve-thread.ts';

/**
 * Placement in the platform (issue 8): a state's receiving places, the optimiser's run as a job in a
 * worker thread (progress and result written to `placement_runs`), and the caseworker's decisions —
 * only confirmed placements are recorded, with who decided and the cost of a change against the
 * proposal. Every use case asks `planPlacement` first; reads and writes of a household are audited
 * in the same transaction.
 */

/** A run still running this long after its time limit was lost (the server stopped): it no longer blocks a new one. */
export const STALE_RUN_SECONDS = 120;
/** Progress is written at most this often. */
export const PROGRESS_EVERY_MS = 500;

// ── Places ───────────────────────────────────────────────────────────────────────────────────

/** Reads a places file, CSV or JSON (by its name, `.json`), into checked places; every problem with its row, or a 400. */
export async function readPlacesFile(input: FileInput): Promise<PlaceInput[]> {
  const name = inputName(input);
  let records: { row: number; values: Record<string, unknown> }[];
  if (name.toLowerCase().endsWith('.json')) {
    let value: unknown;
    try {
      value = JSON.parse(typeof input === 'string' ? readFileSync(input, 'utf8') : Buffer.from(input.bytes).toString('utf8'));
    } catch (e) {
      throw appError(ErrorCode.BadInput, 'placesUnreadable', { p1: name, p2: (e as Error).message });
    }
    const found = jsonPlaceRecords(value);
    if (!found) throw appError(ErrorCode.BadInput, 'placesUnreadable', { p1: name, p2: 'expected an array of places' });
    records = found;
  } else {
    records = [];
    for await (const r of readCsv(input, { required: PLACE_COLUMNS.required, optional: PLACE_COLUMNS.optional })) records.push(r);
  }
  const { places, problems } = checkPlaces(records);
  if (problems.length) throw placesInvalid(name, problems);
  return places;
}

const placesInvalid = (name: string, problems: RowProblem[]) =>
  appError(ErrorCode.BadInput, 'placesInvalid', { p1: name, p2: problems.length }, problems);

async function checkSponsors(db: Executor, stateCode: string, places: readonly PlaceInput[], rowOf: (i: number) => number): Promise<void> {
  if (!places.some((p) => p.profile.sponsor)) return;
  const usable = await usableSponsors(db, stateCode);
  const problems = places.flatMap((p, i) =>
    p.profile.sponsor && !usable.has(p.profile.sponsor) ? [rowProblem(rowOf(i), 'sponsor', p.profile.sponsor, 'sponsorUnusable')] : [],
  );
  if (problems.length) throw placesInvalid('places', problems);
}

/** Adds or changes a state's places by code, all or none. */
export async function importPlaces(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  places: readonly PlaceInput[];
  source: string;
}): Promise<{ created: number; changed: number }> {
  const { db, actor, stateCode, places } = opts;
  authorize(policies.planPlacement, actor, { stateCode });
  await checkSponsors(db, stateCode, places, (i) => i + 2);
  let created = 0;
  for (const p of places) if ((await upsertPlace(db, stateCode, p)).created) created++;
  const changed = places.length - created;
  await recordAudit(db, {
    actor,
    action: 'placement.places.import',
    subject: `state:${stateCode}`,
    stateCode,
    purpose: 'placement: receiving places',
    details: { source: opts.source, created, changed },
  });
  return { created, changed };
}

export async function listPlaces(opts: { db: Executor; actor: Actor; stateCode: string }): Promise<PlaceRow[]> {
  authorize(policies.planPlacement, opts.actor, { stateCode: opts.stateCode });
  return placeRows(opts.db, opts.stateCode);
}

/** Changes one place (If-Match: its version). */
export async function changePlace(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  id: number;
  expectedVersion: number;
  values: Record<string, unknown>;
}): Promise<PlaceRow> {
  const { db, actor, stateCode, id } = opts;
  authorize(policies.planPlacement, actor, { stateCode });
  const current = await placeRow(db, stateCode, id, true);
  if (!current) throw appError(ErrorCode.NotFound, 'placeNotFound', { p1: id });
  if (current.version !== opts.expectedVersion)
    throw appError(ErrorCode.PreconditionFailed, 'placeStale', { p1: current.code, p2: opts.expectedVersion, p3: current.version });
  const { place, problems } = checkPlace(1, {
    ...current.profile,
    ...current.capacity,
    name: current.name,
    kind: current.kind,
    ...opts.values,
    code: current.code,
  });
  if (!place) throw placesInvalid(current.code, problems);
  await checkSponsors(db, stateCode, [place], () => 1);
  await updatePlaceRow(db, id, place);
  await recordAudit(db, {
    actor,
    action: 'placement.place.change',
    subject: `state:${stateCode}`,
    stateCode,
    purpose: 'placement: receiving places',
    details: { place: current.code, version: current.version + 1 },
  });
  return (await placeRow(db, stateCode, id))!;
}

// ── Runs ─────────────────────────────────────────────────────────────────────────────────────

export type Solver = (
  instance: PlacementInstance,
  o: { timeLimitSeconds: number; progress: (e: { phase: string; message: string; objective?: number; bound?: number }) => void },
) => Promise<PlacementResult>;

const inThread: Solver = (instance, o) => solveInThread(instance, o);

/**
 * Starts a run: in one transaction the check that none is running for the state (409), the
 * households read (audited) and the run recorded as running; then the solve in a worker thread,
 * its progress written at most every `PROGRESS_EVERY_MS`, its result (with the certificate
 * rechecked by `certify`) or its failure written at the end. Returns the run as started and a
 * promise of the run as it ended (the API answers without waiting; the command line waits).
 */
export async function startRun(opts: {
  db: Db;
  actor: Actor;
  stateCode: string;
  roundId: string;
  timeLimitSeconds: number;
  year?: number;
  solver?: Solver;
}): Promise<{ run: RunRow; done: Promise<RunRow> }> {
  const { db, actor, stateCode, roundId, timeLimitSeconds } = opts;
  authorize(policies.planPlacement, actor, { stateCode });
  const year = opts.year ?? new Date().getUTCFullYear();
  const started = await inScope(db, actor, async (tx) => {
    await lockPlacementRuns(tx, stateCode);
    await getRound(tx, roundId);
    for (const r of await activeRuns(tx, stateCode, STALE_RUN_SECONDS)) {
      if (!r.stale) throw appError(ErrorCode.Conflict, 'placementRunActive', { p1: stateCode, p2: r.id });
      await finishRun(tx, r.id, { error: 'the run was interrupted (the server stopped before it ended)' });
    }
    const places = await placeRows(tx, stateCode);
    if (places.length === 0) throw appError(ErrorCode.Unprocessable, 'placementNoPlaces', { p1: stateCode });
    const cases = await placeableCases(tx, stateCode, roundId);
    const used = new Map<number, number[]>();
    for (const m of await placedMembers(tx, stateCode)) {
      const size = householdSize(m.members, year);
      const sum = used.get(m.placeId) ?? DIMENSIONS.map(() => 0);
      used.set(
        m.placeId,
        sum.map((x, d) => x + size[d]!),
      );
    }
    const instance = buildInstance(cases, places, year, used);
    const id = await insertRun(tx, { stateCode, roundId, requestedBy: actor.id, timeLimitSeconds });
    await recordAudit(tx, {
      actor,
      action: 'placement.run.start',
      purpose: 'placement: proposal of the optimiser',
      subject: `state:${stateCode}`,
      stateCode,
      recordIds: cases.map((c) => `case:${c.caseRef}`),
      fields: ['birthYear', 'needs', 'linkedRefs'],
      details: { run: id, round: roundId, households: cases.length, places: places.length, timeLimitSeconds },
    });
    const snapshot: Pick<RunResult, 'dimensions' | 'places' | 'households'> = {
      dimensions: [...instance.dimensions],
      places: places.map((p, i) => ({ id: p.id, code: p.code, name: p.name, kind: p.kind, capacity: [...instance.places[i]!.capacity] })),
      households: cases.map((c, h) => ({
        ref: c.caseRef,
        caseId: c.caseId,
        size: [...instance.households[h]!.size],
        penalty: instance.households[h]!.penalty,
        links: [...(instance.households[h]!.links ?? [])],
        tie: instance.households[h]!.tie ?? null,
        scores: Object.fromEntries(
          places.flatMap((p, i) =>
            Number.isNaN(instance.scores[h * places.length + i]!) ? [] : [[p.code, instance.scores[h * places.length + i]!]],
          ),
        ),
      })),
    };
    return { id, instance, snapshot, run: (await runRow(tx, stateCode, id))! };
  });
  const done = solveAndRecord(
    db,
    actor,
    stateCode,
    started.id,
    started.instance,
    started.snapshot,
    timeLimitSeconds,
    opts.solver ?? inThread,
  );
  return { run: started.run, done };
}

async function solveAndRecord(
  db: Db,
  actor: Actor,
  stateCode: string,
  id: number,
  instance: PlacementInstance,
  snapshot: Pick<RunResult, 'dimensions' | 'places' | 'households'>,
  timeLimitSeconds: number,
  solver: Solver,
): Promise<RunRow> {
  const t0 = Date.now();
  let lastWrite = 0;
  let writes: Promise<unknown> = Promise.resolve();
  const progress = (e: { phase: string; message: string; objective?: number; bound?: number }) => {
    const now = Date.now();
    if (now - lastWrite < PROGRESS_EVERY_MS) return;
    lastWrite = now;
    const p = {
      phase: e.phase,
      message: e.message,
      seconds: Math.round((now - t0) / 100) / 10,
      ...(e.objective !== undefined && { objective: e.objective }),
      ...(e.bound !== undefined && { bound: e.bound }),
    };
    writes = writes.then(() => inScope(db, actor, (tx) => setProgress(tx, id, p))).catch(() => undefined); // progress is best effort; the end is not
  };
  let end: { result: RunResult } | { error: string };
  try {
    const solved = await solver(instance, { timeLimitSeconds, progress });
    const c = certify(
      instance,
      { assignment: solved.assignment, bound: solved.bound, prices: solved.prices },
      { explain: true, alternatives: 3 },
    );
    const result: RunResult = {
      ...snapshot,
      assignment: { ...solved.assignment },
      objective: solved.objective,
      bound: solved.bound,
      gap: solved.gap,
      optimal: solved.optimal,
      prices: solved.prices,
      certificate: { valid: c.valid, feasible: c.feasible, provenBound: c.bound.proven, violations: c.violations },
      binding: c.binding,
      explanations: c.explanations,
      unplaced: snapshot.households.filter((h) => solved.assignment[h.ref] == null).map((h) => ({ ref: h.ref, penalty: h.penalty })),
      ms: Date.now() - t0,
    };
    end = c.valid ? { result } : { error: `the proposal failed its certificate: ${c.violations.slice(0, 5).join('; ')}` };
  } catch (e) {
    end = { error: e instanceof Error ? e.message : String(e) };
  }
  await writes;
  return inScope(db, actor, async (tx) => {
    await finishRun(tx, id, end);
    return (await runRow(tx, stateCode, id, { result: false }))!;
  });
}

/** One run with its progress and result; reading a result (households' sizes and scores) is audited. */
export async function getRun(opts: { db: Executor; actor: Actor; stateCode: string; id: number }): Promise<RunRow> {
  const { db, actor, stateCode, id } = opts;
  authorize(policies.planPlacement, actor, { stateCode });
  const run = await runRow(db, stateCode, id);
  if (!run) throw appError(ErrorCode.NotFound, 'placementRunNotFound', { p1: id });
  if (run.result)
    await recordAudit(db, {
      actor,
      action: 'placement.run.read',
      purpose: 'placement: proposal of the optimiser',
      subject: `state:${stateCode}`,
      stateCode,
      recordIds: run.result.households.map((h) => `case:${h.ref}`),
      fields: ['size', 'scores', 'place'],
      details: { run: id },
    });
  return run;
}

export async function listRuns(opts: { db: Executor; actor: Actor; stateCode: string; limit?: number }): Promise<RunRow[]> {
  authorize(policies.planPlacement, opts.actor, { stateCode: opts.stateCode });
  return runRows(opts.db, opts.stateCode, opts.limit ?? 20);
}

/**
 * Starts the solver's threads (HiGHS loaded, about 2 s) without waiting for them: called where a
 * person is about to start a run (the placement page lists the runs first), so that the run does not
 * wait for them. An idle thread keeps no process alive. Not part of `listRuns`, which a command or a
 * report may call with no run to follow.
 */
export function prepareSolver(): void {
  void placementPool()
    .warm()
    .catch(() => undefined);
}

// ── Decisions ────────────────────────────────────────────────────────────────────────────────

export interface DecisionInput {
  caseRef: string;
  /** The place's code: the proposed one, or another. */
  place: string;
  reason?: string | null;
}

/**
 * Records the caseworker's decisions on a run's proposal, all or none: each household at the
 * proposed place (cost 0) or another (its cost against the proposal stored); refused (422) when the
 * assignment they lead to (the proposal, this run's earlier decisions, these) breaks a capacity, a
 * link, a tie or compatibility. A new decision on a household ends its previous one.
 */
export async function decide(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  runId: number;
  decisions: readonly DecisionInput[];
}): Promise<{ placements: PlacementRow[]; cost: number }> {
  const { db, actor, stateCode, runId, decisions } = opts;
  authorize(policies.planPlacement, actor, { stateCode });
  await lockPlacementRuns(db, stateCode);
  const run = await runRow(db, stateCode, runId);
  if (!run) throw appError(ErrorCode.NotFound, 'placementRunNotFound', { p1: runId });
  if (run.status !== 'done' || !run.result) throw appError(ErrorCode.Conflict, 'placementRunNotDone', { p1: runId, p2: run.status });
  const result = run.result;
  const refs = decisions.map((d) => d.caseRef);
  const repeated = refs.find((r, i) => refs.indexOf(r) !== i);
  if (repeated) throw appError(ErrorCode.BadInput, 'placementRepeated', { p1: repeated });
  const decided = Object.fromEntries((await currentPlacements(db, stateCode, { runId })).map((p) => [p.caseRef, p.placeCode]));
  const chosen = Object.fromEntries(decisions.map((d) => [d.caseRef, d.place]));
  const check = checkChanges(result, chosen, decided);
  if (!check.feasible)
    throw appError(
      ErrorCode.Unprocessable,
      'placementInfeasible',
      { p1: check.violations.slice(0, 3).join('; ') },
      { violations: check.violations },
    );
  const byRef = new Map(result.households.map((h) => [h.ref, h]));
  const placeId = new Map(result.places.map((p) => [p.code, p.id]));
  for (const d of decisions) {
    const h = byRef.get(d.caseRef)!;
    const proposed = result.assignment[d.caseRef] ?? null;
    await recordPlacement(db, {
      caseId: h.caseId,
      stateCode,
      placeId: placeId.get(d.place)!,
      runId,
      proposedPlaceId: proposed === null ? null : placeId.get(proposed)!,
      score: valueAt(h, d.place),
      costOfChange: check.changes.find((c) => c.ref === d.caseRef)!.cost,
      reason: d.reason?.trim() || null,
      decidedBy: actor.id,
    });
  }
  await recordAudit(db, {
    actor,
    action: 'placement.decide',
    purpose: 'placement: decision of a caseworker',
    subject: `state:${stateCode}`,
    stateCode,
    recordIds: refs.map((r) => `case:${r}`),
    fields: ['place', 'costOfChange', 'reason'],
    details: {
      run: runId,
      decisions: decisions.length,
      changed: check.changes.filter((c) => c.chosen !== c.proposed).length,
      cost: check.cost,
    },
  });
  const now = await currentPlacements(db, stateCode, { runId });
  return { placements: now.filter((p) => refs.includes(p.caseRef)), cost: check.cost };
}

/** The state's current placements; audited. */
export async function listPlacements(opts: { db: Executor; actor: Actor; stateCode: string }): Promise<PlacementRow[]> {
  const { db, actor, stateCode } = opts;
  authorize(policies.planPlacement, actor, { stateCode });
  const found = await currentPlacements(db, stateCode);
  await recordAudit(db, {
    actor,
    action: 'placement.list',
    purpose: 'placement: current placements',
    subject: `state:${stateCode}`,
    stateCode,
    recordIds: found.map((p) => `case:${p.caseRef}`),
    fields: found.length ? Object.keys(found[0]!) : [],
    details: { rows: found.length },
  });
  return found;
}
