import { beforeAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../test/shared-data.ts';
import { certify } from './certificate.ts';
import { parseHias, readHiasFiles } from './hias.ts';
import { solveBaseline, solvePlacement } from './solve.ts';

// The real HIAS instances carry no licence: never in this repository, they stay in
// ../shared/data/placement-hias (see its SOURCES.md). Where the folder is absent these tests are
// skipped with a name that says why; on CI (CI=true) they fail instead.
const HIAS = sharedData({
  relative: 'data/placement-hias',
  probe: 'FY16_size.csv',
  envVar: 'PATHWAYS_HIAS_DIR',
  why: 'no licence to ship it',
});
const DIR = HIAS.dir;

describe.skipIf(HIAS.skip)(HIAS.title('the HIAS loader'), () => {
  beforeAll(() => HIAS.require());
  it.each([
    ['FY16', 499, 1304, 10],
    ['FY17', 329, 839, 2],
  ] as const)(
    'reads %s: %i households, %i persons, the published facts (about 63 %% compatible, median 13 of 20 affiliates, some with none)',
    (year, households, persons, withNone) => {
      const { instance, facts } = parseHias(readHiasFiles(DIR, year));
      expect(facts).toMatchObject({ households, persons, servingAffiliates: 20, medianCompatible: 13, withNone });
      expect(Math.abs(facts.compatibleShare - 0.63)).toBeLessThan(0.01);
      expect(instance.places).toHaveLength(21); // 20 serving and one listed with no case (NA throughout)
      expect(instance.households.reduce((s, h) => s + h.size[0]!, 0)).toBe(persons);
    },
  );

  it('takes the stated capacity (FY17) or, where none is stated (FY16), what was actually resettled', () => {
    const fy16 = parseHias(readHiasFiles(DIR, 'FY16')).instance;
    const fy17 = parseHias(readHiasFiles(DIR, 'FY17')).instance;
    expect(fy16.places.find((p) => p.id === 'CA-San Diego')!.capacity).toEqual([56 + 77 + 4]);
    expect(fy17.places.find((p) => p.id === 'CA-San Diego')!.capacity).toEqual([42]);
    expect(fy16.places.reduce((s, p) => s + p.capacity[0]!, 0)).toBe(1304);
  });

  it("solves FY17 to a certified assignment at least as good as the HIAS affiliates' capacity allows, within 1 % of the LP bound", async () => {
    const { instance } = parseHias(readHiasFiles(DIR, 'FY17'));
    const result = await solvePlacement(instance, { timeLimitSeconds: 6 });
    expect(certify(instance, result).valid).toBe(true);
    expect(result.gap).toBeLessThan(0.01);
  });

  it.each(['FY16', 'FY17'] as const)(
    '%s: the method (the knapsack stage, then the exact MIP) proves the same optimum as plain MIP proves on its own',
    async (year) => {
      const { instance } = parseHias(readHiasFiles(DIR, year));
      const phases: string[] = [];
      const method = await solvePlacement(instance, { timeLimitSeconds: 20, progress: (e) => void phases.push(e.phase) });
      const baseline = await solveBaseline(instance, { timeLimitSeconds: 30 });
      expect(phases).toContain('knapsacks');
      expect(baseline.optimal).toBe(true);
      expect(method.optimal).toBe(true);
      expect(method.objective).toBeCloseTo(baseline.objective, 6);
      expect(certify(instance, method).valid).toBe(true);
    },
    60_000,
  );
});
