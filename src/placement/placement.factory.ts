/**
 * Small random instances for the tests: a few households and places, one or two dimensions, some
 * incompatible pairs, links and ties, tight capacities (so that the choice matters), and the exact
 * optimum by enumerating every assignment (independent of compile() and of every solver).
 */
import { rng } from '../evaluation/random.ts';
import { linkGroups, type Assignment, type Household, type Place, type PlacementInstance, type Problem } from './placement.ts';

export function smallInstance(seed: number, o: { households?: number; places?: number; dimensions?: 1 | 2 } = {}): PlacementInstance {
  const random = rng(seed);
  const H = o.households ?? 2 + Math.floor(random() * 7); // 2–8
  const P = o.places ?? 1 + Math.floor(random() * 4); // 1–4
  const dims = (o.dimensions ?? (random() < 0.5 ? 1 : 2)) === 1 ? (['persons'] as const) : (['persons', 'housingUnits'] as const);
  const households: Household[] = [];
  for (let h = 0; h < H; h++) {
    const persons = 1 + Math.floor(random() * 4);
    households.push({ id: `h${h}`, size: dims.length === 1 ? [persons] : [persons, 1], penalty: Math.round(random() * 10) / 10 });
  }
  const demand = households.reduce((s, h) => s + h.size[0]!, 0);
  const places: Place[] = [];
  for (let p = 0; p < P; p++) {
    const persons = Math.floor((random() * 1.2 * demand) / P);
    places.push({ id: `p${p}`, kind: 'municipality', capacity: dims.length === 1 ? [persons] : [persons, 1 + Math.floor(random() * 2)] });
  }
  const scores = new Float64Array(H * P);
  for (let k = 0; k < scores.length; k++) scores[k] = random() < 0.7 ? Math.round((random() * 4 - 0.5) * 100) / 100 : Number.NaN;
  const instance = { dimensions: dims, households, places, scores };
  // A link between two neighbours, sometimes; a tie, sometimes, where it is compatible and fits.
  if (H >= 3 && random() < 0.5) households[1] = { ...households[1]!, links: [households[2]!.id] };
  if (random() < 0.4) {
    const h = H - 1;
    const p = Math.floor(random() * P);
    const linked = households.some((x) => x.links?.includes(households[h]!.id)) || households[h]!.links;
    if (!linked && !Number.isNaN(scores[h * P + p]!) && households[h]!.size.every((s, d) => s <= places[p]!.capacity[d]!))
      households[h] = { ...households[h]!, tie: places[p]!.id };
  }
  return instance;
}

/** The optimum by enumerating every assignment (each household unplaced or at any place). */
export function bruteForce(instance: PlacementInstance): { objective: number; assignment: Assignment } {
  const { households, places, scores, dimensions } = instance;
  const H = households.length;
  const P = places.length;
  const D = dimensions.length;
  const groups = linkGroups(instance);
  const choice = new Int32Array(H).fill(-1); // −1 unplaced
  let best = Number.NEGATIVE_INFINITY;
  let bestChoice = Int32Array.from(choice);
  const used = new Float64Array(P * D);
  for (;;) {
    let ok = groups.every((g) => g.every((i) => choice[i] === choice[g[0]!]));
    for (let i = 0; i < H && ok; i++) {
      const t = households[i]!.tie;
      if (t !== undefined && (choice[i]! < 0 || places[choice[i]!]!.id !== t)) ok = false;
      if (choice[i]! >= 0 && Number.isNaN(scores[i * P + choice[i]!]!)) ok = false;
    }
    if (ok) {
      used.fill(0);
      for (let i = 0; i < H; i++) if (choice[i]! >= 0) for (let d = 0; d < D; d++) used[choice[i]! * D + d]! += households[i]!.size[d]!;
      for (let p = 0; p < P && ok; p++) for (let d = 0; d < D; d++) if (used[p * D + d]! > places[p]!.capacity[d]!) ok = false;
    }
    if (ok) {
      let v = 0;
      for (let i = 0; i < H; i++) v += choice[i]! < 0 ? -households[i]!.penalty : scores[i * P + choice[i]!]!;
      if (v > best) {
        best = v;
        bestChoice = Int32Array.from(choice);
      }
    }
    let i = 0;
    while (i < H && choice[i] === P - 1) choice[i++] = -1;
    if (i === H) break;
    choice[i]!++;
  }
  const assignment: Record<string, string | null> = {};
  households.forEach((h, i) => {
    assignment[h.id] = bestChoice[i]! < 0 ? null : places[bestChoice[i]!]!.id;
  });
  return { objective: best, assignment };
}

/** Every assignment of a small problem that keeps the capacities (a place per group, −1 unplaced). */
export function* assignments(problem: Problem): Generator<Int32Array> {
  const { G, start, place, size, capacity } = problem;
  const placeOf = new Int32Array(G).fill(-1);
  const free = Float64Array.from(capacity);
  function* from(g: number): Generator<Int32Array> {
    if (g === G) {
      yield placeOf;
      return;
    }
    placeOf[g] = -1;
    yield* from(g + 1);
    for (let k = start[g]!; k < start[g + 1]!; k++) {
      const p = place[k]!;
      if (size[g]! > free[p]!) continue;
      free[p]! -= size[g]!;
      placeOf[g] = p;
      yield* from(g + 1);
      free[p]! += size[g]!;
    }
    placeOf[g] = -1;
  }
  yield* from(0);
}
