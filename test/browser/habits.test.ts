import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { importPersonsFile } from '../../src/cases/person.import.ts';
import { PERSON_COLUMNS } from '../../src/cases/person-row.ts';
import { axeViolations } from './axe.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Account, type Platform } from './platform.ts';

/**
 * Issue 20, point 4: the habits a caseworker and an analyst expect — the language kept, dates and
 * figures as the EU writes them, a list searched and counted and references in natural order,
 * long tables in pages, the navigation in groups, the authenticator's key as a QR code, an ended
 * round's pledges kept as they are.
 */
const REFS = ['H1459', 'H147', 'H2'];
const person = (caseRef: string): Record<string, string> => ({
  case_ref: caseRef,
  person_ref: 'P1',
  member_state: 'NL',
  pathway: 'resettlement',
  round: '2026-2027',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1990',
  country_of_departure: 'TUR',
});
const csvOf = (people: Record<string, string>[]) =>
  `${[PERSON_COLUMNS.join(','), ...people.map((p) => PERSON_COLUMNS.map((c) => p[c] ?? '').join(','))].join('\r\n')}\r\n`;

describe('habits a caseworker and an analyst expect (issue 20, point 4)', () => {
  let platform: Platform;
  let officer: Account;
  let analyst: Account;
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 1200, seed: 11 });
    await inScope(platform.database.db, operator('test'), (tx) =>
      importPersonsFile({ db: tx, actor: operator('test'), path: { name: 'habits.csv', bytes: Buffer.from(csvOf(REFS.map(person))) } }),
    );
    officer = await platform.account('state_officer', 'NL');
    analyst = await platform.account('commission_analyst');
  }, 300_000);
  afterAll(async () => platform?.close());

  it('enrols with a QR code of the key beside the key in text', async () => {
    const b = await openBrowser();
    try {
      await b.page.goto(`${platform.url}/dashboard`);
      const fresh = await platform.account('state_officer', 'NL');
      await b.page.locator('input[name=username]').fill(fresh.username);
      await b.page.locator('input[name=password]').fill(fresh.password);
      await b.page.locator('#login-form button[type=submit]').click();
      const qr = b.page.getByRole('img', { name: /QR code of the key/ });
      await qr.waitFor();
      expect(await qr.evaluate((e) => e.tagName.toLowerCase())).toBe('svg');
      // A version-7-or-larger code (an otpauth URI is over 100 bytes): at least 45 modules and the quiet zone.
      const side = Number((await qr.getAttribute('viewBox'))!.split(' ')[2]);
      expect(side).toBeGreaterThanOrEqual(45 + 8);
      expect((await b.page.getByTestId('totp-secret').textContent())!.trim()).toMatch(/^[A-Z2-7]{16,}$/);
      expect(await axeViolations(b.page)).toEqual([]);
    } finally {
      await b.close();
    }
  }, 180_000);

  it('keeps the language chosen after a reload, and writes English dates as en-GB', async () => {
    const b = await openBrowser();
    try {
      await signInThroughPage(b.page, platform, officer, '/rounds/2026-2027');
      await b.page.locator('main h1').waitFor();
      expect(await b.page.evaluate(() => document.documentElement.lang)).toBe('en-GB');
      // The round's period as the EU writes it in English: day, month, year.
      await b.page.getByText('1 Jan 2026 – 31 Dec 2027').waitFor();
      await expect(b.page.locator('main').textContent()).resolves.not.toContain('Jan 1, 2026');
      await b.page.locator('select[aria-label=Language]').selectOption('nl');
      await b.page.waitForFunction(() => document.documentElement.lang === 'nl');
      await b.page.reload();
      await b.page.locator('nav.site-nav').waitFor();
      await b.page.waitForFunction(() => document.documentElement.lang === 'nl');
      await b.page.getByRole('link', { name: 'Rondes en toezeggingen' }).waitFor();
      expect(await b.page.locator('select[aria-label=Taal]').inputValue()).toBe('nl');
      const cookie = (await b.context.cookies()).find((c) => c.name === 'pathways_lang');
      expect(cookie).toMatchObject({ value: 'nl', sameSite: 'Lax', httpOnly: false });
      await b.page.locator('select[aria-label=Taal]').selectOption('en');
      await b.page.waitForFunction(() => document.documentElement.lang === 'en-GB');
    } finally {
      await b.close();
    }
  }, 180_000);

  it('sorts references in natural order, searches by reference and counts the cases', async () => {
    const b = await openBrowser();
    try {
      await signInThroughPage(b.page, platform, officer, '/cases');
      const table = b.page.getByRole('table', { name: 'Cases of NL' });
      await table.locator('tbody tr').first().waitFor();
      const total = await b.page.evaluate(
        async () => ((await (await fetch('/api/states/NL/cases?limit=1')).json()) as { total: number }).total,
      );
      expect(total).toBeGreaterThan(REFS.length);
      // The count over all pages: the first page's 50 of the total, or all of them when they fit.
      await expect(b.page.locator('.cases-count').textContent()).resolves.toBe(
        total > 50 ? `Cases shown: 50 of ${total.toLocaleString('en-GB')}; more can be loaded.` : `Showing ${total} cases.`,
      );

      await b.page.getByLabel('Reference contains').fill('h14');
      await b.page.getByRole('button', { name: 'Apply filters' }).click();
      await b.page.waitForFunction(() => new URL(location.href).searchParams.get('ref') === 'h14');
      await expect.poll(async () => await table.locator('tbody tr th a').allTextContents()).toEqual(['H147', 'H1459']);
      await expect(b.page.locator('.cases-count').textContent()).resolves.toBe('Showing 2 cases.');
      await b.page.getByLabel('Reference contains').fill('H');
      await b.page.getByRole('button', { name: 'Apply filters' }).click();
      await expect
        .poll(async () => (await table.locator('tbody tr th a').allTextContents()).filter((r) => /^H\d+$/.test(r)))
        .toEqual(['H2', 'H147', 'H1459']);
      expect(await axeViolations(b.page)).toEqual([]);
    } finally {
      await b.close();
    }
  }, 180_000);

  it('pages a long table (the incentives of a state), its totals over all rows, and groups the navigation', async () => {
    const b = await openBrowser({ width: 1440 });
    try {
      const de = await platform.account('state_officer', 'DE');
      await signInThroughPage(b.page, platform, de, '/incentives?round=2020-2021');
      const report = (await b.page.evaluate(`fetch('/api/rounds/2020-2021/incentives').then((r) => r.json())`)) as {
        persons: unknown[];
        total: { persons: number };
      };
      expect(report.persons.length).toBeGreaterThan(100);
      const persons = b.page.getByTestId('persons');
      await persons.locator('tbody tr').first().waitFor();
      await expect(persons.locator('tbody tr').count()).resolves.toBe(100);
      const n = (x: number) => x.toLocaleString('en-GB');
      await expect(persons.locator('.table-range').textContent()).resolves.toBe(`Rows 1–100 of ${n(report.persons.length)}`);
      await persons.getByRole('button', { name: 'Next' }).click();
      await expect(persons.locator('.table-range').textContent()).resolves.toBe(
        `Rows 101–${n(Math.min(200, report.persons.length))} of ${n(report.persons.length)}`,
      );
      await persons.getByLabel('Rows per page').selectOption('500');
      await expect(persons.locator('tbody tr').count()).resolves.toBe(Math.min(500, report.persons.length));
      // The totals stay those of every person, not of the page shown.
      await expect(b.page.locator('[data-testid=totals] tfoot').textContent()).resolves.toContain(n(report.total.persons));

      // The navigation in labelled groups, each a list of links.
      const groups = b.page.locator('nav.site-nav .nav-group');
      expect(await groups.count()).toBeGreaterThanOrEqual(2);
      await expect(
        b.page.locator('nav.site-nav').getByRole('list', { name: 'Casework' }).getByRole('link', { name: 'Cases' }).count(),
      ).resolves.toBe(1);
      expect(await axeViolations(b.page)).toEqual([]);
    } finally {
      await b.close();
    }
  }, 240_000);

  it('keeps the statistics page within 1440 px: a wide table scrolls in its own box', async () => {
    const b = await openBrowser({ width: 1440 });
    try {
      await signInThroughPage(b.page, platform, analyst, '/statistics');
      await b.page.locator('main h1').waitFor();
      await b.page.waitForFunction(() => !document.querySelector('main .loading'));
      expect(await b.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1440);
      const boxes = await b.page.locator('main .table-scroll').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
      for (const right of boxes) expect(right).toBeLessThanOrEqual(1440);
    } finally {
      await b.close();
    }
  }, 180_000);

  it("shows an ended round's pledges read-only with the reason (the API's refusal: test/api.test.ts)", async () => {
    const b = await openBrowser();
    try {
      await signInThroughPage(b.page, platform, officer, '/rounds/2020-2021');
      const mine = b.page.getByRole('region', { name: /Your state’s pledges/ });
      await mine.getByTestId('pledges-closed').waitFor();
      await expect(mine.getByTestId('pledges-closed').textContent()).resolves.toBe(
        'This round ended on 31 December 2021: its pledges are what it delivered against and can no longer be changed.',
      );
      await expect(mine.getByRole('button', { name: /^Change/ }).count()).resolves.toBe(0);
      await expect(mine.locator('form').count()).resolves.toBe(0);
      expect(await axeViolations(b.page)).toEqual([]);
    } finally {
      await b.close();
    }
  }, 180_000);

  it('lets an administrator set a password and reset the second factor from the web; the account then signs in with them', async () => {
    // A state's administrator and its officer (whose role reads personal data: a second factor is required).
    const target = await platform.account('state_officer', 'NL');
    const first = await openBrowser();
    try {
      await signInThroughPage(first.page, platform, target, '/dashboard');
    } finally {
      await first.close();
    }
    const enrolled = target.totpSecret;
    expect(enrolled).not.toBeNull();

    const b = await openBrowser();
    try {
      const admin = await platform.account('state_admin', 'NL');
      await signInThroughPage(b.page, platform, admin, '/users');
      const page = b.page;
      const row = page
        .getByRole('table', { name: 'Accounts, their roles and status' })
        .locator('tbody tr', { has: page.locator('th', { hasText: target.username }) });
      await row.getByRole('button', { name: `Set a password ${target.username}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Set a password' });
      await dialog.getByLabel(`New password for ${target.username}`).fill('a brand new and long enough password');
      await dialog.getByRole('button', { name: 'Set a password' }).click();
      await expect
        .poll(() => page.getByTestId('reset-done').textContent())
        .toMatch(new RegExp(`^The password of ${target.username} is set; sessions ended: \\d+\\.$`));

      await row.getByRole('button', { name: `Reset the second factor ${target.username}` }).click();
      const confirm = page.getByRole('dialog', { name: 'Reset the second factor' });
      await expect(confirm.textContent()).resolves.toContain(`Forget the authenticator of ${target.username}?`);
      await confirm.getByRole('button', { name: 'Reset the second factor' }).click();
      await expect
        .poll(() => page.getByTestId('reset-done').textContent())
        .toMatch(new RegExp(`^The authenticator of ${target.username} is forgotten`));
      await expect.poll(() => row.getByRole('button', { name: /Reset the second factor/ }).count()).toBe(0);
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await b.close();
    }

    // The new password signs in, and the authenticator is set up again (a new key).
    target.password = 'a brand new and long enough password';
    target.totpSecret = null;
    const again = await openBrowser();
    try {
      await signInThroughPage(again.page, platform, target, '/dashboard');
      expect(target.totpSecret).not.toBeNull();
      expect(target.totpSecret).not.toBe(enrolled);
    } finally {
      await again.close();
    }
  }, 240_000);
});
