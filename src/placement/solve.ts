/**
 * Solving a placement instance: the method, and plain MIP as the baseline it is measured against.
 *
 * The method (issue 8): linked households are merged into one group and tied groups fixed at their
 * place beforehand (placement.ts, `restrict`); then
 * 1. capacity prices from the Lagrangian dual (lp.ts), and from them the LP relaxation in HiGHS by
 *    column generation over each group's best-priced options (above `LP_MAX_OPTIONS` options the
 *    LP is not tried: the Lagrangian takes half the time, its prices and greedy stand in for the LP's);
 * 2. the groups the LP places integrally are fixed; the fractional ones (about as many as the
 *    binding capacity rows) are solved exactly by a small MIP on the capacity left, over their
 *    options with positive LP value, reduced cost 0 or among their three best scores; a local
 *    search then moves single groups to a better place with room;
 * 3. price and branch: the MIP over the options whose reduced cost is near 0, from the incumbent
 *    (with one dimension in whole units, the knapsack stage of knapsack.ts instead: a tighter bound, an
 *    incumbent and a stronger fixing for step 5);
 * 4. large neighbourhoods: the groups at a few full places re-solved exactly, while that gains;
 * 5. if the incumbent is still below the LP bound, the MIP over the options whose reduced cost is
 *    above −(bound − incumbent): an option below that cannot be in any better solution (the LP's
 *    duals bound every solution using it below the incumbent), so this MIP is exact — when it ends
 *    in time, the result is proven optimal. Steps 3–4 are skipped when this MIP is small enough to
 *    go to at once.
 * The bound reported is the LP bound Σ cap·y + Σ u_g from the capacity prices y, which
 * certificate.ts checks on its own; any prices give a valid bound, the LP's the tightest.
 */
import type { Highs } from 'highs';
import { rng } from '../evaluation/random.ts';
import {
  compile,
  problemObjective,
  relativeGap,
  toAssignment,
  type Assignment,
  type Compiled,
  type PlacementInstance,
  type Problem,
} from './placement.ts';
import { dualBound, type Fixing, reducedCostFixing } from './fixing.ts';
import { type KnapsackStage, knapsackStage, oneDimensionalIntegral } from './knapsack.ts';
import { knapsackSearch } from './knapsack-tree.ts';
import { groupOfOptions, lagrangianPrices, loadHighs, solveMip, solveRelaxation, type Progress } from './lp.ts';

export interface SolveOptions {
  /** Wall-clock limit for the whole solve, in seconds (default 60). */
  timeLimitSeconds?: number;
  /** Relative gap at which the exact MIP may stop (default 1e-6). */
  relGap?: number;
  /** Options per group in the LP's first round (column generation adds the others as needed). */
  perGroup?: number;
  /** Above this many options the LP relaxation is not tried (default `LP_MAX_OPTIONS`). */
  lpMaxOptions?: number;
  /** Capacity prices to start the Lagrangian from (places × dimensions), e.g. the last run's. */
  prices?: readonly number[];
  progress?: Progress;
  /**
   * Where given (the solver threads give one), the exact MIP of step 5 runs in another thread while the
   * knapsacks' branch and bound (step 2c) runs here, and the first to prove the optimum ends the other.
   */
  exactRace?: ExactRace;
}

/** The options a solve in a solver thread is sent with (what crosses to the thread: no callbacks). */
export type PortableSolveOptions = Omit<SolveOptions, 'progress' | 'exactRace'>;

export interface PlacementResult {
  method: 'method' | 'baseline';
  assignment: Assignment;
  objective: number;
  /** Upper bound on every assignment's objective: the LP bound from `prices` (method), HiGHS's MIP bound (baseline). */
  bound: number;
  /** Capacity prices (places × dimensions, ≥ 0) proving `bound` by LP duality; empty for the baseline. */
  prices: number[];
  /**
   * The method's gap: 0 when proven optimal, else (best bound − objective) / |best bound| with the
   * best of `bound` and `mipBound` (placement.ts, `relativeGap`).
   */
  gap: number;
  /**
   * The LP's gap, (LP bound − objective) / |LP bound|, the one the certificate proves: for a proven
   * optimum it is the LP relaxation's integrality gap, not a shortfall of the method. Null for the
   * baseline (no LP bound).
   */
  lpGap: number | null;
  /** Proven optimal: the exact MIP or the knapsacks' tree ended, or the objective reached the bound (the LP's or the knapsacks'). */
  optimal: boolean;
  /**
   * The tighter bound HiGHS proved in the exact MIP (method: over the options the reduced costs
   * leave, valid for all since no better solution uses the others), or the knapsack stage's
   * (knapsack.ts, one dimension), whichever is lower, or the objective where the knapsacks' tree
   * (knapsack-tree.ts) proved it; null when none ran. HiGHS's word and the stages', not checked by
   * the certificate; the LP bound of `bound` is.
   */
  mipBound: number | null;
  stats: {
    groups: number;
    tiedGroups: number;
    lpRounds: number;
    lpColumns: number;
    lpComplete: boolean;
    fractionalGroups: number;
    localMoves: number;
    /** Neighbourhoods re-solved by the local search (each a small exact MIP). */
    neighbourhoods: number;
    exactMipColumns: number;
    /** Groups left to the exact MIP by reduced-cost fixing. */
    exactGroups: number;
    /** Nodes of the knapsacks' branch and bound (knapsack-tree.ts; one dimension only). */
    treeNodes: number;
    ms: { lp: number; repair: number; exact: number; total: number };
  };
}

const FREE = -2;

/** The groups marked FREE in `fixed`, with the capacity left after the fixed ones and their options that still fit (and `keep`). */
export function restrict(problem: Problem, fixed: Int32Array, keep?: (k: number) => boolean): { sub: Problem; groups: Int32Array } {
  const { D, P } = problem;
  const capacity = Float64Array.from(problem.capacity);
  const groups: number[] = [];
  for (let g = 0; g < problem.G; g++) {
    const p = fixed[g]!;
    if (p === FREE) groups.push(g);
    else if (p >= 0) for (let d = 0; d < D; d++) capacity[p * D + d]! -= problem.size[g * D + d]!;
  }
  const G = groups.length;
  const size = new Float64Array(G * D);
  const penalty = new Float64Array(G);
  const start = new Int32Array(G + 1);
  const place: number[] = [];
  const score: number[] = [];
  groups.forEach((g, i) => {
    penalty[i] = problem.penalty[g]!;
    for (let d = 0; d < D; d++) size[i * D + d] = problem.size[g * D + d]!;
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) {
      const p = problem.place[k]!;
      let fits = true;
      for (let d = 0; d < D && fits; d++) fits = size[i * D + d]! <= capacity[p * D + d]! + 1e-9;
      if (fits && (keep?.(k) ?? true)) {
        place.push(p);
        score.push(problem.score[k]!);
      }
    }
    start[i + 1] = place.length;
  });
  return {
    sub: { D, P, G, capacity, size, penalty, start, place: Int32Array.from(place), score: Float64Array.from(score) },
    groups: Int32Array.from(groups),
  };
}

/** Moves single groups to a better place with room left, until none can move (or the deadline). */
export function localSearch(problem: Problem, placeOf: Int32Array, deadline: number): number {
  const { D, G } = problem;
  const free = Float64Array.from(problem.capacity);
  const valueAt = new Float64Array(G);
  for (let g = 0; g < G; g++) {
    const p = placeOf[g]!;
    valueAt[g] = -problem.penalty[g]!;
    if (p < 0) continue;
    for (let d = 0; d < D; d++) free[p * D + d]! -= problem.size[g * D + d]!;
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) if (problem.place[k] === p) valueAt[g] = problem.score[k]!;
  }
  let moves = 0;
  for (let pass = 0; pass < 50 && performance.now() < deadline; pass++) {
    let moved = false;
    for (let g = 0; g < G; g++) {
      const from = placeOf[g]!;
      for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) {
        if (problem.score[k]! <= valueAt[g]! + 1e-12) break; // options are sorted best first
        const p = problem.place[k]!;
        let fits = true;
        for (let d = 0; d < D && fits; d++) fits = problem.size[g * D + d]! <= free[p * D + d]! + 1e-9;
        if (!fits) continue;
        for (let d = 0; d < D; d++) {
          free[p * D + d]! -= problem.size[g * D + d]!;
          if (from >= 0) free[from * D + d]! += problem.size[g * D + d]!;
        }
        placeOf[g] = p;
        valueAt[g] = problem.score[k]!;
        moves++;
        moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  return moves;
}

/**
 * Pair exchanges: two groups at different places (or one unplaced) trade places when both fit and
 * the objective gains; single moves between the passes (`localSearch`). Up to `maxGroups` groups
 * (a pass is G² pairs). Returns the exchanges made.
 */
export function swapSearch(problem: Problem, placeOf: Int32Array, deadline: number, maxGroups = 3000): number {
  const { D, P, G } = problem;
  if (G > maxGroups || G < 2) return 0;
  const value = new Float64Array(G * (P + 1)).fill(Number.NaN); // column P: unplaced
  for (let g = 0; g < G; g++) {
    value[g * (P + 1) + P] = -problem.penalty[g]!;
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) value[g * (P + 1) + problem.place[k]!] = problem.score[k]!;
  }
  const at = (g: number) => (placeOf[g]! < 0 ? P : placeOf[g]!);
  let swaps = 0;
  for (let pass = 0; pass < 20 && performance.now() < deadline; pass++) {
    localSearch(problem, placeOf, deadline);
    const free = Float64Array.from(problem.capacity);
    for (let g = 0; g < G; g++) if (placeOf[g]! >= 0) for (let d = 0; d < D; d++) free[placeOf[g]! * D + d]! -= problem.size[g * D + d]!;
    let changed = false;
    for (let a = 0; a < G && performance.now() < deadline; a++) {
      for (let b = a + 1; b < G; b++) {
        const pa = at(a);
        const pb = at(b);
        if (pa === pb) continue;
        const gain = value[a * (P + 1) + pb]! + value[b * (P + 1) + pa]! - value[a * (P + 1) + pa]! - value[b * (P + 1) + pb]!;
        if (!(gain > 1e-9)) continue; // NaN (incompatible) fails too
        let fits = true;
        for (let d = 0; d < D && fits; d++) {
          const delta = problem.size[a * D + d]! - problem.size[b * D + d]!;
          if (pb < P) fits = free[pb * D + d]! - delta >= -1e-9;
          if (fits && pa < P) fits = free[pa * D + d]! + delta >= -1e-9;
        }
        if (!fits) continue;
        for (let d = 0; d < D; d++) {
          const delta = problem.size[a * D + d]! - problem.size[b * D + d]!;
          if (pb < P) free[pb * D + d]! -= delta;
          if (pa < P) free[pa * D + d]! += delta;
        }
        placeOf[a] = pb === P ? -1 : pb;
        placeOf[b] = pa === P ? -1 : pa;
        swaps++;
        changed = true;
      }
    }
    if (!changed) break;
  }
  localSearch(problem, placeOf, deadline);
  return swaps;
}

/**
 * Above this many options HiGHS's LP relaxation is not tried: its first rounds do not end in the
 * time, and what they leave is worse than the Lagrangian prices with more steps. 33,000 × 200 × 3
 * (4.0 million options, 60 s, in-process): the LP finished one round of two in its 70 % of the time
 * and the answer was 2.24 % from the bound; without it, the Lagrangian's 471 steps in half the time
 * and the neighbourhoods in the rest gave 1.57 %. 10,000 × 100 × 3 (630,000 options, 30 s): the LP
 * ends in 8.8 s and the answer is 0.076 % from its bound; without it, 0.88 %.
 */
const LP_MAX_OPTIONS = 2_000_000;

/** Above this many options step 3's MIP (price and branch) is not tried: HiGHS would spend the time in its presolve. */
const PRICE_AND_BRANCH_COLUMNS = 60_000;

/**
 * Above this many options after reduced-cost fixing, step 5's exact MIP is not tried and the
 * neighbourhoods get the time. Between 20,000 and 60,000 options HiGHS spent the time in the root
 * of a MIP it could not prove, and found nothing better there than the neighbourhoods did (3 dimensions, 10 s,
 * in-process: six instances from 800 × 50 to 2,000 × 40, 21,910–54,802 options left, all six closer to the bound
 * with the neighbourhoods: 0.061–0.160 % against 0.094–0.383 %); nor could it stop at its time limit there: the
 * root has no checkpoint, and 1,500 × 40 × 3 in 3 s (36,563 options) ended 0.07–0.42 s past the limit in a quiet
 * process, 1.8 s in CI. The weekly batches with capacity for the batch alone (about 15,000 options) keep the exact
 * MIP, which served them better than neighbourhoods first (see step 4).
 */
const EXACT_MIP_COLUMNS = 20_000;

/**
 * Subgradient steps of the knapsack stage (step 2b). HIAS through the solver threads, with the race of
 * step 2c, five runs each, ms end to end: 150 steps FY16 685–1,032 (median 778), FY17 516–683 (596);
 * 100 steps 669–771 (757) and 653–735 (681); 200 steps 753–981 (874) and 607–817 (721); 60 steps FY16
 * 2.1–2.2 s (its incumbent is weaker, and HiGHS's exact MIP slower from it). With 300, in the slower
 * hour before: FY16 1.15–1.42 s, FY17 0.69–0.96 s.
 */
const STAGE_STEPS = 150;

/**
 * Without a race (a solve outside the solver threads), the knapsacks' branch and bound (step 2c) gets
 * at most this long, and TREE_SHARE of the time left, before step 5. HIAS, in-process, warm, five runs:
 * FY17 proven by the tree in 433–608 ms end to end (203 nodes); FY16's tree would need about 2,000
 * nodes, so it stops at the limit and HiGHS proves FY16 after it (1.1–1.3 s in all).
 */
const TREE_MS = 500;
const TREE_SHARE = 0.2;

/**
 * The knapsack stage's fixing against its own incumbent, narrowed by the LP's against a better one
 * (each keeps every assignment better than its incumbent); the incumbent's own choices stay, so that
 * HiGHS can start from it.
 */
function tighten(problem: Problem, stage: Fixing, lp: Fixing, placeOf: Int32Array): Fixing {
  const keep = new Uint8Array(stage.keep.length);
  const unplacedAllowed = new Uint8Array(problem.G);
  let columns = 0;
  for (let g = 0; g < problem.G; g++) {
    unplacedAllowed[g] = (stage.unplacedAllowed[g]! & lp.unplacedAllowed[g]!) | (placeOf[g]! < 0 ? 1 : 0);
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) {
      keep[k] = (stage.keep[k]! & lp.keep[k]!) | (problem.place[k] === placeOf[g] ? 1 : 0);
      columns += keep[k]!;
    }
  }
  return { keep, unplacedAllowed, columns, bound: lp.bound, incumbent: lp.incumbent };
}

/**
 * The gap at which step 3's MIP stops: its answer is the incumbent that step 5's reduced-cost fixing
 * measures against, and step 5 proves; within 0.1 % of its own bound is good enough for that, and
 * the time its proof took goes to step 5 (the weekly batches with capacity for a quarter, seeds 1–5,
 * in-process: all five proven in 6.7, 4.2, 0.9, 3.1, 2.8 s against 7.8, 6.6, 1.1, 5.0, 4.4 s at 1e-9).
 */
const STEP3_GAP = 1e-3;

/**
 * Groups freed in one neighbourhood. Small enough that HiGHS proves most of them within their 500 ms,
 * so more of them run: in-process, 3,300 × 50 × 3, seeds 1–5, 10 s, the answer was 0.041, 0.048,
 * 0.058, 0.057, 0.055 % from the LP bound with 100 (120: 0.038–0.061 %), against 0.055, 0.097,
 * 0.107, 0.111, 0.082 % with 200 and 0.112–0.155 % with 300; on 33,000 × 200 × 3 (60 s) 2.24 %
 * against 2.64 %.
 */
const NEIGHBOURHOOD_GROUPS = 100;

/**
 * The local search of large neighbourhoods: a few places (full ones first), the groups there and the
 * groups with a near option (reduced cost ≥ −0.05) there, re-solved by a small exact MIP from the
 * current assignment on the capacity everyone else leaves; kept when better. Stops after 8 rounds
 * without a gain (what is left is then mostly the LP's integrality gap). Returns the rounds.
 */
export function improveByNeighbourhoods(
  highs: Highs,
  problem: Problem,
  placeOf: Int32Array,
  rc: Float64Array,
  o: { deadline: number; target: number; progress?: Progress; seed?: number },
): number {
  const { D, P, G } = problem;
  const random = rng(o.seed ?? 1);
  const groupOf = groupOfOptions(problem);
  let rounds = 0;
  let objective = problemObjective(problem, placeOf);
  let idle = 0;
  while (performance.now() < o.deadline - 100 && o.target - objective > 1e-9 * Math.max(1, Math.abs(o.target)) && idle < 8) {
    rounds++;
    idle++;
    const used = new Float64Array(P * D);
    for (let g = 0; g < G; g++) if (placeOf[g]! >= 0) for (let d = 0; d < D; d++) used[placeOf[g]! * D + d]! += problem.size[g * D + d]!;
    const full: number[] = [];
    for (let p = 0; p < P; p++)
      for (let d = 0; d < D; d++)
        if (used[p * D + d]! >= problem.capacity[p * D + d]! - 1e-9 && problem.capacity[p * D + d]! > 0) {
          full.push(p);
          break;
        }
    const chosen = new Set<number>();
    const pool = full.length ? full : [...Array(P).keys()];
    while (chosen.size < Math.min(2, pool.length)) chosen.add(pool[Math.floor(random() * pool.length)]!);
    chosen.add(Math.floor(random() * P));
    const fixed = Int32Array.from(placeOf);
    let freed = 0;
    const offset = Math.floor(random() * G);
    for (let i = 0; i < G && freed < NEIGHBOURHOOD_GROUPS; i++) {
      const g = (offset + i) % G;
      let near = placeOf[g]! >= 0 && chosen.has(placeOf[g]!);
      for (let k = problem.start[g]!; k < problem.start[g + 1]! && !near; k++) near = chosen.has(problem.place[k]!) && rc[k]! >= -0.05;
      if (near) {
        fixed[g] = FREE;
        freed++;
      }
    }
    const keep = (k: number) => chosen.has(problem.place[k]!) || rc[k]! >= -0.05 || problem.place[k] === placeOf[groupOf[k]!];
    const { sub, groups } = restrict(problem, fixed, keep);
    const start = Int32Array.from(groups, (g) => placeOf[g]!);
    const before = problemObjective(sub, start);
    const mip = solveMip(highs, sub, { deadline: Math.min(o.deadline, performance.now() + 500), relGap: 1e-9, start });
    if (mip && mip.objective > before + 1e-9) {
      groups.forEach((g, i) => {
        placeOf[g] = mip.placeOf[i]!;
      });
      idle = 0;
      objective = problemObjective(problem, placeOf);
      o.progress?.({
        phase: 'local search',
        message: `neighbourhood ${rounds} (${groups.length} groups): objective ${objective.toFixed(4)}`,
        objective,
      });
    }
  }
  return rounds;
}

/** The reduced cost above which about `count` options lie (at most 0). */
function nearThreshold(rc: Float64Array, count: number): number {
  if (rc.length <= count) return Number.NEGATIVE_INFINITY;
  const sorted = Float64Array.from(rc).sort();
  return Math.min(-1e-6, sorted[rc.length - count]!);
}

/** What the exact stage found: its answer (at least the incumbent), whether proven optimal, HiGHS's bound lifted to the problem, and its model's size. */
export interface ExactAnswer {
  placeOf: Int32Array;
  objective: number;
  optimal: boolean;
  bound: number | null;
  columns: number;
  groups: number;
  /** Its time, where it ran in another thread. */
  ms?: number;
}

/**
 * The exact stage run elsewhere (another thread, exact-thread.ts) while the knapsacks' branch and bound
 * runs here: whichever proves the optimum first ends the other.
 */
export interface ExactRace {
  /** Null where it cannot run (its thread has stopped). */
  start(problem: Problem, fixing: Fixing, incumbent: Int32Array, o: { ms: number; relGap: number; presolve: boolean }): ExactRun | null;
}
/** What exact-thread.ts sends its thread. */
export interface ExactJob {
  id: number;
  problem: Problem;
  fixing: Fixing;
  incumbent: Int32Array;
  ms: number;
  relGap: number;
  presolve: boolean;
}
export interface ExactRun {
  /** Its answer once it ended, else null; does not block. */
  poll(): ExactAnswer | null;
  /** It ended in an error (then the solver runs step 5 itself), as of the last `poll` or `wait`. */
  failed(): boolean;
  /** Its answer, waiting at most `ms` for it to end. */
  wait(ms: number): ExactAnswer | null;
  /** Asks it to stop at HiGHS's next checkpoint. */
  cancel(): void;
}

/**
 * The exact stage: the groups reduced-cost fixing leaves one choice are fixed there (their capacity
 * taken off), the others solved by HiGHS's MIP over their kept options (a group that may not stay
 * unplaced has its row Σ x = 1), from the incumbent. Optimal when HiGHS proves its model's optimum or
 * that it has none (then nothing beats the incumbent). `bound`: HiGHS's bound lifted to the problem.
 */
export function solveExact(
  highs: Highs,
  problem: Problem,
  fixing: Fixing,
  incumbent: Int32Array,
  o: { deadline: number; relGap: number; presolve?: boolean; progress?: Progress; interrupt?: () => boolean },
): ExactAnswer {
  const { G } = problem;
  const fixed = new Int32Array(G).fill(FREE);
  for (let g = 0; g < G; g++) {
    let kept = 0;
    let at = -1;
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++)
      if (fixing.keep[k]) {
        kept++;
        at = problem.place[k]!;
      }
    if (kept === 0 && fixing.unplacedAllowed[g]) fixed[g] = -1;
    else if (kept === 1 && !fixing.unplacedAllowed[g]) fixed[g] = at;
  }
  const { sub, groups } = restrict(problem, fixed, (k) => fixing.keep[k] === 1);
  const mustPlace = Uint8Array.from(groups, (g) => 1 - fixing.unplacedAllowed[g]!);
  o.progress?.({
    phase: 'exact',
    message: `exact MIP over ${groups.length} of ${G} groups, ${sub.place.length} of ${problem.place.length} options left by the fixing against ${fixing.incumbent.toFixed(4)} (the LP bound ${fixing.bound.toFixed(4)})`,
  });
  const lift = (subPlaceOf: Int32Array) => {
    const placeOf = Int32Array.from(fixed, (p) => (p === FREE ? -1 : p));
    groups.forEach((g, i) => {
      placeOf[g] = subPlaceOf[i]!;
    });
    return placeOf;
  };
  const start = Int32Array.from(groups, (g) => incumbent[g]!);
  // The incumbent is in the reduced model unless a fixed group sits elsewhere in it (within the
  // tolerance of the threshold); then HiGHS starts without it.
  const startFits = [...fixed].every((p, g) => p === FREE || p === incumbent[g]);
  const mip = solveMip(highs, sub, {
    deadline: o.deadline,
    relGap: o.relGap,
    mustPlace,
    ...(o.presolve === false ? { presolve: false } : {}),
    // No restart: the model is what reduced-cost fixing left, small and already tight; restarting the
    // search after the root's reductions cost more than it found (in-process, 10 s limit: the weekly
    // batches with capacity for a quarter, seeds 1–5, proven in 4.7, 3.5, 1.6, 2.6, 2.1 s against 5.9,
    // 4.2, 1.8, 3.1, 2.9 s; HIAS FY17 2.7 s against 3.1 s; the batch alone unchanged).
    restart: false,
    ...(o.interrupt ? { interrupt: o.interrupt } : {}),
    ...(startFits ? { start } : {}),
    ...(o.progress ? { progress: o.progress } : {}),
  });
  const incumbentObjective = problemObjective(problem, incumbent);
  if (!mip)
    return {
      placeOf: Int32Array.from(incumbent),
      objective: incumbentObjective,
      optimal: false,
      bound: null,
      columns: sub.place.length,
      groups: sub.G,
    };
  // The fixed groups alone overfill a place (possible only within the threshold's tolerance): nothing
  // better than the incumbent exists. HiGHS proves the same for a model with groups left; without
  // any, solveMip would not look at the capacities.
  if (mip.infeasible || sub.capacity.some((c) => c < -1e-9))
    return {
      placeOf: Int32Array.from(incumbent),
      objective: incumbentObjective,
      optimal: true,
      bound: incumbentObjective,
      columns: sub.place.length,
      groups: sub.G,
    };
  const placeOf = lift(mip.placeOf);
  const objective = problemObjective(problem, placeOf);
  const better = objective > incumbentObjective && fitsCapacity(problem, placeOf);
  return {
    placeOf: better ? placeOf : Int32Array.from(incumbent),
    objective: Math.max(objective, incumbentObjective),
    optimal: mip.optimal,
    bound: mip.bound + (objective - mip.objective),
    columns: sub.place.length,
    groups: sub.G,
  };
}

/** Whether a group-level solution keeps every capacity (compatibility is the options' own). */
function fitsCapacity(problem: Problem, placeOf: Int32Array): boolean {
  const { D } = problem;
  const used = new Float64Array(problem.capacity.length);
  for (let g = 0; g < problem.G; g++)
    if (placeOf[g]! >= 0) for (let d = 0; d < D; d++) used[placeOf[g]! * D + d]! += problem.size[g * D + d]!;
  return used.every((u, r) => u <= problem.capacity[r]! + 1e-9 * Math.max(1, problem.capacity[r]!));
}

/**
 * An instance as the solver sees it: compiled, its tied groups fixed at their ties and taken out
 * (`sub`, whose groups are `groups` of the whole), and `lift` to put a solution of `sub` back.
 */
export function prepare(instance: PlacementInstance) {
  const compiled = compile(instance);
  const fixedTies = Int32Array.from(compiled.tie, (t) => (t >= 0 ? t : FREE));
  const { sub, groups } = restrict(compiled.problem, fixedTies);
  const lift = (subPlaceOf: Int32Array) => {
    const placeOf = Int32Array.from(compiled.tie);
    groups.forEach((g, i) => {
      placeOf[g] = subPlaceOf[i]!;
    });
    return placeOf;
  };
  return { compiled, sub, groups, lift, tiedGroups: compiled.problem.G - groups.length };
}

function result(
  compiled: Compiled,
  placeOf: Int32Array,
  r: Omit<PlacementResult, 'assignment' | 'objective' | 'gap' | 'lpGap'>,
): PlacementResult {
  const objective = problemObjective(compiled.problem, placeOf);
  const best = Math.min(r.bound, r.mipBound ?? Number.POSITIVE_INFINITY);
  return {
    ...r,
    assignment: toAssignment(compiled, placeOf),
    objective,
    gap: r.optimal ? 0 : Math.max(0, relativeGap(best, objective)),
    lpGap: r.method === 'method' ? relativeGap(r.bound, objective) : null,
  };
}

/** The method (see the top of this file). */
export async function solvePlacement(instance: PlacementInstance, options: SolveOptions = {}, highs?: Highs): Promise<PlacementResult> {
  const h = highs ?? (await loadHighs());
  const t0 = performance.now();
  // 7 % of the limit kept for what the phases' own deadlines do not see (building HiGHS's models, reading their solutions).
  const deadline = t0 + (options.timeLimitSeconds ?? 60) * 1000 * 0.93;
  const progress = options.progress;
  const { compiled, sub, lift, tiedGroups } = prepare(instance);
  const { D, G } = sub;
  // HiGHS's presolve only where the capacities have more than one dimension: with one row per place
  // it finds nothing to tighten and costs most of the exact MIP's time (HIAS FY16, 962 options after
  // reduced-cost fixing: 1.3 s with it, 0.14 s without); on the weekly batches (five dimensions)
  // turning it off left one seed of five unproven in 10 s.
  const presolve = D > 1;
  progress?.({
    phase: 'start',
    message: `${instance.households.length} households in ${compiled.problem.G} groups (${tiedGroups} tied), ${instance.places.length} places, ${D} dimensions`,
  });

  // 1. Prices from the Lagrangian dual (pure TypeScript, up to a quarter of the time: on 10,000 ×
  //    100 × 3 its 300 steps brought the LP's first round from 2,724 to 5,299 of 5,390, and the
  //    result from 2.3 % to 0.27 % of the bound in 20 s), then the LP relaxation from the options
  //    they rank best. If the LP cannot finish a round in time, the Lagrangian prices and
  //    their greedy assignment stand in (the bound stays valid, only weaker).
  const budget = deadline - t0;
  const warm = options.prices?.length === sub.P * D ? { start: Float64Array.from(options.prices) } : {};
  // Above LP_MAX_OPTIONS the LP is not tried and the Lagrangian steps get half the time, not 300 steps.
  const tryLp = sub.place.length <= (options.lpMaxOptions ?? LP_MAX_OPTIONS);
  const lagrangian = lagrangianPrices(sub, {
    deadline: t0 + budget * (tryLp ? 0.25 : 0.5),
    iterations: tryLp ? 300 : 100_000,
    ...warm,
  });
  progress?.({
    phase: 'prices',
    message: `Lagrangian prices (${lagrangian.iterations} steps): bound ${lagrangian.bound.toFixed(4)}, greedy ${lagrangian.bestObjective.toFixed(4)}`,
    bound: lagrangian.bound,
    objective: lagrangian.bestObjective,
  });
  // (An LP over only the groups whose best priced option beats the second by the widest margins was
  // tried for issue 18: on 3,300 × 50 × 3 its bound was 0.5 % weaker than the full LP's and the answer
  // 0.7–1.3 % lower; on 33,000 × 200 × 3 no better. Not kept: the LP runs over every group.)
  let relaxation: ReturnType<typeof solveRelaxation> | null = null;
  if (!tryLp)
    progress?.({
      phase: 'lp',
      message: `LP relaxation not tried: ${sub.place.length} options, more than HiGHS solves in the time; Lagrangian prices and greedy`,
    });
  else
    try {
      relaxation = solveRelaxation(h, sub, {
        deadline: t0 + budget * 0.7,
        perGroup: options.perGroup ?? 3,
        prices: lagrangian.y,
        ...(progress ? { progress } : {}),
      });
    } catch (e) {
      progress?.({ phase: 'lp', message: `LP relaxation not finished (${(e as Error).message}): Lagrangian prices and greedy` });
    }
  const fromLp = relaxation ? dualBound(sub, relaxation.y) : null;
  const useLp = fromLp !== null && fromLp.bound <= lagrangian.bound;
  const y = useLp ? relaxation!.y : lagrangian.y;
  const { u, bound: subBound } = useLp ? fromLp! : dualBound(sub, lagrangian.y);
  const tLp = performance.now();

  // 2. Fix the integral groups; solve the fractional ones exactly on the capacity left.
  const groupOf = groupOfOptions(sub);
  const rc = new Float64Array(sub.place.length);
  for (let k = 0; k < rc.length; k++) {
    const g = groupOf[k]!;
    const p = sub.place[k]!;
    let v = sub.score[k]! - u[g]!;
    for (let d = 0; d < D; d++) v -= sub.size[g * D + d]! * y[p * D + d]!;
    rc[k] = v;
  }
  const fixed = new Int32Array(G).fill(FREE);
  let fractional = 0;
  for (let g = 0; g < G; g++) {
    let sum = 0;
    let at = -1;
    for (let k = sub.start[g]!; k < sub.start[g + 1]!; k++) {
      const x = relaxation?.x[k] ?? 0;
      sum += x;
      if (x >= 1 - 1e-6) at = sub.place[k]!;
    }
    if (at >= 0) fixed[g] = at;
    else if (sum <= 1e-6) fixed[g] = -1;
    else fractional++;
  }
  const lpPlace = Int32Array.from(fixed, (p) => (p === FREE ? -1 : p));
  const keepRepair = (k: number) => (relaxation?.x[k] ?? 0) > 1e-9 || rc[k]! >= -1e-6 || k - sub.start[groupOf[k]!]! < 3;
  const residual = restrict(sub, fixed, keepRepair);
  // The LP's integral part is feasible on its own: the start, and what stays if the repair runs out of time.
  const placeOf = relaxation ? Int32Array.from(lpPlace) : Int32Array.from(lagrangian.best);
  if (relaxation && residual.sub.G > 0) {
    const start = Int32Array.from(residual.groups, (g) => placeOf[g]!);
    const repaired = solveMip(h, residual.sub, {
      deadline: Math.min(deadline, performance.now() + Math.min(2000, (deadline - performance.now()) * 0.2)),
      relGap: 1e-9,
      start,
      presolve,
    });
    if (repaired && repaired.objective >= problemObjective(residual.sub, start))
      residual.groups.forEach((g, i) => {
        placeOf[g] = repaired.placeOf[i]!;
      });
  }
  const localMoves = localSearch(sub, placeOf, deadline);
  if (problemObjective(sub, placeOf) < lagrangian.bestObjective) placeOf.set(lagrangian.best);
  const swaps = swapSearch(sub, placeOf, Math.min(deadline, performance.now() + (deadline - performance.now()) * 0.1));
  const optimalNow = () => relativeGap(subBound, problemObjective(sub, placeOf)) <= 1e-9;
  if (problemObjective(sub, placeOf) < lagrangian.bestObjective) placeOf.set(lagrangian.best);
  let incumbent = problemObjective(sub, placeOf);
  progress?.({
    phase: 'repair',
    message: `${fractional} fractional groups repaired, ${localMoves} local moves, ${swaps} exchanges: objective ${incumbent.toFixed(4)}, LP bound ${subBound.toFixed(4)}`,
    objective: incumbent,
    bound: subBound,
  });
  const tRepair = performance.now();

  // 2b. One dimension in whole units (HIAS): the knapsack stage of knapsack.ts in place of step 3. Its
  //     bound is tighter than the LP's, its incumbent comes from the knapsacks' choices, and its fixing
  //     leaves step 5 fewer options. HIAS, in-process, warm, to the proven optimum: FY17 1.11–1.25 s
  //     against 2.7–2.9 s with step 3, FY16 0.81–0.93 s against 0.66–0.72 s. STAGE_STEPS steps: with
  //     the tree of step 2c proving FY17, fewer than before (300) serve both years.
  let stage: KnapsackStage | null = null;
  if (!optimalNow() && performance.now() < deadline - 100 && oneDimensionalIntegral(sub)) {
    stage = knapsackStage(sub, {
      steps: STAGE_STEPS,
      y,
      incumbent: placeOf,
      deadline: Math.min(deadline, performance.now() + (deadline - performance.now()) * 0.3),
      improve: (p) => {
        swapSearch(sub, p, deadline);
      },
    });
    if (stage.objective > problemObjective(sub, placeOf) + 1e-12) placeOf.set(stage.placeOf);
    progress?.({
      phase: 'knapsacks',
      message: `knapsack bound ${stage.rootBound.toFixed(4)} (${stage.steps} steps): objective ${stage.objective.toFixed(4)}, ${stage.fixing.columns} of ${sub.place.length} options left`,
      objective: stage.objective,
      bound: stage.rootBound,
    });
  }
  // 2c. The branch and bound of knapsack-tree.ts over what the stage's fixing leaves. With a race
  //     (options.exactRace, the solver threads), step 5's exact MIP starts at once in another thread
  //     from the same incumbent and fixing, and the first to prove the optimum ends the other. On
  //     HIAS FY17 the tree proves it in 0.2–0.3 s (203 nodes) where HiGHS takes about 1 s; on FY16
  //     HiGHS takes 0.3–0.5 s where the tree would need about 2,000 nodes. Without a race, the tree gets
  //     TREE_MS (or TREE_SHARE of the time left) and step 5 the rest.
  let treeOptimal = false;
  let treeNodes = 0;
  let raced: ExactAnswer | null = null;
  if (stage && !stage.optimal && performance.now() < deadline - 100) {
    const run =
      options.exactRace && stage.fixing.columns <= EXACT_MIP_COLUMNS
        ? options.exactRace.start(sub, stage.fixing, placeOf, {
            ms: deadline - performance.now(),
            relGap: options.relGap ?? 1e-6,
            presolve,
          })
        : null;
    const tree = knapsackSearch(sub, {
      mu: stage.mu,
      keep: stage.fixing.keep,
      unplacedAllowed: stage.fixing.unplacedAllowed,
      incumbent: placeOf,
      rootBound: stage.rootBound,
      deadline: run ? deadline : Math.min(deadline, performance.now() + Math.min(TREE_MS, (deadline - performance.now()) * TREE_SHARE)),
      ...(run
        ? {
            stop: () => {
              raced = run.poll();
              return raced !== null || run.failed();
            },
          }
        : {}),
    });
    treeNodes = tree.nodes;
    if (tree.objective > problemObjective(sub, placeOf) + 1e-12) placeOf.set(tree.placeOf);
    treeOptimal = tree.optimal;
    if (run && treeOptimal) run.cancel();
    else if (run && !run.failed()) raced = run.wait(Math.max(0, deadline - performance.now()) + 200);
    progress?.({
      phase: 'tree',
      message: `branch and bound over the knapsacks: ${tree.nodes} nodes, objective ${problemObjective(sub, placeOf).toFixed(4)}${tree.optimal ? ', proven optimal' : raced ? `; the exact MIP in the other thread ${raced.optimal ? 'proved' : 'ended at'} ${raced.objective.toFixed(4)} in ${raced.ms?.toFixed(0)} ms` : ', not finished'}`,
      objective: problemObjective(sub, placeOf),
    });
  }

  // 3. Price and branch, unless already optimal (or the knapsack stage ran): the MIP over the options the prices make nearly as
  //    good as the best (reduced cost ≥ −δ, δ such that about four options a group remain), from the
  //    incumbent. Its incumbent is what makes step 5's reduced-cost fixing strong: on HIAS FY16 the
  //    repair stops 0.42 below the LP bound (4,907 of 5,292 options stay), the optimum is 0.044 below it.
  //    Only where that MIP is of a size HiGHS keeps its time limit on (PRICE_AND_BRANCH_COLUMNS options): on
  //    33,000 × 200 × 3 (about 130,000 options kept) its run took 108 s past a limit of 9 s, and the
  //    whole run was aborted; there the neighbourhoods of step 4 do its work. (About four a group are
  //    kept, more where reduced costs tie at δ: solveMip's maxColumns says for sure.)
  if (!optimalNow() && stage === null && performance.now() < deadline - 100 && Math.min(rc.length, 4 * G) <= PRICE_AND_BRANCH_COLUMNS) {
    const delta = nearThreshold(rc, 4 * G);
    const keep = (k: number) => rc[k]! >= delta || sub.place[k] === placeOf[groupOf[k]!];
    const mip = solveMip(h, sub, {
      deadline: Math.min(deadline, performance.now() + (deadline - performance.now()) * 0.35),
      relGap: STEP3_GAP,
      start: Int32Array.from(placeOf),
      keep,
      maxColumns: PRICE_AND_BRANCH_COLUMNS,
      presolve,
    });
    if (mip && mip.objective > problemObjective(sub, placeOf) + 1e-12) placeOf.set(mip.placeOf);
    localSearch(sub, placeOf, deadline);
    progress?.({
      phase: 'price and branch',
      message: `MIP over the options with reduced cost ≥ ${delta.toExponential(2)}: objective ${problemObjective(sub, placeOf).toFixed(4)}`,
      objective: problemObjective(sub, placeOf),
    });
  }

  // 4. Large neighbourhoods while the exact model is too large for step 5 (more than EXACT_MIP_COLUMNS
  //    options after reduced-cost fixing): the groups at a few full places and those that could move
  //    there, re-solved exactly on the capacity the others leave; each gain shrinks step 5's model. Up
  //    to 40 % of what is left. Where step 5 can run, it gets the time instead: on the weekly batches
  //    with capacity for the batch alone (200 × 200 × 5, seeds 1–5, 10 s) that left the answer 0.705,
  //    0.885, 0.058, 0.142, 0.020 % short of CBC's optimum against 0.747, 2.393, 0.058, 0.671, 0.143 %
  //    with neighbourhoods first, and proved HIAS FY16 and FY17 in 5.2 s and 5.1 s against 7.4 s and 7.5 s.
  // Past the deadline nothing more is computed (in a cold thread on a loaded machine even the fixing's
  // pass over the options took 0.4 s).
  const timeLeft = () => performance.now() < deadline - 50;
  // The knapsack stage's fixing (it applies the LP's first), or the LP's.
  let fixing: Fixing | null = stage
    ? stage.optimal
      ? null
      : stage.fixing
    : !optimalNow() && timeLeft()
      ? reducedCostFixing(sub, y, problemObjective(sub, placeOf))
      : null;
  let neighbourhoods =
    fixing && fixing.columns > EXACT_MIP_COLUMNS
      ? improveByNeighbourhoods(h, sub, placeOf, rc, {
          deadline: performance.now() + (deadline - performance.now()) * 0.4,
          target: subBound,
          ...(progress ? { progress } : {}),
        })
      : 0;
  incumbent = problemObjective(sub, placeOf);

  // 5. The exact MIP over what reduced-cost fixing leaves (see `reducedCostFixing`): every assignment
  //    better than the incumbent lies in it, so when it ends (or has no solution) the incumbent or its
  //    answer is proven optimal.
  let optimal = optimalNow() || (stage?.optimal ?? false) || treeOptimal;
  let exactMipColumns = 0;
  let exactGroups = 0;
  let mipBound: number | null = stage?.rootBound ?? null;
  // Fixed again only where step 4 or the tree found a better incumbent (a better one fixes more).
  if (fixing && incumbent > fixing.incumbent)
    fixing = !optimal && timeLeft() ? tighten(sub, fixing, reducedCostFixing(sub, y, incumbent), placeOf) : null;
  if (!optimal && (raced || (fixing && timeLeft() && fixing.columns <= EXACT_MIP_COLUMNS))) {
    const exact =
      raced ??
      solveExact(h, sub, fixing!, placeOf, {
        deadline,
        relGap: options.relGap ?? 1e-6,
        presolve,
        ...(progress ? { progress } : {}),
      });
    exactMipColumns = exact.columns;
    exactGroups = exact.groups;
    if (exact.objective > incumbent + 1e-12) {
      placeOf.set(exact.placeOf);
      incumbent = problemObjective(sub, placeOf);
    }
    optimal = exact.optimal;
    if (exact.bound !== null) mipBound = Math.max(incumbent, Math.min(exact.bound, mipBound ?? Number.POSITIVE_INFINITY));
  }

  // 6. Where the exact MIP was too large to run, the time that is left goes to more neighbourhoods
  //    (other random ones each pass), rather than ending early: on 3,300 × 50 × 3 the run ended at 7 s
  //    of 10.
  if (!optimal && fixing && fixing.columns > EXACT_MIP_COLUMNS)
    for (let pass = 2; timeLeft() && !optimalNow(); pass++) {
      const rounds = improveByNeighbourhoods(h, sub, placeOf, rc, {
        deadline,
        target: subBound,
        seed: pass,
        ...(progress ? { progress } : {}),
      });
      neighbourhoods += rounds;
      if (rounds === 0) break;
    }
  incumbent = problemObjective(sub, placeOf);

  const tEnd = performance.now();
  const full = lift(placeOf);
  const tiedScore = problemObjective(compiled.problem, full) - incumbent;
  return result(compiled, full, {
    method: 'method',
    bound: subBound + tiedScore,
    prices: [...y],
    optimal,
    mipBound: mipBound === null ? null : (optimal ? incumbent : mipBound) + tiedScore,
    stats: {
      groups: compiled.problem.G,
      tiedGroups,
      lpRounds: relaxation?.rounds ?? 0,
      lpColumns: relaxation?.columns ?? 0,
      lpComplete: relaxation?.complete ?? false,
      fractionalGroups: fractional,
      localMoves,
      neighbourhoods,
      exactMipColumns,
      exactGroups,
      treeNodes,
      ms: { lp: tLp - t0, repair: tRepair - tLp, exact: tEnd - tRepair, total: tEnd - t0 },
    },
  });
}

/** The baseline: plain MIP in HiGHS over every option, with the time limit (ties fixed, links merged as for the method). */
export async function solveBaseline(instance: PlacementInstance, options: SolveOptions = {}, highs?: Highs): Promise<PlacementResult> {
  const h = highs ?? (await loadHighs());
  const t0 = performance.now();
  const { compiled, sub, lift, tiedGroups } = prepare(instance);
  const mip = solveMip(h, sub, {
    // Kept within 5 % of the limit as the method is: HiGHS overruns its own limit by up to ~10 % under load.
    deadline: t0 + (options.timeLimitSeconds ?? 60) * 1000 * 0.93,
    relGap: options.relGap ?? 1e-6,
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const placeOf = lift(mip?.placeOf ?? new Int32Array(sub.G).fill(-1));
  const tiedScore = problemObjective(compiled.problem, placeOf) - problemObjective(sub, mip?.placeOf ?? new Int32Array(sub.G).fill(-1));
  const total = performance.now() - t0;
  return result(compiled, placeOf, {
    method: 'baseline',
    bound: (mip?.bound ?? Number.POSITIVE_INFINITY) + tiedScore,
    prices: [],
    optimal: mip?.optimal ?? false,
    mipBound: mip ? mip.bound + tiedScore : null,
    stats: {
      groups: compiled.problem.G,
      tiedGroups,
      lpRounds: 0,
      lpColumns: 0,
      lpComplete: false,
      fractionalGroups: 0,
      localMoves: 0,
      neighbourhoods: 0,
      exactMipColumns: 0,
      exactGroups: 0,
      treeNodes: 0,
      ms: { lp: 0, repair: 0, exact: total, total },
    },
  });
}
