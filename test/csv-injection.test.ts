import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { main } from '../src/cli/main.ts';
import type { Database } from '../src/db/db.ts';
import { openPgliteCopy } from './template.ts';
import { csvCell, csvText } from '../src/exchange/csv-cell.ts';
import type { Dataset } from '../src/exchange/dataset.ts';
import { datasetToCsv, datasetToHxl, datasetToSdmxCsv } from '../src/exchange/writers.ts';
import type { Pledge } from '../src/pledges/pledge.ts';
import { savePledges } from '../src/pledges/pledge.service.ts';
import { toCsv } from '../src/presentation/table.ts';
import { startServer } from '../src/server/server.ts';
import { toCsv as webToCsv, toXlsx as webToXlsx } from '../web/src/ui/download.ts';
import { cliRunner } from './cli-run.ts';
import { databaseKinds } from './databases.ts';
import { tempDir } from './files.ts';
import { signIn } from './sessions.ts';

/**
 * CSV injection (issue 19, finding 9): text a user typed must not run as a formula when a CSV of
 * ours is opened in a spreadsheet — whichever separator that spreadsheet splits on. Dutch and
 * German Excel split a `.csv` on `;` and honour a quote only at the start of a `;`-field, which
 * csv-parse reproduces with `delimiter: ';'` and `relax_quotes` (a quote elsewhere is a character).
 * The comma reading is strict RFC 4180.
 */
const ATTACKS = ["ok;=cmd|' /C calc'!A0", '\u00a0=1+1', ' @SUM(A1)', '\t=1', '-2+3'] as const;

/** What a spreadsheet would take for a formula at the start of a field (after any whitespace), or a tab or CR first. */
const FORMULA_START = /^(?:[\s\u180e\u200b-\u200d\u2060]*[=+\-@]|[\t\r])/;

/** Every field of a CSV text, read with commas (strict) and with semicolons (as Dutch and German Excel do). */
function fieldsBothWays(text: string): { comma: string[][]; semicolon: string[][] } {
  const body = text.replace(/^\ufeff/, '');
  return {
    comma: parse(body, { delimiter: ',' }) as string[][],
    semicolon: parse(body, { delimiter: ';', relax_quotes: true, relax_column_count: true }) as string[][],
  };
}

/** No field, in either reading, starts a formula — except the numbers the writer was given as numbers. */
function expectNoFormula(text: string, numbers: readonly string[] = []) {
  const { comma, semicolon } = fieldsBothWays(text);
  for (const [how, rows] of [
    ['comma', comma],
    ['semicolon', semicolon],
  ] as const)
    for (const row of rows)
      for (const field of row) if (!numbers.includes(field)) expect(field, `${how}: ${JSON.stringify(field)}`).not.toMatch(FORMULA_START);
}

describe('the one CSV rule (src/exchange/csv-cell.ts)', () => {
  it('defuses each attack, in both readings, and keeps a figure as it is', () => {
    const text = csvText(
      ['note', 'figure'],
      ATTACKS.map((a, i) => [a, -5 - i]),
    );
    expectNoFormula(text, ['-5', '-6', '-7', '-8', '-9']);
    const { comma } = fieldsBothWays(text);
    // The comma reading gives each note back whole, an apostrophe before each formula it held.
    expect(comma.slice(1).map((r) => r[0])).toEqual(["ok;'=cmd|' /C calc'!A0", "'\u00a0=1+1", "' @SUM(A1)", "'\t'=1", "'-2+3"]);
    // A negative figure in a numeric column is a number, not a formula.
    expect(comma.slice(1).map((r) => r[1])).toEqual(['-5', '-6', '-7', '-8', '-9']);
  });

  it('quotes a cell holding a comma, a semicolon, a quote, a tab, CR or LF, and nothing else', () => {
    expect(['a,b', 'a;b', 'a"b', 'a\tb', 'a\rb', 'a\nb', 'plain', 'x y'].map(csvCell)).toEqual([
      '"a,b"',
      '"a;b"',
      '"a""b"',
      '"a\tb"',
      '"a\rb"',
      '"a\nb"',
      'plain',
      'x y',
    ]);
    expect([null, undefined, 0, 12.5, -3, true].map(csvCell)).toEqual(['', '', '0', '12.5', '-3', 'true']);
    // A formula after a line break or a comma inside a cell: a `;`-reader starts a row or field there.
    expect(csvCell('a\n=1')).toBe('"a\n\'=1"');
    expect(csvCell('a, +1')).toBe('"a, \'+1"');
    expect(csvCell('\u2003\u200b@x')).toBe("'\u2003\u200b@x");
  });

  it('is the rule of the command line and the API (toCsv) and of every exchange writer (CSV, HXL, SDMX-CSV)', () => {
    const headers = ['note', 'n'];
    const rows = ATTACKS.map((a) => [a, 1]);
    expect(toCsv(headers, rows)).toBe(csvText(headers, rows));
    const d: Dataset = {
      dataflow: { agency: 'PATHWAYS', id: 'TEST', version: '1.0' },
      title: 't',
      columns: [
        { id: 'NOTE', header: 'Note', hxl: '#description', role: 'attribute' },
        { id: 'DIFFERENCE', header: 'Difference', hxl: '#value+difference', role: 'measure' },
      ],
      rows: ATTACKS.map((a) => [a, -4]),
      notes: [],
    };
    for (const text of [datasetToCsv(d), datasetToHxl(d), datasetToSdmxCsv(d)]) {
      expectNoFormula(text, ['-4']);
      expect(fieldsBothWays(text).comma.flat()).toContain("ok;'=cmd|' /C calc'!A0");
    }
  });
});

describe("the web's downloads (web/src/ui/download.ts)", () => {
  const sheet = {
    name: 'Pledges',
    header: ['State', 'Note', 'Places'],
    rows: ATTACKS.map((a, i) => ['NL', a, -1 - i] as (string | number | null)[]),
  };

  it('write CSV by the same rule', () => {
    const text = webToCsv(sheet);
    expect(text).toBe(csvText(sheet.header, sheet.rows));
    expectNoFormula(text, ['-1', '-2', '-3', '-4', '-5']);
  });

  it('write XLSX text as inline strings, never a formula, and figures as numbers', () => {
    const xml = strFromU8(unzipSync(webToXlsx(sheet))['xl/worksheets/sheet1.xml']!);
    expect(xml).not.toContain('<f>');
    expect(xml).toContain('<c r="B2" t="inlineStr"><is><t xml:space="preserve">ok;=cmd|\' /C calc\'!A0</t></is></c>');
    expect(xml).toContain('<c r="C2"><v>-1</v></c>');
  });
});

/** The pledges that carry the attacks, one per country of departure. */
const DEPARTURES = ['LBN', 'TUR', 'JOR', 'EGY', 'IRQ'];

describe('`pledges list --format csv` on the embedded database', () => {
  const dir = tempDir();
  const data = join(dir, 'db');

  beforeAll(async () => {
    const database = await openPgliteCopy({ dataDir: data, scope: '*' });
    try {
      const actor = operator('csv-injection-test');
      const pledges: Pledge[] = ATTACKS.map((note, i) => ({
        roundId: '2020-2021',
        stateCode: 'NL',
        pathway: 'humanitarian_admission',
        places: 10 + i,
        carryOver: false,
        countryOfDeparture: DEPARTURES[i]!,
        targetGroup: null,
        note,
      }));
      await inScope(database.db, actor, (tx) =>
        savePledges({ db: tx, actor, roundId: '2020-2021', pledges, source: 'test', record: true }),
      );
    } finally {
      await database.close();
    }
  });

  it('defuses every note the listing prints', async () => {
    const { code, out } = await cliRunner(data, 'csv-injection-test', { keepOpen: false })(
      'pledges',
      'list',
      '--round',
      '2020-2021',
      '--format',
      'csv',
    );
    expect(code).toBe(0);
    expectNoFormula(out);
    const notes = fieldsBothWays(out)
      .comma.filter((r) => r[0] === 'NL' && DEPARTURES.includes(r[5]!))
      .map((r) => r[7]);
    expect(notes).toEqual(expect.arrayContaining(["ok;'=cmd|' /C calc'!A0", "'\u00a0=1+1", "' @SUM(A1)", "'\t'=1", "'-2+3"]));
    expect(notes).toHaveLength(5);
  });
});

describe.each(databaseKinds)('a note entered through the API, listed as CSV by the command line against the server, on $name', (kind) => {
  let database: Database;
  let server: Awaited<ReturnType<typeof startServer>>;
  let token = '';

  beforeAll(async () => {
    database = await kind.open();
    token = (await signIn(database, { role: 'state_officer', stateCode: 'NL' })).token;
    server = await startServer({ database, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('is stored as sent and printed defused', async () => {
    // A round still open (2026-2027): an ended round's pledges are read-only (issue 20).
    const auth = { authorization: `Bearer ${token}` };
    const read = await fetch(`${server.url}/api/rounds/2026-2027/pledges/NL`, { headers: auth });
    const pledges = ATTACKS.map((note, i) => ({
      pathway: 'humanitarian_admission',
      places: 10 + i,
      countryOfDeparture: DEPARTURES[i],
      note,
    }));
    const saved = await fetch(`${server.url}/api/rounds/2026-2027/pledges/NL`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': randomUUID(), 'if-match': read.headers.get('etag')! },
      body: JSON.stringify({ pledges }),
    });
    expect(saved.status, await saved.clone().text()).toBe(200);
    const listed = await (await fetch(`${server.url}/api/rounds/2026-2027/pledges/NL`, { headers: auth })).json();
    expect(listed.pledges.map((p: { note: string }) => p.note)).toEqual(expect.arrayContaining([...ATTACKS]));

    const out: string[] = [];
    const code = await main(
      ['node', 'pathways', '--server', server.url, 'pledges', 'list', '--round', '2026-2027', '--format', 'csv'],
      { out: (s) => out.push(s), err: () => {}, tty: false },
      { PATHWAYS_TOKEN: token },
    );
    expect(code).toBe(0);
    const text = out.join('');
    expectNoFormula(text);
    const notes = fieldsBothWays(text)
      .comma.filter((r) => r[0] === 'NL' && DEPARTURES.includes(r[5]!))
      .map((r) => r[7]);
    expect(notes).toEqual(expect.arrayContaining(["ok;'=cmd|' /C calc'!A0", "'\u00a0=1+1", "' @SUM(A1)", "'\t'=1", "'-2+3"]));
  });
});
