/**
 * The knapsack stage for one dimension (issue 18): where every place has one capacity in whole units
 * and every household a whole size (HIAS: persons), the placement is a generalised assignment problem
 * whose weights do not depend on the place. Relaxing "each group at most once" with multipliers
 * μ_g ≥ 0 leaves one 0/1 knapsack a place, solved exactly by dynamic programming over the units; its
 * bound is at least as tight as the LP's, and on HIAS much tighter (FY17: 209.007 against the LP's
 * 209.059, the optimum 208.998). The stage gives solve.ts three things before HiGHS's exact MIP:
 * - a bound: Σ μ_g + Σ_p KP_p, KP_p the best knapsack at p of the options worth gain − μ_g. Every
 *   assignment is worth at most this (its options at p are one of p's knapsacks, and
 *   μ_g·(1 − placed_g) ≥ 0);
 * - an incumbent: each step's knapsack choices made feasible (a group chosen twice kept at its best
 *   chosen place, the room left filled by each place's knapsack of those left out), searched locally;
 * - fixing: an option, or a group's "unplaced", is removed when the bound of every assignment that
 *   uses it is not above the incumbent. For option k of g at p that bound is exact to compute: the
 *   root bound with g taken out of every knapsack (its μ_g and its items), plus k's gain, with p's
 *   knapsack at the capacity less g's size; each place's knapsack without one item at any capacity
 *   comes from the knapsacks of the items before it and after it. The LP's reduced-cost fixing
 *   (fixing.ts) is applied first against the better incumbent.
 * Gains: an option's gain is its score plus the group's penalty (what placing adds to leaving it
 * unplaced); an assignment's objective is its gains less Σ penalty. A branch and bound of our own over
 * these knapsacks with the multipliers kept from the root was tried and not kept: on HIAS FY17, given
 * the optimum, it could not prove it in 8 s (HiGHS proves it in about 1 s over what the fixing leaves).
 * Pure: no solver, no I/O.
 */
import { dualBound, type Fixing, reducedCostFixing } from './fixing.ts';
import type { Problem } from './placement.ts';

/** Above this many units of capacity × options the dynamic programs are too large to be fast. */
const MAX_WORK = 20_000_000;
/** See `offer` in `knapsackStage`. */
const SEARCH_SLACK = 0.2;

/** Whether the exact stage of this file applies: one dimension, whole sizes and capacities, not too large. */
export function oneDimensionalIntegral(problem: Problem): boolean {
  if (problem.D !== 1) return false;
  if (!problem.size.every((s) => Number.isInteger(s) && s >= 0)) return false;
  if (!problem.capacity.every((c) => Number.isInteger(c) && c >= 0)) return false;
  const perPlace = new Float64Array(problem.P);
  for (let k = 0; k < problem.place.length; k++) perPlace[problem.place[k]!]!++;
  let work = 0;
  for (let p = 0; p < problem.P; p++) work += perPlace[p]! * (problem.capacity[p]! + 1);
  return work <= MAX_WORK;
}

/** The best 0/1 knapsack of the items (`gains[i]`, `weights[i]`) within `capacity`, and which items it takes. */
export function knapsack(gains: ArrayLike<number>, weights: ArrayLike<number>, capacity: number): { value: number; take: Uint8Array } {
  const n = gains.length;
  const C = Math.max(0, capacity);
  const W = C + 1;
  const dp = new Float64Array(W);
  const took = new Uint8Array(n * W);
  for (let i = 0; i < n; i++) {
    const v = gains[i]!;
    const w = weights[i]!;
    if (!(v > 0) || w > C) continue;
    for (let c = C; c >= w; c--) {
      const with_ = dp[c - w]! + v;
      if (with_ > dp[c]!) {
        dp[c] = with_;
        took[i * W + c] = 1;
      }
    }
  }
  const take = new Uint8Array(n);
  let c = C;
  for (let i = n - 1; i >= 0; i--)
    if (took[i * W + c]) {
      take[i] = 1;
      c -= weights[i]!;
    }
  return { value: dp[C]!, take };
}

/**
 * The problem in the knapsacks' terms (this stage and knapsack-tree.ts): whole sizes and capacities,
 * each option's gain (its score plus the group's penalty) and group, and Σ penalty (an assignment's
 * objective is its gains less it).
 */
export function knapsackModel(problem: Problem) {
  const { G, start, place, score, penalty } = problem;
  let penalties = 0;
  for (let g = 0; g < G; g++) penalties += penalty[g]!;
  const gain = new Float64Array(place.length);
  const groupOf = new Int32Array(place.length);
  for (let g = 0; g < G; g++)
    for (let k = start[g]!; k < start[g + 1]!; k++) {
      gain[k] = score[k]! + penalty[g]!;
      groupOf[k] = g;
    }
  return { weight: Int32Array.from(problem.size), capacity: Int32Array.from(problem.capacity), penalties, gain, groupOf };
}

export interface KnapsackStage {
  /** The best assignment found (the incumbent given, or better). */
  placeOf: Int32Array;
  objective: number;
  /** The knapsack bound is not above `objective` (within the tolerance): `placeOf` is optimal. */
  optimal: boolean;
  /** The knapsack bound at the root, after the subgradient steps (objective scale). */
  rootBound: number;
  /** The multipliers of the root bound (in gains: score + penalty). */
  mu: Float64Array;
  steps: number;
  /** The LP's reduced-cost fixing and the knapsacks' child bounds against `objective` (nothing removed where `optimal`). */
  fixing: Fixing;
}

/**
 * The stage on `problem` (see `oneDimensionalIntegral`) from `incumbent`, the first multipliers from
 * the LP's capacity prices `y` (μ_g = the group's best priced gain): subgradient steps until `deadline`
 * or `steps`, then the fixing against the best assignment found.
 */
export function knapsackStage(
  problem: Problem,
  o: {
    y: Float64Array;
    incumbent: Int32Array;
    deadline: number;
    /** At most this many subgradient steps (default 300). */
    steps?: number;
    /** Relative tolerance of "not above the incumbent" (default 1e-9). */
    tolerance?: number;
    /** A local search (in place) of the steps' assignments. */
    improve?: (placeOf: Int32Array) => void;
  },
): KnapsackStage {
  const { G, P, start, place, penalty } = problem;
  const { weight, capacity, penalties, gain, groupOf } = knapsackModel(problem);
  const atPlace: number[][] = Array.from({ length: P }, () => []);
  for (let k = 0; k < place.length; k++) atPlace[place[k]!]!.push(k);

  const gainOf = (placeOf: Int32Array) => {
    let v = 0;
    for (let g = 0; g < G; g++) {
      const p = placeOf[g]!;
      if (p < 0) continue;
      for (let k = start[g]!; k < start[g + 1]!; k++) if (place[k] === p) v += gain[k]!;
    }
    return v;
  };
  const best = Int32Array.from(o.incumbent);
  let bestGain = gainOf(best);
  const tolerance = () => (o.tolerance ?? 1e-9) * Math.max(1, Math.abs(bestGain - penalties));

  // The knapsacks of every place at multipliers mu over the groups with allowed[k] (all at the root).
  const allowed = new Uint8Array(place.length).fill(1);
  const unplacedAllowed = new Uint8Array(G).fill(1);
  const solveAll = (mu: Float64Array) => {
    let bound = 0;
    for (let g = 0; g < G; g++) bound += mu[g]!;
    const chosen = new Int32Array(G);
    const pick = new Int32Array(G).fill(-1);
    for (let p = 0; p < P; p++) {
      // Only the options worth something at μ and that fit can be in the knapsack.
      const ks = atPlace[p]!.filter((k) => allowed[k] && gain[k]! > mu[groupOf[k]!]! && weight[groupOf[k]!]! <= capacity[p]!);
      const { value, take } = knapsack(
        ks.map((k) => gain[k]! - mu[groupOf[k]!]!),
        ks.map((k) => weight[groupOf[k]!]!),
        capacity[p]!,
      );
      bound += value;
      ks.forEach((k, i) => {
        if (!take[i]) return;
        const g = groupOf[k]!;
        chosen[g]!++;
        if (pick[g]! < 0 || gain[k]! > gain[pick[g]!]!) pick[g] = k;
      });
    }
    return { bound, chosen, pick };
  };
  // The knapsacks' choices made feasible: each group at its best chosen option, then the groups left
  // out placed at their best option with room, best gain first.
  const repair = (pick: Int32Array) => {
    const placeOf = new Int32Array(G).fill(-1);
    const free = Int32Array.from(capacity);
    for (let g = 0; g < G; g++)
      if (pick[g]! >= 0) {
        placeOf[g] = place[pick[g]!]!;
        free[placeOf[g]!]! -= weight[g]!;
      }
    // The groups left out fill the room left, place by place (most room first), each place's best
    // knapsack of them by their gains.
    const order = [...Array(P).keys()].sort((a, b) => free[b]! - free[a]!);
    for (const p of order) {
      if (free[p]! <= 0) continue;
      const ks = atPlace[p]!.filter((k) => allowed[k] && placeOf[groupOf[k]!]! < 0 && gain[k]! > 0 && weight[groupOf[k]!]! <= free[p]!);
      if (ks.length === 0) continue;
      const { take } = knapsack(
        ks.map((k) => gain[k]!),
        ks.map((k) => weight[groupOf[k]!]!),
        free[p]!,
      );
      ks.forEach((k, i) => {
        if (!take[i]) return;
        placeOf[groupOf[k]!] = p;
        free[p]! -= weight[groupOf[k]!]!;
      });
    }
    return placeOf;
  };
  // The local search costs more than a step: it runs on a step's assignment only when that is within
  // SEARCH_SLACK of the best any step made before searching. (HIAS, in-process, warm, 150 steps from
  // the Lagrangian's greedy: FY16 286.0738 in 0.24–0.31 s, FY17 208.9709 in 0.12–0.16 s; with a slack
  // of 0.05, 286.0450 and 208.9629; searching every step, 286.0690 and 208.9618 in 0.72 and 0.34 s;
  // the left-out groups placed greedily instead of by knapsacks, 286.0411–286.0738 and 208.9588–208.9756.)
  let bestRaw = Number.NEGATIVE_INFINITY;
  const offer = (placeOf: Int32Array) => {
    let v = gainOf(placeOf);
    if (o.improve && v > bestRaw - SEARCH_SLACK) {
      bestRaw = Math.max(bestRaw, v);
      o.improve(placeOf);
      v = gainOf(placeOf);
    }
    if (v > bestGain + 1e-12) {
      bestGain = v;
      best.set(placeOf);
    }
  };

  // 1. Multipliers: from the LP's duals (μ_g = the group's best priced gain: its dual u_g, fixing.ts, in
  //    gains), then subgradient steps.
  const dual = dualBound(problem, o.y);
  let mu = Float64Array.from(dual.u, (u, g) => u + penalty[g]!);
  let bestMu = Float64Array.from(mu);
  let rootBound = Number.POSITIVE_INFINITY;
  let lambda = 1;
  let since = 0;
  let steps = 0;
  const maxSteps = o.steps ?? 300;
  for (; steps < maxSteps && performance.now() < o.deadline; steps++) {
    const { bound, chosen, pick } = solveAll(mu);
    offer(repair(pick));
    if (bound < rootBound - 1e-12) {
      rootBound = bound;
      bestMu = Float64Array.from(mu);
      since = 0;
    } else if (++since >= 8) {
      lambda /= 2;
      since = 0;
    }
    if (rootBound <= bestGain + tolerance() || lambda < 1e-6) break;
    let norm = 0;
    for (let g = 0; g < G; g++) {
      const s = 1 - chosen[g]!;
      if (!(mu[g] === 0 && s > 0)) norm += s * s;
    }
    if (norm === 0) break;
    const t = (lambda * Math.max(1e-9, bound - bestGain)) / norm;
    const next = new Float64Array(G);
    for (let g = 0; g < G; g++) next[g] = Math.max(0, mu[g]! - t * (1 - chosen[g]!));
    mu = next;
  }
  mu = bestMu;
  const result = (optimal: boolean): KnapsackStage => ({
    placeOf: best,
    objective: bestGain - penalties,
    optimal,
    rootBound: rootBound - penalties,
    mu,
    steps,
    fixing: {
      keep: allowed,
      unplacedAllowed,
      columns: allowed.reduce((n, a) => n + a, 0),
      bound: dual.bound,
      incumbent: bestGain - penalties,
    },
  });
  if (rootBound <= bestGain + tolerance()) return result(true);

  // 2. Reduced-cost fixing by the LP's prices (fixing.ts), now against the better incumbent, then by the
  //    knapsacks' child bounds. The incumbent's own choices stay (see below).
  const lp = reducedCostFixing(problem, o.y, bestGain - penalties);
  for (let g = 0; g < G; g++) {
    if (!lp.unplacedAllowed[g] && best[g]! >= 0) unplacedAllowed[g] = 0;
    for (let k = start[g]!; k < start[g + 1]!; k++) if (!lp.keep[k] && place[k] !== best[g]) allowed[k] = 0;
  }

  // Child bounds at the root: for each place, the knapsack without one group at any capacity, from
  //    the knapsacks of the items before it (forward) and after it (backward).
  const withoutGroup = new Float64Array(G); // Σ_p (KP_p − KP_p without g)
  // For option k of g at p: KP_p without g at C_p − w_g (−∞: g does not fit), and at C_p.
  const forcedIn = new Float64Array(place.length).fill(Number.NEGATIVE_INFINITY);
  const ownOut = new Float64Array(place.length);
  const kpAt = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    const ks = atPlace[p]!;
    const C = capacity[p]!;
    const W = C + 1;
    const items = ks.filter((k) => allowed[k] && gain[k]! - mu[groupOf[k]!]! > 0 && weight[groupOf[k]!]! <= C);
    const n = items.length;
    const F = new Float64Array((n + 1) * W);
    const B = new Float64Array((n + 1) * W);
    for (let i = 0; i < n; i++) {
      const k = items[i]!;
      const v = gain[k]! - mu[groupOf[k]!]!;
      const w = weight[groupOf[k]!]!;
      for (let c = 0; c < W; c++) F[(i + 1) * W + c] = c >= w ? Math.max(F[i * W + c]!, F[i * W + c - w]! + v) : F[i * W + c]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      const k = items[i]!;
      const v = gain[k]! - mu[groupOf[k]!]!;
      const w = weight[groupOf[k]!]!;
      for (let c = 0; c < W; c++) B[i * W + c] = c >= w ? Math.max(B[(i + 1) * W + c]!, B[(i + 1) * W + c - w]! + v) : B[(i + 1) * W + c]!;
    }
    const kp = F[n * W + C]!;
    kpAt[p] = kp;
    const without = (i: number, c: number) => {
      let m = Number.NEGATIVE_INFINITY;
      for (let a = 0; a <= c; a++) m = Math.max(m, F[i * W + a]! + B[(i + 1) * W + c - a]!);
      return m;
    };
    const index = new Map(items.map((k, i) => [k, i]));
    for (const k of ks) {
      if (!allowed[k]) continue;
      const g = groupOf[k]!;
      const w = weight[g]!;
      const i = index.get(k);
      const out = i !== undefined ? without(i, C) : kp;
      withoutGroup[g]! += kp - out;
      ownOut[k] = out;
      if (w <= C) forcedIn[k] = i !== undefined ? without(i, C - w) : F[n * W + C - w]!;
    }
  }
  let root = 0;
  for (let g = 0; g < G; g++) root += mu[g]!;
  for (let p = 0; p < P; p++) root += kpAt[p]!;
  // The incumbent's own choices stay (HiGHS starts from the incumbent only where it lies in the model
  // left; without that start, HIAS FY16's exact MIP took 1.0–1.3 s instead of 0.2–0.3 s).
  for (let g = 0; g < G; g++) {
    const rest = root - mu[g]! - withoutGroup[g]!; // the root bound with g taken out of everything
    if (rest <= bestGain + tolerance() && best[g]! >= 0) unplacedAllowed[g] = 0;
    for (let k = start[g]!; k < start[g + 1]!; k++) {
      if (!allowed[k] || place[k] === best[g]) continue;
      // At its place: g's own item out (already in `rest`), and the capacity less w_g.
      const child = rest + gain[k]! - ownOut[k]! + forcedIn[k]!;
      if (!(child > bestGain + tolerance())) allowed[k] = 0;
    }
  }
  return result(false);
}
