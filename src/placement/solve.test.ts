import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certify } from './certificate.ts';
import { generateInstance } from './generator.ts';
import { loadHighs } from './lp.ts';
import { bruteForce, smallInstance } from './placement.factory.ts';
import { objectiveOf, type PlacementInstance } from './placement.ts';
import { solveBaseline, solvePlacement } from './solve.ts';

const allUnplaced = (instance: PlacementInstance) => instance.households.reduce((s, h) => s - h.penalty, 0);
const tiedValue = (instance: PlacementInstance) =>
  instance.households.reduce(
    (s, h, i) =>
      h.tie === undefined
        ? s - h.penalty
        : s + instance.scores[i * instance.places.length + instance.places.findIndex((p) => p.id === h.tie)]!,
    0,
  );

describe('the method against brute force', () => {
  it('reaches the optimum found by enumerating every assignment, on 40 small random instances (≤ 8 households × 4 places, links, ties, 1–2 dimensions)', async () => {
    const highs = await loadHighs();
    for (let seed = 1; seed <= 40; seed++) {
      const instance = smallInstance(seed);
      const exact = bruteForce(instance);
      const result = await solvePlacement(instance, { timeLimitSeconds: 10 }, highs);
      expect(result.objective, `seed ${seed}`).toBeCloseTo(exact.objective, 9);
      expect(result.optimal, `seed ${seed}`).toBe(true);
      expect(objectiveOf(instance, result.assignment)).toBeCloseTo(exact.objective, 9);
    }
  });

  it('the baseline (plain MIP) reaches the same optimum', async () => {
    const highs = await loadHighs();
    for (let seed = 41; seed <= 50; seed++) {
      const instance = smallInstance(seed);
      expect((await solveBaseline(instance, { timeLimitSeconds: 10 }, highs)).objective).toBeCloseTo(bruteForce(instance).objective, 9);
    }
  });

  it('holds its properties on any small instance: feasible, certified, never below leaving everyone (but the tied) unplaced, bound ≥ objective', async () => {
    const highs = await loadHighs();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        async (seed, households, places) => {
          const instance = smallInstance(seed, { households, places });
          const result = await solvePlacement(instance, { timeLimitSeconds: 10 }, highs);
          const certificate = certify(instance, result);
          expect(certificate.violations).toEqual([]);
          expect(certificate.valid).toBe(true);
          expect(result.objective).toBeGreaterThanOrEqual(Math.max(allUnplaced(instance), tiedValue(instance)) - 1e-9);
          expect(result.bound).toBeGreaterThanOrEqual(result.objective - 1e-9);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('a generated instance of 400 households × 20 places × 3 dimensions', () => {
  it('is solved within its time limit to a certified assignment no worse than the baseline in the same time, with the LP bound above both', async () => {
    const highs = await loadHighs();
    const instance = generateInstance({ households: 400, places: 20, dimensions: 3, seed: 11 });
    const method = await solvePlacement(instance, { timeLimitSeconds: 4 }, highs);
    const certificate = certify(instance, method, { explain: true });
    expect(certificate.valid).toBe(true);
    expect(certificate.objective).toBeCloseTo(method.objective, 9);
    expect(method.stats.ms.total).toBeLessThan(4_000 + 1_500);
    expect(method.gap).toBeLessThan(0.03);
    expect(method.stats.lpComplete).toBe(true);
    // The LP bound is a bound on the baseline's assignment too.
    const baseline = await solveBaseline(instance, { timeLimitSeconds: 4 }, highs);
    expect(method.bound).toBeGreaterThanOrEqual(baseline.objective - 1e-9);
    expect(certificate.explanations).toHaveLength(400);
    expect(certificate.binding.length).toBeGreaterThan(0);
  });
});
