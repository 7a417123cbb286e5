import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { certify } from './certificate.ts';
import { generateInstance } from './generator.ts';
import { rng } from '../evaluation/random.ts';
import { lagrangianPrices, loadHighs, solveRelaxation } from './lp.ts';
import { bruteForce, smallInstance } from './placement.factory.ts';
import { compile, objectiveOf, problemObjective, relativeGap, toAssignment, type PlacementInstance } from './placement.ts';
import { reducedCostFixing } from './fixing.ts';
import { prepare, solveBaseline, solveExact, solvePlacement } from './solve.ts';

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
          // A tied household is placed at its tie whatever its score, so the floor is the others unplaced and
          // the tied at their ties; with no tie, everyone unplaced. (The floor was the larger of the two,
          // wrong where a tie scores below its penalty: seed 39548, 6 households, 1 place, kept below.)
          expect(result.objective).toBeGreaterThanOrEqual(tiedValue(instance) - 1e-9);
          if (instance.households.every((h) => h.tie === undefined)) expect(tiedValue(instance)).toBe(allUnplaced(instance));
          expect(result.bound).toBeGreaterThanOrEqual(result.objective - 1e-9);
        },
      ),
      { numRuns: 40, examples: [[39548, 6, 1]] },
    );
  });
});

describe('without the LP relaxation (an instance above lpMaxOptions)', () => {
  it('still gives a feasible, certified assignment under a valid bound: on 40 small instances the bound is at least the optimum found by enumeration', async () => {
    const highs = await loadHighs();
    let belowOptimum = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const instance = smallInstance(seed);
      const exact = bruteForce(instance);
      const result = await solvePlacement(instance, { timeLimitSeconds: 10, lpMaxOptions: 0 }, highs);
      expect(result.stats.lpRounds, `seed ${seed}`).toBe(0);
      const certificate = certify(instance, result);
      expect(certificate.violations, `seed ${seed}`).toEqual([]);
      expect(certificate.valid, `seed ${seed}`).toBe(true);
      expect(result.bound, `seed ${seed}`).toBeGreaterThanOrEqual(exact.objective - 1e-9);
      expect(result.objective, `seed ${seed}`).toBeLessThanOrEqual(exact.objective + 1e-9);
      if (result.objective < exact.objective - 1e-9) belowOptimum++;
      // Proven optimal only where it is the optimum.
      if (result.optimal) expect(result.objective, `seed ${seed}`).toBeCloseTo(exact.objective, 9);
    }
    // The exact stage still runs on the Lagrangian prices' reduced costs: most of these are solved.
    expect(belowOptimum).toBeLessThanOrEqual(4);
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

describe('reduced-cost fixing', () => {
  it('never removes an option (or staying unplaced) of the optimum found by brute force, for LP prices and for arbitrary prices, on 60 small random instances', async () => {
    const highs = await loadHighs();
    let removed = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const instance = smallInstance(seed);
      const exact = bruteForce(instance);
      const { problem, members } = compile(instance);
      const placeIndex = new Map(instance.places.map((p, i) => [p.id, i]));
      const optimum = Int32Array.from(members, (group) => {
        const to = exact.assignment[instance.households[group[0]!]!.id];
        return to == null ? -1 : placeIndex.get(to)!;
      });
      const random = rng(seed);
      // The LP's prices (HiGHS refuses an LP without a useful option: the Lagrangian's then), and arbitrary ones.
      const lp = (() => {
        try {
          return solveRelaxation(highs, problem, { deadline: performance.now() + 5000 }).y;
        } catch {
          return lagrangianPrices(problem, { deadline: performance.now() + 1000 }).y;
        }
      })();
      const pricesList = [lp, Float64Array.from({ length: problem.P * problem.D }, () => random() * 2)];
      for (const y of pricesList)
        for (const incumbent of [exact.objective, exact.objective - random()]) {
          const fixing = reducedCostFixing(problem, y, incumbent);
          expect(fixing.bound).toBeGreaterThanOrEqual(exact.objective - 1e-9); // any prices bound the optimum
          for (let g = 0; g < problem.G; g++) {
            if (optimum[g]! < 0) expect(fixing.unplacedAllowed[g], `seed ${seed}, group ${g} unplaced`).toBe(1);
            else {
              let k = problem.start[g]!;
              while (problem.place[k] !== optimum[g]) k++;
              expect(fixing.keep[k], `seed ${seed}, group ${g} at place ${optimum[g]}`).toBe(1);
            }
          }
          removed += problem.place.length - fixing.columns;
        }
    }
    expect(removed).toBeGreaterThan(0); // it does fix something: the check above is not vacuous
  });
});

describe('the relative gap', () => {
  it('is (bound − objective) / |bound| at every scale, guarded at 0', () => {
    expect(relativeGap(200, 199)).toBeCloseTo(0.005, 15);
    expect(relativeGap(200e-5, 199e-5)).toBeCloseTo(0.005, 12);
    expect(relativeGap(-4, -5)).toBeCloseTo(0.25, 15);
    expect(relativeGap(0, -2)).toBe(1);
    expect(relativeGap(0, 0)).toBe(0);
    expect(relativeGap(3, 3)).toBe(0);
    expect(relativeGap(Number.POSITIVE_INFINITY, 3)).toBe(Number.POSITIVE_INFINITY);
  });

  it('is the same in the certificate and the result when every score and penalty is scaled by 1e-5; a proven optimum has gap 0 and its LP gap apart', async () => {
    const highs = await loadHighs();
    const instance = generateInstance({ households: 60, places: 6, dimensions: 2, seed: 4 });
    const scaled: PlacementInstance = {
      ...instance,
      households: instance.households.map((h) => ({ ...h, penalty: h.penalty * 1e-5 })),
      scores: instance.scores.map((s) => s * 1e-5),
    };
    const r = await solvePlacement(instance, { timeLimitSeconds: 10 }, highs);
    const c = certify(instance, r);
    const cs = certify(scaled, { assignment: r.assignment, bound: r.bound * 1e-5, prices: r.prices.map((p) => p * 1e-5) });
    expect(cs.valid).toBe(true);
    expect(c.gap).toBeGreaterThan(1e-6); // a real LP gap, so the scale would show under the old max(1, |bound|)
    expect(cs.gap).toBeCloseTo(c.gap, 9);
    expect(r.lpGap).toBeCloseTo(c.gap, 9);
    expect(r.gap).toBe(r.optimal ? 0 : r.lpGap);
  });
});

describe('the exact stage after reduced-cost fixing', () => {
  it('proves the brute-force optimum on 40 small random instances, from the worst incumbent (all unplaced) and from the optimum itself', async () => {
    const highs = await loadHighs();
    for (let seed = 1; seed <= 40; seed++) {
      const instance = smallInstance(seed);
      const exact = bruteForce(instance);
      const { compiled, sub, groups, lift } = prepare(instance);
      const y = (() => {
        try {
          return solveRelaxation(highs, sub, { deadline: performance.now() + 5000 }).y;
        } catch {
          return lagrangianPrices(sub, { deadline: performance.now() + 1000 }).y;
        }
      })();
      const placeIndex = new Map(instance.places.map((p, i) => [p.id, i]));
      const optimum = Int32Array.from(groups, (g) => {
        const to = exact.assignment[instance.households[compiled.members[g]![0]!]!.id];
        return to == null ? -1 : placeIndex.get(to)!;
      });
      for (const incumbent of [new Int32Array(sub.G).fill(-1), optimum]) {
        const fixing = reducedCostFixing(sub, y, problemObjective(sub, incumbent));
        const r = solveExact(highs, sub, fixing, incumbent, { deadline: performance.now() + 10_000, relGap: 1e-9 });
        expect(r.optimal, `seed ${seed}`).toBe(true);
        const full = lift(r.placeOf);
        expect(problemObjective(compiled.problem, full), `seed ${seed}`).toBeCloseTo(exact.objective, 9);
        const c = certify(instance, { assignment: toAssignment(compiled, full), bound: Number.POSITIVE_INFINITY, prices: [] });
        expect(c.feasible, `seed ${seed}: ${c.violations.join('; ')}`).toBe(true);
      }
    }
  });
});
