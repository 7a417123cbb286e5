import { describe, expect, it } from 'vitest';
import { rng } from '../evaluation/random.ts';
import { certify } from './certificate.ts';
import { knapsack, knapsackStage, oneDimensionalIntegral } from './knapsack.ts';
import { lagrangianPrices } from './lp.ts';
import { assignments, bruteForce, smallInstance } from './placement.factory.ts';
import { problemObjective } from './placement.ts';
import { prepare, solvePlacement } from './solve.ts';

describe('the 0/1 knapsack by dynamic programming', () => {
  it('finds the best subset found by enumerating all of them, on 300 random item sets (negative gains and items too large included)', () => {
    const random = rng(7);
    for (let t = 0; t < 300; t++) {
      const n = Math.floor(random() * 11);
      const gains = Array.from({ length: n }, () => Math.round((random() * 10 - 2) * 100) / 100);
      const weights = Array.from({ length: n }, () => Math.floor(random() * 8));
      const capacity = Math.floor(random() * 20);
      let best = 0;
      for (let mask = 0; mask < 1 << n; mask++) {
        let g = 0;
        let w = 0;
        for (let i = 0; i < n; i++)
          if (mask & (1 << i)) {
            g += gains[i]!;
            w += weights[i]!;
          }
        if (w <= capacity) best = Math.max(best, g);
      }
      const { value, take } = knapsack(gains, weights, capacity);
      expect(value, `set ${t}`).toBeCloseTo(best, 9);
      // What it takes is what it is worth, and fits.
      const taken = [...take.keys()].filter((i) => take[i]);
      expect(taken.reduce((s, i) => s + gains[i]!, 0)).toBeCloseTo(value, 9);
      expect(taken.reduce((s, i) => s + weights[i]!, 0)).toBeLessThanOrEqual(capacity);
    }
  });
});

describe('the knapsack stage', () => {
  it('applies to one dimension in whole units only', () => {
    expect(oneDimensionalIntegral(prepare(smallInstance(3, { dimensions: 1 })).sub)).toBe(true);
    expect(oneDimensionalIntegral(prepare(smallInstance(3, { dimensions: 2 })).sub)).toBe(false);
    const whole = smallInstance(3, { dimensions: 1 });
    const half = { ...whole, households: whole.households.map((h, i) => (i === 0 ? { ...h, size: [1.5] } : h)) };
    expect(oneDimensionalIntegral(prepare(half).sub)).toBe(false);
  });

  it('on 90 small instances: its bound is at least the optimum, its assignment keeps the capacities, and its fixing keeps every choice of every assignment better than its incumbent', () => {
    let fixedSomething = 0;
    let belowOptimum = 0;
    let proved = 0;
    for (let seed = 1; seed <= 90; seed++) {
      const instance = smallInstance(seed, { dimensions: 1, households: 2 + (seed % 6) });
      const { sub } = prepare(instance);
      // Any prices ≥ 0 start it: the Lagrangian's here, zero on every third instance.
      const y = seed % 3 === 0 ? new Float64Array(sub.P) : lagrangianPrices(sub, { deadline: performance.now() + 1000 }).y;
      // One step, two or the default: fewer steps leave a looser bound, a weaker incumbent and more to keep.
      const steps = [1, 2, 300][seed % 3]!;
      const stage = knapsackStage(sub, { y, incumbent: new Int32Array(sub.G).fill(-1), deadline: performance.now() + 5000, steps });
      let optimum = Number.NEGATIVE_INFINITY;
      for (const a of assignments(sub)) optimum = Math.max(optimum, problemObjective(sub, a));
      expect(stage.rootBound, `seed ${seed}`).toBeGreaterThanOrEqual(optimum - 1e-9);
      expect(stage.objective, `seed ${seed}`).toBeLessThanOrEqual(optimum + 1e-9);
      expect(problemObjective(sub, stage.placeOf)).toBeCloseTo(stage.objective, 9);
      const used = new Float64Array(sub.P);
      stage.placeOf.forEach((p, g) => {
        if (p >= 0) used[p]! += sub.size[g]!;
      });
      used.forEach((u, p) => {
        expect(u, `seed ${seed}, place ${p}`).toBeLessThanOrEqual(sub.capacity[p]!);
      });
      if (stage.optimal) expect(stage.objective, `seed ${seed}`).toBeCloseTo(optimum, 9);
      if (stage.objective < optimum - 1e-9) belowOptimum++;
      if (stage.optimal) {
        proved++;
        continue;
      }
      if (stage.fixing.keep.some((k) => k === 0) || stage.fixing.unplacedAllowed.some((u) => u === 0)) fixedSomething++;
      for (const a of assignments(sub)) {
        if (problemObjective(sub, a) <= stage.objective + 1e-9) continue;
        for (let g = 0; g < sub.G; g++) {
          if (a[g]! < 0) {
            expect(stage.fixing.unplacedAllowed[g], `seed ${seed}: a better assignment leaves group ${g} unplaced`).toBe(1);
            continue;
          }
          let k = sub.start[g]!;
          while (sub.place[k] !== a[g]) k++;
          expect(stage.fixing.keep[k], `seed ${seed}: a better assignment places group ${g} at ${a[g]}`).toBe(1);
        }
      }
    }
    // The checks above bite: the fixing removed something on some instances, and some stages ended below
    // the optimum (so better assignments were there to keep).
    expect(fixedSomething).toBeGreaterThan(5);
    expect(belowOptimum).toBeGreaterThan(0);
    // And its bound alone proves the optimum on most of these small ones.
    expect(proved).toBeGreaterThan(45);
  });

  it('in the method: on small one-dimensional instances where it runs, the result is the optimum found by enumeration, certified', async () => {
    let ran = 0;
    for (let seed = 100; seed <= 220 && ran < 15; seed++) {
      const instance = smallInstance(seed, { dimensions: 1 });
      let stageRan = false;
      const result = await solvePlacement(instance, {
        timeLimitSeconds: 10,
        progress: (e) => {
          if (e.phase === 'knapsacks') stageRan = true;
        },
      });
      if (!stageRan) continue;
      ran++;
      expect(result.objective, `seed ${seed}`).toBeCloseTo(bruteForce(instance).objective, 9);
      expect(result.optimal, `seed ${seed}`).toBe(true);
      expect(certify(instance, result).valid, `seed ${seed}`).toBe(true);
    }
    expect(ran).toBeGreaterThanOrEqual(5);
  });
});
