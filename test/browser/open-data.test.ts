import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../src/api/openapi.types.ts';
import { readHxl } from '../readers/hxl.ts';
import { readSdmxCsv } from '../readers/sdmx-csv.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

type OpenData = components['schemas']['OpenData'];
type StateOfPlay = components['schemas']['StateOfPlay'];

/** The cells of a table's body, row by row, as the page shows them. */
const bodyCells = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => (c.textContent ?? '').trim())));

describe('the open data in the browser', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 1500 });
  });
  afterAll(async () => platform?.close());

  it('opens signed out, shows the figures the public endpoint gives (withheld ones said so) and states the method', async () => {
    const b = await openBrowser({ locale: 'en-GB' });
    try {
      await b.page.goto(`${platform.url}/open-data`);
      await b.page.getByTestId('open-data-states').locator('table').waitFor();
      expect(await b.page.locator('#login-form').count()).toBe(0);
      const o = (await (await b.page.request.get(`${platform.url}/api/open-data/rounds/2020-2021?lang=en`)).json()) as OpenData;
      const shown = await bodyCells(b.page, 'open-data-states');
      expect(shown.map((r) => r[0])).toEqual(o.states.map((s) => s.name));
      const arrived = shown.map((r) => r[3]);
      expect(arrived).toEqual(o.states.map((s) => (s.arrived === null ? 'withheld' : s.arrived.toLocaleString('en-GB'))));
      const departures = await bodyCells(b.page, 'open-data-departures');
      expect(departures.flat()).toContain('withheld');
      expect(await b.page.getByTestId('open-data-method').textContent()).toMatch(/nearest multiple of 5.*1 to 9 persons \(below 10\)/s);
    } finally {
      await b.close();
    }
  }, 120_000);

  it("offers the open data's HXL file, whose figures are the page's", async () => {
    const b = await openBrowser({ locale: 'nl-NL' });
    try {
      await b.page.goto(`${platform.url}/open-data`);
      await b.page.locator('html[lang=nl]').waitFor({ state: 'attached' });
      await b.page.getByTestId('open-data-states').locator('table').waitFor();
      const link = b.page.getByRole('link', { name: /^HXL downloaden\s*: Per lidstaat$/ });
      const href = await link.getAttribute('href');
      expect(href).toBe('/api/open-data/rounds/2020-2021/hxl?lang=nl');
      const hxl = readHxl(await (await b.page.request.get(`${platform.url}${href}`)).text());
      const o = (await (await b.page.request.get(`${platform.url}/api/open-data/rounds/2020-2021?lang=nl`)).json()) as OpenData;
      for (const s of o.states) {
        const row = hxl.rows.find(
          (r) => hxl.value(r, '#country+code-departure') === s.code && hxl.value(r, '#country+code+departure') === '_T',
        )!;
        expect(hxl.value(row, '#affected+refugees+arrived')).toBe(s.arrived === null ? '' : String(s.arrived));
        expect(hxl.value(row, '#targeted+refugees+pledged')).toBe(String(s.pledged));
      }
    } finally {
      await b.close();
    }
  }, 120_000);

  it("gives the Commission the state of play in SDMX-CSV from its page, the same figures as the page's report", async () => {
    const b = await openBrowser({ locale: 'en-GB' });
    try {
      await signInThroughPage(b.page, platform, await platform.account('commission_analyst'), '/state-of-play');
      await b.page.getByTestId('sop-table').locator('table').waitFor();
      const href = await b.page.getByRole('link', { name: /Download SDMX-CSV/ }).getAttribute('href');
      expect(href).toMatch(/^\/api\/exports\/state-of-play\?round=2020-2021&asOf=\d{4}-\d{2}-\d{2}&format=sdmx&lang=en$/);
      const asOf = /asOf=([\d-]+)/.exec(href!)![1];
      const res = await b.page.request.get(`${platform.url}${href}`);
      expect(res.headers()['content-disposition']).toMatch(/state-of-play-2020-2021-.*\.sdmx\.csv/);
      const { observations } = readSdmxCsv(await res.text());
      const sop = (await (
        await b.page.request.get(`${platform.url}/api/rounds/2020-2021/state-of-play?asOf=${asOf}`)
      ).json()) as StateOfPlay;
      for (const s of sop.states) {
        const o = observations.find((x) => x.values.REF_AREA === s.code && x.values.COUNTRY_DEPARTURE === '_T')!;
        expect([Number(o.values.PLEDGED), Number(o.values.ARRIVED)]).toEqual([s.pledged, s.arrived]);
      }
    } finally {
      await b.close();
    }
  }, 120_000);
});
