import { describe, expect, it } from 'vitest';
import { certify } from './certificate.ts';
import { solveCountsByFlow } from './flow.ts';
import { generateInstance } from './generator.ts';
import { loadHighs } from './lp.ts';
import type { PlacementInstance } from './placement.ts';
import { solveBaseline } from './solve.ts';

/** The household-count case: one unit a household, places by number of households (about 80 % of the demand). */
function counts(seed: number): PlacementInstance {
  const g = generateInstance({ households: 250, places: 15, dimensions: 1, seed, linkShare: 0 });
  return {
    ...g,
    households: g.households.map((h) => ({ ...h, size: [1] })),
    places: g.places.map((p) => ({ ...p, capacity: [Math.max(1, Math.round(p.capacity[0]! / 2.8))] })),
  };
}

describe('the min-cost flow (one-dimensional household-count case)', () => {
  it.each([1, 2, 3, 4])(
    'finds the objective HiGHS proves optimal, on 250 households × 15 places (seed %i), as a feasible assignment',
    async (seed) => {
      const instance = counts(seed);
      const flow = solveCountsByFlow(instance);
      const highs = await solveBaseline(instance, { timeLimitSeconds: 30 }, await loadHighs());
      expect(highs.optimal).toBe(true);
      expect(flow.objective).toBeCloseTo(highs.objective, 6);
      expect(
        certify(instance, { assignment: flow.assignment, bound: highs.bound, prices: new Array(instance.places.length).fill(0) }).feasible,
      ).toBe(true);
      expect(instance.households.some((h) => h.tie)).toBe(true);
    },
  );

  it('refuses what is not the count case', () => {
    expect(() => solveCountsByFlow(generateInstance({ households: 20, places: 3, dimensions: 2, seed: 1 }))).toThrow(/one-dimensional/);
    expect(() => solveCountsByFlow(generateInstance({ households: 20, places: 3, dimensions: 1, seed: 1 }))).toThrow(/exactly one unit/);
  });
});
