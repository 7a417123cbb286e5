import { formatCount, translator } from '../src/i18n/i18n.ts';
import { stateByCode, stateName } from '../src/reference/state.ts';
import { ANNEX_2020 } from '../src/pledges/annex-2020.data.ts';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { annexFromSeed, SEED_ABSENT } from './seed-annex.ts';
import { cliRunner } from './cli-run.ts';
import { tempDir, writeFile } from './files.ts';

const dir = tempDir();
const data = join(dir, 'db');

// Each command opens and closes the folder itself, as a program run does: this suite tests the opening.
const run = cliRunner(data, 'cli-test', { keepOpen: false });

const annex = annexFromSeed();
/** A state's places in the Annex as shipped (the seed's figures), by its Dutch name. */
const annexRow = (nameNl: string) => ANNEX_2020.find((r) => r.state === nameNl)!.places!;

describe('the command line', () => {
  it.skipIf(!annex)(`reproduces the Annex row by row with --lang nl (${annex ? 'seed text read' : SEED_ABSENT})`, async () => {
    const { code, out } = await run('pledges', 'list', '--round', '2020-2021', '--lang', 'nl');
    expect(code).toBe(0);
    const lines = out.split('\n');
    const first = lines.findIndex((l) => l.startsWith('België'));
    const printed = lines.slice(first, first + 28).map((l) => {
      const m = /^(.+?)(?:\s{2,}(.*))?$/.exec(l)!;
      return [m[1]!.trim(), (m[2] ?? '').trim()];
    });
    // Figures as Dutch writes them (Intl, as the web does: issue 20); the values are the Annex's, row by row.
    const fmt = (n: number) => formatCount(n, 'nl');
    expect(printed).toEqual(
      annex!.rows.map((r) => [r.state, r.places !== null ? fmt(r.places) : r.carryOver !== null ? `(*) [${fmt(r.carryOver)}]` : '']),
    );
    const computed = annex!.rows.reduce((n, r) => n + (r.places ?? 0), 0);
    expect(out).toMatch(new RegExp(`TOTAAL\\s+${fmt(computed)}\\n`));
    // The printed total stays the document's figure, and the difference is shown.
    expect(out).toContain(`vermeldt ${fmt(annex!.printedTotal)}; berekend ${fmt(computed)}; verschil ${computed - annex!.printedTotal}`);
    expect(out).toContain('(*) Uitvoering van toezeggingen in het kader van de vorige regeling');
  });

  // Issue 15: the command line in every official language — its words, the states' names, the figures as the language writes them.
  it("lists the Annex's pledges in French: the words, the states and the figures as French writes them", async () => {
    const { code, out } = await run('pledges', 'list', '--round', '2020-2021', '--lang', 'fr');
    expect(code).toBe(0);
    const fr = translator('fr');
    expect(out).toContain(fr('pledges.title', { title: fr('shipped.round.2020-2021.title') }));
    expect(out).toContain(fr('pledges.state'));
    expect(out).toMatch(new RegExp(`${stateName(stateByCode('DE'), 'fr')}\\s+${formatCount(annexRow('Duitsland'), 'fr')}`));
    expect(out).not.toContain('Pledges:');
    expect(out).not.toContain('Germany');
  });

  it.each(['de', 'pl', 'el', 'ga'] as const)(
    "reports the state of play in %s, with no English heading and the document's Dutch words quoted",
    async (lang) => {
      const { code, out } = await run('report', 'state-of-play', '--round', '2020-2021', '--as-of', '2021-12-31', '--lang', lang);
      expect(code).toBe(0);
      const t = translator(lang);
      expect(out).toContain(t('sop.title', { title: t('shipped.round.2020-2021.title'), asOf: '2021-12-31' }));
      for (const h of ['sop.state', 'sop.pledged', 'sop.arrived']) expect(out, h).toContain(t(h));
      expect(out).toContain(stateName(stateByCode('DE'), lang));
      expect(out).toContain(t('quote.nl', { text: 'iets minder dan 29 500 plaatsen' }));
      for (const english of ['State of play', 'Member State', 'Pledged', 'Arrived']) expect(out, english).not.toContain(english);
    },
  );

  it('lists pledges as CSV and JSON with computed totals', async () => {
    const csv = await run('pledges', 'list', '--round', '2020-2021', '--format', 'csv');
    expect(csv.out.split('\r\n')[0]).toBe('member_state,name,pathway,places,carry_over,country_of_departure,target_group,note');
    const json = JSON.parse((await run('pledges', 'list', '--round', '2020-2021', '--format', 'json')).out);
    expect(json.totals.pledged).toBe(json.states.reduce((n: number, s: { pledged: number }) => n + s.pledged, 0));
  });

  it('imports persons, reports the state of play, and adds nothing on a second import', async () => {
    const file = writeFile(
      dir,
      'p.csv',
      [
        'case_ref,person_ref,member_state,pathway,round,citizenship,sex,birth_year,country_of_departure,arrived_on',
        'NL-1,1,Nederland,resettlement,,Syrië,V,1985,Libanon,2020-02-03',
        'NL-1,2,NL,resettlement,,SYR,M,2012,LBN,2020-02-03',
        'FR-9,1,FRA,resettlement,,stateless,X,1990,TUR,2021-05-20',
        'FR-9,2,France,resettlement,,SYR,F,,Turkey,',
      ].join('\n'),
    );
    expect(await run('persons', 'import', file)).toMatchObject({ code: 0 });
    expect((await run('persons', 'import', file)).out).toContain('0 persons added, 0 changed, 4 unchanged');
    const json = JSON.parse(
      (await run('report', 'state-of-play', '--round', '2020-2021', '--as-of', '2021-12-31', '--format', 'json')).out,
    );
    expect(json).toMatchObject({ round: '2020-2021', asOf: '2021-12-31', target: 29500, totals: { arrived: 3 } });
    expect(json.states.find((s: { code: string }) => s.code === 'NL')).toMatchObject({
      arrived: 2,
      byDeparture: { LBN: 2 },
      byMonth: { '2020-02': 2 },
      deliveredShare: 2 / 1902,
    });
    expect(json.states.find((s: { code: string }) => s.code === 'FR')).toMatchObject({ arrived: 1, byDeparture: { TUR: 1 } });
    const table = await run('report', 'state-of-play', '--round', '2020-2021', '--as-of', '2020-12-31', '--lang', 'nl');
    expect(table.out).toContain('Stand van zaken');
    expect(table.out).toMatch(/NL\s+Nederland\s+1\.902\s+2\s+0,1%\s+LBN 2/);
  });

  it('exits 1 with every bad row (row, column, value, reason) and writes nothing', async () => {
    const file = writeFile(
      dir,
      'bad.csv',
      [
        'case_ref,person_ref,member_state,pathway,round,citizenship,sex,birth_year,country_of_departure,arrived_on',
        'X-1,1,NL,resettlement,,SYR,F,1980,LBN,2020-01-10',
        'X-1,2,Atlantis,resettlement,,SYR,F,1980,LBN,2020-01-10',
        'X-2,1,NL,flying,,SYR,F,1980,LBN,2020-13-10',
      ].join('\n'),
    );
    const r = await run('persons', 'import', file);
    expect(r.code).toBe(1);
    expect(r.err).toContain('row 3, member_state "Atlantis"');
    expect(r.err).toContain('row 4, pathway "flying"');
    expect(r.err).toContain('row 4, arrived_on "2020-13-10"');
    const nl = await run('persons', 'import', file, '--lang', 'nl');
    expect(nl.code).toBe(1);
    expect(nl.err).toContain('rij 3, member_state "Atlantis": is geen bekende staat');
    const json = JSON.parse(
      (await run('report', 'state-of-play', '--round', '2020-2021', '--format', 'json', '--as-of', '2021-12-31')).out,
    );
    expect(json.totals.arrived).toBe(3);
  });

  it('gives clear errors for a missing file, a wrong header, an unknown round and a bad date', async () => {
    expect((await run('persons', 'import', join(dir, 'none.csv'))).err).toMatch(/Cannot read .*none\.csv/);
    const header = await run('persons', 'import', writeFile(dir, 'h.csv', 'case,person\n1,2\n'));
    expect(header).toMatchObject({ code: 1 });
    expect(header.err).toMatch(/missing column\(s\): case_ref, person_ref/);
    expect(await run('pledges', 'list', '--round', '1999')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/no round "1999".*Known rounds: 2015-2017/),
    });
    expect(await run('report', 'state-of-play', '--round', '2020-2021', '--as-of', '31-12-2021')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/YYYY-MM-DD/),
    });
    expect((await run('rounds', 'add', writeFile(dir, 'r.json', '{"id": "2020-2021"}'))).code).toBe(1);
    // And in Dutch, from the same catalogue key.
    expect((await run('pledges', 'list', '--round', '1999', '--lang', 'nl')).err).toMatch(
      /^Fout: Er is geen ronde "1999"\. Bekende rondes: 2015-2017/,
    );
  });

  it('imports pledges split by country of departure and shows each beneath its state', async () => {
    const file = writeFile(dir, 'pl.csv', 'member_state,pathway,places,carry_over,country_of_departure,note\nnl-2023,resettlement,1,,,\n');
    expect((await run('pledges', 'import', file, '--round', '2020-2021')).err).toContain('member_state "nl-2023"');
    const split = writeFile(
      dir,
      'split.csv',
      'member_state,pathway,places,carry_over,country_of_departure,note\nPT,resettlement,900,,TUR,\nPT,resettlement,250,,Egypte,\n',
    );
    expect((await run('pledges', 'import', split, '--round', '2020-2021')).out).toContain(
      '2 pledges read: 2 added, 0 changed, 0 unchanged.',
    );
    const { out } = await run('pledges', 'list', '--round', '2020-2021');
    expect(out).toMatch(/Portugal\s+2,300\n\s+– resettlement\s+1,150\n\s+– resettlement, Egypt\s+250\n\s+– resettlement, Türkiye\s+900\n/);
  });

  it('adds a round from a file and lists it', async () => {
    const file = writeFile(
      dir,
      'round.json',
      JSON.stringify({
        id: 'nl-2022',
        title: 'Dutch national programme 2022',
        legal_basis: 'national',
        start: '2022-01-01',
        end: '2022-12-31',
        target: 500,
      }),
    );
    expect(await run('rounds', 'add', file)).toMatchObject({ code: 0 });
    expect(await run('rounds', 'add', file)).toMatchObject({ code: 1, err: expect.stringMatching(/exists already/) });
    const list = JSON.parse((await run('rounds', 'list', '--format', 'json')).out);
    expect(list.map((r: { id: string }) => r.id)).toContain('nl-2022');
  });
});

describe('the embedded database folder', () => {
  let child: ReturnType<typeof spawn>;
  let url = '';
  beforeAll(async () => {
    // The embedded database is what is under test here, whatever the environment says.
    const env = { ...process.env };
    delete env.DATABASE_URL;
    child = spawn(process.execPath, ['bin/pathways.js', '--data', data, 'serve', '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
    });
    const lines = createInterface({ input: child.stdout! });
    url = await new Promise<string>((resolve, reject) => {
      child.once('exit', (c) => reject(new Error(`serve exited with ${c}`)));
      lines.on('line', (l) => {
        const m = /running at (http:\/\/\S+)/.exec(l);
        if (m) resolve(m[1]!);
      });
    });
  });
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('serves health and the API: its description to anyone, its data only with a session', async () => {
    expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok', database: 'pglite' });
    const doc = await fetch(`${url}/api/openapi.json`);
    expect(doc.status).toBe(200);
    expect((await doc.json()).openapi).toBe('3.1.0');
    // The figures are there, behind sign-in (test/api.test.ts reads them with a session).
    const denied = await fetch(`${url}/api/rounds/2020-2021/state-of-play?asOf=2021-12-31&lang=nl`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('cache-control')).toBe('no-store');
    expect(await denied.json()).toEqual({ code: 'unauthenticated', message: expect.stringMatching(/^Sign in first/), details: {} });
  });

  it('says so plainly when the port is taken, and lets its own folder go', async () => {
    const other = join(dir, 'other-db');
    const port = new URL(url).port;
    const taken = await cliRunner(other, 'cli-test', { keepOpen: false })('serve', '--port', port);
    expect(taken).toMatchObject({
      code: 2,
      err: expect.stringMatching(new RegExp(`Port ${port} on 127.0.0.1 is in use by another program`)),
    });
    expect(existsSync(join(other, 'pathways.lock'))).toBe(false);
  });

  it('is held by one process: a second gets a clear error, and the lock goes with the first', async () => {
    const second = await run('rounds', 'list');
    expect(second.code).toBe(2);
    expect(second.err).toMatch(new RegExp(`in use by process ${child.pid}`));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect((await run('rounds', 'list')).code).toBe(0);
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    writeFileSync(join(data, 'pathways.lock'), '999999999\n');
    expect((await run('rounds', 'list')).code).toBe(0);
  });
});
