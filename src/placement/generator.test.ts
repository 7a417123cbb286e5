import { describe, expect, it } from 'vitest';
import { generateInstance, SIZE_SHARES } from './generator.ts';
import { validateInstance } from './placement.ts';

describe('the instance generator', () => {
  const instance = generateInstance({ households: 20_000, places: 40, dimensions: 5, seed: 3 });

  // 20,000 draws: the standard error of a share p is √(p(1−p)/20000) ≤ 0.0035; ±0.012 is over 3 of them.
  it.each(SIZE_SHARES)("draws households of size %s in the issue's share %f (± 0.012 on 20,000)", (label, share) => {
    const persons = instance.households.map((h) => h.size[0]!);
    const count = persons.filter((p) => (label === '8+' ? p >= 8 : p === Number(label))).length;
    expect(Math.abs(count / persons.length - share)).toBeLessThan(0.012);
  });

  it('makes about 63 % of pairs compatible (± 0.01 on 800,000 pairs)', () => {
    const compatible = instance.scores.filter((s) => !Number.isNaN(s)).length;
    expect(Math.abs(compatible / instance.scores.length - 0.63)).toBeLessThan(0.01);
  });

  it('gives each dimension capacities for the demand plus 10 % (each place rounded up to a whole unit)', () => {
    instance.dimensions.forEach((_, d) => {
      const demand = instance.households.reduce((s, h) => s + h.size[d]!, 0);
      const capacity = instance.places.reduce((s, p) => s + p.capacity[d]!, 0);
      expect(capacity).toBeGreaterThanOrEqual(1.1 * demand - 1e-9);
      expect(capacity).toBeLessThanOrEqual(1.1 * demand + instance.places.length);
    });
  });

  it('spreads capacities log-normally: the largest place well above the median', () => {
    const caps = instance.places.map((p) => p.capacity[0]!).sort((a, b) => a - b);
    expect(caps.at(-1)! / caps[caps.length >> 1]!).toBeGreaterThan(2);
  });

  it('is valid (links and ties included) and the same for the same seed, different for another', () => {
    expect(() => validateInstance(instance)).not.toThrow();
    expect(instance.households.some((h) => h.links) && instance.households.some((h) => h.tie)).toBe(true);
    const a = generateInstance({ households: 200, places: 10, seed: 9 });
    expect(generateInstance({ households: 200, places: 10, seed: 9 })).toEqual(a);
    expect(generateInstance({ households: 200, places: 10, seed: 10 }).scores).not.toEqual(a.scores);
  });
});
