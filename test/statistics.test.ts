import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator, type Principal } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { AppError } from '../src/errors/app-error.ts';
import { COUNTRIES } from '../src/reference/country.ts';
import { STATES } from '../src/reference/state.ts';
import {
  importStatistics,
  listDatasets,
  reconciliationReport,
  removeDataset,
  statisticsContext,
  statisticsFigures,
} from '../src/statistics/statistics.service.ts';
import { createApp } from '../src/server/server.ts';
import { cliRunner } from './cli-run.ts';
import { databaseKinds, UNHCR_ARRIVALS } from './databases.ts';
import { tempDir } from './files.ts';
import { signInAs } from './factories.ts';

/** UNHCR's public file (CC BY 4.0), shipped with the platform: data/unhcr/README.md. */
const UNHCR_FILE = UNHCR_ARRIVALS;

const OPERATOR = operator('statistics-test');
const ANALYST: Principal = {
  id: 'user:900',
  userId: 900,
  username: 'analyst',
  role: 'commission_analyst',
  stateCode: null,
  organisation: null,
};
const OFFICER: Principal = { id: 'user:901', userId: 901, username: 'officer', role: 'state_officer', stateCode: 'DE', organisation: null };

/** The file read by the test itself (no quotes in it): year, arrival ISO3, origin ISO3, persons. */
const unhcrRows = readFileSync(UNHCR_FILE, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => {
    const c = l.split(',');
    return { year: Number(c[0]), arrival: c[1]!, origin: c[3]!, persons: Number(c[5]) };
  });
const stateOfIso3 = new Map(STATES.map((s) => [s.iso3, s]));

/** Per state and year, the sum the file gives (computed here, from the CSV itself). */
function fileSums(): Map<string, number> {
  const sums = new Map<string, number>();
  for (const r of unhcrRows) {
    const key = `${stateOfIso3.get(r.arrival)!.code}|${r.year}`;
    sums.set(key, (sums.get(key) ?? 0) + r.persons);
  }
  return sums;
}

/**
 * Eurostat's files built from the UNHCR figures as Eurostat would publish them: by citizenship
 * (ISO2), rounded to 5, a total per country of arrival, breakdowns by sex beside the totals, and
 * some figures ":" (not available) or flagged provisional.
 */
const round5 = (n: number) => Math.round(n / 5) * 5;
const iso2Of = (iso3: string) => (iso3 === 'XXA' ? 'STLS' : iso3 === 'UNK' ? 'UNK' : COUNTRIES.find((c) => c.iso3 === iso3)!.iso2!);
function eurostatObservations() {
  const subset = unhcrRows.filter((r) => r.year >= 2019 && r.year <= 2021 && ['DEU', 'SWE', 'NLD', 'FRA', 'GRC'].includes(r.arrival));
  const obs: { geo: string; citizen: string; sex: string; year: number; value: string; flag: string }[] = [];
  const totals = new Map<string, number>();
  subset.forEach((r, i) => {
    const geo = stateOfIso3.get(r.arrival)!.code;
    // Every seventh figure not available, every fifth provisional.
    const value = i % 7 === 3 ? ':' : String(round5(r.persons));
    obs.push({ geo, citizen: iso2Of(r.origin), sex: 'T', year: r.year, value, flag: i % 5 === 1 && value !== ':' ? 'p' : '' });
    obs.push({ geo, citizen: iso2Of(r.origin), sex: 'F', year: r.year, value: String(round5(r.persons / 2)), flag: '' });
    totals.set(`${geo}|${r.year}`, (totals.get(`${geo}|${r.year}`) ?? 0) + r.persons);
  });
  // Greece, which Eurostat writes EL (UNHCR's file has no Greek row).
  obs.push({ geo: 'EL', citizen: 'SY', sex: 'T', year: 2020, value: '20', flag: '' });
  for (const [k, n] of totals) {
    const [geo, year] = k.split('|');
    obs.push({ geo: geo!, citizen: 'TOTAL', sex: 'T', year: Number(year), value: String(round5(n)), flag: '' });
  }
  // A grid, as Eurostat's TSV is: ':' where a series has no figure for a year (SDMX-CSV then carries an empty value).
  const years = [...new Set(obs.map((o) => o.year))];
  for (const o of [...obs].filter(
    (x, i, all) => all.findIndex((y) => y.geo === x.geo && y.citizen === x.citizen && y.sex === x.sex) === i,
  )) {
    for (const year of years) {
      if (!obs.some((x) => x.geo === o.geo && x.citizen === o.citizen && x.sex === o.sex && x.year === year))
        obs.push({ ...o, year, value: ':', flag: '' });
    }
  }
  return obs;
}
function sdmxCsv(): string {
  const lines = ['STRUCTURE,STRUCTURE_ID,ACTION,freq,unit,citizen,sex,age,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG'];
  for (const o of eurostatObservations()) {
    lines.push(
      [
        'dataflow',
        'ESTAT:MIGR_ASYRESA(1.0)',
        'I',
        'A',
        'PER',
        o.citizen,
        o.sex,
        'TOTAL',
        o.geo,
        o.year,
        o.value === ':' ? '' : o.value,
        o.flag,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
function eurostatTsv(): string {
  const obs = eurostatObservations();
  const years = [...new Set(obs.map((o) => o.year))].sort();
  const keys = [...new Set(obs.map((o) => `A,PER,${o.citizen},${o.sex},TOTAL,${o.geo}`))];
  const cell = (key: string, year: number) => {
    const o = obs.find((x) => `A,PER,${x.citizen},${x.sex},TOTAL,${x.geo}` === key && x.year === year);
    if (!o || o.value === ':') return ':';
    // Eurostat groups thousands with a space.
    return `${o.value.replace(/\B(?=(\d{3})+(?!\d))/g, ' ')}${o.flag ? ` ${o.flag}` : ''}`;
  };
  return `${[
    `freq,unit,citizen,sex,age,geo\\TIME_PERIOD\t${years.map((y) => `${y} `).join('\t')}`,
    ...keys.map((k) => [k, ...years.map((y) => cell(k, y))].join('\t')),
  ].join('\n')}\n`;
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe.each(databaseKinds)('reference statistics on $name', (kind) => {
  let database: Database;
  const run = <T>(p: Principal, work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, p, work);
  const counts = async () =>
    (
      await rows<{ d: number; f: number }>(
        database.db,
        sql`SELECT (SELECT count(*)::int FROM statistics_datasets) AS d, (SELECT count(*)::int FROM statistics_figures) AS f`,
      )
    )[0]!;

  beforeAll(async () => {
    database = await kind.open();
    await loadDemo({ db: database.db, actor: OPERATOR, persons: 800, seed: 7 });
  });
  afterAll(async () => database?.close());

  it("imports UNHCR's file: every figure stored, the sum per state and year the file's, a missing row left absent", async () => {
    const out = await run(ANALYST, (tx) =>
      importStatistics({
        db: tx,
        actor: ANALYST,
        source: 'unhcr',
        file: { name: 'unhcr.csv', bytes: readFileSync(UNHCR_FILE) },
        extractedOn: '2025-12-01',
      }),
    );
    expect(out.duplicate).toBe(false);
    expect(out.dataset).toMatchObject({
      source: 'unhcr',
      code: 'solutions',
      basis: 'origin',
      rounding: 1,
      extractedOn: '2025-12-01',
      figures: unhcrRows.length,
    });
    const stored = await rows<{ state: string; year: number; n: number }>(
      database.db,
      sql`SELECT state_code AS state, year, sum(value)::int AS n FROM statistics_figures WHERE dataset_id = ${out.dataset.id} GROUP BY 1, 2`,
    );
    expect(new Map(stored.map((s) => [`${s.state}|${s.year}`, s.n]))).toEqual(fileSums());
    // SOURCES.md: UNHCR publishes no row for France 2021, Finland 2022, Austria from 2018.
    const absent = await rows(
      database.db,
      sql`SELECT 1 FROM statistics_figures WHERE (state_code = 'FR' AND year = 2021) OR (state_code = 'FI' AND year = 2022) OR (state_code = 'AT' AND year >= 2018)`,
    );
    expect(absent).toEqual([]);
    const [audit] = await rows<{ n: number }>(
      database.db,
      sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'statistics.import' AND subject = ${`statistics:${out.dataset.id}`}`,
    );
    expect(audit!.n).toBe(1);
  });

  it('says so when the same file comes again, and adds nothing', async () => {
    const before = await counts();
    const again = await run(OPERATOR, (tx) =>
      importStatistics({ db: tx, actor: OPERATOR, source: 'unhcr', file: { name: 'again.csv', bytes: readFileSync(UNHCR_FILE) } }),
    );
    expect(again.duplicate).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it("refuses a state's officer: the Commission imports reference statistics", async () => {
    await expect(
      run(OFFICER, (tx) => importStatistics({ db: tx, actor: OFFICER, source: 'unhcr', file: { name: 'x.csv', bytes: bytes('year\n') } })),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it("reconciles the platform's demo arrivals with UNHCR's, source by source (the issue's done-when)", async () => {
    for (const year of [2020, 2021]) {
      const r = await run(ANALYST, (tx) => reconciliationReport({ db: tx, actor: ANALYST, year }));
      // Independently: arrivals from the persons table, UNHCR from the CSV.
      const arrived = new Map(
        (
          await rows<{ state: string; n: number }>(
            database.db,
            sql`SELECT state_code AS state, count(*)::int AS n FROM persons
            WHERE pathway = 'resettlement' AND arrived_on BETWEEN make_date(${year}::int, 1, 1) AND make_date(${year}::int, 12, 31) GROUP BY 1`,
          )
        ).map((x) => [x.state, x.n]),
      );
      const sums = fileSums();
      const unhcrStates = [...new Set(unhcrRows.filter((x) => x.year === year).map((x) => stateOfIso3.get(x.arrival)!.code))];
      expect(r.datasets.map((d) => d.source)).toEqual(['unhcr']);
      for (const state of new Set([...unhcrStates, ...arrived.keys()])) {
        const row = r.rows.find((x) => x.stateCode === state)!;
        expect(row.platform.persons).toBe(arrived.get(state) ?? 0);
        const unhcr = row.sources[0]!;
        expect(unhcr.dataset.extractedOn).toBe('2025-12-01');
        const expected = sums.get(`${state}|${year}`);
        if (expected === undefined) {
          expect(unhcr).toMatchObject({ status: 'no_row', value: null, difference: null });
          expect(unhcr.explanations.map((e) => e.code)).toEqual(['missing']);
        } else {
          expect(unhcr).toMatchObject({ status: 'figure', value: expected, difference: (arrived.get(state) ?? 0) - expected });
          expect(unhcr.explanations.map((e) => e.code)).toEqual(expect.arrayContaining(['basis', 'pathways']));
        }
      }
      // The demo's round runs 2020–2021: it crosses each calendar year.
      expect(r.rows.find((x) => x.stateCode === 'DE')!.platform.rounds.find((x) => x.id === '2020-2021')).toMatchObject({
        crossesYear: true,
        persons: (
          await rows<{ n: number }>(
            database.db,
            sql`SELECT count(*)::int AS n FROM persons WHERE state_code = 'DE' AND round_id = '2020-2021' AND pathway = 'resettlement' AND arrived_on IS NOT NULL`,
          )
        )[0]!.n,
      });
    }
    const france = await run(ANALYST, (tx) => reconciliationReport({ db: tx, actor: ANALYST, year: 2021, stateCode: 'FR' }));
    expect(france.rows).toHaveLength(1);
    expect(france.rows[0]!.sources[0]!.status).toBe('no_row');
  });

  it("imports Eurostat's SDMX-CSV 2.0 and TSV alike: the same figures, ':' kept as not available, flags kept, breakdowns counted", async () => {
    const sdmx = await run(ANALYST, (tx) =>
      importStatistics({ db: tx, actor: ANALYST, source: 'eurostat', file: { name: 'migr_asyresa.csv', bytes: bytes(sdmxCsv()) } }),
    );
    const tsv = await run(ANALYST, (tx) =>
      importStatistics({
        db: tx,
        actor: ANALYST,
        source: 'eurostat',
        file: { name: 'estat_migr_asyresa.tsv', bytes: bytes(eurostatTsv()) },
      }),
    );
    const obs = eurostatObservations();
    const kept = obs.filter((o) => o.sex === 'T');
    for (const d of [sdmx, tsv]) {
      expect(d.dataset).toMatchObject({
        source: 'eurostat',
        code: 'migr_asyresa',
        basis: 'citizenship',
        rounding: 5,
        figures: kept.length,
      });
      expect(d.notKept.rows).toBeGreaterThan(0);
      expect(Object.keys(d.notKept.by)).toEqual(['sex=F']);
    }
    const figuresOf = async (id: number) =>
      (await run(ANALYST, (tx) => statisticsFigures({ db: tx, actor: ANALYST, source: 'eurostat', datasetId: id }))).figures.map(
        ({ datasetId: _, ...f }) => f,
      );
    const a = await figuresOf(sdmx.dataset.id);
    expect(await figuresOf(tsv.dataset.id)).toEqual(a);
    expect(a.filter((f) => f.value === null)).toHaveLength(kept.filter((o) => o.value === ':').length);
    expect(a.filter((f) => f.flags === 'p')).toHaveLength(kept.filter((o) => o.flag === 'p' && o.value !== ':').length);
    expect(a.find((f) => f.area === 'EL')).toMatchObject({ stateCode: 'EL' });
    // The reconciliation takes Eurostat's own total (citizen TOTAL), beside UNHCR's, never added to it.
    const r = await run(ANALYST, (tx) => reconciliationReport({ db: tx, actor: ANALYST, year: 2020, stateCode: 'DE' }));
    expect(r.datasets.map((d) => d.source)).toEqual(['unhcr', 'eurostat']);
    const de = r.rows[0]!;
    const total = kept.find((o) => o.geo === 'DE' && o.year === 2020 && o.citizen === 'TOTAL')!;
    expect(de.sources[1]).toMatchObject({
      status: 'figure',
      value: Number(total.value),
      difference: de.platform.persons - Number(total.value),
    });
    expect(de.sources[0]!.value).toBe(fileSums().get('DE|2020'));
    // Remove one of the two: its figures go with it, with an audit line.
    await run(ANALYST, (tx) => removeDataset({ db: tx, actor: ANALYST, id: tsv.dataset.id }));
    expect(await rows(database.db, sql`SELECT 1 FROM statistics_figures WHERE dataset_id = ${tsv.dataset.id}`)).toEqual([]);
    expect((await run(ANALYST, (tx) => listDatasets(tx, ANALYST))).map((d) => d.id)).not.toContain(tsv.dataset.id);
    await expect(run(ANALYST, (tx) => removeDataset({ db: tx, actor: ANALYST, id: tsv.dataset.id }))).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('refuses a bad file with its problems row by row, and stores nothing', async () => {
    const before = await counts();
    const cases: [source: 'unhcr' | 'eurostat', text: string, problem: { row: number; column: string; code: string }][] = [
      [
        'unhcr',
        'year,country_of_arrival,country_of_origin,persons\n2020,DEU,SYR,5\n',
        { row: 1, column: 'country_of_arrival_iso3', code: 'columnMissing' },
      ],
      [
        'unhcr',
        `${'year,country_of_arrival_iso3,country_of_arrival,country_of_origin_iso3,country_of_origin,persons'}\n2020,DEU,Germany,SYR,Syria,12\n2020,DEU,Germany,AFG,Afghanistan,many\n`,
        { row: 3, column: 'persons', code: 'statsValue' },
      ],
      [
        'unhcr',
        `${'year,country_of_arrival_iso3,country_of_arrival,country_of_origin_iso3,country_of_origin,persons'}\n2020,DEU,Germany,QQQ,Nowhere,12\n`,
        { row: 2, column: 'country_of_origin_iso3', code: 'countryUnknown' },
      ],
      [
        'eurostat',
        'freq,unit,citizen,sex,age,geo\\TIME_PERIOD\t2020 \nA,PER,SY,T,TOTAL,DE\t12 x3\n',
        { row: 2, column: '2020', code: 'statsValue' },
      ],
      [
        'eurostat',
        'STRUCTURE,STRUCTURE_ID,ACTION,freq,unit,citizen,sex,age,geo,TIME_PERIOD,OBS_VALUE\ndataflow,ESTAT:MIGR_ASYRESA(1.0),I,A,PER,QQ,T,TOTAL,DE,2020,15\n',
        { row: 2, column: 'citizen', code: 'countryUnknown' },
      ],
      ['eurostat', 'country,year,value\nDE,2020,15\n', { row: 1, column: '', code: 'statsLayout' }],
    ];
    for (const [source, text, problem] of cases) {
      const e = await run(ANALYST, (tx) =>
        importStatistics({ db: tx, actor: ANALYST, source, file: { name: 'bad.csv', bytes: bytes(text) } }),
      ).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('bad_input');
      expect((e as AppError).details).toEqual(expect.arrayContaining([expect.objectContaining(problem)]));
    }
    expect(await counts()).toEqual(before);
  });

  it('answers through the API: the Commission uploads, an officer is refused, anyone signed in reads the reconciliation', async () => {
    const app = createApp(database);
    const analyst = await signInAs.analyst(database);
    const officer = await signInAs.officer(database, 'DE');
    const upload = (headers: Record<string, string>, body: string, query = 'source=unhcr&extractedOn=2025-12-01') =>
      app.request(`http://pathways.test/api/statistics/datasets?${query}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'text/csv', 'idempotency-key': randomUUID() },
        body,
      });
    // The same bytes as the file: UTF-8 read and written back.
    const file = readFileSync(UNHCR_FILE, 'utf8');
    // 201 where the file is new here (the first test imported it already: then 200), and 200 the next time, nothing added.
    expect([200, 201]).toContain((await upload(analyst.headers, file)).status);
    const again = await upload(analyst.headers, file);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: true, dataset: { source: 'unhcr', figures: unhcrRows.length } });
    expect((await upload(officer.headers, file)).status).toBe(403);
    const bad = await upload({ ...analyst.headers, 'accept-language': 'nl' }, 'year,country_of_arrival_iso3\n2020,DEU\n');
    expect(bad.status).toBe(400);
    const problems = (await bad.json()) as { details: { rows: { column: string; reason: string }[] } };
    expect(problems.details.rows).toEqual(
      expect.arrayContaining([expect.objectContaining({ column: 'persons', reason: 'ontbrekende kolom' })]),
    );
    const r = await app.request('http://pathways.test/api/statistics/reconciliation?year=2021&state=FR', { headers: officer.headers });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { rows: { stateCode: string; sources: { status: string; dataset: { source: string } }[] }[] };
    expect(body.rows[0]!.sources.find((x) => x.dataset.source === 'unhcr')!.status).toBe('no_row');
    const list = (await (await app.request('http://pathways.test/api/statistics/datasets', { headers: officer.headers })).json()) as {
      datasets: { source: string }[];
    };
    expect(list.datasets.some((d) => d.source === 'unhcr')).toBe(true);
  });

  it("gives the EU context figures of the UNHCR file, the Recommendation's own beside them", async () => {
    const c = (await run(ANALYST, (tx) => statisticsContext({ db: tx, actor: ANALYST })))!;
    expect(c.coverage).toBe('european');
    const y2018 = c.years.find((y) => y.year === 2018)!;
    // Computed here from the CSV: the Member States of 2018 (the United Kingdom one still).
    const members2018 = new Set(STATES.filter((s) => !s.associated).map((s) => s.iso3));
    const eu = unhcrRows.filter((r) => r.year === 2018 && members2018.has(r.arrival)).reduce((n, r) => n + r.persons, 0);
    const all = unhcrRows.filter((r) => r.year === 2018).reduce((n, r) => n + r.persons, 0);
    expect(y2018).toMatchObject({ euArrivals: eu, allArrivals: all, shareOfCovered: eu / all, shareGlobal: null });
    const share = c.document.find((d) => d.id === 'share-2018')!;
    expect(share).toMatchObject({ value: 0.41, computed: null, note: 'globalOnly' });
  });
});

describe('the command line of reference statistics', () => {
  const run = cliRunner(join(tempDir(), 'db'), 'statistics-cli');

  it('imports, says so the second time, lists, shows, reconciles (table in Dutch, CSV), removes', async () => {
    const first = await run('stats', 'import', 'unhcr', fileURLToPath(UNHCR_FILE), '--extracted-on', '2025-12-01');
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(
      new RegExp(`^Imported dataset (\\d+) \\(unhcr solutions\\): ${unhcrRows.length} figures, extracted on 2025-12-01\\.`),
    );
    const id = /dataset (\d+)/.exec(first.out)![1]!;
    expect((await run('stats', 'import', 'unhcr', fileURLToPath(UNHCR_FILE))).out).toContain(`imported before as dataset ${id}`);
    expect((await run('stats', 'list')).out).toContain('unhcr-resettlement-arrivals-by-origin-2015-2024.csv');
    const shown = JSON.parse(
      (await run('stats', 'show', '--source', 'unhcr', '--state', 'DE', '--year', '2022', '--format', 'json')).out,
    ) as { figures: { value: number }[] };
    expect(shown.figures.reduce((n, f) => n + f.value, 0)).toBe(fileSums().get('DE|2022'));
    const nl = await run('--lang', 'nl', 'report', 'reconciliation', '--year', '2021', '--state', 'FR');
    expect(nl.out).toMatch(/FR\s+0\s+2020-2021: 0\s+geen rij/);
    const csv = (await run('report', 'reconciliation', '--year', '2022', '--format', 'csv')).out.trim().split('\r\n');
    expect(csv[0]).toBe('year,member_state,source,dataset,extracted_on,status,persons,flags,difference,explanations');
    expect(csv).toContain(
      `2022,DE,unhcr,${id},2025-12-01,figure,${fileSums().get('DE|2022')},,${-fileSums().get('DE|2022')!},basis pathways`,
    );
    const bad = await run('stats', 'import', 'eurostat', fileURLToPath(UNHCR_FILE));
    expect(bad.code).toBe(1);
    expect((await run('stats', 'remove', id)).out).toBe(
      `Removed dataset ${id} (unhcr solutions) and its ${unhcrRows.length} figures.\n`.trim(),
    );
    expect((await run('stats', 'list')).out).toContain('No reference statistics imported yet');
  });
});
