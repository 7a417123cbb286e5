import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '../../src/api/openapi.types.ts';
import { toCsv } from '../../src/presentation/table.ts';
import { stateOfPlayCsvRows } from '../../src/state-of-play/state-of-play.present.ts';
import type { StateOfPlay as DomainStateOfPlay } from '../../src/state-of-play/state-of-play.ts';
import { EUROPE_GEO_FILE, makeEuropeGeo } from '../../web/src/charts/make-europe-geo.ts';
import { axeViolations } from './axe.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

type StateOfPlay = components['schemas']['StateOfPlay'];
type Round = components['schemas']['Round'];

const catalogue = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../web/src/i18n/messages/${name}.json`, import.meta.url), 'utf8')) as Record<string, string>;
const dashboardNl = catalogue('dashboard.nl');
const stateOfPlayNl = catalogue('stateOfPlay.nl');

/** The figures as the API gives them, read through the browser's own session. */
async function apiGet<T>(page: Page, path: string): Promise<T> {
  const r = await page.request.get(path);
  expect(r.status()).toBe(200);
  return (await r.json()) as T;
}

const digits = (s: string | null) => Number((s ?? '').replace(/[^\d]/g, ''));
const percent = (v: number, locale = 'en') =>
  new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);

describe('the EU dashboard and the state of play in the browser', () => {
  let platform: Platform;
  let round: Round;
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 2000 });
  });
  afterAll(async () => platform?.close());

  const openDashboard = async (page: Page) => {
    const analyst = await platform.account('commission_analyst');
    await signInThroughPage(page, platform, analyst, '/dashboard');
    await page.getByTestId('figure-pledged').waitFor();
    round = await shownRound(page);
  };

  /** The round the page shows (the default one: the address names none), as the API lists it. */
  const shownRound = async (page: Page): Promise<Round> => {
    const id = await page.locator('select[name=round]').inputValue();
    const rounds = await apiGet<{ rounds: Round[] }>(page, `${platform.url}/api/rounds`);
    return rounds.rounds.find((r) => r.id === id)!;
  };

  it('keeps the map out of the first load, and fetches it when the dashboard draws it', async () => {
    const b = await openBrowser();
    try {
      const requested: string[] = [];
      b.page.on('request', (r) => requested.push(new URL(r.url()).pathname));
      await b.page.goto(`${platform.url}/dashboard`);
      await b.page.locator('#login-form').waitFor();
      await b.page.waitForLoadState('networkidle');
      expect(requested.some((p) => p.endsWith('.js'))).toBe(true);
      expect(requested.filter((p) => /europe-map|\/chart-/.test(p))).toEqual([]);

      await openDashboard(b.page);
      await b.page.locator('[data-testid=panel-map] [role=img]').waitFor();
      expect(requested.filter((p) => /\/assets\/europe-map-[\w-]+\.js$/.test(p))).toHaveLength(1);
      // The map is drawn: one shape per state of the round with a pledge, at least.
      const sop = await apiGet<StateOfPlay>(b.page, `${platform.url}/api/rounds/${round.id}/state-of-play`);
      await expect
        .poll(() => b.page.locator('[data-testid=panel-map] svg path').count())
        .toBeGreaterThan(sop.states.filter((s) => s.pledged > 0).length);
    } finally {
      await b.close();
    }
  });

  it('shows the key figures and the table of pledged and arrived as the API has them, before the forecast is in', async () => {
    const b = await openBrowser();
    try {
      // The forecast is held back until the rest has been checked: nothing else waits for it.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      await b.page.route('**/forecast*', async (route) => {
        await held;
        await route.continue();
      });
      await openDashboard(b.page);
      await expect(b.page.getByTestId('panel-forecast').getByRole('status').textContent()).resolves.toMatch(/Simulating/);

      const sop = await apiGet<StateOfPlay>(b.page, `${platform.url}/api/rounds/${round.id}/state-of-play`);
      const figure = (id: string) => b.page.getByTestId(`figure-${id}`).textContent();
      expect(digits(await figure('pledged'))).toBe(sop.totals.pledged);
      expect(digits(await figure('arrived'))).toBe(sop.totals.arrived);
      expect(digits(await figure('target'))).toBe(sop.target);
      expect(await figure('share-of-pledges')).toBe(percent(sop.totals.arrived / sop.totals.pledged));
      expect(await figure('share-of-target')).toBe(percent(sop.totals.arrived / sop.target!));
      expect(sop.totals.arrived).toBeGreaterThan(0);

      const panel = b.page.getByTestId('panel-states');
      await panel.getByRole('button', { name: /Show as table/ }).click();
      const rows = await panel
        .locator('tbody tr')
        .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')));
      expect(rows).toHaveLength(sop.states.length);
      expect(rows.map((r) => [r[0], digits(r[1]!), digits(r[2]!), digits(r[3]!)])).toEqual(
        sop.states.map((s) => [s.name, s.pledged, s.carryOver, s.arrived]),
      );
      const footer = await panel.locator('tfoot th, tfoot td').allTextContents();
      expect(digits(footer[1]!)).toBe(sop.totals.pledged);
      expect(digits(footer[3]!)).toBe(sop.totals.arrived);
      expect(await axeViolations(b.page, { bestPractice: true })).toEqual([]);

      release();
      const forecast = b.page.getByTestId('panel-forecast');
      await forecast.locator('[role=img]').waitFor({ timeout: 60_000 });
      expect(await forecast.textContent()).toMatch(/80% interval/);
      expect(await axeViolations(b.page, { bestPractice: true })).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('speaks Dutch when Nederlands is chosen: headings from the catalogue, state names from the API', async () => {
    const b = await openBrowser();
    try {
      await openDashboard(b.page);
      await b.page.getByLabel('Language').selectOption('nl');
      await b.page.waitForFunction(() => document.documentElement.lang === 'nl');
      await expect(b.page.locator('h1').textContent()).resolves.toBe(dashboardNl['dashboard.title']);
      const headings = await b.page.locator('h2').allTextContents();
      expect(headings).toContain(dashboardNl['dashboard.states.title']);
      expect(headings).toContain(dashboardNl['dashboard.map.title']);
      const sop = await apiGet<StateOfPlay>(b.page, `${platform.url}/api/rounds/${round.id}/state-of-play?lang=nl`);
      const panel = b.page.getByTestId('panel-states');
      await panel.getByRole('button', { name: /Als tabel tonen/ }).click();
      await expect(panel.locator('thead th').first().textContent()).resolves.toContain(stateOfPlayNl['stateOfPlay.col.state']);
      await expect(panel.locator('tbody th').allTextContents()).resolves.toEqual(sop.states.map((s) => s.name));
      expect(sop.states.map((s) => s.name)).toContain('Duitsland');
    } finally {
      await b.close();
    }
  });

  it('downloads the state of play as the command line writes it, and prints the table whole', async () => {
    const b = await openBrowser();
    try {
      const analyst = await platform.account('commission_analyst');
      await signInThroughPage(b.page, platform, analyst, '/state-of-play');
      await b.page.getByTestId('sop-table').waitFor();
      const shown = await shownRound(b.page);
      const sop = await apiGet<StateOfPlay>(b.page, `${platform.url}/api/rounds/${shown.id}/state-of-play?lang=en`);

      // The totals row is the sum of the rows, and equals the API's totals.
      const footer = await b.page.locator('[data-testid=sop-table] tfoot').locator('th, td').allTextContents();
      expect([digits(footer[2]!), digits(footer[4]!)]).toEqual([sop.totals.pledged, sop.totals.arrived]);
      expect(sop.states.reduce((n, s) => n + s.pledged, 0)).toBe(sop.totals.pledged);
      // The document's figure beside the computed one, and the difference, never hidden.
      const annex = sop.documentFigures.find((f) => f.locator === 'Annex (TOTAAL)')!;
      // The Annex's own word for its total row stays Dutch, marked as the document's (issue 20).
      const line = b.page.locator('.documents tbody tr', { has: b.page.locator('q[lang=nl]', { hasText: /^TOTAAL$/ }) });
      expect(digits(await line.locator('td').nth(1).textContent())).toBe(annex.value);
      expect(digits(await line.locator('td').nth(3).textContent())).toBe(annex.computed);
      await expect(line.getByTestId('difference').textContent()).resolves.toBe(
        new Intl.NumberFormat('en', { signDisplay: 'exceptZero' }).format(annex.difference!),
      );

      const [download] = await Promise.all([b.page.waitForEvent('download'), b.page.getByRole('button', { name: /Download CSV/ }).click()]);
      const file = readFileSync((await download.path())!, 'utf8');
      const { headers, rows } = stateOfPlayCsvRows(sop as unknown as DomainStateOfPlay);
      expect(file).toBe(`\ufeff${toCsv(headers, rows)}`);
      const lines = file.trim().split('\r\n');
      expect(lines).toHaveLength(sop.states.length + 2);
      expect(lines.at(-1)!.split(',').slice(0, 5)).toEqual([
        'EU',
        'total',
        String(sop.totals.pledged),
        String(sop.totals.carryOver),
        String(sop.totals.arrived),
      ]);

      // Printed: title and date on top, the header row repeated on every page, rows not cut, totals once.
      await b.page.emulateMedia({ media: 'print' });
      const print = await b.page.evaluate(() => {
        const style = (sel: string) => getComputedStyle(document.querySelector(sel)!);
        return {
          title: style('h1').display,
          asOf: style('[data-testid=as-of]').display,
          thead: style('[data-testid=sop-table] thead').display,
          tfoot: style('[data-testid=sop-table] tfoot').display,
          row: style('[data-testid=sop-table] tbody tr').breakInside,
          headerShown: style('[data-testid=sop-table] thead button.sort').display !== 'none',
          nav: style('nav.site-nav').display,
        };
      });
      expect(print).toEqual({
        title: 'block',
        asOf: 'block',
        thead: 'table-header-group',
        tfoot: 'table-row-group',
        row: 'avoid',
        headerShown: true,
        nav: 'none',
      });
      await b.page.emulateMedia({ media: 'screen' });
      expect(await axeViolations(b.page, { bestPractice: true })).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('draws the map from a GeoJSON that is what make-europe-geo.ts makes of world-atlas', () => {
    expect(readFileSync(EUROPE_GEO_FILE, 'utf8')).toBe(makeEuropeGeo());
  });
});
