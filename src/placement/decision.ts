/**
 * A run's proposal as stored (`placement_runs.result`) and the one rule of a caseworker's change
 * (issue 8), pure: the page computes the same with the same figures.
 *
 * The stored result carries the instance it was solved on (households with their sizes, penalties,
 * links, ties and scores per place; places with the capacity that was left), so that a change can be
 * checked later against exactly what the optimiser saw.
 *
 * The cost of a change against the proposal, per household: its value at the proposed place minus
 * its value at the chosen one (value = the score there, or −penalty when unplaced). The other
 * households keep their places, so the objective lost by a set of changes is the sum of these.
 * A change is refused when the assignment it leads to (the proposal, with this run's earlier
 * decisions and the changes) breaks a capacity, a link, a tie or compatibility (certificate.ts).
 */
import { certify, type Binding, type Explanation } from './certificate.ts';
import { DIMENSIONS, type Assignment, type PlacementInstance } from './placement.ts';

/** The time limits a run may be given, in seconds (the API, the command line and the page). */
export const TIME_LIMIT = { min: 1, max: 600, default: 30 } as const;

export interface RunPlace {
  id: number;
  code: string;
  name: string;
  kind: string;
  /** The capacity left when the run started, per dimension (order of `dimensions`). */
  capacity: number[];
}

export interface RunHousehold {
  /** The case reference (the optimiser's household id). */
  ref: string;
  caseId: number;
  size: number[];
  penalty: number;
  links: string[];
  tie: string | null;
  /** Score per compatible place (by code); a place not listed is incompatible. */
  scores: Record<string, number>;
}

export interface RunResult {
  dimensions: string[];
  places: RunPlace[];
  households: RunHousehold[];
  assignment: Record<string, string | null>;
  objective: number;
  bound: number;
  gap: number;
  optimal: boolean;
  prices: number[];
  certificate: { valid: boolean; feasible: boolean; provenBound: number; violations: string[] };
  binding: Binding[];
  explanations: Explanation[];
  unplaced: { ref: string; penalty: number }[];
  ms: number;
}

/** The instance a stored result was solved on. */
export function instanceOf(r: Pick<RunResult, 'dimensions' | 'places' | 'households'>): PlacementInstance {
  const P = r.places.length;
  const scores = new Float64Array(r.households.length * P).fill(NaN);
  r.households.forEach((h, i) => {
    r.places.forEach((p, j) => {
      scores[i * P + j] = h.scores[p.code] ?? NaN;
    });
  });
  return {
    dimensions: r.dimensions.filter((d): d is (typeof DIMENSIONS)[number] => (DIMENSIONS as readonly string[]).includes(d)),
    households: r.households.map((h) => ({
      id: h.ref,
      size: h.size,
      penalty: h.penalty,
      ...(h.links.length && { links: h.links }),
      ...(h.tie !== null && { tie: h.tie }),
    })),
    places: r.places.map((p) => ({ id: p.code, kind: 'municipality' as const, capacity: p.capacity })),
    scores,
  };
}

/** A household's value at a place (its score; −penalty unplaced); NaN where incompatible. */
export function valueAt(h: Pick<RunHousehold, 'scores' | 'penalty'>, place: string | null): number {
  return place === null ? -h.penalty : (h.scores[place] ?? NaN);
}

export interface ChangeCheck {
  /** Per household changed: proposed place, chosen place, cost (objective lost; negative = gained). */
  changes: { ref: string; proposed: string | null; chosen: string; cost: number }[];
  /** The objective lost by all of them. */
  cost: number;
  feasible: boolean;
  violations: string[];
}

/**
 * Checks a caseworker's decisions against a run: `decided` are this run's decisions already recorded
 * (ref → place), `chosen` the new ones. Unknown households or places are violations.
 */
export function checkChanges(
  r: RunResult,
  chosen: Readonly<Record<string, string>>,
  decided: Readonly<Record<string, string>> = {},
): ChangeCheck {
  const byRef = new Map(r.households.map((h) => [h.ref, h]));
  const codes = new Set(r.places.map((p) => p.code));
  const violations: string[] = [];
  const changes: ChangeCheck['changes'] = [];
  for (const [ref, place] of Object.entries(chosen)) {
    const h = byRef.get(ref);
    if (!h) violations.push(`household "${ref}" is not in this run`);
    else if (!codes.has(place)) violations.push(`place "${place}" is not in this run`);
    else {
      const proposed = r.assignment[ref] ?? null;
      changes.push({ ref, proposed, chosen: place, cost: valueAt(h, proposed) - valueAt(h, place) });
    }
  }
  if (violations.length) return { changes, cost: NaN, feasible: false, violations };
  const assignment: Assignment = { ...r.assignment, ...decided, ...chosen };
  const c = certify(instanceOf(r), { assignment, bound: r.bound, prices: r.prices }, { explain: false });
  const cost = changes.reduce((s, x) => s + x.cost, 0);
  // The bound's own checks are the run's business, not the change's.
  const violations2 = c.violations.filter((v) => !v.startsWith('the claimed bound') && !v.startsWith('the capacity prices'));
  return { changes, cost, feasible: c.feasible, violations: violations2 };
}
