/**
 * Batch mode (issue 8): households arrive week by week and are placed each week against what the
 * places have left of a year's capacities. Placing each batch as if it were the last (myopic) spends
 * capacity too early; the dynamic method of Ahani et al. (Operations Research 2024) prices capacity
 * with sampled futures instead: each week, for a few futures (the weeks still to come drawn by
 * resampling the households seen so far), the LP relaxation of this week's batch plus that future
 * against the capacity left gives capacity prices; the batch is then placed to maximise score less
 * the mean price of the capacity it uses. Reported: the share of the hindsight optimum reached (every
 * week's households placed at once, knowing the whole year), myopic placement beside it.
 *
 * Simplifications, stated: the number and size of the weeks to come are known; links and ties are
 * not used across weeks (each batch's own are kept); the hindsight optimum is the method's result on
 * the whole year (its LP bound is reported too, so the share against the bound is a lower bound).
 */
import type { Highs } from 'highs';
import { rng } from '../evaluation/random.ts';
import { compile, objectiveOf, type Household, type PlacementInstance } from './placement.ts';
import { lagrangianPrices, loadHighs, solveRelaxation } from './lp.ts';
import { restrict, solvePlacement } from './solve.ts';

export interface BatchOptions {
  /** The weeks' batches: the same places and dimensions in each; the places' capacities are the year's. */
  weeks: readonly PlacementInstance[];
  /** Sampled futures per week (default 4). */
  futures?: number;
  seed?: number;
  /** Time limit per solve, in seconds (default 5). */
  timeLimitSeconds?: number;
}

export interface BatchResult {
  dynamic: { objective: number; perWeek: number[] };
  myopic: { objective: number; perWeek: number[] };
  hindsight: { objective: number; bound: number };
  /** dynamic / hindsight objective, and myopic / hindsight. */
  share: { dynamic: number; myopic: number };
}

/** The LP's capacity prices of an instance (zeros where it has no household). */
function lpPrices(highs: Highs, instance: PlacementInstance, deadline: number): Float64Array {
  const compiled = compile(instance);
  const { sub } = restrict(
    compiled.problem,
    Int32Array.from(compiled.tie, (t) => (t >= 0 ? t : -2)),
  );
  const lagrangian = lagrangianPrices(sub, { deadline, iterations: 200 });
  try {
    return solveRelaxation(highs, sub, { deadline, prices: lagrangian.y }).y;
  } catch {
    return lagrangian.y;
  }
}

const withCapacity = (instance: PlacementInstance, left: Float64Array): PlacementInstance => {
  const D = instance.dimensions.length;
  return {
    ...instance,
    places: instance.places.map((p, i) => ({ ...p, capacity: p.capacity.map((_, d) => Math.max(0, left[i * D + d]!)) })),
  };
};

/** Households and scores of several instances (same places) as one instance. */
function concat(parts: readonly { households: readonly Household[]; scores: Float64Array }[], base: PlacementInstance): PlacementInstance {
  const households = parts.flatMap((p) => p.households);
  const scores = new Float64Array(parts.reduce((n, p) => n + p.scores.length, 0));
  let at = 0;
  for (const p of parts) {
    scores.set(p.scores, at);
    at += p.scores.length;
  }
  return { ...base, households, scores };
}

export async function placeInBatches(o: BatchOptions, highsIn?: Highs): Promise<BatchResult> {
  const highs = highsIn ?? (await loadHighs());
  const first = o.weeks[0]!;
  const P = first.places.length;
  const D = first.dimensions.length;
  const limit = o.timeLimitSeconds ?? 5;
  const random = rng(o.seed ?? 1);
  const year = Float64Array.from(first.places.flatMap((p) => p.capacity));

  const run = async (dynamic: boolean) => {
    const left = Float64Array.from(year);
    const seen: { household: Household; scores: Float64Array }[] = [];
    const perWeek: number[] = [];
    // Each week's Lagrangian starts from last week's capacity prices (the same places, less capacity left).
    let prices: number[] | undefined;
    for (let w = 0; w < o.weeks.length; w++) {
      const week = o.weeks[w]!;
      week.households.forEach((h, i) => {
        seen.push({ household: { ...h, links: undefined, tie: undefined } as Household, scores: week.scores.slice(i * P, (i + 1) * P) });
      });
      let batch = withCapacity(week, left);
      if (dynamic && w + 1 < o.weeks.length) {
        // Mean capacity prices over sampled futures: the remaining weeks resampled from the households seen.
        const price = new Float64Array(P * D);
        const futures = o.futures ?? 4;
        for (let f = 0; f < futures; f++) {
          const future: { households: Household[]; scores: Float64Array } = { households: [], scores: new Float64Array(0) };
          const rows: Float64Array[] = [];
          for (let v = w + 1; v < o.weeks.length; v++)
            for (let i = 0; i < o.weeks[v]!.households.length; i++) {
              const s = seen[Math.floor(random() * seen.length)]!;
              future.households.push({ ...s.household, id: `future-${f}-${v}-${i}` });
              rows.push(s.scores);
            }
          future.scores = new Float64Array(rows.length * P);
          rows.forEach((r, i) => {
            future.scores.set(r, i * P);
          });
          const sample = concat([{ households: batch.households, scores: batch.scores }, future], batch);
          const y = lpPrices(highs, sample, performance.now() + (limit * 1000) / futures);
          for (let r = 0; r < P * D; r++) price[r]! += y[r]! / futures;
        }
        // Score less the priced capacity; a pair priced below staying unplaced is left unplaced by the solver.
        const scores = Float64Array.from(batch.scores);
        batch.households.forEach((h, i) => {
          for (let p = 0; p < P; p++) {
            let charge = 0;
            for (let d = 0; d < D; d++) charge += h.size[d]! * price[p * D + d]!;
            scores[i * P + p]! -= charge;
          }
        });
        batch = { ...batch, scores };
      }
      const result = await solvePlacement(batch, { timeLimitSeconds: limit, ...(prices ? { prices } : {}) }, highs);
      if (result.prices.length) prices = result.prices;
      perWeek.push(objectiveOf(week, result.assignment)); // scored with the true scores
      const index = new Map(week.places.map((p, i) => [p.id, i]));
      week.households.forEach((h) => {
        const to = result.assignment[h.id];
        if (to != null) for (let d = 0; d < D; d++) left[index.get(to)! * D + d]! -= h.size[d]!;
      });
    }
    return { objective: perWeek.reduce((a, b) => a + b, 0), perWeek };
  };

  const dynamic = await run(true);
  const myopic = await run(false);
  const whole = concat(
    o.weeks.map((w) => ({ households: w.households.map((h) => ({ ...h, links: h.links, tie: h.tie })), scores: w.scores })),
    first,
  );
  const hindsight = await solvePlacement(whole, { timeLimitSeconds: limit * 2 }, highs);
  return {
    dynamic,
    myopic,
    hindsight: { objective: hindsight.objective, bound: hindsight.bound },
    share: { dynamic: dynamic.objective / hindsight.objective, myopic: myopic.objective / hindsight.objective },
  };
}

/** A year's instance as weeks of equal batches (ids made unique by week), keeping the year's capacities. */
export function splitIntoWeeks(year: PlacementInstance, weeks: number): PlacementInstance[] {
  const P = year.places.length;
  const per = Math.ceil(year.households.length / weeks);
  return Array.from({ length: weeks }, (_, w) => {
    const households = year.households
      .slice(w * per, (w + 1) * per)
      .map((h) => ({ ...h, id: `w${w + 1}-${h.id}`, links: undefined, tie: undefined }) as Household);
    return { ...year, households, scores: year.scores.slice(w * per * P, (w * per + households.length) * P) };
  });
}
