import { checkChanges, instanceOf, valueAt, type ChangeCheck, type RunResult } from '../../../src/placement/decision.ts';
import { worthOf, type Worth } from '../../../src/placement/compare.ts';
import { objectiveOf, relativeGap } from '../../../src/placement/placement.ts';
import type { components } from '../../../src/api/openapi.types.ts';

/**
 * The plan on the page (issue 8): the run's proposal, with this run's decisions already recorded and
 * the caseworker's changes not yet confirmed over it. The cost of a change and whether the plan
 * still holds are decision.ts's own rule (`checkChanges`, the one the server applies when it
 * records them); what is left at each place and which places a household could still go to are
 * read off the same figures.
 */
export type PlacementResult = NonNullable<components['schemas']['PlacementResult']>;
export type Placement = components['schemas']['Placement'];
export type Household = PlacementResult['households'][number];

/** The API's result is decision.ts's RunResult (the binding dimension typed as a plain string). */
const asRun = (r: PlacementResult): RunResult => r as unknown as RunResult;

/** This run's decisions in force: case reference → place code (what the server passes as `decided`). */
export const decidedIn = (runId: number, placements: readonly Placement[]): Record<string, string> =>
  Object.fromEntries(placements.filter((p) => p.runId === runId).map((p) => [p.caseRef, p.placeCode]));

/** Each household with the households linked to it, directly or through others (they go together), itself included. */
export function groupsOf(r: PlacementResult): Map<string, string[]> {
  const parent = new Map(r.households.map((h) => [h.ref, h.ref]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const h of r.households) for (const l of h.links) if (parent.has(l)) parent.set(find(l), find(h.ref));
  const members = new Map<string, string[]>();
  for (const h of r.households) members.set(find(h.ref), [...(members.get(find(h.ref)) ?? []), h.ref]);
  return new Map(r.households.map((h) => [h.ref, members.get(find(h.ref))!]));
}

export interface Plan {
  /** Where each household is under the plan (null: not placed). */
  assignment: Record<string, string | null>;
  /** Σ score of the placed − Σ penalty of the unplaced, under the plan. */
  objective: number;
  /** The proposal's objective minus the plan's: what the plan gives up against the optimum found. */
  givenUp: number;
  /** The changes not yet confirmed, by decision.ts: each one's cost, feasibility, what breaks. */
  check: ChangeCheck;
  /** Per place (code): capacity left in each dimension under the plan (negative: over). */
  left: Map<string, number[]>;
}

/** The plan: proposal ← this run's decisions ← `changes` (case reference → place code). */
export function planOf(
  result: PlacementResult,
  decided: Readonly<Record<string, string>>,
  changes: Readonly<Record<string, string>>,
): Plan {
  const r = asRun(result);
  const assignment: Record<string, string | null> = { ...r.assignment, ...decided, ...changes };
  const objective = objectiveOf(instanceOf(r), assignment);
  const left = new Map(r.places.map((p) => [p.code, [...p.capacity]]));
  for (const h of r.households) {
    const at = assignment[h.ref];
    if (!at) continue;
    const room = left.get(at)!;
    h.size.forEach((s, d) => {
      room[d]! -= s;
    });
  }
  return { assignment, objective, givenUp: r.objective - objective, check: checkChanges(r, changes, decided), left };
}

/** A household's value at a place (its score; −penalty when not placed), as decision.ts counts it. */
export const householdValue = (h: Household, place: string | null): number => valueAt(h, place);

/** The cost of one household's place against the proposal (objective lost; negative: gained). */
export const costOf = (result: PlacementResult, h: Household, place: string | null): number =>
  valueAt(h, result.assignment[h.ref] ?? null) - valueAt(h, place);

export interface Option {
  code: string;
  /** The household's score there. */
  score: number;
  /** Whether it (with its linked households) fits in what the plan leaves there; else the first full dimension. */
  fits: boolean;
  fullDimension: string | null;
}

/**
 * The places a household could be moved to: those compatible with it and with every household
 * linked to it (its tied place only, when it has a tie), each with whether the group fits in what
 * the plan leaves there once the group itself is taken out.
 */
export function optionsOf(result: PlacementResult, plan: Plan, groups: ReadonlyMap<string, readonly string[]>, ref: string): Option[] {
  const byRef = new Map(result.households.map((h) => [h.ref, h]));
  const group = (groups.get(ref) ?? [ref]).map((g) => byRef.get(g)!);
  const tie = group.find((h) => h.tie !== null)?.tie ?? null;
  const D = result.dimensions.length;
  return result.places
    .filter((p) => (tie === null || p.code === tie) && group.every((h) => h.scores[p.code] !== undefined))
    .map((p) => {
      const free = [...plan.left.get(p.code)!];
      for (const h of group) if (plan.assignment[h.ref] === p.code) for (let d = 0; d < D; d++) free[d]! += h.size[d]!;
      let full: string | null = null;
      for (let d = 0; d < D && full === null; d++)
        if (group.reduce((s, h) => s + h.size[d]!, 0) > free[d]! + 1e-9) full = result.dimensions[d]!;
      return { code: p.code, score: byRef.get(ref)!.scores[p.code]!, fits: full === null, fullDimension: full };
    });
}

/** Persons used under the plan against the capacity the run saw, per place (the chart and its table). */
export function personsByPlace(result: PlacementResult, plan: Plan): { code: string; name: string; capacity: number; used: number }[] {
  const d = result.dimensions.indexOf('persons');
  if (d < 0) return [];
  return result.places.map((p) => ({
    code: p.code,
    name: p.name,
    capacity: p.capacity[d]!,
    used: p.capacity[d]! - plan.left.get(p.code)![d]!,
  }));
}

/** The LP relaxation's gap of the proposal, (LP bound − objective) / |LP bound|: for a proven optimum, the relaxation's integrality gap. */
export const lpGapOf = (r: PlacementResult): number => relativeGap(r.bound, r.objective);

/** How many random feasible placements the page draws (seeded: the same figures every time). */
export const RANDOM_DRAWS = 20;

/** The proposal against greedy placement in arrival order and random feasible placements (compare.ts). */
export const worthOfRun = (r: PlacementResult): Worth => worthOf(instanceOf(asRun(r)), r.objective, RANDOM_DRAWS);
