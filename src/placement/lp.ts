/**
 * The placement problem in HiGHS (WebAssembly): the LP relaxation by column generation, and the MIP.
 *
 * Model over a Problem's options (group g at place p): maximise Σ (score + penalty)·x − Σ penalty
 * subject to Σ_p x_gp ≤ 1 for each group (the slack is "unplaced") and Σ_g size_gd·x_gp ≤ cap_pd.
 * An option whose score + penalty ≤ 0 is never better than staying unplaced and only uses capacity:
 * it is left out (no optimum needs it).
 */
import highsDefault, { type Highs } from 'highs';
import type { Problem } from './placement.ts';

let loading: Promise<Highs> | null = null;
/** HiGHS, loaded once per thread. */
// The package's types are CommonJS (`module.exports.default`); under `import` it resolves to its ES
// module, whose default export is the loader itself.
const highsLoader = highsDefault as unknown as () => Promise<Highs>;
export const loadHighs = (): Promise<Highs> => (loading ??= highsLoader());

export type Progress = (event: { phase: string; message: string; objective?: number; bound?: number }) => void;

const useful = (problem: Problem, k: number, g: number) => problem.score[k]! + problem.penalty[g]! > 1e-12;
/** HiGHS's time limit to end by `deadline`: 90 % of what is left, since HiGHS overruns its own limit under load (by up to ~10 %). */
const seconds = (deadline: number) => Math.max(0.01, ((deadline - performance.now()) / 1000) * 0.9);

function columns(problem: Problem, opts: readonly number[], groupOf: Int32Array) {
  const { D, G } = problem;
  const cost = new Float64Array(opts.length);
  const starts = new Int32Array(opts.length + 1);
  const indices: number[] = [];
  const values: number[] = [];
  opts.forEach((k, j) => {
    const g = groupOf[k]!;
    const p = problem.place[k]!;
    cost[j] = problem.score[k]! + problem.penalty[g]!;
    indices.push(g);
    values.push(1);
    for (let d = 0; d < D; d++) {
      const s = problem.size[g * D + d]!;
      if (s > 0) {
        indices.push(G + p * D + d);
        values.push(s);
      }
    }
    starts[j + 1] = indices.length;
  });
  return { cost, starts, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

export function groupOfOptions(problem: Problem): Int32Array {
  const out = new Int32Array(problem.place.length);
  for (let g = 0; g < problem.G; g++) out.fill(g, problem.start[g]!, problem.start[g + 1]!);
  return out;
}

function model(highs: Highs, problem: Problem, opts: readonly number[], groupOf: Int32Array, integer: boolean, mustPlace?: Uint8Array) {
  const { G, P, D } = problem;
  const rows = G + P * D;
  const c = columns(problem, opts, groupOf);
  let offset = 0;
  for (let g = 0; g < G; g++) offset -= problem.penalty[g]!;
  const rowUpper = new Float64Array(rows);
  rowUpper.fill(1, 0, G);
  rowUpper.set(problem.capacity, G);
  const rowLower = new Float64Array(rows).fill(-highs.infinity);
  if (mustPlace) for (let g = 0; g < G; g++) if (mustPlace[g]) rowLower[g] = 1;
  const m = highs.createModel({
    numCols: opts.length,
    numRows: rows,
    sense: highs.constants.objectiveSense.maximize,
    offset,
    colCost: c.cost,
    colLower: new Float64Array(opts.length),
    colUpper: new Float64Array(opts.length).fill(1),
    rowLower,
    rowUpper,
    matrix: { format: 'csc', numRows: rows, numCols: opts.length, starts: c.starts, indices: c.indices, values: c.values },
    ...(integer ? { integrality: new Int32Array(opts.length).fill(highs.constants.variableType.integer) } : {}),
  });
  m.options.set({ output_flag: false });
  return m;
}

export interface Relaxation {
  /** LP value of each option of the Problem (0 for the options never generated). */
  x: Float64Array;
  /** Capacity prices, P × D, ≥ 0: the duals of the capacity rows. */
  y: Float64Array;
  /** The LP objective of the last restricted master. */
  objective: number;
  /** True when no option was left with a positive reduced cost: the LP over all options is solved. */
  complete: boolean;
  rounds: number;
  columns: number;
}

/**
 * The LP relaxation by column generation: starts from each group's `perGroup` best options, adds
 * the options whose reduced cost under the duals is positive (at most `perGroup` a group a round)
 * until none is left or the deadline passes. The capacity prices are returned either way: any
 * prices ≥ 0 give a valid upper bound (certificate.ts), the LP's give the tightest.
 */
export function solveRelaxation(
  highs: Highs,
  problem: Problem,
  o: { deadline: number; perGroup?: number; prices?: Float64Array; progress?: Progress },
): Relaxation {
  const { G, P, D } = problem;
  const perGroup = o.perGroup ?? 10;
  const groupOf = groupOfOptions(problem);
  const active = new Uint8Array(problem.place.length);
  const opts: number[] = [];
  // The first columns: each group's best options by score, or by score less the priced capacity.
  const byValue: number[] = [];
  for (let g = 0; g < G; g++) {
    byValue.length = 0;
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) if (useful(problem, k, g)) byValue.push(k);
    if (o.prices) {
      const value = (k: number) => {
        let v = problem.score[k]!;
        for (let d = 0; d < D; d++) v -= problem.size[g * D + d]! * o.prices![problem.place[k]! * D + d]!;
        return v;
      };
      byValue.sort((a, b) => value(b) - value(a));
    }
    for (const k of byValue.slice(0, perGroup)) {
      active[k] = 1;
      opts.push(k);
    }
  }
  const m = model(highs, problem, opts, groupOf, false);
  try {
    let rounds = 0;
    const y = new Float64Array(P * D);
    const u = new Float64Array(G);
    let last: { col: Float64Array; count: number; objective: number } = { col: new Float64Array(0), count: 0, objective: Number.NaN };
    for (;;) {
      rounds++;
      m.options.set({ time_limit: seconds(o.deadline) });
      const run = m.run();
      if (run.modelStatus !== highs.constants.modelStatus.optimal) {
        if (run.modelStatus === highs.constants.modelStatus.timeLimit && rounds > 1) break; // keep the last round's duals
        throw new Error(`HiGHS stopped the LP relaxation with model status ${run.modelStatus}`);
      }
      const sol = m.getSolution();
      last = { col: sol.colValue, count: opts.length, objective: m.getObjectiveValue() };
      for (let g = 0; g < G; g++) u[g] = Math.max(0, sol.rowDual[g]!);
      for (let r = 0; r < P * D; r++) y[r] = Math.max(0, sol.rowDual[G + r]!);
      const added: number[] = [];
      for (let g = 0; g < G; g++) {
        const found: { k: number; rc: number }[] = [];
        for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) {
          if (active[k] || !useful(problem, k, g)) continue;
          const p = problem.place[k]!;
          let rc = problem.score[k]! + problem.penalty[g]! - u[g]!;
          for (let d = 0; d < D; d++) rc -= problem.size[g * D + d]! * y[p * D + d]!;
          if (rc > 1e-9) found.push({ k, rc });
        }
        found.sort((a, b) => b.rc - a.rc);
        for (const f of found.slice(0, perGroup)) {
          active[f.k] = 1;
          added.push(f.k);
        }
      }
      o.progress?.({
        phase: 'lp',
        message: `LP round ${rounds}: ${opts.length} columns, objective ${m.getObjectiveValue().toFixed(4)}, ${added.length} columns added`,
        objective: m.getObjectiveValue(),
      });
      if (added.length === 0 || performance.now() >= o.deadline) {
        const x = new Float64Array(problem.place.length);
        opts.forEach((k, j) => {
          x[k] = sol.colValue[j]!;
        });
        return { x, y, objective: m.getObjectiveValue(), complete: added.length === 0, rounds, columns: opts.length };
      }
      const c = columns(problem, added, groupOf);
      m.addCols({
        cost: c.cost,
        lower: new Float64Array(added.length),
        upper: new Float64Array(added.length).fill(1),
        matrix: {
          format: 'csc',
          numRows: G + P * D,
          numCols: added.length,
          starts: c.starts,
          indices: c.indices,
          values: c.values,
        } as never,
      });
      opts.push(...added);
    }
    // Stopped by the deadline after a first optimal round: that round's primal and duals.
    const x = new Float64Array(problem.place.length);
    for (let j = 0; j < last.count; j++) x[opts[j]!] = last.col[j]!;
    return { x, y, objective: last.objective, complete: false, rounds, columns: last.count };
  } finally {
    m.dispose();
  }
}

export interface MipResult {
  placeOf: Int32Array;
  objective: number;
  /** HiGHS's proven bound on the MIP's optimum. */
  bound: number;
  optimal: boolean;
  status: number;
  /** HiGHS proved the model has no solution (objective and bound −Infinity). */
  infeasible?: boolean;
}

/**
 * The MIP over the options `keep` allows (default: all useful ones), from an optional start
 * (a place per group, −1 unplaced). Returns null when HiGHS found no solution in time.
 */
export function solveMip(
  highs: Highs,
  problem: Problem,
  o: {
    deadline: number;
    relGap?: number;
    start?: Int32Array;
    keep?: (k: number) => boolean;
    /** Groups that must be placed (their row Σ x = 1, not ≤ 1). */
    mustPlace?: Uint8Array;
    /** No run (null) where more options than this are kept: HiGHS does not keep its time limit on a model much larger. */
    maxColumns?: number;
    /** HiGHS's presolve (default on); off where it costs more than it finds (see solvePlacement). */
    presolve?: boolean;
    /** HiGHS's restarts of its search after a root reduction (default on; see solveExact). */
    restart?: boolean;
    progress?: Progress;
    /**
     * Asked at HiGHS's checkpoints (in its MIP and in the simplex of its LPs): true stops the run, which
     * then ends as interrupted (not optimal), with the best solution it has.
     */
    interrupt?: () => boolean;
  },
): MipResult | null {
  const { G } = problem;
  const groupOf = groupOfOptions(problem);
  const opts: number[] = [];
  for (let k = 0; k < problem.place.length; k++) if (useful(problem, k, groupOf[k]!) && (o.keep?.(k) ?? true)) opts.push(k);
  const forced = o.mustPlace?.some((m) => m === 1) ?? false;
  if (G === 0 || (opts.length === 0 && !forced)) {
    const placeOf = new Int32Array(G).fill(-1);
    let objective = 0;
    for (let g = 0; g < G; g++) objective -= problem.penalty[g]!;
    return { placeOf, objective, bound: objective, optimal: true, status: 7 };
  }
  if (opts.length === 0)
    return { placeOf: new Int32Array(G).fill(-1), objective: -Infinity, bound: -Infinity, optimal: true, status: 8, infeasible: true };
  if (o.maxColumns !== undefined && opts.length > o.maxColumns) return null;
  const m = model(highs, problem, opts, groupOf, true, o.mustPlace);
  try {
    m.options.set({
      time_limit: seconds(o.deadline),
      mip_rel_gap: o.relGap ?? 1e-6,
      ...(o.presolve === false ? { presolve: 'off' } : {}),
      ...(o.restart === false ? { mip_allow_restart: false } : {}),
    });
    if (o.start) {
      const col = new Float64Array(opts.length);
      opts.forEach((k, j) => {
        col[j] = o.start![groupOf[k]!] === problem.place[k] ? 1 : 0;
      });
      m.setSolution({ colValue: col });
    }
    const cb = highs.constants.callbackType;
    const progress = o.progress;
    const interrupt = o.interrupt;
    const stop = (e: { interrupt(): void }): undefined => {
      if (interrupt!()) e.interrupt();
      return undefined;
    };
    const run = m.run(
      progress || interrupt
        ? {
            ...(progress
              ? {
                  [cb.mipImprovingSolution]: (e: { data: { objective_function_value?: number } }): undefined =>
                    void progress({
                      phase: 'mip',
                      message: `MIP: new solution ${e.data.objective_function_value?.toFixed(4)}`,
                      objective: e.data.objective_function_value as number,
                    }),
                }
              : {}),
            ...(interrupt ? { [cb.mipInterrupt]: stop, [cb.simplexInterrupt]: stop } : {}),
          }
        : undefined,
    );
    const status = run.modelStatus;
    if (status === highs.constants.modelStatus.infeasible)
      return { placeOf: new Int32Array(G).fill(-1), objective: -Infinity, bound: -Infinity, optimal: true, status, infeasible: true };
    if (Number(m.info.get('primal_solution_status')) !== highs.constants.solutionStatus.feasible) return null;
    const sol = m.getSolution();
    const placeOf = new Int32Array(G).fill(-1);
    opts.forEach((k, j) => {
      if (sol.colValue[j]! > 0.5) placeOf[groupOf[k]!] = problem.place[k]!;
    });
    return {
      placeOf,
      objective: m.getObjectiveValue(),
      bound: Number(m.info.get('mip_dual_bound')),
      optimal: status === highs.constants.modelStatus.optimal,
      status,
    };
  } finally {
    m.dispose();
  }
}

/**
 * Capacity prices by the Lagrangian dual: minimise L(y) = Σ cap·y + Σ_g max(−penalty_g, max_k (score_k − size_g·y_p(k)))
 * over y ≥ 0 by projected subgradient steps (Polyak's step towards the best objective found by the
 * greedy of the same prices). L(y) is the same LP bound as the certificate's, for any y ≥ 0; its
 * minimum is the LP relaxation's optimum. In pure TypeScript, fast: it gives the LP a good start.
 * (A volume algorithm — steps along the capacity left by an average of the choices, Barahona and
 * Anbil 2000 — was tried for issue 18: on 3,300 × 50 × 3 its bound after 100 / 300 / 600 steps was
 * 1908.3 / 1756.5 / 1750.9 against this one's 1755.5 / 1752.5 / 1751.9: better only past the
 * steps the time limit allows, so not kept.)
 */
export function lagrangianPrices(
  problem: Problem,
  o: { deadline: number; iterations?: number; start?: Float64Array },
): { y: Float64Array; bound: number; best: Int32Array; bestObjective: number; iterations: number } {
  const { G, P, D } = problem;
  const R = P * D;
  // Warm-started from `start` (e.g. last week's prices in batch mode), else from 0.
  let y = o.start?.length === R ? Float64Array.from(o.start, (v) => Math.max(0, v)) : new Float64Array(R);
  let bestY = new Float64Array(R);
  let bestBound = Number.POSITIVE_INFINITY;
  let best: Int32Array = new Int32Array(G).fill(-1);
  let bestObjective = Number.NEGATIVE_INFINITY;
  const usage = new Float64Array(R);
  const choice = new Int32Array(G);
  const value = new Float64Array(G);
  let lambda = 1;
  let sinceBetter = 0;
  const iterations = o.iterations ?? 400;
  let it = 0;
  for (; it < iterations && performance.now() < o.deadline; it++) {
    usage.fill(0);
    let bound = 0;
    for (let r = 0; r < R; r++) bound += problem.capacity[r]! * y[r]!;
    for (let g = 0; g < G; g++) {
      let v = -problem.penalty[g]!;
      let at = -1;
      for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) {
        let w = problem.score[k]!;
        const p = problem.place[k]!;
        for (let d = 0; d < D; d++) w -= problem.size[g * D + d]! * y[p * D + d]!;
        if (w > v) {
          v = w;
          at = k;
        }
      }
      choice[g] = at;
      value[g] = v;
      bound += v;
      if (at >= 0) for (let d = 0; d < D; d++) usage[problem.place[at]! * D + d]! += problem.size[g * D + d]!;
    }
    if (bound < bestBound - 1e-12) {
      bestBound = bound;
      bestY = Float64Array.from(y);
      sinceBetter = 0;
    } else if (++sinceBetter >= 10) {
      lambda /= 2;
      sinceBetter = 0;
    }
    if (it % 10 === 0) {
      const { placeOf, objective } = greedy(problem, y);
      if (objective > bestObjective) {
        bestObjective = objective;
        best = placeOf;
      }
    }
    let norm = 0;
    for (let r = 0; r < R; r++) {
      const s = problem.capacity[r]! - usage[r]!;
      if (!(y[r] === 0 && s > 0)) norm += s * s;
    }
    if (norm === 0) break; // the prices' choices fit: they are optimal
    const step = (lambda * Math.max(1e-9, bound - bestObjective)) / norm;
    const next = new Float64Array(R);
    for (let r = 0; r < R; r++) next[r] = Math.max(0, y[r]! - step * (problem.capacity[r]! - usage[r]!));
    y = next;
  }
  return { y: bestY, bound: bestBound, best, bestObjective, iterations: it };
}

/** Groups in order of their best priced value, each to its best priced option that still fits. */
export function greedy(problem: Problem, y: Float64Array): { placeOf: Int32Array; objective: number } {
  const { G, D } = problem;
  const free = Float64Array.from(problem.capacity);
  const placeOf = new Int32Array(G).fill(-1);
  const order: { g: number; v: number }[] = [];
  const priced = (g: number, k: number) => {
    let w = problem.score[k]!;
    for (let d = 0; d < D; d++) w -= problem.size[g * D + d]! * y[problem.place[k]! * D + d]!;
    return w;
  };
  for (let g = 0; g < G; g++) {
    let v = -Infinity;
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) v = Math.max(v, priced(g, k) + problem.penalty[g]!);
    order.push({ g, v });
  }
  order.sort((a, b) => b.v - a.v);
  let objective = 0;
  for (const { g } of order) {
    let bestK = -1;
    let bestV = -problem.penalty[g]!;
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) {
      if (problem.score[k]! <= -problem.penalty[g]!) continue;
      const p = problem.place[k]!;
      let fits = true;
      for (let d = 0; d < D && fits; d++) fits = problem.size[g * D + d]! <= free[p * D + d]! + 1e-9;
      if (!fits) continue;
      const w = priced(g, k);
      if (bestK < 0 || w > bestV) {
        bestK = k;
        bestV = w;
      }
    }
    if (bestK < 0) {
      objective -= problem.penalty[g]!;
      continue;
    }
    const p = problem.place[bestK]!;
    placeOf[g] = p;
    objective += problem.score[bestK]!;
    for (let d = 0; d < D; d++) free[p * D + d]! -= problem.size[g * D + d]!;
  }
  return { placeOf, objective };
}
