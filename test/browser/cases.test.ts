import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { allowedMoves, HOLDABLE_STAGES, STAGES, type Status } from '../../src/cases/stage.ts';
import { rows, sql } from '../../src/db/db.ts';
import { signIn } from '../sessions.ts';
import { axeViolations } from './axe.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, totpCode, type Account, type Platform } from './platform.ts';

/**
 * The caseworker's case workspace in a real browser, on the demo households: the list filtered as
 * the API filters it, a case taken from an early stage to arrival with the keyboard alone (and the
 * arrival counted in the state of play), a stale version refused with a reload offered, a hold and
 * resumption of two chosen cases, and saved views kept on the server. Every expectation is read
 * from the API or the database, and every page is checked with axe-core.
 */
const EN = JSON.parse(readFileSync(new URL('../../web/src/i18n/messages/cases.en.json', import.meta.url), 'utf8')) as Record<
  string,
  string
>;
const statusLabel = (s: string) => EN[`cases.status.${s}`]!;

interface Row {
  caseRef: string;
  status: Status;
  persons: number;
  roundId: string | null;
}

describe('the case workspace in the browser', () => {
  let platform: Platform;
  let state: string;
  let api: Awaited<ReturnType<typeof signIn>>;
  let early: Row, stale: Row;
  let bulk: Row[];

  const call = async (method: string, path: string, opts: { json?: unknown; etag?: string } = {}) => {
    const res = await fetch(`${platform.url}${path}`, {
      method,
      headers: {
        ...api.headers,
        ...(opts.json !== undefined ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
        ...(opts.etag ? { 'if-match': opts.etag } : {}),
      },
      body: opts.json !== undefined ? JSON.stringify(opts.json) : undefined,
    });
    // biome-ignore lint/suspicious/noExplicitAny: the tests read the answer's fields as a client would, whatever the route
    return { status: res.status, etag: res.headers.get('etag'), body: (await res.json()) as Record<string, any> };
  };
  /** Every case reference the API lists for a query, following its pages. */
  const apiRefs = async (query: string) => {
    const refs: string[] = [];
    let cursor: string | null = null;
    do {
      const r = await call('GET', `/api/states/${state}/cases?limit=17&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      refs.push(...r.body.cases.map((c: { caseRef: string }) => c.caseRef));
      cursor = r.body.nextCursor;
    } while (cursor);
    return refs;
  };
  const caseOf = async (ref: string) => (await call('GET', `/api/states/${state}/cases/${encodeURIComponent(ref)}`)).body;

  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 1500 });
    // The state with the most cases still before departure, and its cases in the order of the process.
    const open = await inScope(platform.database.db, operator('test'), (tx) =>
      rows<Row & { stateCode: string }>(
        tx,
        sql`SELECT c.state_code AS "stateCode", c.case_ref AS "caseRef", c.status, c.round_id AS "roundId",
                   (SELECT count(*)::int FROM persons p WHERE p.case_id = c.id) AS persons
              FROM cases c WHERE c.status = ANY(${sql.param([...HOLDABLE_STAGES])}::text[]) ORDER BY c.case_ref`,
      ),
    );
    const perState = new Map<string, number>();
    for (const c of open) perState.set(c.stateCode, (perState.get(c.stateCode) ?? 0) + 1);
    state = [...perState].sort((a, b) => b[1] - a[1])[0]![0];
    const ours = open
      .filter((c) => c.stateCode === state)
      .sort((a, b) => STAGES.indexOf(a.status as never) - STAGES.indexOf(b.status as never));
    early = ours[0]!;
    const rest = ours.slice(1);
    const counts = new Map<string, number>();
    for (const c of rest) counts.set(c.status, (counts.get(c.status) ?? 0) + 1);
    const bulkStatus = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    bulk = rest.filter((c) => c.status === bulkStatus).slice(0, 2);
    stale = rest.find((c) => !bulk.includes(c))!;
    expect(bulk).toHaveLength(2);
    expect(stale).toBeDefined();
    api = await signIn(platform.database, { role: 'state_officer', stateCode: state });
  });
  afterAll(async () => platform?.close());

  it('filters the list by status and by a member’s need, showing exactly the API’s cases for the filter, page after page', async () => {
    const b = await openBrowser();
    try {
      const page = b.page;
      await signInThroughPage(page, platform, await platform.account('state_officer', state), '/cases');
      // Unfiltered: every page loaded with "Load more" is the API's list.
      const all = await apiRefs('');
      expect(all.length).toBeGreaterThan(50);
      while (await page.getByRole('button', { name: 'Load more cases' }).isVisible()) {
        const before = await page.locator('table.data-table tbody tr').count();
        await page.getByRole('button', { name: 'Load more cases' }).click();
        await page.waitForFunction((n) => document.querySelectorAll('table.data-table tbody tr').length > n, before);
      }
      expect(await shownRefs(page)).toEqual(all);
      await expect(page.locator('.cases-count').textContent()).resolves.toBe(`Showing ${all.length} cases.`);
      await expectAccessible(page);

      // By status: the most frequent one of the state.
      const statuses = await inScope(platform.database.db, operator('test'), (tx) =>
        rows<{ status: string }>(
          tx,
          sql`SELECT status FROM cases WHERE state_code = ${state} GROUP BY status ORDER BY count(*) DESC, status LIMIT 1`,
        ),
      );
      const status = statuses[0]!.status;
      await page.getByLabel('Status', { exact: true }).selectOption(status);
      await page.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(new RegExp(`[?&]status=${status}`));
      await page.waitForFunction(
        (label) => [...document.querySelectorAll('table.data-table tbody .badge')].every((b) => b.textContent === label),
        statusLabel(status),
      );
      const byStatus = await apiRefs(`status=${status}`);
      expect(byStatus.length).toBeGreaterThan(1);
      expect(await shownRefs(page)).toEqual(byStatus);

      // By need: two households are given a member with a disability; the list is the API's for needs=disability.
      const withNeed = [bulk[0]!.caseRef, stale.caseRef].sort();
      await inScope(platform.database.db, operator('test'), (tx) =>
        tx.execute(sql`UPDATE persons SET needs = '[{"type":"disability","accommodation":"wheelchair access"}]'::jsonb
                        WHERE person_ref = 'P1' AND case_id IN (SELECT id FROM cases WHERE state_code = ${state} AND case_ref = ANY(${sql.param(withNeed)}::text[]))`),
      );
      await page.goto(`${platform.url}/cases?needs=disability`);
      await page.locator('table.data-table').waitFor();
      await expect(page.getByLabel('Specific need of a member').inputValue()).resolves.toBe('disability');
      expect(await shownRefs(page)).toEqual(await apiRefs('needs=disability'));
      expect(await shownRefs(page)).toEqual(withNeed);
      // The household shows the need and the accommodation it needs.
      await page.getByRole('link', { name: stale.caseRef, exact: true }).click();
      await page.getByRole('cell', { name: /Disability — accommodation: wheelchair access/ }).waitFor();
    } finally {
      await b.close();
    }
  });

  it('takes a case from an early stage to arrival with the keyboard alone, and the state of play counts its persons as arrived', async () => {
    const b = await openBrowser();
    try {
      const page = b.page;
      const round = early.roundId!;
      const arrivedBefore = await arrivedIn(round);
      await signInWithKeyboard(page, platform, await platform.account('state_officer', state), '/cases');

      // The list filtered by the case's status, then the case opened: Tab, arrows and Enter only.
      await tabTo(page, 'select[name=status]');
      for (let i = 0; i <= STAGES.indexOf(early.status as never); i++) await page.keyboard.press('ArrowDown');
      await tabTo(page, 'search form button[type=submit]');
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`status=${early.status}`));
      await tabTo(page, `table a[href$="/${encodeURIComponent(early.caseRef)}"]`, 120);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: `Case ${early.caseRef}` }).waitFor();

      // Escape closes a dialog and gives focus back to the button that opened it.
      await tabTo(page, '.case-moves li:first-child button');
      await page.keyboard.press('Enter');
      await page.locator('dialog[open]').waitFor();
      expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
      await expectAccessible(page);
      await page.keyboard.press('Escape');
      await page.locator('dialog').waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.matches('.case-moves li:first-child button'))).toBe(true);

      // Each step: the first move the stage rules open (the next stage), confirmed in its dialog.
      let status: Status = early.status;
      let steps = 0;
      while (status !== 'arrived') {
        const to = allowedMoves({ status, heldFrom: null })[0]!;
        await tabTo(page, '.case-moves li:first-child button');
        await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe(EN[`cases.move.${to}`]);
        await page.keyboard.press(steps % 2 === 0 ? 'Enter' : 'Space');
        await page.locator('dialog[open]').waitFor();
        if (to === 'accepted') {
          await tabTo(page, 'dialog[open] textarea');
          await page.keyboard.type('Accepted after the interview');
        }
        await tabTo(page, 'dialog[open] button[type=submit]');
        await page.keyboard.press(steps % 2 === 0 ? 'Space' : 'Enter');
        await page
          .getByRole('status')
          .filter({ hasText: `moved from “${statusLabel(status)}” to “${statusLabel(to)}”` })
          .waitFor();
        await page.locator('.facts .badge', { hasText: statusLabel(to) }).waitFor();
        status = to;
        steps++;
      }
      const arrived = await caseOf(early.caseRef);
      expect(arrived.status).toBe('arrived');
      const persons = arrived.members.filter((m: { excludedReason: string | null }) => !m.excludedReason).length;
      await page
        .getByRole('status')
        .filter({ hasText: `${persons} ${persons === 1 ? 'person' : 'persons'} recorded as arrived.` })
        .waitFor();
      const history = (await call('GET', `/api/states/${state}/cases/${encodeURIComponent(early.caseRef)}/history`)).body.history as {
        toStatus: string;
        reason: string | null;
      }[];
      expect(
        history
          .slice(-steps)
          .map((h) => h.toStatus)
          .at(-1),
      ).toBe('arrived');
      expect(history.find((h) => h.toStatus === 'accepted')?.reason).toBe('Accepted after the interview');
      // The page's timeline shows the same moves.
      await page
        .locator('.timeline li')
        .nth(history.length - 1)
        .waitFor();
      expect(await arrivedIn(round)).toBe(arrivedBefore + persons);
    } finally {
      await b.close();
    }
  });

  it('refuses a move made on a version someone else changed meanwhile, and offers to reload', async () => {
    const b = await openBrowser();
    try {
      const page = b.page;
      await signInThroughPage(
        page,
        platform,
        await platform.account('state_officer', state),
        `/cases/${encodeURIComponent(stale.caseRef)}`,
      );
      await page.locator('.case-moves button').first().waitFor();
      // Behind the page's back: another caseworker puts the case on hold through the API.
      const read = await call('GET', `/api/states/${state}/cases/${encodeURIComponent(stale.caseRef)}`);
      const held = await call('POST', `/api/states/${state}/cases/${encodeURIComponent(stale.caseRef)}/transitions`, {
        json: { action: 'hold', reason: 'checked by a colleague' },
        etag: read.etag!,
      });
      expect(held.status).toBe(200);

      await page.locator('.case-moves button').first().click();
      await page.locator('dialog[open] button[type=submit]').click();
      const alert = page.locator('dialog[open] [role=alert]');
      await alert.waitFor();
      await expect(alert.textContent()).resolves.toContain('Someone changed this case since you opened it');
      await page.getByRole('button', { name: 'Reload the case' }).click();
      await page.locator('dialog').waitFor({ state: 'detached' });
      await page.locator('.facts .badge', { hasText: statusLabel('on_hold') }).waitFor();
      await page.getByRole('button', { name: `Resume at “${statusLabel(stale.status)}”` }).waitFor();
      expect((await caseOf(stale.caseRef)).version).toBe(read.body.version + 1);
    } finally {
      await b.close();
    }
  });

  it('puts two chosen cases on hold, then resumes them, saying how many in the confirmation and the result', async () => {
    const b = await openBrowser();
    try {
      const page = b.page;
      const refs = bulk.map((c) => c.caseRef);
      const from = bulk[0]!.status;
      await signInThroughPage(page, platform, await platform.account('state_officer', state), `/cases?status=${from}`);
      await page.locator('table.data-table').waitFor();
      for (const ref of refs) await page.getByLabel(`Select case ${ref}`, { exact: true }).check();
      await expect(page.getByText('Selected: 2').isVisible()).resolves.toBe(true);
      await page.getByRole('button', { name: 'Put on hold…' }).click();
      const dialog = page.locator('dialog[open]');
      await dialog.getByRole('heading', { name: 'Put 2 cases on hold' }).waitFor();
      await dialog.getByRole('button', { name: 'Put 2 cases on hold' }).click();
      await dialog.getByRole('alert').filter({ hasText: 'Give a reason.' }).waitFor();
      await dialog.getByLabel('Reason (required)').fill('Flights suspended');
      await dialog.getByRole('button', { name: 'Put 2 cases on hold' }).click();
      await page.getByRole('status').filter({ hasText: '2 cases put on hold.' }).waitFor();
      for (const ref of refs) expect(await caseOf(ref)).toMatchObject({ status: 'on_hold', heldFrom: from });
      // Held cases leave a list filtered on their former status.
      await page.waitForFunction((r) => r.every((ref) => !document.body.innerText.includes(ref)), refs);

      await page.goto(`${platform.url}/cases?status=on_hold`);
      await page.locator('table.data-table').waitFor();
      for (const ref of refs) await page.getByLabel(`Select case ${ref}`, { exact: true }).check();
      await page.getByRole('button', { name: 'Resume…' }).click();
      await dialog.getByRole('heading', { name: 'Resume 2 cases' }).waitFor();
      await dialog.getByLabel('Reason (required)').fill('Flights resumed');
      await dialog.getByRole('button', { name: 'Resume 2 cases' }).click();
      await page.getByRole('status').filter({ hasText: '2 cases resumed.' }).waitFor();
      for (const ref of refs) {
        expect(await caseOf(ref)).toMatchObject({ status: from, heldFrom: null });
        const history = (await call('GET', `/api/states/${state}/cases/${encodeURIComponent(ref)}/history`)).body.history as {
          toStatus: string;
          reason: string;
        }[];
        expect(history.slice(-2).map((h) => [h.toStatus, h.reason])).toEqual([
          ['on_hold', 'Flights suspended'],
          [from, 'Flights resumed'],
        ]);
      }
    } finally {
      await b.close();
    }
  });

  it('saves the filters as a named view on the server, opens it again from the list, and deletes it; nothing is kept in the browser', async () => {
    const b = await openBrowser();
    try {
      const page = b.page;
      const status = bulk[0]!.status;
      await signInThroughPage(page, platform, await platform.account('state_officer', state), `/cases?status=${status}&sort=-case_ref`);
      await page.getByRole('heading', { name: 'Saved views' }).waitFor();
      await page.getByLabel('Name for the current filters').fill('My view, newest reference first');
      await page.getByRole('button', { name: 'Save view' }).click();
      await page.getByRole('status').filter({ hasText: 'View “My view, newest reference first” saved.' }).waitFor();
      const saved = await page.evaluate(async () => (await fetch('/api/views?area=cases')).json());
      expect(saved.views).toEqual([
        { id: expect.any(Number), area: 'cases', name: 'My view, newest reference first', params: { status, sort: '-case_ref' } },
      ]);

      await page.getByRole('button', { name: 'Clear filters' }).click();
      await page.waitForURL(/\/cases$/);
      await page.getByRole('link', { name: 'My view, newest reference first' }).click();
      await page.waitForURL(new RegExp(`status=${status}`));
      await page.waitForFunction(
        (label) => [...document.querySelectorAll('table.data-table tbody .badge')].every((x) => x.textContent === label),
        statusLabel(status),
      );
      expect(await shownRefs(page)).toEqual(await apiRefs(`status=${status}&sort=-case_ref`));

      await page.getByRole('button', { name: 'Delete My view, newest reference first' }).click();
      await page.getByRole('status').filter({ hasText: 'deleted' }).waitFor();
      await page.getByText('No saved views yet.', { exact: false }).waitFor();
      const stored = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookies: document.cookie }));
      expect(stored).toEqual({ local: 0, session: 0, cookies: '' });
    } finally {
      await b.close();
    }
  });

  /** The persons arrived in a state in a round, as the state of play reports them. */
  async function arrivedIn(round: string): Promise<number> {
    const r = await call('GET', `/api/rounds/${round}/state-of-play`);
    expect(r.status).toBe(200);
    return (r.body.states as { code: string; arrived: number }[]).find((s) => s.code === state)?.arrived ?? 0;
  }
});

/** The case references the list shows, in its order. */
const shownRefs = (page: Page) => page.locator('table.data-table tbody th a').allTextContents();

/** Tab until the focused element matches `selector` (checked first: it may already have focus). */
async function tabTo(page: Page, selector: string, max = 60): Promise<void> {
  for (let i = 0; i <= max; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.matches(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab did not reach ${selector} in ${max} presses`);
}

/** Signs in by typing: the name field has focus, Tab to the password, Enter; then the authenticator's code. */
async function signInWithKeyboard(page: Page, platform: Platform, account: Account, path: string): Promise<void> {
  await page.goto(`${platform.url}${path}`);
  await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'username');
  await page.keyboard.type(account.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(account.password);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'code');
  account.totpSecret = (await page.getByTestId('totp-secret').textContent())!.trim();
  await page.keyboard.type(await totpCode(account));
  await page.keyboard.press('Enter');
  await page.locator('nav.site-nav').waitFor();
}

/** No WCAG 2.1 A/AA violation that axe-core finds on the page as it is now. */
async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}
