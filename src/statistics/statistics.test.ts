import { describe, expect, it } from 'vitest';
import { contextFigures, coverageOf } from './context.ts';
import { eurostatLayout, parseEurostat, tsvCell } from './eurostat.ts';
import { reconcile, reconciliationDataset, roundingTolerance, type SourceDataset } from './reconciliation.ts';
import { parseUnhcr } from './unhcr.ts';

const UNHCR: SourceDataset = {
  id: 1,
  source: 'unhcr',
  code: 'solutions',
  title: 'UNHCR',
  basis: 'origin',
  rounding: 1,
  extractedOn: '2025-12-01',
};
const EUROSTAT: SourceDataset = {
  id: 2,
  source: 'eurostat',
  code: 'migr_asyresa',
  title: 'Eurostat',
  basis: 'citizenship',
  rounding: 5,
  extractedOn: null,
};

describe("Eurostat's cells", () => {
  it.each([
    ['1 235 p', { value: 1235, flags: 'p' }],
    ['15 ', { value: 15, flags: null }],
    [':', { value: null, flags: null }],
    [': c', { value: null, flags: 'c' }],
    ['0', { value: 0, flags: null }],
    ['12 ep', { value: 12, flags: 'ep' }],
    ['-5', null],
    ['1.5', null],
    ['many', null],
  ])('read %j as %j', (cell, expected) => expect(tsvCell(cell)).toEqual(expected));

  it('tell the layouts apart by the first line', () => {
    expect(eurostatLayout('STRUCTURE,STRUCTURE_ID,ACTION,geo\n')).toBe('sdmx-csv-2.0');
    expect(eurostatLayout('DATAFLOW,LAST UPDATE,freq,geo\n')).toBe('sdmx-csv-1.0');
    expect(eurostatLayout('freq,unit,citizen,sex,age,geo\\TIME_PERIOD\t2019 \n')).toBe('tsv');
    expect(eurostatLayout('year,country\n')).toBeNull();
  });

  it('read the dimensions from the header, whatever the table: SDMX-CSV 1.0 with a column more', () => {
    const p = parseEurostat(
      'DATAFLOW,LAST UPDATE,freq,citizen,sex,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\nESTAT:MIGR_ASYRESA(1.0),07/03/24 23:00:00,A,AF,T,NL,2022,1235,e\nESTAT:MIGR_ASYRESA(1.0),07/03/24 23:00:00,A,AF,M,NL,2022,600,\n',
      { name: 'x.csv' },
    );
    expect(p.problems).toEqual([]);
    expect(p.code).toBe('migr_asyresa');
    expect(p.figures).toEqual([{ year: 2022, area: 'NL', stateCode: 'NL', partner: 'AF', partnerIso3: 'AFG', value: 1235, flags: 'e' }]);
    expect(p.notKept).toEqual({ rows: 1, by: { 'sex=M': 1 } });
  });

  it('keep an aggregate of countries of arrival (EU27_2020) without a state, and refuse a repeated figure', () => {
    const p = parseEurostat('freq,citizen,geo\\TIME_PERIOD\t2020 \nA,TOTAL,EU27_2020\t1 000\nA,TOTAL,EU27_2020\t5\n', {
      name: 'estat_migr_asyresa.tsv',
    });
    expect(p.figures).toEqual([
      { year: 2020, area: 'EU27_2020', stateCode: null, partner: 'TOTAL', partnerIso3: null, value: 1000, flags: null },
    ]);
    expect(p.problems).toEqual([expect.objectContaining({ row: 3, code: 'statsRepeated' })]);
  });
});

describe("UNHCR's file", () => {
  const HEAD = 'year,country_of_arrival_iso3,country_of_arrival,country_of_origin_iso3,country_of_origin,persons';
  it('maps the country of arrival to a state where it is one, keeps unknown and stateless origins without an ISO code', () => {
    const p = parseUnhcr(`${HEAD}\n2020,GBR,United Kingdom,UNK,Unknown,3\n2020,USA,United States,XXA,Stateless,4\n`);
    expect(p.problems).toEqual([]);
    expect(p.figures.map((f) => [f.area, f.stateCode, f.partner, f.partnerIso3])).toEqual([
      ['GBR', 'UK', 'UNK', null],
      ['USA', null, 'XXA', null],
    ]);
  });
  it.each([
    ['20x0,DEU,Germany,SYR,Syria,5', 'year', 'statsYear'],
    ['2020,ZZZ,Nowhere,SYR,Syria,5', 'country_of_arrival_iso3', 'countryUnknown'],
    ['2020,DEU,Germany,SYR,Syria,-5', 'persons', 'statsValue'],
    ['2020,DEU,Germany,SYR,Syria,', 'persons', 'statsValue'],
  ])('refuse %j in column %s', (line, column, code) => {
    const p = parseUnhcr(`${HEAD}\n${line}\n`);
    expect(p.figures).toEqual([]);
    expect(p.problems).toEqual([expect.objectContaining({ row: 2, column, code })]);
  });
});

describe('the reconciliation', () => {
  const rounds = [
    { id: '2020-2021', start: '2020-01-01', end: '2021-12-31' },
    { id: '2022', start: '2022-01-01', end: '2022-12-31' },
  ];
  const base = {
    pathways: ['resettlement' as const],
    rounds,
    roundArrivals: [{ roundId: '2020-2021', stateCode: 'DE', persons: 300 }],
    platform: [
      { stateCode: 'DE', persons: 120, otherPathways: 4 },
      { stateCode: 'NL', persons: 50, otherPathways: 0 },
    ],
  };

  it('puts each source beside the platform, never merged, with the difference and what explains it', () => {
    const r = reconcile({
      ...base,
      year: 2021,
      sources: [
        {
          dataset: UNHCR,
          totals: [
            { stateCode: 'DE', values: [100, 17], flags: null },
            { stateCode: 'SE', values: [40], flags: null },
          ],
        },
        {
          dataset: EUROSTAT,
          totals: [
            { stateCode: 'DE', values: [120], flags: 'p' },
            { stateCode: 'NL', values: [null], flags: 'c' },
            { stateCode: 'SE', values: [35, null], flags: null },
          ],
        },
      ],
    });
    expect(r.rows.map((x) => x.stateCode)).toEqual(['DE', 'NL', 'SE']);
    const [de, nl, se] = r.rows;
    expect(de!.platform).toEqual({
      persons: 120,
      otherPathways: 4,
      rounds: [{ id: '2020-2021', start: '2020-01-01', end: '2021-12-31', persons: 300, crossesYear: true }],
    });
    // UNHCR: 120 − (100 + 17) = 3, exact figures: no rounding explains it.
    expect(de!.sources[0]).toMatchObject({ status: 'figure', value: 117, difference: 3 });
    expect(de!.sources[0]!.explanations.map((e) => e.code)).toEqual(['basis', 'period', 'pathways']);
    expect(de!.sources[0]!.explanations[2]!.en).toContain('4 arrivals of other pathways that year are not counted');
    expect(de!.sources[1]).toMatchObject({ status: 'figure', value: 120, difference: 0, explanations: [], flags: 'p' });
    // The platform has nothing for NL in UNHCR's file: "no row", never 0; Eurostat's is ':'.
    expect(nl!.sources[0]).toMatchObject({ status: 'no_row', value: null, difference: null });
    expect(nl!.sources[0]!.explanations.map((e) => e.code)).toEqual(['missing']);
    expect(nl!.sources[1]).toMatchObject({ status: 'not_available', value: null, difference: null });
    expect(nl!.sources[1]!.explanations[0]!.nl).toContain('niet beschikbaar');
    // Sweden: no platform arrivals; Eurostat's sum of a known part and a ':' part is a lower bound, and rounding can explain 2.
    expect(se!.platform.persons).toBe(0);
    expect(se!.sources[1]).toMatchObject({ status: 'figure', value: 35, difference: -35 });
    expect(se!.sources[1]!.explanations.map((e) => e.code)).toEqual(['not_available', 'basis', 'period', 'pathways']);
  });

  it.each([
    // [platform, Eurostat's figure, parts, explained by rounding]
    [102, 100, 1, true],
    [98, 100, 1, true],
    [103, 100, 1, false],
    [106, 100, 3, true],
    [107, 100, 3, false],
  ])(
    'explains a difference of %i − %i by rounding to 5 (of %i figures) only within ±2 a figure: %s',
    (platform, value, parts, explained) => {
      const values = [value - 5 * (parts - 1), ...Array(parts - 1).fill(5)];
      const r = reconcile({
        ...base,
        year: 2022,
        platform: [{ stateCode: 'DE', persons: platform, otherPathways: 0 }],
        roundArrivals: [],
        sources: [{ dataset: EUROSTAT, totals: [{ stateCode: 'DE', values, flags: null }] }],
      });
      const codes = r.rows[0]!.sources[0]!.explanations.map((e) => e.code);
      expect(codes.includes('rounding')).toBe(explained);
      // 2022's round lies within the year: no period to explain.
      expect(codes).not.toContain('period');
    },
  );

  it('rounding to 5 moves a figure by at most 2, to 1 not at all', () => {
    expect(roundingTolerance(5, 1)).toBe(2);
    expect(roundingTolerance(5, 4)).toBe(8);
    expect(roundingTolerance(1, 10)).toBe(0);
  });

  it('shows a state asked for even where nobody has a figure', () => {
    const r = reconcile({ ...base, year: 2021, stateCodes: ['FR'], sources: [{ dataset: UNHCR, totals: [] }] });
    expect(r.rows).toEqual([expect.objectContaining({ stateCode: 'FR', platform: expect.objectContaining({ persons: 0 }) })]);
    expect(r.rows[0]!.sources[0]!.status).toBe('no_row');
  });

  it('becomes a dataset to exchange: one observation per state and source, SDMX ids and HXL tags', () => {
    const r = reconcile({ ...base, year: 2021, sources: [{ dataset: UNHCR, totals: [{ stateCode: 'DE', values: [117], flags: null }] }] });
    const d = reconciliationDataset(r);
    expect(d.dataflow).toEqual({ agency: 'PATHWAYS', id: 'RECONCILIATION', version: '1.0' });
    expect(d.columns.map((c) => c.id)).toEqual([
      'REF_AREA',
      'TIME_PERIOD',
      'SOURCE',
      'DATASET',
      'EXTRACTED_ON',
      'OBS_VALUE',
      'DIFFERENCE',
      'EXPLANATION',
    ]);
    expect(d.columns.map((c) => c.hxl)).toContain('#affected+refugees+arrived');
    expect(d.rows.filter((x) => x[0] === 'DE').map((x) => [x[2], x[5], x[6]])).toEqual([
      ['PATHWAYS', 120, null],
      ['UNHCR', 117, 3],
    ]);
    expect(d.rows.filter((x) => x[0] === 'NL').map((x) => [x[2], x[5], x[6]])).toEqual([
      ['PATHWAYS', 50, null],
      ['UNHCR', null, null],
    ]);
  });
});

describe('the EU context figures', () => {
  const fig = (year: number, area: string, value: number) => ({ year, area, value });
  it('compute the EU share of global resettlement only from a dataset covering countries outside Europe', () => {
    expect(coverageOf(['DEU', 'NOR'])).toBe('european');
    expect(coverageOf(['DEU', 'USA'])).toBe('global');
    const c = contextFigures(UNHCR, [
      fig(2018, 'DEU', 300),
      fig(2018, 'GBR', 100),
      fig(2018, 'NOR', 100),
      fig(2018, 'USA', 500),
      fig(2015, 'DEU', 100),
      fig(2015, 'USA', 900),
    ]);
    const y2018 = c.years.find((y) => y.year === 2018)!;
    // The United Kingdom was a Member State in 2018: 400 of 1000.
    expect(y2018).toMatchObject({ euArrivals: 400, allArrivals: 1000, euCountries: 2, allCountries: 4, shareGlobal: 0.4 });
    const share = c.document.find((d) => d.id === 'share-2018')!;
    expect(share).toMatchObject({ value: 0.41, computed: 0.4, note: 'share' });
    expect(share.difference).toBeCloseTo(-0.01);
    expect(c.document.find((d) => d.id === 'tripled-2015-2018')).toMatchObject({ computed: 4, difference: 1 });
    expect(c.document.find((d) => d.id === 'countries-2018')).toMatchObject({ value: 29, computed: 4 });
  });

  it('leave the global share uncomputed from European countries only, and count the United Kingdom out after 2019', () => {
    const c = contextFigures(UNHCR, [fig(2020, 'DEU', 10), fig(2020, 'GBR', 30), fig(2020, 'NOR', 10)]);
    expect(c.coverage).toBe('european');
    expect(c.years[0]).toMatchObject({ euArrivals: 10, allArrivals: 50, shareOfCovered: 0.2, shareGlobal: null });
    expect(
      c.document
        .filter((d) => d.computed === null)
        .every((d) => d.note === 'globalOnly' || d.id === 'tripled-2015-2018' || d.id === 'resettled-since-2015'),
    ).toBe(true);
  });
});
