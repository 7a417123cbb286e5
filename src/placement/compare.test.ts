import { describe, expect, it } from 'vitest';
import { certify } from './certificate.ts';
import { greedyInArrivalOrder, randomFeasible, worthOf } from './compare.ts';
import { bruteForce, smallInstance } from './placement.factory.ts';
import { objectiveOf, type PlacementInstance } from './placement.ts';

// Persons only; north holds 3, south 2. In arrival order a takes north (its best, 3), b then fits
// only south (2), and c, incompatible with north, finds south full: unplaced (−1). Greedy: 3 + 2 − 1 = 4.
// The optimum leaves b out instead: a north (3), c south (4), b unplaced (−1) = 6.
const instance: PlacementInstance = {
  dimensions: ['persons'],
  households: [
    { id: 'a', size: [2], penalty: 1 },
    { id: 'b', size: [2], penalty: 1 },
    { id: 'c', size: [1], penalty: 1 },
  ],
  places: [
    { id: 'north', kind: 'municipality', capacity: [3] },
    { id: 'south', kind: 'municipality', capacity: [2] },
  ],
  //                        north south
  scores: Float64Array.from([3, 1, /* b */ 2, 2, /* c */ Number.NaN, 4]),
};

describe('what the optimisation is worth', () => {
  it('places greedily in arrival order: each household to its best place with room left', () => {
    // a → north (3 > 1, 2 of 3 used); b → south (north has 1 left); c → unplaced (north incompatible, south full).
    expect(greedyInArrivalOrder(instance)).toEqual({ a: 'north', b: 'south', c: null });
    expect(objectiveOf(instance, greedyInArrivalOrder(instance))).toBe(3 + 2 - 1);
    expect(bruteForce(instance).objective).toBe(3 + 4 - 1);
  });

  it('gives feasible placements, never above the optimum, on 60 small random instances (links, ties, 1–2 dimensions)', () => {
    let belowOptimum = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const inst = smallInstance(seed);
      const best = bruteForce(inst).objective;
      for (const a of [greedyInArrivalOrder(inst), randomFeasible(inst, seed), randomFeasible(inst, seed + 1000)]) {
        const c = certify(inst, {
          assignment: a,
          bound: Number.POSITIVE_INFINITY,
          prices: new Array(inst.places.length * inst.dimensions.length).fill(0),
        });
        expect(c.feasible, `seed ${seed}: ${c.violations.join('; ')}`).toBe(true);
        expect(c.objective).toBeLessThanOrEqual(best + 1e-9);
        if (c.objective < best - 1e-9) belowOptimum++;
      }
    }
    expect(belowOptimum).toBeGreaterThan(0); // the rules are not optimal: the comparison means something
  });

  it('states the gain of an objective over each rule, the random one as the mean of its seeded draws', () => {
    const w = worthOf(instance, 6, 10);
    expect(w.greedy).toBe(4);
    expect(w.gainOverGreedy).toBeCloseTo((6 - 4) / 4, 12);
    let sum = 0;
    for (let s = 1; s <= 10; s++) sum += objectiveOf(instance, randomFeasible(instance, s));
    expect(w.random).toBeCloseTo(sum / 10, 12);
    expect(w.gainOverRandom).toBeCloseTo((6 - w.random) / Math.abs(w.random), 12);
    expect(worthOf(instance, 6, 10)).toEqual(w); // seeded: the same every time
  });
});
