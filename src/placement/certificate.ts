/**
 * The optimality certificate of a placement, checked without trusting the solver: it reads only the
 * instance, the assignment, the claimed bound and the capacity prices.
 *
 * - The objective is recomputed; feasibility is checked (every household once, compatible pairs,
 *   ties, links, every capacity in every dimension).
 * - The bound, by LP duality. For capacity prices y ≥ 0 (place × dimension) and, for each group of
 *   linked households, u_g = max(−penalty_g, max over its compatible places (score − Σ_d size_d·y_pd))
 *   (a tied group: its tied place only), every feasible assignment x has
 *     objective(x) = Σ_g value_g(x) ≤ Σ_g (u_g + Σ_d size_gd·y_{p(g)d}) ≤ Σ_g u_g + Σ_pd cap_pd·y_pd,
 *   since each group's value at its place is at most u_g plus the priced capacity it uses, and the
 *   capacity used is at most the capacity. So the bound holds for ANY y ≥ 0; the LP's duals make it
 *   the LP relaxation's optimum. A claimed bound is accepted only if it is at least what the prices
 *   prove, and not below the assignment's own objective.
 * - The binding constraints (capacity used up, with its price) and, per household, why it got its
 *   place: its score, the best alternatives and what ruled each out.
 */
import { linkGroups, relativeGap, scoreOf, type Assignment, type Dimension, type PlacementInstance } from './placement.ts';

export type RuledOutBy = 'tie' | 'link' | 'capacity' | 'price';

export interface Alternative {
  place: string;
  score: number;
  by: RuledOutBy;
  /** For `capacity`: the dimension that is full, what is free and what the household (with its links) needs. */
  dimension?: Dimension;
  free?: number;
  need?: number;
  /** For `price`: the value there after the prices of the capacity it would use, against the value it has. */
  pricedValue?: number;
}

export interface Explanation {
  household: string;
  place: string | null;
  /** Its score at its place, or −penalty when unplaced. */
  value: number;
  tied: boolean;
  linkedWith: string[];
  alternatives: Alternative[];
  /** How many places are incompatible with it. */
  incompatible: number;
}

export interface Binding {
  place: string;
  dimension: Dimension;
  used: number;
  capacity: number;
  price: number;
}

export interface Certificate {
  /** Feasible and the claimed bound proven. */
  valid: boolean;
  feasible: boolean;
  violations: string[];
  objective: number;
  bound: { claimed: number; proven: number; valid: boolean };
  /** (proven bound − objective) / |proven bound| (placement.ts, `relativeGap`). */
  gap: number;
  binding: Binding[];
  explanations: Explanation[];
}

const TOL = 1e-7;

export function certify(
  instance: PlacementInstance,
  claim: { assignment: Assignment; bound: number; prices: readonly number[] },
  o: { explain?: boolean; alternatives?: number } = {},
): Certificate {
  const { households, places, dimensions } = instance;
  const D = dimensions.length;
  const P = places.length;
  const placeIndex = new Map(places.map((p, i) => [p.id, i]));
  const householdIds = new Set(households.map((h) => h.id));
  const violations: string[] = [];
  const tol = (x: number) => TOL * Math.max(1, Math.abs(x));

  // Where each household is, and the objective.
  const at = new Int32Array(households.length).fill(-1);
  for (const id of Object.keys(claim.assignment))
    if (!householdIds.has(id)) violations.push(`the assignment names unknown household "${id}"`);
  let objective = 0;
  households.forEach((h, i) => {
    if (!Object.hasOwn(claim.assignment, h.id)) violations.push(`household "${h.id}" is missing from the assignment (null means unplaced)`);
    const to = claim.assignment[h.id] ?? null;
    if (to === null) {
      objective -= h.penalty;
      if (h.tie !== undefined) violations.push(`household "${h.id}" is tied to "${h.tie}" but unplaced`);
      return;
    }
    const p = placeIndex.get(to);
    if (p === undefined) {
      violations.push(`household "${h.id}" is placed at unknown place "${to}"`);
      return;
    }
    at[i] = p;
    const s = scoreOf(instance, i, p);
    if (Number.isNaN(s)) violations.push(`household "${h.id}" is placed at "${to}", which is incompatible with it`);
    else objective += s;
    if (h.tie !== undefined && h.tie !== to) violations.push(`household "${h.id}" is tied to "${h.tie}" but placed at "${to}"`);
  });
  const groups = linkGroups(instance);
  const groupOf = new Int32Array(households.length);
  groups.forEach((members, g) => {
    for (const i of members) groupOf[i] = g;
    if (new Set(members.map((i) => at[i])).size > 1)
      violations.push(
        `linked households ${members.map((i) => `"${households[i]!.id}"`).join(', ')} are not together (${members.map((i) => (at[i]! < 0 ? 'unplaced' : places[at[i]!]!.id)).join(', ')})`,
      );
  });
  const used = new Float64Array(P * D);
  households.forEach((h, i) => {
    if (at[i]! >= 0) for (let d = 0; d < D; d++) used[at[i]! * D + d]! += h.size[d]!;
  });
  places.forEach((pl, p) => {
    for (let d = 0; d < D; d++)
      if (used[p * D + d]! > pl.capacity[d]! + tol(pl.capacity[d]!))
        violations.push(`place "${pl.id}" holds ${used[p * D + d]} ${dimensions[d]}, over its capacity ${pl.capacity[d]}`);
  });

  // The bound from the prices.
  const y = claim.prices;
  let proven = Number.POSITIVE_INFINITY;
  const pricesOk = y.length === P * D && y.every((v) => Number.isFinite(v) && v >= 0);
  const groupScore = (g: number, p: number) => groups[g]!.reduce((s, i) => s + scoreOf(instance, i, p), 0); // NaN if any member is incompatible
  const groupSize = (g: number, d: number) => groups[g]!.reduce((s, i) => s + households[i]!.size[d]!, 0);
  const groupTie = (g: number) => groups[g]!.map((i) => households[i]!.tie).find((t) => t !== undefined);
  // A group that is not tied can only use the capacity the tied groups leave (they are at their
  // places in every feasible assignment): a place it does not fit in is no option for it.
  const tiedUse = new Float64Array(P * D);
  groups.forEach((_members, g) => {
    const tie = groupTie(g);
    if (tie !== undefined) for (let d = 0; d < D; d++) tiedUse[placeIndex.get(tie)! * D + d]! += groupSize(g, d);
  });
  const fits = (g: number, p: number) => {
    for (let d = 0; d < D; d++) if (groupSize(g, d) > places[p]!.capacity[d]! - tiedUse[p * D + d]! + 1e-9) return false;
    return true;
  };
  if (pricesOk) {
    proven = 0;
    places.forEach((pl, p) => {
      for (let d = 0; d < D; d++) proven += pl.capacity[d]! * y[p * D + d]!;
    });
    groups.forEach((members, g) => {
      const tie = groupTie(g);
      let u = tie === undefined ? -members.reduce((s, i) => s + households[i]!.penalty, 0) : Number.NEGATIVE_INFINITY;
      for (let p = 0; p < P; p++) {
        if (tie !== undefined ? places[p]!.id !== tie : !fits(g, p)) continue;
        let v = groupScore(g, p);
        if (Number.isNaN(v)) continue;
        for (let d = 0; d < D; d++) v -= groupSize(g, d) * y[p * D + d]!;
        if (v > u) u = v;
      }
      proven += u;
    });
  }
  const boundValid = pricesOk && claim.bound >= proven - tol(proven) && claim.bound >= objective - tol(objective);
  const feasible = violations.length === 0;
  if (!pricesOk) violations.push(`the capacity prices must be ${P * D} finite numbers ≥ 0 (places × dimensions)`);
  else if (claim.bound < proven - tol(proven))
    violations.push(`the claimed bound ${claim.bound} is below what the prices prove (${proven}): it is not proven`);
  if (claim.bound < objective - tol(objective))
    violations.push(`the claimed bound ${claim.bound} is below the assignment's own objective ${objective}: it is false`);

  const binding: Binding[] = [];
  places.forEach((pl, p) => {
    for (let d = 0; d < D; d++)
      if (pl.capacity[d]! > 0 && used[p * D + d]! >= pl.capacity[d]! - tol(pl.capacity[d]!))
        binding.push({
          place: pl.id,
          dimension: dimensions[d]!,
          used: used[p * D + d]!,
          capacity: pl.capacity[d]!,
          price: pricesOk ? y[p * D + d]! : Number.NaN,
        });
  });

  const explanations: Explanation[] = [];
  if (o.explain) {
    const shown = o.alternatives ?? 3;
    households.forEach((h, i) => {
      const g = groupOf[i]!;
      const members = groups[g]!;
      const here = at[i]!;
      const value = here < 0 ? -h.penalty : scoreOf(instance, i, here);
      const groupValue = here < 0 ? -members.reduce((s, m) => s + households[m]!.penalty, 0) : groupScore(g, here);
      const tied = groupTie(g) !== undefined;
      const candidates: number[] = [];
      let incompatible = 0;
      for (let p = 0; p < P; p++) {
        if (Number.isNaN(scoreOf(instance, i, p))) incompatible++;
        else if (p !== here) candidates.push(p);
      }
      candidates.sort((a, b) => scoreOf(instance, i, b) - scoreOf(instance, i, a));
      const alternatives = candidates.slice(0, shown).map((p): Alternative => {
        const base = { place: places[p]!.id, score: scoreOf(instance, i, p) };
        if (tied) return { ...base, by: 'tie' };
        if (Number.isNaN(groupScore(g, p))) return { ...base, by: 'link' };
        for (let d = 0; d < D; d++) {
          const need = groupSize(g, d);
          const free = places[p]!.capacity[d]! - used[p * D + d]!;
          if (need > free + tol(free)) return { ...base, by: 'capacity', dimension: dimensions[d]!, free, need };
        }
        if (members.length > 1 && groupScore(g, p) <= groupValue) return { ...base, by: 'link' };
        let priced = groupScore(g, p);
        for (let d = 0; d < D; d++) priced -= groupSize(g, d) * (pricesOk ? y[p * D + d]! : 0);
        return { ...base, by: 'price', pricedValue: priced };
      });
      explanations.push({
        household: h.id,
        place: here < 0 ? null : places[here]!.id,
        value,
        tied: h.tie !== undefined,
        linkedWith: members.filter((m) => m !== i).map((m) => households[m]!.id),
        alternatives,
        incompatible,
      });
    });
  }
  return {
    valid: feasible && boundValid,
    feasible,
    violations,
    objective,
    bound: { claimed: claim.bound, proven, valid: boundValid },
    gap: relativeGap(proven, objective),
    binding,
    explanations,
  };
}
