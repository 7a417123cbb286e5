import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../../src/access/principal.ts';
import { importPersonsFile } from '../../src/cases/person.import.ts';
import { tempDir, writePersonsCsv } from '../files.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

const n = (x: number) => new Intl.NumberFormat('en').format(x);
const dir = tempDir();

interface Line {
  total: number;
  byPathway: Record<string, number>;
  familyReunification: { requests: number };
  candidatesAdmitted: Record<string, number>;
}
interface Returns {
  pathways: string[];
  states: (Line & { stateCode: string })[];
  totals: Line;
}

/** The returns of point 27 in the browser: the page's table and totals are the API's figures. */
describe('the returns of point 27 in the browser', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
    const person = (ref: string, p: string, state: string, pathway: string, arrived: string) => ({
      case_ref: ref,
      person_ref: p,
      member_state: state,
      pathway,
      round: '',
      citizenship: 'SYR',
      sex: 'F',
      birth_year: '1990',
      country_of_departure: 'TUR',
      arrived_on: arrived,
    });
    await importPersonsFile({
      db: platform.database.db,
      actor: operator('test-setup'),
      path: writePersonsCsv(dir, [
        person('IT-C-1', 'P1', 'IT', 'community_sponsorship', '2021-03-01'),
        person('IT-C-1', 'P2', 'IT', 'community_sponsorship', '2021-03-01'),
        person('IT-H-1', 'P1', 'IT', 'humanitarian_admission', '2020-10-01'),
        person('DE-L-1', 'P1', 'DE', 'labour', '2021-05-01'),
        person('DE-H-1', 'P1', 'DE', 'humanitarian_admission', '2021-06-01'),
        person('DE-H-1', 'P2', 'DE', 'humanitarian_admission', '2021-06-01'),
        person('DE-H-1', 'P3', 'DE', 'humanitarian_admission', '2021-06-01'),
        person('DE-R-1', 'P1', 'DE', 'resettlement', '2021-06-01'),
      ]),
    });
  });
  afterAll(async () => platform?.close());

  it('shows per state and pathway the persons admitted, with the totals the API gives', async () => {
    const b = await openBrowser();
    try {
      const analyst = await platform.account('commission_analyst');
      await signInThroughPage(b.page, platform, analyst, '/returns?round=2020-2021');
      const page = b.page;
      const api = (await page.evaluate("fetch('/api/reports/admissions?round=2020-2021').then((r) => r.json())")) as Returns;
      expect(api.totals.total).toBe(7); // the resettled person is not in point 27's returns
      const table = page.getByRole('table', { name: /^Persons admitted per Member State and pathway/ });
      await table.waitFor();
      await expect(table.locator('tbody tr').count()).resolves.toBe(api.states.length);
      const footer = (await table.locator('tfoot th, tfoot td').allTextContents()).map((s) => s.trim());
      const support = (s: Line) => [n(s.familyReunification.requests), n(Object.values(s.candidatesAdmitted).reduce((x, y) => x + y, 0))];
      expect(footer).toEqual([
        'Total',
        ...api.pathways.map((p) => n(api.totals.byPathway[p] ?? 0)),
        n(api.totals.total),
        ...support(api.totals),
      ]);
      const germany = (await table.locator('tbody tr', { hasText: 'Germany' }).locator('th, td').allTextContents()).map((s) => s.trim());
      const de = api.states.find((s) => s.stateCode === 'DE')!;
      expect(germany).toEqual(['Germany', ...api.pathways.map((p) => n(de.byPathway[p] ?? 0)), n(de.total), ...support(de)]);

      // The EU-Turkey VHAS: planned, both conditions of P 5(a) shown as not met.
      await page.getByRole('link', { name: 'Programmes' }).click();
      await page.getByRole('link', { name: 'EU-VHAS' }).click();
      await expect(page.getByTestId('programme-status').textContent()).resolves.toBe('Planned');
      await expect(page.getByTestId('conditions').locator('li.unmet').count()).resolves.toBe(2);
    } finally {
      await b.close();
    }
  });
});
