import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { rows, sql } from '../../src/db/db.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

const ROUND = '2020-2021';
const n = (x: number) => new Intl.NumberFormat('en').format(x);

interface Report {
  byRate: { stateCode: string; rateId: string | null; persons: number; amount: number }[];
  total: { persons: number; amount: number };
  persons: { caseRef: string; personRef: string; amount: number }[];
}

describe('the AMIF incentives page in the browser', () => {
  let platform: Platform;
  let state: string;
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 300, seed: 11 });
    const [top] = await inScope(platform.database.db, operator('test-setup'), (tx) =>
      rows<{ s: string }>(tx, sql`SELECT state_code AS s FROM person_incentives GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`),
    );
    state = top!.s;
  });
  afterAll(async () => platform?.close());

  it("shows a state's officer its persons and totals as the API gives them, and downloads them as CSV", async () => {
    const b = await openBrowser();
    try {
      const officer = await platform.account('state_officer', state);
      await signInThroughPage(b.page, platform, officer, `/incentives?round=${ROUND}`);
      const page = b.page;
      const report = (await page.evaluate(`fetch('/api/rounds/${ROUND}/incentives').then((r) => r.json())`)) as Report;
      expect(report.persons.length).toBeGreaterThan(0);
      expect(report.total.amount).toBe(report.persons.reduce((s, p) => s + p.amount, 0));

      const persons = page.getByTestId('persons').getByRole('table');
      await persons.waitFor();
      await expect(persons.locator('tbody tr').count()).resolves.toBe(report.persons.length);
      const totals = page.getByTestId('totals').getByRole('table');
      await expect(totals.locator('tbody tr').count()).resolves.toBe(report.byRate.length);
      const footer = await totals.locator('tfoot th, tfoot td').allTextContents();
      expect(footer).toEqual(['Total', '', n(report.total.persons), n(report.total.amount)]);

      const panel = page.getByRole('region', { name: 'Persons', exact: true });
      const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: /Download CSV/ }).click()]);
      const csv = readFileSync((await download.path())!, 'utf8')
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      expect(csv[0]).toBe('Member State,Case,Person,Arrived,Country of departure,Rate,Amount (EUR),Evidence');
      expect(csv.length - 1).toBe(report.persons.length);
      const amounts = csv.slice(1).map((line) => Number(/,(\d+),("[^"]*"|[^,]*)$/.exec(line)![1]));
      expect(amounts.reduce((s, a) => s + a, 0)).toBe(report.total.amount);

      // A person's history: the arrival that computed the incentive.
      await persons
        .locator('tbody tr')
        .first()
        .getByRole('button', { name: /History/ })
        .click();
      const dialog = page.getByRole('dialog');
      await expect(dialog.getByTestId('incentive-history').textContent()).resolves.toContain('On arrival');
      await dialog.getByRole('button', { name: 'Close' }).click();

      // The claims: a period claimed, then refused when it overlaps.
      const claims = page.getByRole('region', { name: 'Claims', exact: true });
      await claims.getByLabel('From', { exact: true }).fill('2020-01-01');
      await claims.getByLabel('To', { exact: true }).fill('2021-12-31');
      await claims.getByRole('button', { name: 'Claim', exact: true }).click();
      await expect.poll(() => claims.locator('.notice-success').textContent()).toContain(`Claim made: ${n(report.total.persons)} persons`);
      await claims.getByRole('button', { name: 'Claim', exact: true }).click();
      await expect.poll(() => claims.locator('.notice-error').textContent()).toMatch(/already claimed a period that overlaps/);
    } finally {
      await b.close();
    }
  });

  it('shows the Commission totals and the budget, and no person', async () => {
    const b = await openBrowser();
    try {
      const analyst = await platform.account('commission_analyst');
      await signInThroughPage(b.page, platform, analyst, `/incentives?round=${ROUND}`);
      const page = b.page;
      const totals = page.getByTestId('totals').getByRole('table');
      await totals.waitFor();
      const report = (await page.evaluate(`fetch('/api/rounds/${ROUND}/incentives').then((r) => r.json())`)) as Report;
      expect(report.persons).toBeNull();
      const footer = await totals.locator('tfoot th, tfoot td').allTextContents();
      expect(footer).toEqual(['Total', '', n(report.total.persons), n(report.total.amount)]);
      await expect(page.getByTestId('persons').count()).resolves.toBe(0);
      await expect(page.getByTestId('budget').textContent()).resolves.toContain('about €300,000,000');
      await expect(page.getByTestId('committed').textContent()).resolves.toBe(`€${n(report.total.amount)}`);
    } finally {
      await b.close();
    }
  });
});
