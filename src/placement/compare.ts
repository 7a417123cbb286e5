/**
 * What the optimisation is worth (issue 18): the same households and places placed by two simple
 * rules, to set the proposal's objective against.
 * - Greedy in arrival order: the tied households at their places first, then each household (with
 *   the households linked to it) in the order given, to its best-scoring compatible place that still
 *   has room in every dimension; unplaced when none has. What a caseworker placing cases as they come
 *   would do.
 * - A random feasible placement: the same, in a random order, each to a random compatible place with
 *   room; its expected objective estimated as the mean of `draws` seeded draws.
 * Pure: the page computes the same from the run's stored instance.
 */
import { rng } from '../evaluation/random.ts';
import { linkGroups, objectiveOf, relativeGap, scoreOf, type Assignment, type PlacementInstance } from './placement.ts';

function place(
  instance: PlacementInstance,
  order: readonly number[][],
  choose: (candidates: readonly number[], scores: readonly number[]) => number,
): Assignment {
  const { households, places } = instance;
  const D = instance.dimensions.length;
  const P = places.length;
  const free = Float64Array.from(places.flatMap((p) => p.capacity));
  const out: Record<string, string | null> = {};
  const put = (group: readonly number[], p: number) => {
    for (const i of group) {
      out[households[i]!.id] = p < 0 ? null : places[p]!.id;
      if (p >= 0) for (let d = 0; d < D; d++) free[p * D + d]! -= households[i]!.size[d]!;
    }
  };
  const tieOf = (group: readonly number[]) => group.map((i) => households[i]!.tie).find((t) => t !== undefined);
  const placeIndex = new Map(places.map((p, i) => [p.id, i]));
  for (const group of order) {
    const tie = tieOf(group);
    if (tie !== undefined) put(group, placeIndex.get(tie)!);
  }
  for (const group of order) {
    if (tieOf(group) !== undefined) continue;
    const candidates: number[] = [];
    const scores: number[] = [];
    for (let p = 0; p < P; p++) {
      let score = 0;
      for (const i of group) score += scoreOf(instance, i, p); // NaN: a member is incompatible
      if (Number.isNaN(score)) continue;
      let fits = true;
      for (let d = 0; d < D && fits; d++) {
        let need = 0;
        for (const i of group) need += households[i]!.size[d]!;
        fits = need <= free[p * D + d]! + 1e-9;
      }
      if (fits) {
        candidates.push(p);
        scores.push(score);
      }
    }
    put(group, candidates.length ? choose(candidates, scores) : -1);
  }
  return out;
}

/** Each household (with its links) in the order given, to its best compatible place with room. */
export function greedyInArrivalOrder(instance: PlacementInstance): Assignment {
  return place(instance, linkGroups(instance), (candidates, scores) => {
    let best = 0;
    for (let j = 1; j < candidates.length; j++) if (scores[j]! > scores[best]!) best = j;
    return candidates[best]!;
  });
}

/** The households in a random order, each to a random compatible place with room (seeded). */
export function randomFeasible(instance: PlacementInstance, seed: number): Assignment {
  const random = rng(seed);
  const order = linkGroups(instance);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return place(instance, order, (candidates) => candidates[Math.floor(random() * candidates.length)]!);
}

export interface Worth {
  greedy: number;
  /** The mean objective of the random draws. */
  random: number;
  draws: number;
  /** The gain of `objective` over each: (objective − theirs) / |theirs| (NaN when theirs is 0). */
  gainOverGreedy: number;
  gainOverRandom: number;
}

/** The proposal's objective against greedy in arrival order and random feasible placements. */
export function worthOf(instance: PlacementInstance, objective: number, draws = 20): Worth {
  const greedy = objectiveOf(instance, greedyInArrivalOrder(instance));
  let sum = 0;
  for (let s = 1; s <= draws; s++) sum += objectiveOf(instance, randomFeasible(instance, s));
  const random = sum / draws;
  const gain = (theirs: number) => (theirs === 0 ? Number.NaN : -relativeGap(theirs, objective));
  return { greedy, random, draws, gainOverGreedy: gain(greedy), gainOverRandom: gain(random) };
}
