import { describe, expect, it } from 'vitest';
import { certify } from './certificate.ts';
import { loadHighs } from './lp.ts';
import type { PlacementInstance } from './placement.ts';
import { solvePlacement } from './solve.ts';

// Three households, two places, persons only. a+b linked; c incompatible with "north".
//            north  south
//   a (2)      3      1
//   b (1)      2      2
//   c (2)      –      4
// north holds 3 persons, south 2. Optimum: a+b north (5), c south (4) = 9.
const instance: PlacementInstance = {
  dimensions: ['persons'],
  households: [
    { id: 'a', size: [2], penalty: 1, links: ['b'] },
    { id: 'b', size: [1], penalty: 1 },
    { id: 'c', size: [2], penalty: 1 },
  ],
  places: [
    { id: 'north', kind: 'municipality', capacity: [3] },
    { id: 'south', kind: 'sponsorGroup', capacity: [2] },
  ],
  scores: Float64Array.from([3, 1, 2, 2, Number.NaN, 4]),
};
const optimal = { a: 'north', b: 'north', c: 'south' };
// Prices proving 9: y_north = 5/3 makes a+b worth 5 − 3·5/3 = 0 there, y_south = 2 makes c worth 0:
// bound = 3·5/3 + 2·2 + max(−2, 0, 3 − 3·2) + max(−1, 4 − 2·2) = 5 + 4 + 0 + 0 = 9.
const prices = [5 / 3, 2];

describe('the certificate', () => {
  it('accepts the optimum with prices that prove its bound, with a gap of 0 and both places binding', () => {
    const c = certify(instance, { assignment: optimal, bound: 9, prices }, { explain: true });
    expect(c.violations).toEqual([]);
    expect(c.valid).toBe(true);
    expect(c.objective).toBe(9);
    expect(c.bound.proven).toBeCloseTo(9, 12);
    expect(c.gap).toBeCloseTo(0, 12);
    expect(c.binding.map((b) => [b.place, b.used, b.capacity])).toEqual([
      ['north', 3, 3],
      ['south', 2, 2],
    ]);
  });

  it('proves a bound from any prices ≥ 0: zero prices give every household its best score (3+2 + 4 = 9 here too), high prices the capacities', () => {
    expect(certify(instance, { assignment: optimal, bound: 9, prices: [0, 0] }).bound.proven).toBe(9);
    // y = (10, 10): every place priced out, each group keeps −penalty: 30 + 20 − 2 − 1 = 47.
    expect(certify(instance, { assignment: optimal, bound: 47, prices: [10, 10] }).bound.proven).toBe(47);
  });

  it('explains each household: c could not go north (incompatible, counted), b went with a (link), and what ruled out the alternatives', () => {
    const unplacedC = { a: 'north', b: 'north', c: null };
    const c = certify(instance, { assignment: unplacedC, bound: 9, prices }, { explain: true });
    const explain = (id: string) => c.explanations.find((e) => e.household === id)!;
    expect(explain('c')).toMatchObject({
      place: null,
      value: -1,
      incompatible: 1,
      alternatives: [{ place: 'south', score: 4, by: 'price' }],
    });
    expect(explain('b')).toMatchObject({
      place: 'north',
      linkedWith: ['a'],
      alternatives: [{ place: 'south', score: 2, by: 'capacity', dimension: 'persons', free: 2, need: 3 }],
    });
  });

  it.each([
    ['over capacity', { a: 'north', b: 'north', c: 'north' }, /incompatible|over its capacity/],
    ['over capacity in south', { a: 'south', b: 'south', c: null }, /"south" holds 3 persons, over its capacity 2/],
    ['a split link', { a: 'north', b: 'south', c: null }, /linked households "a", "b" are not together/],
    ['an incompatible pair', { a: null, b: null, c: 'north' }, /"c" is placed at "north", which is incompatible/],
    ['a household missing', { a: 'north', b: 'north' }, /"c" is missing/],
    ['an unknown place', { a: 'north', b: 'north', c: 'east' }, /unknown place "east"/],
  ])('rejects a doctored assignment: %s', (_, assignment, message) => {
    const c = certify(instance, { assignment, bound: 100, prices: [0, 0] });
    expect(c.feasible).toBe(false);
    expect(c.valid).toBe(false);
    expect(c.violations.join('\n')).toMatch(message);
  });

  it('rejects a tie not kept', () => {
    const tied: PlacementInstance = {
      ...instance,
      households: instance.households.map((h) => (h.id === 'c' ? { ...h, tie: 'south' } : h)),
    };
    const c = certify(tied, { assignment: { a: 'north', b: 'north', c: null }, bound: 100, prices: [0, 0] });
    expect(c.violations).toContain('household "c" is tied to "south" but unplaced');
  });

  it('rejects a doctored bound: below what the prices prove, below the objective, or without valid prices', () => {
    expect(certify(instance, { assignment: optimal, bound: 8.5, prices }).bound.valid).toBe(false); // below the objective 9
    const weak = certify(instance, { assignment: { a: null, b: null, c: 'south' }, bound: 8, prices });
    expect(weak.objective).toBe(2);
    expect(weak.bound.valid).toBe(false); // 8 is not proven: the prices prove 9
    expect(weak.violations.join()).toMatch(/below what the prices prove \(9/);
    expect(certify(instance, { assignment: optimal, bound: 9, prices: [-1, 3] }).valid).toBe(false);
    expect(certify(instance, { assignment: optimal, bound: 9, prices: [1] }).valid).toBe(false);
  });

  it('certifies what the solver returns, and refuses it once its bound is lowered by 1 %', async () => {
    const result = await solvePlacement(instance, { timeLimitSeconds: 5 }, await loadHighs());
    expect(result.assignment).toEqual(optimal);
    expect(certify(instance, result).valid).toBe(true);
    expect(certify(instance, { ...result, bound: result.bound * 0.99 }).valid).toBe(false);
  });
});
