import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator, ROLES } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { rows, sql } from '../../src/db/db.ts';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS } from '../../src/cases/person-row.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Account, type Platform } from './platform.ts';

/**
 * Issue 20, points 1–3: a working day in each role, read as a person reads the pages — figures
 * labelled with the scope they are of, problems counted by the rows that have them, totals under
 * their own columns, no page that stays "Loading…", none that names a rule, a role's code or a
 * person by an internal id.
 */
/** The roles' codes (the ones that are not also words: sponsor and auditor are). */
const ROLE_CODE = new RegExp(`\\b(${ROLES.filter((r) => r.includes('_')).join('|')})\\b`);
const MACHINE = [/\brule\b/i, ROLE_CODE, /\buser:\d+/, /\bcli:[a-z]/i, /\bNaN\b/];

/** Waits until the page has its title and nothing of it is loading any more; fails naming the page if it stays loading. */
async function settled(page: Page, what: string): Promise<void> {
  try {
    await page.waitForFunction(
      () =>
        !!document.querySelector('main h1') &&
        !document.querySelector('main .loading') &&
        ![...document.querySelectorAll('[data-actor]')].some((e) => e.textContent === '…'),
      undefined,
      { timeout: 45_000 },
    );
  } catch {
    const text = (await page.locator('main').textContent()) ?? '';
    throw new Error(`${what}: still loading after 45 s (${text.slice(0, 200)})`);
  }
}

const COLUMNS = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS];
const csvOf = (people: Record<string, string>[]) =>
  `${[COLUMNS.join(','), ...people.map((p) => COLUMNS.map((c) => p[c] ?? '').join(','))].join('\r\n')}\r\n`;
const person = (caseRef: string, personRef: string, extra: Record<string, string> = {}) => ({
  case_ref: caseRef,
  person_ref: personRef,
  member_state: 'NL',
  pathway: 'resettlement',
  round: '2026-2027',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1990',
  country_of_departure: 'TUR',
  priority: 'normal',
  relationship: personRef === 'P1' ? 'principal' : 'child',
  ...extra,
});

/** Each table's footer: its cells keyed by the headers above them, and the sum of a column's body cells. */
async function footerByHeader(
  page: Page,
  table: string,
): Promise<{ headers: string[]; footer: string[]; numericHeaders: boolean[]; numericFooter: boolean[]; sums: (number | null)[] }> {
  return page
    .locator(table)
    .first()
    .evaluate((t) => {
      const headers = [...t.querySelectorAll('thead th')].map((h) => h.textContent!.replace(/[▲▼↕]/g, '').trim());
      const numericHeaders = [...t.querySelectorAll('thead th')].map((h) => h.classList.contains('num'));
      const cells = [...t.querySelectorAll('tfoot tr > *')];
      const footer = cells.map((c) => c.textContent!.trim());
      const numericFooter = cells.map((c) => c.classList.contains('num'));
      const toNumber = (s: string) => (/^[\d\s,.\u202f\u00a0]+$/.test(s) ? Number(s.replace(/[^\d]/g, '')) : null);
      const sums = headers.map((_, j) => {
        let sum = 0;
        for (const r of t.querySelectorAll('tbody tr')) {
          const v = toNumber(r.children[j]?.textContent?.trim() ?? '');
          if (v === null) return null;
          sum += v;
        }
        return sum;
      });
      return { headers, footer, numericHeaders, numericFooter, sums };
    });
}

describe('a working day, in each role (issue 20, points 1–3)', () => {
  let platform: Platform;
  let caseRef: string;
  const accounts = new Map<string, Account>();
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 300 });
    const [first] = await inScope(platform.database.db, operator('test'), (tx) =>
      rows<{ r: string }>(tx, sql`SELECT case_ref AS r FROM cases WHERE state_code = 'NL' ORDER BY id LIMIT 1`),
    );
    caseRef = first!.r;
    accounts.set('analyst', await platform.account('commission_analyst'));
    accounts.set('officer', await platform.account('state_officer', 'NL'));
    accounts.set('admin', await platform.account('system_admin'));
    accounts.set('auditor', await platform.account('auditor'));
  });
  afterAll(async () => platform?.close());

  it("labels the NL officer's forecast NL, against NL's pledges, and says the round is over", async () => {
    const b = await openBrowser();
    try {
      await signInThroughPage(b.page, platform, accounts.get('officer')!, '/dashboard?round=2020-2021');
      const line = b.page.getByTestId('forecast-line');
      await line.waitFor({ timeout: 60_000 });
      const text = (await line.textContent())!;
      expect(text).toMatch(/^Netherlands: /);
      expect(text).not.toMatch(/\bEU\b/);
      // NL's pledges of the round, not the EU's 29,486.
      const nl = await b.page.evaluate(
        async () =>
          (
            (await (await fetch('/api/rounds/2020-2021/state-of-play')).json()) as { states: { code: string; pledged: number }[] }
          ).states.find((s) => s.code === 'NL')!.pledged,
      );
      expect(text).toContain(`of ${nl.toLocaleString('en-GB')} places pledged`);
      expect(text).not.toContain('29,486');
      await expect(b.page.getByTestId('forecast-ended').textContent()).resolves.toMatch(/The round ended on .*nothing remains to forecast/);
    } finally {
      await b.close();
    }
  }, 180_000);

  it('counts the rows that have problems: one bad row of three is "1 problem in 1 row"', async () => {
    const b = await openBrowser();
    try {
      await signInThroughPage(b.page, platform, accounts.get('officer')!, '/imports');
      const stamp = Date.now().toString(36).toUpperCase();
      const file = [person(`W${stamp}-1`, 'P1'), person(`W${stamp}-2`, 'P1', { birth_year: '19x0' }), person(`W${stamp}-3`, 'P1')];
      await b.page
        .getByLabel('File (CSV or XLSX)')
        .setInputFiles({ name: 'three.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(file)) });
      await b.page.getByRole('button', { name: 'Upload and check' }).click();
      await b.page.getByRole('table', { name: /Problems in the file/ }).waitFor();
      const said = await b.page.getByRole('alert').filter({ hasText: 'problem' }).first().textContent();
      expect(said).toContain('1 problem in 1 row.');
      expect(said).not.toContain('3 rows');
    } finally {
      await b.close();
    }
  }, 120_000);

  it('puts every total under its own column: AMIF incentives and both open-data tables', async () => {
    const b = await openBrowser();
    try {
      await signInThroughPage(b.page, platform, accounts.get('analyst')!, '/incentives?round=2020-2021');
      await settled(b.page, 'incentives');
      const inc = await footerByHeader(b.page, '[data-testid=totals] table');
      expect(inc.footer.length).toBe(inc.headers.length);
      const persons = inc.headers.indexOf('Persons');
      const amount = inc.headers.findIndex((h) => /Amount/.test(h));
      expect(persons).toBeGreaterThan(0);
      expect(amount).toBeGreaterThan(persons);
      expect(inc.footer[0]).toBe('Total');
      expect(Number(inc.footer[persons]!.replace(/[^\d]/g, ''))).toBe(inc.sums[persons]);
      expect(Number(inc.footer[amount]!.replace(/[^\d]/g, ''))).toBe(inc.sums[amount]);
      expect(inc.numericFooter[persons] && inc.numericFooter[amount]).toBe(true);

      await b.page.goto(`${platform.url}/open-data?round=2020-2021`);
      for (const table of ['[data-testid=open-data-states] table', '[data-testid=open-data-departures] table']) {
        await b.page.locator(table).first().waitFor();
        const t = await footerByHeader(b.page, table);
        expect(t.footer.length, table).toBe(t.headers.length);
        t.headers.forEach((_, j) => {
          if (j === 0) return;
          // A total sits in a cell aligned as the column it totals.
          expect(t.numericFooter[j], `${table} ${t.headers[j]}`).toBe(t.numericHeaders[j]);
        });
        const pledged = t.headers.indexOf('Places pledged');
        if (pledged > 0) expect(Number(t.footer[pledged]!.replace(/[^\d]/g, ''))).toBe(t.sums[pledged]);
      }
    } finally {
      await b.close();
    }
  }, 120_000);

  it('answers the analyst on the sponsors pages (never "Loading…"), and a sponsor address without a number is not found', async () => {
    const b = await openBrowser();
    try {
      await signInThroughPage(b.page, platform, accounts.get('analyst')!, '/sponsors');
      for (const path of ['/sponsors', '/sponsorship-schemes', '/memoranda', '/users', '/audit', '/sponsor']) {
        await b.page.goto(`${platform.url}${path}`);
        await settled(b.page, path);
        await expect(b.page.getByTestId('page-forbidden').textContent(), path).resolves.toMatch(/is not part of your role’s work/);
        await expect(b.page.locator('main form').count(), `${path}: no form the analyst cannot use`).resolves.toBe(0);
      }
      const officer = await openBrowser();
      try {
        await signInThroughPage(officer.page, platform, accounts.get('officer')!, '/sponsors/X');
        const asked: string[] = [];
        officer.page.on('request', (r) => asked.push(r.url()));
        await officer.page.goto(`${platform.url}/sponsors/X`);
        await settled(officer.page, '/sponsors/X');
        await officer.page.getByTestId('page-not-found').waitFor();
        expect(asked.filter((u) => /\/api\/sponsors\//.test(u))).toEqual([]);
      } finally {
        await officer.close();
      }
    } finally {
      await b.close();
    }
  }, 180_000);

  it('shows no rule, no role code and no internal id of a person on any page, in any of four roles', async () => {
    const pages = [
      '/dashboard',
      '/state-of-play',
      '/rounds',
      '/rounds/2020-2021',
      '/cases',
      `/cases/${encodeURIComponent(caseRef)}`,
      '/imports',
      '/users',
      '/audit',
      '/incentives',
      '/sponsors',
      '/sponsors/1',
      '/sponsors/X',
      '/sponsorship-schemes',
      '/memoranda',
      '/sponsorships',
      '/sponsor',
      '/programmes',
      '/programmes/EU-VHAS',
      '/returns',
      '/statistics',
      '/federation',
      '/candidates',
      '/family-reunification',
      '/placement',
      '/account',
      '/accessibility',
      '/open-data',
      '/rounds/no-such-round',
      '/dashboard?round=no-such-round',
    ];
    const found: string[] = [];
    for (const who of ['analyst', 'officer', 'admin', 'auditor']) {
      const b = await openBrowser();
      try {
        await signInThroughPage(b.page, platform, accounts.get(who)!);
        for (const path of pages) {
          await b.page.goto(`${platform.url}${path}`);
          await settled(b.page, `${who} ${path}`);
          const text = (await b.page.locator('body').innerText()).replace(/\s+/g, ' ');
          for (const re of MACHINE) {
            const m = re.exec(text);
            if (m) found.push(`${who} ${path}: “${text.slice(Math.max(0, m.index - 60), m.index + 60)}”`);
          }
        }
      } finally {
        await b.close();
      }
    }
    expect(found).toEqual([]);
  }, 600_000);

  it('names people on the audit trail by their names, the id in the hover title', async () => {
    const b = await openBrowser();
    try {
      await signInThroughPage(b.page, platform, accounts.get('auditor')!, '/audit');
      await settled(b.page, 'audit');
      const actor = b.page.locator('main table tbody [data-actor^="user:"]').first();
      await actor.waitFor();
      const id = (await actor.getAttribute('title'))!;
      expect(id).toMatch(/^user:\d+$/);
      const name = (await actor.textContent())!;
      expect(name).not.toMatch(/user:/);
      const [row] = await inScope(platform.database.db, operator('test'), (tx) =>
        rows<{ n: string }>(tx, sql`SELECT display_name AS n FROM users WHERE id = ${Number(id.slice(5))}`),
      );
      expect(name).toBe(row!.n);
    } finally {
      await b.close();
    }
  }, 120_000);
});
