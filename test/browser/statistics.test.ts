import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNHCR_ARRIVALS } from '../databases.ts';
import { axeViolations } from './axe.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

/** UNHCR's public file (CC BY 4.0), shipped with the platform: data/unhcr/README.md. */
const UNHCR_FILE = fileURLToPath(UNHCR_ARRIVALS);

interface Reconciliation {
  rows: {
    stateCode: string;
    platform: { persons: number };
    sources: { status: string; value: number | null; difference: number | null; dataset: { source: string } }[];
  }[];
}

/** Reference statistics in the browser: the Commission uploads UNHCR's file through the page and sees the reconciliation, source by source. */
describe('reference statistics in the browser', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 800, seed: 7 });
  });
  afterAll(async () => platform?.close());

  it("imports UNHCR's file through the page and shows the platform's arrivals beside UNHCR's, accessible in English and Dutch", async () => {
    const b = await openBrowser({ locale: 'en-GB' });
    try {
      const analyst = await platform.account('commission_analyst');
      await signInThroughPage(b.page, platform, analyst, '/statistics?year=2021');
      const page = b.page;
      await page.getByText('No reference statistics have been imported yet.').waitFor();
      await page.locator('#statistics-source').selectOption('unhcr');
      await page.locator('#statistics-extracted').fill('2025-12-01');
      await page.locator('#statistics-file').setInputFiles(UNHCR_FILE);
      await page.getByRole('button', { name: 'Import' }).click();
      await page.getByText(/^Imported as dataset \d+ \(UNHCR\): 1,076 figures\.$/).waitFor();
      await page.getByTestId('statistics-datasets').locator('tbody tr').first().waitFor();

      const api = (await page.evaluate("fetch('/api/statistics/reconciliation?year=2021').then((r) => r.json())")) as Reconciliation;
      const table = page.getByTestId('reconciliation').locator('table');
      await table.waitFor();
      await expect(table.locator('tbody tr').count()).resolves.toBe(api.rows.length);
      const n = (x: number) => new Intl.NumberFormat('en').format(x);
      const cells = async (name: string) =>
        (await table.locator('tbody tr', { hasText: name }).first().locator('th, td').allTextContents()).map((s) => s.trim());
      const de = api.rows.find((r) => r.stateCode === 'DE')!;
      const germany = await cells('Germany');
      expect(germany.slice(0, 2)).toEqual(['Germany', n(de.platform.persons)]);
      expect(germany.slice(3, 5)).toEqual([
        n(de.sources[0]!.value!),
        `${de.sources[0]!.difference! > 0 ? '+' : ''}${n(de.sources[0]!.difference!)}`,
      ]);
      // France 2021: UNHCR publishes no row, and the page says so instead of a zero.
      expect(api.rows.find((r) => r.stateCode === 'FR')!.sources[0]).toMatchObject({ status: 'no_row', value: null });
      expect((await cells('France'))[3]).toBe('no row');
      // The reconciliation in HXL, as the server exports it: the hashtag row under the header, Germany's UNHCR figure.
      const href = (await page.getByTestId('reconciliation-downloads').locator('a', { hasText: 'Download HXL' }).getAttribute('href'))!;
      const hxl = (await page.evaluate(`fetch(${JSON.stringify(href)}).then((r) => r.text())`)) as string;
      expect(hxl.split(/\r?\n/)[1]).toMatch(/^#country\+code,#date\+year,#meta\+source/);
      expect(hxl).toContain(`DE,2021,UNHCR,`);
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.locator('h1').count()).toBe(1);
    } finally {
      await b.close();
    }

    // A state's officer reads the same page in Dutch.
    const nl = await openBrowser({ locale: 'nl-NL' });
    try {
      const officer = await platform.account('state_officer', 'DE');
      await signInThroughPage(nl.page, platform, officer, '/statistics?year=2021');
      const table = nl.page.getByTestId('reconciliation').locator('table');
      await table.waitFor();
      await expect(table.locator('tbody tr', { hasText: 'Frankrijk' }).first().locator('td').nth(2).textContent()).resolves.toBe(
        'geen rij',
      );
      await expect(nl.page.getByRole('button', { name: 'Importeren' }).count()).resolves.toBe(0);
      await nl.page.getByTestId('statistics-document').waitFor();
      expect(await axeViolations(nl.page)).toEqual([]);
    } finally {
      await nl.close();
    }
  }, 240_000);
});
