import { describe, expect, it } from 'vitest';
import { placeInBatches, splitIntoWeeks } from './batch.ts';
import { generateInstance } from './generator.ts';

describe("batch mode: weekly arrivals against a year's capacities", () => {
  it('with prices from sampled futures reaches at least 95 % of the hindsight optimum, and more than placing each week as if it were the last', async () => {
    const year = generateInstance({ households: 200, places: 8, dimensions: 2, seed: 2, linkShare: 0, tieShare: 0 });
    const weeks = splitIntoWeeks(year, 8);
    expect(weeks.map((w) => w.households.length)).toEqual([25, 25, 25, 25, 25, 25, 25, 25]);
    const r = await placeInBatches({ weeks, futures: 3, timeLimitSeconds: 2, seed: 2 });
    expect(r.dynamic.perWeek).toHaveLength(8);
    expect(r.share.dynamic).toBeGreaterThanOrEqual(0.95);
    expect(r.dynamic.objective).toBeGreaterThan(r.myopic.objective);
    // Nothing beats the hindsight LP bound: the weeks' placements together are one feasible assignment of the year.
    expect(r.dynamic.objective).toBeLessThanOrEqual(r.hindsight.bound + 1e-9);
    expect(r.myopic.objective).toBeLessThanOrEqual(r.hindsight.bound + 1e-9);
  });
});
