import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseFieldsFor } from '../../src/access/fields.ts';
import { operator } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { allowedMoves, type Status } from '../../src/cases/stage.ts';
import { rows, sql } from '../../src/db/db.ts';
import { signIn } from '../sessions.ts';
import { axeViolations } from './axe.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

/**
 * Community sponsorship end to end in real browsers: a state's officer records a sponsor's
 * application, its member's checks and the sponsor's, moves it applied → screened → approved,
 * publishes a scheme (a criterion on religion refused first, with the article) and a memorandum,
 * and matches the sponsor to a household before arrival. The sponsor signs in in its own browser
 * (real TOTP), sees the household in its phases' fields only and its tasks, marks one done and
 * writes to the state. The officer records the arrival on the case page, then a breakdown: the
 * sponsor's portal no longer shows the household, and the breakdown is counted. Every page passes
 * axe-core; the breakdown is recorded with the keyboard alone.
 */
const EN = {
  ...(JSON.parse(readFileSync(new URL('../../web/src/i18n/messages/cases.en.json', import.meta.url), 'utf8')) as Record<string, string>),
  ...(JSON.parse(readFileSync(new URL('../../web/src/i18n/messages/sponsorship.en.json', import.meta.url), 'utf8')) as Record<
    string,
    string
  >),
};

describe('community sponsorship in the browser', () => {
  let platform: Platform;
  let state: string;
  let household: { caseRef: string; status: Status; persons: number };
  const organisation = `welcome-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 600 });
    // A resettlement household before arrival (departed or travel arranged), without specific needs, in the state that has most.
    const found = await inScope(platform.database.db, operator('test'), (tx) =>
      rows<{ stateCode: string; caseRef: string; status: Status; persons: number }>(
        tx,
        sql`SELECT c.state_code AS "stateCode", c.case_ref AS "caseRef", c.status, (SELECT count(*)::int FROM persons p WHERE p.case_id = c.id) AS persons
              FROM cases c
             WHERE c.status IN ('departed', 'travel_arranged', 'pre_departure') AND c.pathway = 'resettlement'
               AND NOT EXISTS (SELECT 1 FROM persons p WHERE p.case_id = c.id AND p.needs <> '[]'::jsonb)
             ORDER BY CASE c.status WHEN 'departed' THEN 0 WHEN 'travel_arranged' THEN 1 ELSE 2 END, c.id LIMIT 1`,
      ),
    );
    expect(found).toHaveLength(1);
    state = found[0]!.stateCode;
    household = found[0]!;
  });
  afterAll(async () => platform?.close());

  it('runs from the application to the safety net, each side seeing only what it may', async () => {
    const officer = await openBrowser();
    const sponsorBrowser = await openBrowser();
    try {
      const page = officer.page;
      await signInThroughPage(page, platform, await platform.account('state_officer', state), '/sponsors');

      // The application.
      await page.getByRole('heading', { level: 1, name: 'Sponsors' }).waitFor();
      await expectAccessible(page);
      await page.getByLabel('Name', { exact: true }).fill('Welkom Utrecht');
      await page.getByLabel('Organisation code').fill(organisation);
      await page.getByLabel('Kind').selectOption('group');
      await page.getByLabel('Largest household it can support').fill(String(Math.max(household.persons, 2)));
      await page.getByRole('button', { name: 'Record the application' }).click();
      await page.getByRole('heading', { level: 1, name: 'Welkom Utrecht' }).waitFor();
      await page.locator('.facts .badge', { hasText: 'Applied' }).waitFor();

      // A member, her checks, the sponsor's checks; screened, then approved.
      await page.getByRole('form', { name: 'Add a member' }).getByLabel('Name').fill('Anna de Vries');
      await page.getByRole('button', { name: 'Add a member' }).click();
      await page.getByRole('rowheader', { name: 'Anna de Vries' }).waitFor();
      const checks = page.getByRole('form', { name: 'Record the check' });
      let recorded = 0;
      for (const check of ['Identity', 'Criminal record', 'Safeguarding', 'Financial capacity', 'Housing', 'Training']) {
        await checks.getByLabel('Check', { exact: true }).selectOption({ label: check });
        await checks.getByRole('button', { name: 'Record the check' }).click();
        recorded++;
        await page.waitForFunction(
          (n) => document.querySelectorAll('table.data-table')[1]?.querySelectorAll('tbody tr').length === n,
          recorded,
        );
      }
      await page.getByRole('cell', { name: 'Cleared' }).waitFor();
      for (const [to, label] of [
        ['screened', 'Screened'],
        ['approved', 'Approved'],
      ] as const) {
        await page.getByRole('button', { name: `Move to ${label}` }).click();
        const dialog = page.locator('dialog[open]');
        await dialog.waitFor();
        await expectAccessible(page);
        await dialog.getByRole('button', { name: 'Confirm the move' }).click();
        await page.locator('dialog').waitFor({ state: 'detached' });
        await page.locator('.facts .badge', { hasText: label }).waitFor();
        expect(to).toBeTruthy();
      }
      await expectAccessible(page);

      // A scheme: a criterion on religion is refused, with the article; needs-based ones are published.
      await page.getByRole('link', { name: 'Schemes' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sponsorship schemes' }).waitFor();
      await page.getByLabel('Code').fill('CS-1');
      await page.getByLabel('Title').fill('Community sponsorship');
      await page.getByLabel('Wording').fill('Christian families');
      await page.getByLabel('Field').selectOption('');
      await page.getByRole('button', { name: 'Publish' }).click();
      await page
        .getByRole('alert')
        .locator('li', { hasText: '“Christian families” selects on religion or belief (Charter of Fundamental Rights, art. 21(1)).' })
        .waitFor();
      await expectAccessible(page);
      await page.getByLabel('Wording').fill('Household of at most 8 persons');
      await page.getByLabel('Field').selectOption('householdSize');
      await page.getByLabel('Operator').selectOption('lte');
      await page.getByLabel('Value').fill('8');
      await page.getByRole('button', { name: 'Publish' }).click();
      await page.getByRole('heading', { level: 2, name: 'CS-1 — Community sponsorship' }).waitFor();
      await expectAccessible(page);

      // A memorandum, the sponsor a party. The schemes page has a Code and a Title field too, and it
      // stays on screen while the memoranda page loads (a chunk of its own): the form is filled only
      // once the memoranda page is there, and only within its form.
      await page.getByRole('link', { name: 'Memoranda of understanding' }).click();
      await page.getByRole('heading', { level: 1, name: 'Memoranda of understanding' }).waitFor();
      const memorandum = page.getByRole('region', { name: 'Record a memorandum' });
      await memorandum.getByLabel('Code').fill('HC-1');
      await memorandum.getByLabel('Title').fill('Humanitarian corridor 2026');
      await memorandum.getByLabel('Welkom Utrecht').check();
      await memorandum.getByLabel('Valid from').fill('2026-01-01');
      await memorandum.getByLabel('Places').fill('20');
      await memorandum.getByLabel('Travel').check();
      await memorandum.getByRole('button', { name: 'Record', exact: true }).click();
      await page.getByRole('heading', { level: 2, name: 'HC-1 — Humanitarian corridor 2026' }).waitFor();
      await expectAccessible(page);

      // The match, from the sponsor's page.
      await page.getByRole('link', { name: 'Sponsors' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Sponsors' }).waitFor();
      await page.getByRole('link', { name: 'Welkom Utrecht' }).click();
      await page.getByRole('heading', { level: 1, name: 'Welkom Utrecht' }).waitFor();
      await page.getByLabel('Case reference of the household').fill(household.caseRef);
      await page.getByRole('button', { name: 'Match the sponsor to the household' }).click();
      await page.getByRole('heading', { level: 1, name: `Sponsorship of ${household.caseRef} by Welkom Utrecht` }).waitFor();
      const sponsorshipUrl = page.url();
      await expectAccessible(page);

      // The sponsor, in its own browser.
      const portal = sponsorBrowser.page;
      await signInThroughPage(portal, platform, await platform.account('sponsor', state, organisation), '/sponsor');
      await portal.getByRole('heading', { level: 1, name: 'My sponsorship' }).waitFor();
      await portal.getByRole('heading', { name: new RegExp(`^Household ${esc(household.caseRef)}`) }).waitFor();
      // Only the fields of its phases (pre-departure, reception, housing, integration, finance): no citizenship, no category.
      const shown = caseFieldsFor({ id: 'x', userId: null, username: 'x', role: 'sponsor', stateCode: state, organisation }, [
        'pre_departure',
        'reception',
        'housing',
        'integration',
        'finance',
      ]);
      expect(shown.member).not.toContain('citizenship');
      const headers = (
        await portal
          .getByRole('table', { name: new RegExp(`^Members of household ${esc(household.caseRef)}`) })
          .locator('thead th')
          .allTextContents()
      ).join(' | ');
      expect(headers).toContain('Year of birth');
      expect(headers).not.toMatch(/Citizenship|Nationality|category/i);
      await portal.getByRole('table', { name: `Who does what for household ${household.caseRef}` }).waitFor();
      await expectAccessible(portal);
      // A task done; a message sent.
      await portal.getByRole('button', { name: 'Mark “Share the orientation pack” done' }).click();
      await portal
        .getByText(/^Done on \d{4}-\d{2}-\d{2}$/)
        .first()
        .waitFor();
      await portal.getByRole('textbox', { name: 'Message' }).fill('The room is ready; we will meet the family at the airport.');
      await portal.getByRole('button', { name: 'Send' }).click();
      await portal.getByText('The room is ready; we will meet the family at the airport.').waitFor();
      await expectAccessible(portal);

      // The officer sees the message, and records the arrival on the case page.
      await page.goto(sponsorshipUrl);
      await page.getByText('The room is ready; we will meet the family at the airport.').waitFor();
      await page.getByRole('link', { name: household.caseRef, exact: true }).first().click();
      await page.getByRole('heading', { level: 1, name: `Case ${household.caseRef}` }).waitFor();
      let status = household.status;
      while (status !== 'arrived') {
        const to = allowedMoves({ status, heldFrom: null })[0]!;
        await page.locator('.case-moves li:first-child button').click();
        await page.locator('dialog[open]').waitFor();
        await page.locator('dialog[open] button[type=submit]').click();
        await page.locator('.facts .badge', { hasText: EN[`cases.status.${to}`]! }).waitFor();
        status = to;
      }

      // The breakdown, with the keyboard alone.
      await page.goto(sponsorshipUrl);
      await page.getByRole('heading', { level: 1, name: `Sponsorship of ${household.caseRef} by Welkom Utrecht` }).waitFor();
      await tabTo(page, 'button.button-danger');
      await page.keyboard.press('Enter');
      await page.locator('dialog[open]').waitFor();
      await expectAccessible(page);
      await tabTo(page, 'dialog[open] textarea');
      await page.keyboard.type('The group could no longer house the family');
      await tabTo(page, 'dialog[open] button[type=submit]');
      await page.keyboard.press('Enter');
      await page.locator('dialog').waitFor({ state: 'detached' });
      await page.locator('.facts .badge', { hasText: 'Broken down' }).waitFor();
      await page.getByRole('cell', { name: /Housing ready before arrival \(taken over by the state\)/ }).waitFor();

      // The sponsor's portal no longer shows the household.
      await portal.reload();
      await portal.getByText('You support no household at the moment.').waitFor();
      expect(await portal.getByRole('heading', { name: new RegExp(`^Household ${esc(household.caseRef)}`) }).count()).toBe(0);
      await portal.getByText('No tasks.').waitFor();

      // Counted: 1 broken down for the state, with its reason.
      await page.getByRole('link', { name: 'Sponsorships and breakdowns' }).click();
      const counts = page.getByRole('table', { name: 'Sponsorships per Member State' });
      await counts.waitFor();
      const row = counts.locator('tbody tr', { hasText: state });
      expect((await row.locator('td').allTextContents()).map((c) => c.trim())).toEqual(['0', '0', '1']);
      await page
        .getByRole('table', { name: 'Breakdowns, with their reasons' })
        .getByRole('cell', { name: 'The group could no longer house the family' })
        .waitFor();
      await expectAccessible(page);

      // The API agrees: the case arrived and kept its stage; the Commission counts the breakdown.
      const commission = await signIn(platform.database, { role: 'commission_analyst' });
      const figures = (await (await fetch(`${platform.url}/api/sponsorships/breakdowns`, { headers: commission.headers })).json()) as {
        counts: { stateCode: string; brokenDown: number }[];
        breakdowns: unknown[];
      };
      expect(figures.counts.find((c) => c.stateCode === state)?.brokenDown).toBe(1);
      expect(figures.breakdowns).toEqual([]);
      const [c] = await inScope(platform.database.db, operator('test'), (tx) =>
        rows<{ status: string }>(tx, sql`SELECT status FROM cases WHERE state_code = ${state} AND case_ref = ${household.caseRef}`),
      );
      expect(c!.status).toBe('arrived');
    } finally {
      await officer.close();
      await sponsorBrowser.close();
    }
  });
});

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function expectAccessible(page: Page): Promise<void> {
  await page
    .locator('.loading')
    .first()
    .waitFor({ state: 'detached', timeout: 20_000 })
    .catch(() => undefined);
  expect(await axeViolations(page)).toEqual([]);
}

/** Presses Tab until the element matching `selector` has focus. */
async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate(`!!document.activeElement?.matches(${JSON.stringify(selector)})`)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}
