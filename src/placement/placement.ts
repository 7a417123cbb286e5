/**
 * The placement problem (issue 8): households to receiving places, as pure types and their validation.
 *
 * Each household uses its size in every capacity dimension of the place it goes to; a compatible pair
 * has a score (e.g. expected members employed), an absent score means incompatible. Linked households
 * go to the same place or all stay unplaced; a tie forces a place (family already there). Every
 * household may stay unplaced at its penalty, so a valid instance always has a feasible assignment:
 * the tied households at their places, everyone else unplaced (validation checks that the ties fit).
 *
 * Objective (maximised): Σ score of the placed − Σ penalty of the unplaced.
 */

export const DIMENSIONS = ['persons', 'housingUnits', 'schoolPlaces', 'medicalSlots', 'languageSupport'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
export const PLACE_KINDS = ['municipality', 'receptionCentre', 'sponsorGroup'] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export interface Household {
  id: string;
  /** Use of each capacity dimension, in the order of the instance's `dimensions`. */
  size: readonly number[];
  /** What staying unplaced costs (≥ 0): the objective counts −penalty for an unplaced household. */
  penalty: number;
  /** Households that must go to the same place as this one (or all stay unplaced). */
  links?: readonly string[];
  /** A forced place: the household goes there (family already there). */
  tie?: string;
}

export interface Place {
  id: string;
  kind: PlaceKind;
  /** Capacity in each dimension, in the order of the instance's `dimensions`. */
  capacity: readonly number[];
}

export interface PlacementInstance {
  dimensions: readonly Dimension[];
  households: readonly Household[];
  places: readonly Place[];
  /**
   * Scores, households × places row-major (`scores[h * places.length + p]`); NaN = incompatible.
   * Dense because the instances are (63 % of pairs compatible) and it stays one transferable array
   * for a worker thread; `scoresFromPairs` builds it from a sparse list.
   */
  scores: Float64Array;
}

/** Household id → place id, or null for unplaced. */
export type Assignment = Readonly<Record<string, string | null>>;

export class PlacementInputError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `The placement instance is not valid:\n- ${problems.slice(0, 20).join('\n- ')}${problems.length > 20 ? `\n- … and ${problems.length - 20} more` : ''}`,
    );
    this.name = 'PlacementInputError';
  }
}

export function scoresFromPairs(
  households: readonly Household[],
  places: readonly Place[],
  pairs: Iterable<{ household: string; place: string; score: number }>,
): Float64Array {
  const h = new Map(households.map((x, i) => [x.id, i]));
  const p = new Map(places.map((x, i) => [x.id, i]));
  const out = new Float64Array(households.length * places.length).fill(NaN);
  const problems: string[] = [];
  for (const pair of pairs) {
    const hi = h.get(pair.household);
    const pi = p.get(pair.place);
    if (hi === undefined) problems.push(`score for unknown household "${pair.household}"`);
    else if (pi === undefined) problems.push(`score for unknown place "${pair.place}"`);
    else out[hi * places.length + pi] = pair.score;
  }
  if (problems.length) throw new PlacementInputError(problems);
  return out;
}

export const scoreOf = (instance: PlacementInstance, h: number, p: number): number => instance.scores[h * instance.places.length + p]!;

/**
 * The linked households as groups (connected components of the links, each household in exactly
 * one group; a household without links is a group of one), in order of their first member.
 */
export function linkGroups(instance: PlacementInstance): number[][] {
  const index = new Map(instance.households.map((x, i) => [x.id, i]));
  const parent = instance.households.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  instance.households.forEach((h, i) => {
    for (const other of h.links ?? []) {
      const j = index.get(other);
      if (j !== undefined) parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, number[]>();
  instance.households.forEach((_, i) => {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  });
  return [...groups.values()];
}

const finiteAtLeast0 = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;

/** Checks an instance; throws a PlacementInputError listing every problem found. */
export function validateInstance(instance: PlacementInstance): void {
  const problems: string[] = [];
  const { dimensions, households, places, scores } = instance;
  const D = dimensions.length;
  const P = places.length;
  if (D === 0) problems.push('at least one capacity dimension is needed');
  for (const d of dimensions) if (!DIMENSIONS.includes(d)) problems.push(`unknown dimension "${d}" (known: ${DIMENSIONS.join(', ')})`);
  if (new Set(dimensions).size !== D) problems.push('a dimension is listed twice');
  const placeIds = new Map<string, number>();
  places.forEach((p, i) => {
    if (placeIds.has(p.id)) problems.push(`place "${p.id}" is listed twice`);
    placeIds.set(p.id, i);
    if (!PLACE_KINDS.includes(p.kind)) problems.push(`place "${p.id}": kind must be one of ${PLACE_KINDS.join(', ')}`);
    if (p.capacity.length !== D || !p.capacity.every(finiteAtLeast0))
      problems.push(`place "${p.id}": capacity needs ${D} finite numbers ≥ 0 (${dimensions.join(', ')})`);
  });
  const householdIds = new Set<string>();
  households.forEach((h) => {
    if (householdIds.has(h.id)) problems.push(`household "${h.id}" is listed twice`);
    householdIds.add(h.id);
    if (h.size.length !== D || !h.size.every(finiteAtLeast0))
      problems.push(`household "${h.id}": size needs ${D} finite numbers ≥ 0 (${dimensions.join(', ')})`);
    if (!finiteAtLeast0(h.penalty)) problems.push(`household "${h.id}": penalty must be a finite number ≥ 0`);
  });
  if (scores.length !== households.length * P)
    problems.push(`scores must hold households × places = ${households.length * P} values, not ${scores.length}`);
  else
    for (let k = 0; k < scores.length; k++) {
      const s = scores[k]!;
      if (!Number.isNaN(s) && !Number.isFinite(s)) {
        problems.push(
          `household "${households[Math.floor(k / P)]!.id}" at place "${places[k % P]!.id}": score must be finite (NaN for incompatible)`,
        );
        break;
      }
    }
  households.forEach((h, i) => {
    for (const l of h.links ?? []) if (!householdIds.has(l)) problems.push(`household "${h.id}" is linked to unknown household "${l}"`);
    if (h.tie === undefined) return;
    const p = placeIds.get(h.tie);
    if (p === undefined) problems.push(`household "${h.id}" is tied to unknown place "${h.tie}"`);
    else if (scores.length === households.length * P && Number.isNaN(scores[i * P + p]!))
      problems.push(`household "${h.id}" is tied to place "${h.tie}", which is incompatible with it (no score)`);
  });
  if (problems.length) throw new PlacementInputError(problems);

  // Linked households share one place: their ties must agree, and the ties must fit.
  const used = new Float64Array(P * D);
  for (const group of linkGroups(instance)) {
    const ties = [...new Set(group.map((i) => households[i]!.tie).filter((t): t is string => t !== undefined))];
    if (ties.length > 1)
      problems.push(
        `linked households ${group.map((i) => `"${households[i]!.id}"`).join(', ')} are tied to different places (${ties.join(', ')})`,
      );
    if (ties.length !== 1) continue;
    const p = placeIds.get(ties[0]!)!;
    for (const i of group) {
      if (Number.isNaN(scores[i * P + p]!))
        problems.push(`household "${households[i]!.id}" is linked to a household tied to "${ties[0]}", which is incompatible with it`);
      for (let d = 0; d < D; d++) used[p * D + d]! += households[i]!.size[d]!;
    }
  }
  places.forEach((pl, p) => {
    for (let d = 0; d < D; d++)
      if (used[p * D + d]! > pl.capacity[d]! + 1e-9)
        problems.push(
          `the households tied to place "${pl.id}" need ${used[p * D + d]} ${dimensions[d]}, more than its capacity ${pl.capacity[d]}`,
        );
  });
  if (problems.length) throw new PlacementInputError(problems);
}

/**
 * The relative gap between an upper bound and an objective: (bound − objective) / |bound|, the same at
 * every scale (scores of 1e-5 give the gap scores of 1 give). A bound of 0 is divided by |objective|
 * instead (0 when both are 0); an infinite or missing bound gives Infinity.
 */
export function relativeGap(bound: number, objective: number): number {
  if (!Number.isFinite(bound) || !Number.isFinite(objective)) return Number.POSITIVE_INFINITY;
  const diff = bound - objective;
  if (Math.abs(diff) <= 1e-12 * Math.max(Math.abs(bound), Math.abs(objective))) return 0;
  const scale = bound !== 0 ? Math.abs(bound) : Math.abs(objective);
  return scale === 0 ? 0 : diff / scale;
}

/** The objective of an assignment (no feasibility check: see certificate.ts). */
export function objectiveOf(instance: PlacementInstance, assignment: Assignment): number {
  const placeIndex = new Map(instance.places.map((p, i) => [p.id, i]));
  let total = 0;
  instance.households.forEach((h, i) => {
    const to = assignment[h.id];
    total += to == null ? -h.penalty : scoreOf(instance, i, placeIndex.get(to)!);
  });
  return total;
}

// ---------------------------------------------------------------------------------------------
// The compact form the solvers work on: linked households merged into one group, options sparse.

/**
 * Groups (super-households) × places with typed arrays. A group's options are its compatible places
 * (compatible with every member), with the summed score; sizes and penalties are summed too.
 */
export interface Problem {
  D: number;
  P: number;
  G: number;
  capacity: Float64Array; // P × D
  size: Float64Array; // G × D
  penalty: Float64Array; // G
  start: Int32Array; // G + 1: options of group g are start[g] .. start[g + 1] − 1
  place: Int32Array;
  score: Float64Array;
}

export interface Compiled {
  instance: PlacementInstance;
  problem: Problem;
  /** Household indices of each group. */
  members: number[][];
  /** The tied place of each group, or −1. */
  tie: Int32Array;
}

/** Validates and compiles an instance: links merged, options listed best score first. */
export function compile(instance: PlacementInstance): Compiled {
  validateInstance(instance);
  const { households, places, scores } = instance;
  const D = instance.dimensions.length;
  const P = places.length;
  const members = linkGroups(instance);
  const G = members.length;
  const placeIndex = new Map(places.map((p, i) => [p.id, i]));
  const capacity = new Float64Array(P * D);
  places.forEach((p, i) => {
    p.capacity.forEach((c, d) => {
      capacity[i * D + d] = c;
    });
  });
  const size = new Float64Array(G * D);
  const penalty = new Float64Array(G);
  const tie = new Int32Array(G).fill(-1);
  const start = new Int32Array(G + 1);
  const optPlace: number[] = [];
  const optScore: number[] = [];
  const row = new Float64Array(P);
  members.forEach((group, g) => {
    row.fill(0);
    for (const i of group) {
      const h = households[i]!;
      penalty[g]! += h.penalty;
      for (let d = 0; d < D; d++) size[g * D + d]! += h.size[d]!;
      if (h.tie !== undefined) tie[g] = placeIndex.get(h.tie)!;
      for (let p = 0; p < P; p++) row[p]! += scores[i * P + p]!; // NaN spreads: incompatible for the group
    }
    const opts: number[] = [];
    for (let p = 0; p < P; p++) if (!Number.isNaN(row[p]!) && (tie[g]! < 0 || tie[g] === p)) opts.push(p);
    opts.sort((a, b) => row[b]! - row[a]! || a - b);
    for (const p of opts) {
      optPlace.push(p);
      optScore.push(row[p]!);
    }
    start[g + 1] = optPlace.length;
  });
  return {
    instance,
    members,
    tie,
    problem: { D, P, G, capacity, size, penalty, start, place: Int32Array.from(optPlace), score: Float64Array.from(optScore) },
  };
}

/** A group-level solution (place per group, −1 unplaced) as an assignment of households. */
export function toAssignment(compiled: Compiled, placeOf: Int32Array): Assignment {
  const out: Record<string, string | null> = {};
  compiled.members.forEach((group, g) => {
    const p = placeOf[g]!;
    for (const i of group) out[compiled.instance.households[i]!.id] = p < 0 ? null : compiled.instance.places[p]!.id;
  });
  return out;
}

/** The objective of a group-level solution. */
export function problemObjective(problem: Problem, placeOf: Int32Array): number {
  let total = 0;
  for (let g = 0; g < problem.G; g++) {
    const p = placeOf[g]!;
    if (p < 0) {
      total -= problem.penalty[g]!;
      continue;
    }
    let k = problem.start[g]!;
    while (problem.place[k] !== p) k++;
    total += problem.score[k]!;
  }
  return total;
}
