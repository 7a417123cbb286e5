import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { savePledges } from '../../src/pledges/pledge.service.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

const ROUND = '2020-2021';
/** A round whose period lasts: its pledges can still change (an ended round's cannot). */
const OPEN_ROUND = '2026-2027';
const n = (x: number) => new Intl.NumberFormat('en').format(x);

interface Listing {
  states: {
    code: string;
    name: string;
    pledged: number;
    carryOver: number;
    pledges: { pathway: string; places: number; carryOver: boolean; countryOfDeparture: string | null; targetGroup: string | null }[];
  }[];
  documentFigures: { source: string | null; locator: string | null; qualifier: string; value: number }[];
}

/** A GET of the API with the page's own session. */
const apiGet = <T>(page: Page, path: string) =>
  page.evaluate(async (p) => {
    const r = await fetch(p);
    return { status: r.status, body: r.ok ? await r.json() : null };
  }, path) as Promise<{ status: number; body: T | null }>;

describe('rounds and pledges in the browser', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
    await inScope(platform.database.db, operator('test'), (tx) =>
      savePledges({
        db: tx,
        actor: operator('test'),
        roundId: OPEN_ROUND,
        source: 'test',
        pledges: [
          {
            roundId: OPEN_ROUND,
            stateCode: 'NL',
            pathway: 'resettlement',
            places: 500,
            carryOver: false,
            countryOfDeparture: null,
            targetGroup: null,
            note: '',
          },
          {
            roundId: OPEN_ROUND,
            stateCode: 'BE',
            pathway: 'resettlement',
            places: 300,
            carryOver: false,
            countryOfDeparture: null,
            targetGroup: null,
            note: '',
          },
        ],
      }),
    );
  });
  afterAll(async () => platform?.close());

  it('shows the pledges per state with the total summed from the API’s pledges, in the round and in the list', async () => {
    const b = await openBrowser();
    try {
      const analyst = await platform.account('commission_analyst');
      await signInThroughPage(b.page, platform, analyst, `/rounds/${ROUND}`);
      const page = b.page;
      const listing = (await apiGet<Listing>(page, `/api/rounds/${ROUND}/pledges?lang=en`)).body!;
      const pledged = listing.states.reduce((s, x) => s + x.pledged, 0);
      const carryOver = listing.states.reduce((s, x) => s + x.carryOver, 0);
      expect(pledged).toBeGreaterThan(0);

      const table = page.getByRole('table', { name: /^Pledges: / });
      await table.waitFor();
      await expect(table.locator('tbody tr').count()).resolves.toBe(listing.states.length);
      const footer = await table.locator('tfoot th, tfoot td').allTextContents();
      expect(footer.slice(0, 3)).toEqual(['Total', n(pledged), n(carryOver)]);
      // Sorting by places keeps every row: the largest pledge comes first when sorted descending.
      await table.getByRole('button', { name: /Places pledged/ }).click();
      await table.getByRole('button', { name: /Places pledged/ }).click();
      const largest = listing.states.reduce((a, s) => (s.pledged > a.pledged ? s : a));
      await expect(table.locator('tbody tr').first().locator('th').textContent()).resolves.toBe(largest.name);
      // The documents' total stands beside it, with the difference from the sum.
      await expect(page.getByTestId('document-figure').first().textContent()).resolves.toContain(
        `Summed from the pledges above: ${n(pledged)}`,
      );
      // An exact figure that differs is said to differ; "fewer than 29 500" (recital 13) holds for the sum.
      const verdicts = await page.getByTestId('document-figure').allTextContents();
      for (const [i, f] of listing.documentFigures.entries()) {
        const expected =
          pledged === f.value
            ? 'The figures agree.'
            : f.qualifier === 'fewer_than' && pledged < f.value
              ? 'the document’s statement holds'
              : 'The figures differ.';
        expect(verdicts[i], `${f.source} ${f.locator}`).toContain(expected);
      }

      await page.getByRole('link', { name: 'All rounds' }).click();
      const rounds = page.getByRole('table', { name: 'Pledging rounds and Union Plans' });
      const row = rounds.locator('tbody tr', { hasText: '2020 pledging round' });
      await expect.poll(() => row.locator('td').nth(2).textContent()).toBe(n(pledged));
    } finally {
      await b.close();
    }
  });

  it('a Member State’s officer changes its pledge and the page shows the new figure, total and history', async () => {
    const b = await openBrowser();
    try {
      const officer = await platform.account('state_officer', 'NL');
      await signInThroughPage(b.page, platform, officer, `/rounds/${OPEN_ROUND}`);
      const page = b.page;
      const before = (await apiGet<Listing>(page, `/api/rounds/${OPEN_ROUND}/pledges?lang=en`)).body!;
      const nl = before.states.find((s) => s.code === 'NL')!;
      const own = nl.pledges.find((p) => p.pathway === 'resettlement' && !p.carryOver && !p.countryOfDeparture && !p.targetGroup)!;
      const places = own.places + 137;
      const total = before.states.reduce((s, x) => s + x.pledged, 0) + 137;

      const mine = page.getByRole('region', { name: /Your state’s pledges/ });
      await mine.getByRole('button', { name: 'Change: Resettlement' }).click();
      const input = mine.getByLabel('Places', { exact: true });
      await expect(input.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
      await expect(mine.getByText(`This pledge exists with ${n(own.places)} places`).count()).resolves.toBe(1);
      await input.fill(String(places));
      await mine.getByRole('button', { name: 'Save the pledge' }).click();
      await mine.getByText('Saved: 0 added, 1 changed, 0 unchanged.').waitFor();

      const table = page.getByRole('table', { name: /^Pledges: / });
      const row = table.locator('tbody tr', { has: page.locator('th', { hasText: nl.name }) });
      await expect.poll(() => row.locator('td').first().textContent()).toBe(n(places));
      await expect.poll(() => table.locator('tfoot td').first().textContent()).toBe(n(total));

      const after = (await apiGet<Listing>(page, `/api/rounds/${OPEN_ROUND}/pledges?lang=en`)).body!;
      expect(after.states.find((s) => s.code === 'NL')!.pledged).toBe(nl.pledged + 137);

      // The history of changes, where the server offers it: the change is its newest line.
      const history = await apiGet<{ changes: unknown[] }>(page, `/api/rounds/${OPEN_ROUND}/pledges/NL/history`);
      if (history.status === 200) {
        const lines = page.getByRole('table', { name: /Changes to the pledges of/ });
        const first = lines.locator('tbody tr').first();
        await expect.poll(() => first.textContent()).toContain(n(places));
        const cells = await first.locator('th, td').allTextContents();
        expect(cells.slice(3, 6)).toEqual([n(own.places), n(places), '+137']);
      } else {
        expect(history.status).toBe(404);
        await expect(page.getByRole('heading', { name: 'History of changes' }).count()).resolves.toBe(0);
      }
    } finally {
      await b.close();
    }
  });

  it('the Commission opens a round: problems beside their fields, then the round’s page', async () => {
    const b = await openBrowser();
    try {
      const analyst = await platform.account('commission_analyst');
      await signInThroughPage(b.page, platform, analyst, '/rounds');
      const page = b.page;
      const id = `t-${Date.now().toString(36)}`;
      await page.getByRole('button', { name: 'Show the form' }).click();
      const form = page.getByRole('form', { name: 'Open a round' });
      await form.getByLabel('Id (required)').fill(id);
      await form.getByLabel('Title (required)').fill('Test Union Plan');
      await form.getByLabel('Legal basis (required)').fill('Regulation (EU) 2024/1350');
      await form.getByLabel('First day (required)').fill('2028-01-01');
      await form.getByLabel('Last day (required)').fill('2027-12-31');
      await form.getByLabel('Target (places)').fill('12000');
      await form.getByRole('button', { name: 'Open the round' }).click();
      // Checked in the page first: the last day before the first.
      await expect(page.locator('[id="round-f-end-error"]').textContent()).resolves.toMatch(/must not be before/);

      // Then by the server: an unknown participating state is refused beside its field.
      await form.getByLabel('Last day (required)').fill('2029-12-31');
      await form.getByLabel('Participating states').fill('NL, XX');
      await form.getByRole('button', { name: 'Open the round' }).click();
      await page.locator('[id="round-f-participants-error"]').waitFor();
      await expect(page.locator('[id="round-f-participants-error"]').textContent()).resolves.toContain('XX');
      await expect(form.getByLabel('Participating states').getAttribute('aria-invalid')).resolves.toBe('true');

      await form.getByLabel('Participating states').fill('NL, BE');
      await form.getByRole('button', { name: 'Open the round' }).click();
      await page.getByRole('heading', { level: 1, name: 'Test Union Plan' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/rounds/${id}`);
      const round = await apiGet<{ target: { value: number }; participants: string[] }>(page, `/api/rounds/${id}`);
      expect(round.body).toMatchObject({ target: { value: 12000 }, participants: ['NL', 'BE'] });
    } finally {
      await b.close();
    }
  });
});
