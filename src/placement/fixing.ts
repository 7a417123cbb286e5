/**
 * What the capacity prices prove (issue 8): the LP bound of any prices y ≥ 0, and reduced-cost fixing,
 * which removes the options no assignment better than an incumbent can use. Shared by the method
 * (solve.ts) and the knapsack stage (knapsack.ts). Pure: no solver, no I/O.
 */
import type { Problem } from './placement.ts';

/**
 * u_g = max(−penalty, max over options (score − size·y)) for each group, and the LP bound
 * Σ cap·y + Σ u_g: valid for any y ≥ 0 (LP duality; see certificate.ts).
 */
export function dualBound(problem: Problem, y: Float64Array): { u: Float64Array; bound: number } {
  const { D, P, G } = problem;
  const u = new Float64Array(G);
  let bound = 0;
  for (let r = 0; r < P * D; r++) bound += Math.max(0, problem.capacity[r]!) * y[r]!;
  for (let g = 0; g < G; g++) {
    let best = -problem.penalty[g]!;
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) {
      let v = problem.score[k]!;
      const p = problem.place[k]!;
      for (let d = 0; d < D; d++) v -= problem.size[g * D + d]! * y[p * D + d]!;
      if (v > best) best = v;
    }
    u[g] = best;
    bound += best;
  }
  return { u, bound };
}

export interface Fixing {
  /** Per option: it can be in an assignment better than the incumbent. */
  keep: Uint8Array;
  /** Per group: staying unplaced can be in an assignment better than the incumbent. */
  unplacedAllowed: Uint8Array;
  /** Options kept. */
  columns: number;
  /**
   * The LP bound of the prices, and the incumbent the fixing is against (the knapsack stage's fixing
   * keeps a subset of what the LP's would against the same incumbent).
   */
  bound: number;
  incumbent: number;
}

/** A fixing that removes nothing: every option and every "unplaced" kept (the exact MIP over the whole problem). */
export function keepAll(problem: Problem): Fixing {
  return {
    keep: new Uint8Array(problem.place.length).fill(1),
    unplacedAllowed: new Uint8Array(problem.G).fill(1),
    columns: problem.place.length,
    bound: Number.POSITIVE_INFINITY,
    incumbent: Number.NEGATIVE_INFINITY,
  };
}

/**
 * Reduced-cost fixing. For prices y ≥ 0, u_g = max(−penalty_g, max_k (score_k − size_g·y_p(k))) and
 * the bound B = Σ cap·y + Σ u_g, every assignment x has
 *   B − objective(x) = Σ_g (u_g − value_g(x)) + Σ_pd y_pd·(cap_pd − used_pd(x)),
 * a sum of terms ≥ 0 (value_g less the priced capacity it uses is at most u_g). So an assignment at
 * least as good as the incumbent z has each term ≤ B − z: it places a group only at an option whose
 * reduced cost score − size·y − u_g is ≥ −(B − z), and leaves it unplaced only if −penalty − u_g is.
 * The options and unplaced choices below that are removed; no assignment ≥ z is lost.
 */
export function reducedCostFixing(problem: Problem, y: Float64Array, incumbent: number): Fixing {
  const { D, G } = problem;
  const { u, bound } = dualBound(problem, y);
  const threshold = -(bound - incumbent) - 1e-9 * Math.max(1, Math.abs(bound));
  const keep = new Uint8Array(problem.place.length);
  const unplacedAllowed = new Uint8Array(G);
  let columns = 0;
  for (let g = 0; g < G; g++) {
    if (-problem.penalty[g]! - u[g]! >= threshold) unplacedAllowed[g] = 1;
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) {
      let rc = problem.score[k]! - u[g]!;
      const p = problem.place[k]!;
      for (let d = 0; d < D; d++) rc -= problem.size[g * D + d]! * y[p * D + d]!;
      if (rc >= threshold) {
        keep[k] = 1;
        columns++;
      }
    }
  }
  return { keep, unplacedAllowed, columns, bound, incumbent };
}
