import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import type { Database } from '../src/db/db.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { CONCEPTS, sdmxTimeRange } from '../src/exchange/concepts.ts';
import type { Dataset } from '../src/exchange/dataset.ts';
import { datasetToCsv, datasetToHxl, datasetToSdmxCsv, datasetToXlsx } from '../src/exchange/writers.ts';
import { translator } from '../src/i18n/i18n.ts';
import { incentiveDataset } from '../src/incentives/incentive.dataset.ts';
import { pipelineDataset } from '../src/pipeline/pipeline.dataset.ts';
import { assemblePipeline } from '../src/pipeline/pipeline.ts';
import { returnsDataset } from '../src/programmes/returns.dataset.ts';
import { admissionReturns } from '../src/programmes/returns.ts';
import { createApp } from '../src/server/server.ts';
import type { StateOfPlay } from '../src/state-of-play/state-of-play.ts';
import { databaseKinds } from './databases.ts';
import { readHxl } from './readers/hxl.ts';
import { readSdmxCsv } from './readers/sdmx-csv.ts';
import { signIn } from './sessions.ts';
import { cliRunner } from './cli-run.ts';
import { tempDir } from './files.ts';
import { join } from 'node:path';
import { existsSync } from 'node:fs';

const t = translator('en');

const sample: Dataset = {
  dataflow: { agency: 'PATHWAYS', id: 'TEST', version: '1.0' },
  title: 'A test',
  columns: [
    { id: 'REF_AREA', header: 'State', hxl: '#country+code', role: 'dimension' },
    { id: 'NOTE', header: 'Note', hxl: null, role: 'attribute' },
    { id: 'ARRIVED', header: 'Arrived, persons', hxl: '#affected+refugees+arrived', role: 'measure' },
  ],
  rows: [
    ['NL', '=HYPERLINK("x")', 12],
    ['BE', null, null],
    ['DE', 'a "quoted", note', 0],
  ],
  notes: ['A note that is no row.'],
};

describe('the writers', () => {
  it('write plain CSV with the headers, an empty cell for no value (never 0), a formula defused', () => {
    expect(datasetToCsv(sample)).toBe(
      'State,Note,"Arrived, persons"\r\nNL,"\'=HYPERLINK(""x"")",12\r\nBE,,\r\nDE,"a ""quoted"", note",0\r\n',
    );
  });

  it('write HXL: the header row, then the hashtag row (an untagged column blank), then the data; notes are not rows', () => {
    const lines = datasetToHxl(sample).split('\r\n');
    expect(lines[0]).toBe('State,Note,"Arrived, persons"');
    expect(lines[1]).toBe('#country+code,,#affected+refugees+arrived');
    expect(lines.slice(2, 5)).toEqual(['NL,"\'=HYPERLINK(""x"")",12', 'BE,,', 'DE,"a ""quoted"", note",0']);
    expect(lines).toHaveLength(6);
    expect(datasetToHxl(sample)).not.toContain('A note');
  });

  it('write SDMX-CSV 2.0: STRUCTURE, STRUCTURE_ID, ACTION, then dimensions, measures, attributes by id; one measure as OBS_VALUE', () => {
    const lines = datasetToSdmxCsv(sample).split('\r\n');
    expect(lines[0]).toBe('STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,OBS_VALUE,NOTE');
    expect(lines[1]).toBe('dataflow,PATHWAYS:TEST(1.0),I,NL,12,"\'=HYPERLINK(""x"")"');
    expect(lines[2]).toBe('dataflow,PATHWAYS:TEST(1.0),I,BE,,');
  });

  it('write several measures each under its own id (SDMX 3.0)', () => {
    const two: Dataset = {
      ...sample,
      columns: [...sample.columns, { id: 'PLEDGED', header: 'Pledged', hxl: '#targeted+refugees+pledged', role: 'measure' }],
      rows: [['NL', null, 12, 100]],
    };
    expect(datasetToSdmxCsv(two).split('\r\n')[0]).toBe('STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,ARRIVED,PLEDGED,NOTE');
    expect(datasetToSdmxCsv(two).split('\r\n')[1]).toBe('dataflow,PATHWAYS:TEST(1.0),I,NL,12,100,');
  });

  it('write XLSX: a data sheet with the observations (no value stays empty) and a notes sheet with the concepts', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await datasetToXlsx(sample, t)) as never);
    const [data, notes] = wb.worksheets;
    expect(data!.getRow(1).values).toEqual([undefined, 'State', 'Note', 'Arrived, persons']);
    expect(data!.getRow(2).getCell(3).value).toBe(12);
    expect(data!.getRow(3).getCell(3).value).toBeNull();
    expect(data!.getRow(4).getCell(3).value).toBe(0);
    // A string stays a string: nothing becomes a formula.
    expect(data!.getRow(2).getCell(2).type).toBe(ExcelJS.ValueType.String);
    const text = notes!
      .getSheetValues()
      .flat()
      .filter((v) => typeof v === 'string');
    expect(text).toEqual(
      expect.arrayContaining(['A test', 'PATHWAYS:TEST(1.0)', 'A note that is no row.', '#affected+refugees+arrived', 'ARRIVED']),
    );
  });

  it('tag every concept with a valid HXL 1.1 hashtag (lower case, attributes with +) and an SDMX id in upper snake case, each hashtag once', () => {
    for (const [id, tag] of Object.entries(CONCEPTS)) {
      expect(id).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(tag).toMatch(/^#[a-z][a-z0-9_]*(\+[a-z][a-z0-9_]*)*$/);
    }
    expect(new Set(Object.values(CONCEPTS)).size).toBe(Object.keys(CONCEPTS).length);
  });

  it('write a period as an SDMX time range: its first day and its length in days', () => {
    expect(sdmxTimeRange('2020-01-01', '2021-12-31')).toBe('2020-01-01/P731D');
    expect(sdmxTimeRange('2024-02-01', '2024-02-29')).toBe('2024-02-01/P29D');
  });
});

describe("the reports' datasets", () => {
  it('give the pipeline per state and status, each state total (_T) and every state (_T), from the same counts', () => {
    const p = assemblePipeline(
      'R',
      ['NL', 'BE'],
      [
        { stateCode: 'NL', status: 'referred', cases: 2, persons: 7 },
        { stateCode: 'NL', status: 'arrived', cases: 1, persons: 3 },
        { stateCode: 'BE', status: 'arrived', cases: 4, persons: 9 },
      ],
    );
    const rows = readSdmxCsv(datasetToSdmxCsv(pipelineDataset(p, t))).observations.map((o) => [
      o.values.REF_AREA,
      o.values.STATUS,
      o.values.CASES,
      o.values.PERSONS,
    ]);
    expect(rows).toEqual([
      ['NL', 'referred', '2', '7'],
      ['NL', 'arrived', '1', '3'],
      ['NL', '_T', '3', '10'],
      ['BE', 'arrived', '4', '9'],
      ['BE', '_T', '4', '9'],
      ['_T', 'referred', '2', '7'],
      ['_T', 'arrived', '5', '12'],
      ['_T', '_T', '7', '19'],
    ]);
  });

  it('give the admissions per programme (_Z: none), per pathway (_T) and per state with its family requests and candidates', () => {
    const r = admissionReturns({
      from: '2024-01-01',
      to: '2024-12-31',
      admissions: [
        {
          stateCode: 'NL',
          pathway: 'humanitarian_admission',
          programmeCode: 'HAP-1',
          programmeKind: 'humanitarian_admission',
          persons: 20,
        },
        { stateCode: 'NL', pathway: 'humanitarian_admission', programmeCode: null, programmeKind: null, persons: 3 },
      ],
      support: [{ stateCode: 'NL', requests: 4, familyMembers: 9, byOutcome: { granted: 4 } }],
      candidates: [{ stateCode: 'NL', pathway: 'education', admitted: 2 }],
    });
    const hxl = readHxl(datasetToHxl(returnsDataset(r, t)));
    const find = (area: string, pathway: string, programme: string) =>
      hxl.rows.find(
        (row) =>
          hxl.value(row, '#country+code-departure') === area &&
          hxl.value(row, '#activity+pathway') === pathway &&
          hxl.value(row, '#activity+code') === programme,
      )!;
    expect(hxl.value(find('NL', 'humanitarian_admission', 'HAP-1'), '#affected+refugees+admitted')).toBe('20');
    expect(hxl.value(find('NL', 'humanitarian_admission', '_Z'), '#affected+refugees+admitted')).toBe('3');
    expect(hxl.value(find('NL', 'humanitarian_admission', '_T'), '#affected+refugees+admitted')).toBe('23');
    const all = find('NL', '_T', '_T');
    expect([
      hxl.value(all, '#affected+refugees+admitted'),
      hxl.value(all, '#affected+requests+family'),
      hxl.value(all, '#affected+candidates+admitted'),
    ]).toEqual(['23', '4', '2']);
    expect(hxl.value(all, '#date+start')).toBe('2024-01-01');
    expect(hxl.value(all, '#date-start-end')).toBe('2024-01-01/P366D');
  });

  it('give the incentives as totals per state and rate only: the persons of the report never appear', () => {
    const d = incentiveDataset(
      {
        round: 'R',
        title: 'Incentives',
        currency: 'EUR',
        state: 'NL',
        rates: [],
        byRate: [
          { stateCode: 'NL', rateId: 'priority', persons: 2, amount: 20000 },
          { stateCode: 'NL', rateId: null, persons: 1, amount: 0 },
        ],
        states: [{ stateCode: 'NL', persons: 3, amount: 20000 }],
        total: { persons: 3, amount: 20000 },
        persons: [
          {
            stateCode: 'NL',
            caseRef: 'CASE-SECRET',
            personRef: 'P-SECRET',
            arrivedOn: '2021-01-01',
            countryOfDeparture: 'TUR',
            rateId: 'priority',
            amount: 10000,
            evidence: { pathway: 'resettlement', countryOfDeparture: 'TUR', priorityRegion: null, vulnerableGroups: [] },
            explanation: 'x',
          },
        ],
      },
      t,
    );
    for (const text of [datasetToCsv(d), datasetToHxl(d), datasetToSdmxCsv(d)]) expect(text).not.toMatch(/SECRET/);
    expect(
      readSdmxCsv(datasetToSdmxCsv(d)).observations.map((o) => [
        o.values.REF_AREA,
        o.values.INCENTIVE_RATE,
        o.values.PERSONS,
        o.values.AMOUNT,
      ]),
    ).toEqual([
      ['NL', 'priority', '2', '20000'],
      ['NL', '_Z', '1', '0'],
      ['NL', '_T', '3', '20000'],
      ['_T', '_T', '3', '20000'],
    ]);
  });
});

/** Per state (and `_T`): what the JSON state of play says, in the shape the readers give back. */
function figuresOfJson(sop: StateOfPlay) {
  const out = new Map<
    string,
    { pledged: number; carryOver: number; arrived: number; share: number | null; byDeparture: Record<string, number> }
  >();
  for (const s of sop.states)
    out.set(s.code, {
      pledged: s.pledged,
      carryOver: s.carryOver,
      arrived: s.arrived,
      share: s.deliveredShare,
      byDeparture: s.byDeparture,
    });
  const dep: Record<string, number> = {};
  for (const s of sop.states) for (const [c, n] of Object.entries(s.byDeparture)) dep[c] = (dep[c] ?? 0) + n;
  out.set('_T', {
    pledged: sop.totals.pledged,
    carryOver: sop.totals.carryOver,
    arrived: sop.totals.arrived,
    share: sop.totals.deliveredShare,
    byDeparture: dep,
  });
  return out;
}

const num = (v: string | null | undefined) => (v === null || v === undefined || v === '' ? null : Number(v));

describe.each(databaseKinds)(
  'the state of play exported ($name): read back by parsers of HXL and SDMX-CSV, the same numbers as the JSON',
  (kind) => {
    let database: Database;
    let app: ReturnType<typeof createApp>;
    let headers: Record<string, string>;
    let sop: StateOfPlay;
    const asOf = '2021-12-31';
    const get = (path: string) => app.request(`http://pathways.test${path}`, { headers });

    beforeAll(async () => {
      database = await kind.open();
      // The 2020 Annex's pledges are loaded with the reference data; demo households arrive in the round.
      await loadDemo({ db: database.db, actor: operator('exchange-test'), persons: 600, seed: 7 });
      app = createApp(database, { identity: {} });
      headers = (await signIn(database, { role: 'commission_analyst' })).headers;
      const res = await get(`/api/rounds/2020-2021/state-of-play?asOf=${asOf}`);
      expect(res.status).toBe(200);
      sop = (await res.json()) as StateOfPlay;
      expect(sop.totals.pledged).toBeGreaterThan(20_000);
      expect(sop.totals.arrived).toBeGreaterThan(0);
    }, 300_000);
    afterAll(async () => database?.close());

    it('HXL: every state, every country of departure, the totals', async () => {
      const res = await get(`/api/exports/state-of-play?round=2020-2021&asOf=${asOf}&format=hxl`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="state-of-play-2020-2021-${asOf}.hxl.csv"`);
      const hxl = readHxl(await res.text());
      const read = new Map<
        string,
        { pledged: number; carryOver: number; arrived: number; share: number | null; byDeparture: Record<string, number> }
      >();
      for (const row of hxl.rows) {
        const area = hxl.value(row, '#country+code-departure');
        const dep = hxl.value(row, '#country+code+departure');
        expect(hxl.value(row, '#date')).toBe(asOf);
        const entry = read.get(area) ?? { pledged: NaN, carryOver: NaN, arrived: NaN, share: null, byDeparture: {} };
        if (dep === '_T') {
          entry.pledged = num(hxl.value(row, '#targeted+refugees+pledged'))!;
          entry.carryOver = num(hxl.value(row, '#targeted+refugees+carryover'))!;
          entry.arrived = num(hxl.value(row, '#affected+refugees+arrived-pct'))!;
          entry.share = num(hxl.value(row, '#affected+refugees+pct'));
        } else entry.byDeparture[dep] = num(hxl.value(row, '#affected+refugees+arrived-pct'))!;
        read.set(area, entry);
      }
      compare(read, figuresOfJson(sop));
    });

    it('SDMX-CSV 2.0: every state, every country of departure, the totals', async () => {
      const res = await get(`/api/exports/state-of-play?round=2020-2021&asOf=${asOf}&format=sdmx`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/vnd\.sdmx\.data\+csv; version=2\.0\.0/);
      const { components, observations } = readSdmxCsv(await res.text());
      expect(components.slice(0, 4)).toEqual(['ROUND', 'REF_AREA', 'COUNTRY_DEPARTURE', 'TIME_PERIOD']);
      const read = new Map<
        string,
        { pledged: number; carryOver: number; arrived: number; share: number | null; byDeparture: Record<string, number> }
      >();
      for (const o of observations) {
        expect([o.structure, o.agency, o.id, o.version, o.action]).toEqual(['dataflow', 'PATHWAYS', 'STATE_OF_PLAY', '1.0', 'I']);
        expect(o.values.TIME_PERIOD).toBe(asOf);
        const v = o.values;
        const entry = read.get(v.REF_AREA!) ?? { pledged: NaN, carryOver: NaN, arrived: NaN, share: null, byDeparture: {} };
        if (v.COUNTRY_DEPARTURE === '_T')
          Object.assign(entry, {
            pledged: num(v.PLEDGED),
            carryOver: num(v.CARRY_OVER),
            arrived: num(v.ARRIVED),
            share: num(v.DELIVERED_SHARE),
          });
        else {
          // Per country of departure only arrivals: no value (empty), never a 0, for the rest.
          expect([v.PLEDGED, v.CARRY_OVER, v.DELIVERED_SHARE]).toEqual([null, null, null]);
          entry.byDeparture[v.COUNTRY_DEPARTURE!] = num(v.ARRIVED)!;
        }
        read.set(v.REF_AREA!, entry);
      }
      compare(read, figuresOfJson(sop));
    });

    it('one state only, for a state asking for its own', async () => {
      const code = sop.states.find((s) => s.arrived > 0)!.code;
      const res = await get(`/api/exports/state-of-play?round=2020-2021&asOf=${asOf}&format=sdmx&state=${code}`);
      const { observations } = readSdmxCsv(await res.text());
      expect(new Set(observations.map((o) => o.values.REF_AREA))).toEqual(new Set([code]));
    });

    it('refuses an unknown format or a report without its round, with the one error shape', async () => {
      const bad = await get('/api/exports/state-of-play?round=2020-2021&format=pdf');
      expect(bad.status).toBe(400);
      const noRound = await get('/api/exports/pipeline?format=csv');
      expect(noRound.status).toBe(400);
      expect(((await noRound.json()) as { message: string }).message).toMatch(/needs a round/);
      const unknown = await get('/api/exports/state-of-play?round=no-such-round&format=csv');
      expect(unknown.status).toBe(404);
    });

    it('writes every report in every format', async () => {
      for (const report of ['state-of-play', 'pipeline', 'admissions', 'incentives'])
        for (const format of ['csv', 'xlsx', 'hxl', 'sdmx']) {
          const res = await get(`/api/exports/${report}?round=2020-2021&format=${format}`);
          expect(res.status, `${report} ${format}`).toBe(200);
          expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(50);
        }
      // The reconciliation (src/statistics/) takes a year, and only it does.
      const reconciliation = await get('/api/exports/reconciliation?year=2021&format=sdmx');
      expect(reconciliation.status).toBe(200);
      expect(
        readSdmxCsv(await reconciliation.text()).observations.every((o) => o.id === 'RECONCILIATION' && o.values.TIME_PERIOD === '2021'),
      ).toBe(true);
      expect((await get('/api/exports/reconciliation?round=2020-2021&format=csv')).status).toBe(400);
      expect((await get('/api/exports/pipeline?round=2020-2021&year=2021&format=csv')).status).toBe(400);
    });
  },
);

function compare(
  read: Map<string, { pledged: number; carryOver: number; arrived: number; share: number | null; byDeparture: Record<string, number> }>,
  json: ReturnType<typeof figuresOfJson>,
) {
  expect([...read.keys()].sort()).toEqual([...json.keys()].sort());
  for (const [code, j] of json) {
    const r = read.get(code)!;
    expect({ pledged: r.pledged, carryOver: r.carryOver, arrived: r.arrived, byDeparture: r.byDeparture }, code).toEqual({
      pledged: j.pledged,
      carryOver: j.carryOver,
      arrived: j.arrived,
      byDeparture: j.byDeparture,
    });
    if (j.share === null) expect(r.share, code).toBeNull();
    else expect(r.share!, code).toBeCloseTo(j.share, 6);
  }
}

describe('the report commands in the exchange formats', () => {
  const dir = tempDir();
  const run = cliRunner(join(dir, 'db'), 'exchange-test');
  beforeAll(async () => {
    expect((await run('demo', '--persons', '200', '--seed', '5')).code).toBe(0);
  }, 300_000);

  it("write the state of play in HXL and SDMX-CSV with the JSON's numbers, and keep the old CSV", async () => {
    const hxl = await run('report', 'state-of-play', '--round', '2020-2021', '--as-of', '2021-12-31', '--format', 'hxl');
    expect(hxl.code).toBe(0);
    const read = readHxl(hxl.out);
    const total = read.rows.find(
      (r) => read.value(r, '#country+code-departure') === '_T' && read.value(r, '#country+code+departure') === '_T',
    )!;
    const json = JSON.parse(
      (await run('report', 'state-of-play', '--round', '2020-2021', '--as-of', '2021-12-31', '--format', 'json')).out,
    ) as StateOfPlay;
    expect(Number(read.value(total, '#affected+refugees+arrived-pct'))).toBe(json.totals.arrived);
    expect(Number(read.value(total, '#targeted+refugees+pledged'))).toBe(json.totals.pledged);
    const sdmx = await run('report', 'pipeline', '--round', '2020-2021', '--format', 'sdmx');
    expect(readSdmxCsv(sdmx.out).observations[0]!.id).toBe('PIPELINE');
    // The CSV the dashboard's test compares with the browser's stays the wide one it was.
    expect((await run('report', 'state-of-play', '--round', '2020-2021', '--format', 'csv')).out).toMatch(
      /^code,name,pledged,carry_over,arrived,delivered_share/,
    );
  });

  it('write XLSX to a file only, and the admissions and incentives in HXL and SDMX-CSV', async () => {
    const refused = await run('report', 'state-of-play', '--round', '2020-2021', '--format', 'xlsx');
    expect(refused.code).not.toBe(0);
    const file = join(dir, 'sop.xlsx');
    expect((await run('report', 'state-of-play', '--round', '2020-2021', '--format', 'xlsx', '--output', file)).code).toBe(0);
    expect(existsSync(file)).toBe(true);
    const admissions = await run('report', 'admissions', '--round', '2020-2021', '--format', 'hxl');
    expect(readHxl(admissions.out).column('#affected+refugees+admitted')).toBeGreaterThan(0);
    const incentives = await run('report', 'incentives', '--round', '2020-2021', '--format', 'sdmx');
    expect(incentives.code).toBe(0);
    expect(readSdmxCsv(incentives.out).components).toEqual(['ROUND', 'REF_AREA', 'INCENTIVE_RATE', 'PERSONS', 'AMOUNT', 'CURRENCY']);
  });
});
