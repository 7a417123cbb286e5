import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inPublicScope } from '../src/access/scope.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { DISCLOSURE_METHOD, protectGrid, roundToBase, withTotals } from '../src/open-data/disclosure-control.ts';
import { openDataAsOf, type OpenData } from '../src/open-data/open-data.ts';
import { createApp } from '../src/server/server.ts';
import type { StateOfPlay } from '../src/state-of-play/state-of-play.ts';
import { databaseKinds } from './databases.ts';
import { readHxl } from './readers/hxl.ts';
import { readSdmxCsv } from './readers/sdmx-csv.ts';
import { signIn } from './sessions.ts';

const { roundingBase: BASE, threshold: THRESHOLD } = DISCLOSURE_METHOD;

/**
 * The attacker, written here apart from the code it attacks. It holds the published table (rounded
 * figures, null where withheld) and knows the method; to be on the safe side it is also told which
 * withheld figures are small ones (1 to THRESHOLD − 1), which the publication does not say. Each
 * published v stands for a count in [v − 2, v + 2] (and, not withheld, at least THRESHOLD unless
 * 0, which is a true zero). It then bounds every figure by every row and column equation of the
 * table (cells add up to the row's total, the last column; and to the column's total, the last
 * row), again and again, until no bound moves; it returns the bounds of every figure.
 */
function attack(published: (number | null)[][], knownSmall: boolean[][]): { lo: number; hi: number }[][] {
  const half = (BASE - 1) / 2;
  const lo: number[][] = [];
  const hi: number[][] = [];
  published.forEach((row, i) => {
    lo.push([]);
    hi.push([]);
    row.forEach((v, j) => {
      const [l, h] =
        v === null
          ? knownSmall[i]![j]
            ? [1, THRESHOLD - 1]
            : [0, Number.POSITIVE_INFINITY]
          : v === 0
            ? [0, 0]
            : [Math.max(THRESHOLD, v - half), v + half];
      lo[i]!.push(l);
      hi[i]!.push(h);
    });
  });
  const m = published.length;
  const n = published[0]!.length;
  const equations: { total: [number, number]; parts: [number, number][] }[] = [];
  for (let i = 0; i < m; i++) equations.push({ total: [i, n - 1], parts: Array.from({ length: n - 1 }, (_, j) => [i, j]) });
  for (let j = 0; j < n; j++) equations.push({ total: [m - 1, j], parts: Array.from({ length: m - 1 }, (_, i) => [i, j]) });
  let moved = true;
  while (moved) {
    moved = false;
    const narrow = ([i, j]: [number, number], l: number, h: number) => {
      if (l > lo[i]![j]!) {
        lo[i]![j] = l;
        moved = true;
      }
      if (h < hi[i]![j]!) {
        hi[i]![j] = h;
        moved = true;
      }
    };
    for (const { total, parts } of equations) {
      const sum = (b: number[][]) => parts.reduce((s, [i, j]) => s + b[i]![j]!, 0);
      narrow(total, sum(lo), sum(hi));
      for (const p of parts) {
        const othersLo = sum(lo) - lo[p[0]]![p[1]]!;
        const othersHi = sum(hi) - hi[p[0]]![p[1]]!;
        narrow(p, lo[total[0]]![total[1]]! - othersHi, hi[total[0]]![total[1]]! - othersLo);
      }
    }
  }
  return lo.map((r, i) => r.map((l, j) => ({ lo: l, hi: hi[i]![j]! })));
}

/** The withheld figures the attacker pins down to a single count. */
function recovered(g: number[][], secondary: boolean) {
  const p = protectGrid(g, DISCLOSURE_METHOD, { secondary });
  const bounds = attack(p.published, p.primary);
  const out: { at: [number, number]; value: number; truth: number }[] = [];
  p.published.forEach((r, i) => {
    r.forEach((v, j) => {
      const b = bounds[i]![j]!;
      // The truth is always inside: the attacker's reasoning is sound.
      expect(g[i]![j]!).toBeGreaterThanOrEqual(b.lo);
      expect(g[i]![j]!).toBeLessThanOrEqual(b.hi);
      if (v === null && b.hi - b.lo < 1) out.push({ at: [i, j], value: b.lo, truth: g[i]![j]! });
    });
  });
  return { recovered: out, protectedGrid: p };
}

/**
 * A table built to tempt the attack: state 0 has one person from the first country (a single small
 * cell), and its other figures are such that, rounded, they pin it: 13 and 13 are published as 15
 * (the most they can be is 17 each) and the row total 27 as 25 (at least 23): 27 − 13 − 13 = 1.
 */
const TEMPTING = withTotals(
  [
    [1, 13, 13],
    [40, 60, 25],
    [30, 0, 12],
  ],
  3,
);

describe('disclosure control of the open data (pure)', () => {
  it('rounds to the nearest multiple of 5, as Eurostat does', () => {
    const cases: [number, number][] = [
      [0, 0],
      [1, 0],
      [2, 0],
      [3, 5],
      [7, 5],
      [8, 10],
      [12, 10],
      [13, 15],
      [1002, 1000],
      [1003, 1005],
    ];
    for (const [n, r] of cases) expect(roundToBase(n, 5), String(n)).toBe(r);
  });

  it('withholds counts of 1 to 9 (totals too), publishes a true zero as 0, and rounds totals from the unrounded counts', () => {
    const p = protectGrid(
      withTotals(
        [
          [11, 11, 11],
          [0, 12, 10],
        ],
        3,
      ),
      DISCLOSURE_METHOD,
    );
    // 11 + 11 + 11 = 33 → 35, though the cells are published as 10 + 10 + 10.
    expect(p.published[0]).toEqual([10, 10, 10, 35]);
    expect(p.published[1]).toEqual([0, 10, 10, 20]);
    const small = protectGrid(
      withTotals(
        [
          [4, 0],
          [20, 30],
        ],
        2,
      ),
      DISCLOSURE_METHOD,
    );
    expect(small.primary[0]).toEqual([true, false, true]);
    expect(small.published[0]![1]).toBe(0);
  });

  it('stands at the end of a completed month only, so that no one subtracts one day from the next', () => {
    expect(openDataAsOf(undefined, '2026-11-29')).toBe('2026-10-31');
    expect(openDataAsOf(undefined, '2024-03-01')).toBe('2024-02-29');
    expect(openDataAsOf('2021-12-31', '2026-11-29')).toBe('2021-12-31');
    for (const bad of ['2021-12-30', '2026-11-30', '2026-12-31', '2021-02-30'])
      expect(() => openDataAsOf(bad, '2026-11-29'), bad).toThrow(/completed month/);
  });

  it('leaves no row or column with a single withheld figure', () => {
    const p = protectGrid(TEMPTING, DISCLOSURE_METHOD);
    const lines = [...p.suppressed, ...p.suppressed[0]!.map((_, j) => p.suppressed.map((r) => r[j]!))];
    for (const line of lines) expect(line.filter(Boolean).length).not.toBe(1);
  });

  it('without secondary suppression, the attack recovers the tempting cell: so the test can fail', () => {
    const { recovered: found } = recovered(TEMPTING, false);
    expect(found).toContainEqual({ at: [0, 0], value: 1, truth: 1 });
  });

  it('with it, the attack recovers no withheld figure of the tempting table', () => {
    const { recovered: found, protectedGrid } = recovered(TEMPTING, true);
    expect(protectedGrid.published[0]![0]).toBeNull();
    expect(found).toEqual([]);
  });

  it('on random tables, the attack recovers no withheld figure (and without secondary suppression it sometimes does)', () => {
    let recoveredWithout = 0;
    const count = fc.oneof(
      { arbitrary: fc.constant(0), weight: 3 },
      { arbitrary: fc.integer({ min: 1, max: 9 }), weight: 3 },
      { arbitrary: fc.integer({ min: 10, max: 60 }), weight: 4 },
    );
    const table = fc
      .integer({ min: 1, max: 5 })
      .chain((cols) =>
        fc
          .array(fc.array(count, { minLength: cols, maxLength: cols }), { minLength: 1, maxLength: 5 })
          .map((cells) => withTotals(cells, cols)),
      );
    fc.assert(
      fc.property(table, (g) => {
        expect(recovered(g, true).recovered).toEqual([]);
        if (recovered(g, false).recovered.length > 0) recoveredWithout++;
      }),
      { numRuns: 400, seed: 2020 },
    );
    expect(recoveredWithout).toBeGreaterThan(0);
  });
});

describe.each(databaseKinds)('the open data ($name)', (kind) => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  const asOf = '2021-12-31';
  const get = (path: string, headers: Record<string, string> = {}) => app.request(`http://pathways.test${path}`, { headers });

  beforeAll(async () => {
    database = await kind.open();
    await loadDemo({ db: database.db, actor: operator('open-data-test'), persons: 600, seed: 11 });
    app = createApp(database, { identity: {} });
  }, 300_000);
  afterAll(async () => database?.close());

  it('is read without a session, in the public scope, which sees no case and no person', async () => {
    const res = await get(`/api/open-data/rounds/2020-2021?asOf=${asOf}`);
    expect(res.status).toBe(200);
    const o = (await res.json()) as OpenData;
    expect(o.method).toEqual({ roundingBase: 5, threshold: 10, protection: 3 });
    const [seen] = await inPublicScope(database.db, (tx) =>
      rows<{ cases: number; persons: number }>(
        tx,
        sql`SELECT (SELECT count(*) FROM cases)::int AS cases, (SELECT count(*) FROM persons)::int AS persons`,
      ),
    );
    expect(seen).toEqual({ cases: 0, persons: 0 });
  });

  it("publishes the pledges exactly and the arrivals rounded, small ones withheld, each figure within 2 of the Commission's", async () => {
    const o = (await (await get(`/api/open-data/rounds/2020-2021?asOf=${asOf}`)).json()) as OpenData;
    const { headers } = await signIn(database, { role: 'commission_analyst' });
    const sop = (await (await get(`/api/rounds/2020-2021/state-of-play?asOf=${asOf}`, headers)).json()) as StateOfPlay;
    expect(o.states.map((s) => [s.code, s.pledged, s.carryOver])).toEqual(sop.states.map((s) => [s.code, s.pledged, s.carryOver]));
    let withheld = 0;
    o.states.forEach((s, i) => {
      const exact = sop.states[i]!;
      const check = (published: number | null, truth: number) => {
        if (published === null) return withheld++;
        expect(published % 5).toBe(0);
        expect(Math.abs(published - truth)).toBeLessThanOrEqual(2);
        if (truth > 0 && truth < 10) throw new Error(`a count of ${truth} was published`);
      };
      check(s.arrived, exact.arrived);
      o.departures.forEach((d, j) => {
        check(s.byDeparture[j]!, exact.byDeparture[d] ?? 0);
      });
    });
    expect(withheld).toBeGreaterThan(0);
  });

  it('exports the open data as CSV, HXL and SDMX-CSV, a withheld figure empty and marked confidential', async () => {
    const o = (await (await get(`/api/open-data/rounds/2020-2021?asOf=${asOf}`)).json()) as OpenData;
    const sdmx = await get(`/api/open-data/rounds/2020-2021/sdmx?asOf=${asOf}`);
    expect(sdmx.status).toBe(200);
    const { observations } = readSdmxCsv(await sdmx.text());
    for (const s of o.states) {
      const own = observations.find((x) => x.values.REF_AREA === s.code && x.values.COUNTRY_DEPARTURE === '_T')!;
      expect(own.values.ARRIVED === null ? null : Number(own.values.ARRIVED)).toBe(s.arrived);
      expect(own.values.CONF_STATUS).toBe(s.arrived === null ? 'C' : null);
    }
    const hxl = readHxl(await (await get(`/api/open-data/rounds/2020-2021/hxl?asOf=${asOf}`)).text());
    expect(hxl.rows.length).toBe(observations.length);
    expect((await get(`/api/open-data/rounds/2020-2021/csv?asOf=${asOf}`)).status).toBe(200);
    expect((await get('/api/open-data/rounds/2020-2021/xlsx')).status).toBe(400);
    expect((await get('/api/open-data/rounds/no-such-round')).status).toBe(404);
    expect((await get('/api/open-data/rounds/2020-2021?asOf=2021-12-15')).status).toBe(400);
  });
});
