import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator, type Role } from '../../src/access/principal.ts';
import { DEMO_ROUND, loadPathwaysDemo, placementState } from '../../src/demo/pathways-demo.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

/**
 * Issue 20's done-when: after `pathways demo` (the households and every other area, as the CLI
 * loads them), every page of every role's navigation — read off the page itself, so a new page is
 * covered — and the detail page behind the first row of each list leaves "Loading…", shows no
 * error, and is not empty: it has a data row, a figure or a list item, and none of the pages'
 * empty-state sentences (the catalogues' `*.none`/`*.empty`/`*.noneXxx`/`*.nothing` keys).
 */
const PERSONS = 400;
const SEED = 2020;
const MESSAGES = fileURLToPath(new URL('../../web/src/i18n/messages/', import.meta.url));

/** The empty-state sentences, as patterns (placeholders match anything). Words that stand in a cell ("None", "none yet") are not a page's content. */
function emptyStates(): { key: string; re: RegExp }[] {
  const out: { key: string; re: RegExp }[] = [];
  for (const f of readdirSync(MESSAGES).filter((n) => n.endsWith('.en.json'))) {
    for (const [key, text] of Object.entries(JSON.parse(readFileSync(`${MESSAGES}${f}`, 'utf8')) as Record<string, string>)) {
      if (!/\.(none|empty|nothing|none[A-Z]\w*|no[A-Z]\w*)$/.test(key) || text.split(/\s+/).length < 3) continue;
      // Not a page's empty state: a good outcome, or a dialog's hint.
      if (NOT_EMPTY_STATES.has(key)) continue;
      const escaped = text.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '.*');
      out.push({ key, re: new RegExp(escaped) });
    }
  }
  return out;
}
const NOT_EMPTY_STATES = new Set([
  'placement.noneUnplaced', // "Every household has a place": the placement done, not a page without data
  'sponsorship.moves.none', // said of an ended sponsor's possible moves
  'cases.dialog.membersNone', // a dialog's validation hint
  'cases.views.none', // saved views are the reader's own: none at first is right
  'cases.case.noDocuments', // says where documents are kept: not an empty state
]);
/** Parts of a detail page that may rightly be empty, with the reason (the page's own data is asserted). */
const SECTION_MAY_BE_EMPTY: Record<string, string> = {
  'incentives.case.noHistory': "a case's incentives unchanged since they were computed: the usual case",
  'cases.case.noActions':
    "a case that has arrived or closed has no move left to make: the usual end of a case (its household and history are the page's data)",
  'rounds.history.none': "amendments of a state's pledge: the round's pledges stand as published (its pledges table is the page's data)",
};

/**
 * Pages whose content is a form or a text, not data, and parts that legitimately say "none" for a
 * given role: listed with the reason, so the exemption is read, not hidden.
 */
const FORM_ONLY: Record<string, string> = {
  '/imports': 'an upload form: the demo imports through the CLI, not through this page',
  '/account': "the reader's own account: password and authenticator forms",
  '/accessibility': 'the accessibility statement: text',
};

interface Visit {
  who: string;
  path: string;
  /** Whether emptiness is asserted (the page's data belongs to this reader's state or scope). */
  full: boolean;
}

async function settled(page: Page, what: string): Promise<void> {
  try {
    await page.waitForFunction(
      () =>
        !!document.querySelector('main h1') &&
        !document.querySelector('main .loading') &&
        ![...document.querySelectorAll('[data-actor]')].some((e) => e.textContent === '…'),
      undefined,
      { timeout: 20_000 },
    );
  } catch {
    const text = (await page.locator('main').textContent()) ?? '';
    throw new Error(`${what}: still loading after 20 s (${text.slice(0, 200)})`);
  }
}

/** What the page shows: its data rows, figures and list items, its notices, and which empty states. */
async function inspect(page: Page) {
  return page.evaluate(() => {
    const main = document.querySelector('main')!;
    const rows = [...main.querySelectorAll('table tbody tr')].filter((r) => r.textContent!.trim() !== '').length;
    const charts = main.querySelectorAll('svg:not([aria-hidden=true]) path, svg rect, canvas, [data-testid*=chart]').length;
    const items = [...main.querySelectorAll('li, dl dd')].filter((l) => !l.closest('nav') && l.textContent!.trim() !== '').length;
    const errors = [...main.querySelectorAll('.notice-error, [data-testid=page-forbidden], [data-testid=page-not-found]')].map((e) =>
      e.textContent!.trim().slice(0, 160),
    );
    return { rows, charts, items, errors, text: main.innerText.replace(/\s+/g, ' ') };
  });
}

/** Each empty state shown, with the title of the panel or section it is in. */
async function where(page: Page, shown: { key: string; re: RegExp }[]): Promise<string[]> {
  return page.evaluate(
    (list) =>
      list.map(({ key, source }) => {
        const re = new RegExp(source);
        const el = [...document.querySelectorAll('main p, main div, main td, main li')]
          .reverse()
          .find((e) => re.test((e as HTMLElement).innerText ?? ''));
        const section = el?.closest('section, .panel, figure');
        const title = section?.querySelector('h2, h3, figcaption')?.textContent?.trim() ?? '(page)';
        return `${key} in “${title}”`;
      }),
    shown.map((e) => ({ key: e.key, source: e.re.source })),
  );
}

/** The first row's link to a detail page of another address (a case, a programme, a sponsor, a round). */
async function firstRowLink(page: Page): Promise<string | null> {
  return page.evaluate((round) => {
    const here = location.pathname;
    const links = [...document.querySelectorAll<HTMLAnchorElement>('main table tbody tr a[href], main ul li a[href]')]
      .map((a) => new URL(a.href, location.href))
      .filter((u) => u.origin === location.origin && u.pathname !== here && u.pathname.startsWith(`${here}/`));
    // Of the rounds, the demo's (the older rounds are the Commission's published figures: pledges, no cases).
    const u = links.find((l) => l.pathname.includes(round)) ?? links[0];
    return u ? u.pathname + u.search : null;
  }, DEMO_ROUND);
}

describe('the demo, toured: every page of every role is filled (issue 20)', () => {
  let platform: Platform;
  let placeState: string;
  const empties = emptyStates();
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: PERSONS, seed: SEED });
    await loadPathwaysDemo({ db: platform.database.db, actor: operator('test-setup'), persons: PERSONS, seed: SEED });
    placeState = placementState(PERSONS, SEED)!.state;
  }, 300_000);
  afterAll(async () => platform?.close());

  it('has the empty-state sentences to look for', () => {
    expect(empties.length).toBeGreaterThan(10);
  });

  const tours: { who: string; role: Role; state: string | null; organisation?: string; owns: (path: string) => boolean }[] = [
    { who: 'analyst', role: 'commission_analyst', state: null, owns: () => true },
    // The DE officer reads sponsorship and everything but what the demo does in other states.
    { who: 'officer DE', role: 'state_officer', state: 'DE', owns: (p) => !/^\/(candidates|family-reunification|placement)/.test(p) },
    { who: 'officer NL', role: 'state_officer', state: 'NL', owns: (p) => /^\/(candidates|family-reunification)/.test(p) },
    { who: 'officer (placement)', role: 'state_officer', state: 'PLACEMENT', owns: (p) => /^\/placement/.test(p) },
    { who: 'state admin DE', role: 'state_admin', state: 'DE', owns: () => true },
    { who: 'referral partner', role: 'referral_partner', state: 'DE', organisation: 'UNHCR', owns: () => true },
    { who: 'sponsor', role: 'sponsor', state: 'DE', organisation: 'Familie Hoffmann', owns: () => true },
    { who: 'auditor', role: 'auditor', state: null, owns: () => true },
    { who: 'system admin', role: 'system_admin', state: null, owns: () => true },
  ];
  const visited: Visit[] = [];

  for (const tour of tours) {
    it(`${tour.who}: every page of the navigation and the first row's detail leave loading, show no error and are not empty`, async () => {
      const state = tour.state === 'PLACEMENT' ? placeState : tour.state;
      const account = await platform.account(tour.role, state, tour.organisation ?? null);
      const b = await openBrowser();
      const problems: string[] = [];
      try {
        await signInThroughPage(b.page, platform, account, '/dashboard');
        const nav = await b.page
          .locator('nav.site-nav a[href]')
          .evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
        expect(nav.length, `${tour.who}: a navigation`).toBeGreaterThan(0);
        const queue = [...nav, '/account', '/accessibility'];
        const seen = new Set<string>();
        while (queue.length) {
          const path = queue.shift()!;
          if (seen.has(path)) continue;
          seen.add(path);
          const what = `${tour.who} ${path}`;
          await b.page.goto(`${platform.url}${path}`);
          try {
            await settled(b.page, what);
          } catch (e) {
            problems.push((e as Error).message);
            continue;
          }
          const seenNow = await inspect(b.page);
          const full = tour.owns(path) && !(path in FORM_ONLY);
          visited.push({ who: tour.who, path, full });
          if (seenNow.errors.length) problems.push(`${what}: error notice “${seenNow.errors.join(' | ')}”`);
          if (!full) continue;
          const shown = empties.filter((e) => e.re.test(seenNow.text) && !(!nav.includes(path) && e.key in SECTION_MAY_BE_EMPTY));
          if (shown.length) problems.push(`${what}: says it is empty (${(await where(b.page, shown)).join('; ')})`);
          if (seenNow.rows + seenNow.charts + seenNow.items === 0)
            problems.push(`${what}: no row, figure or list item (${seenNow.text.slice(0, 160)})`);
          // The detail behind the first row of a list page of the navigation.
          if (nav.includes(path)) {
            const detail = await firstRowLink(b.page);
            if (detail) queue.unshift(detail);
          }
        }
      } finally {
        await b.close();
      }
      expect(problems).toEqual([]);
    }, 300_000);
  }

  it('toured every role that has pages, and the detail pages of a case, a programme, a sponsor and a round', () => {
    const paths = visited.map((v) => v.path);
    for (const re of [/^\/cases\/./, /^\/programmes\/./, /^\/sponsors\/./, /^\/rounds\/./])
      expect(
        paths.some((p) => re.test(p)),
        String(re),
      ).toBe(true);
    console.log(
      `demo tour: ${visited.length} pages visited (${visited.filter((v) => v.full).length} checked for emptiness) by ${new Set(visited.map((v) => v.who)).size} readers`,
    );
  });
});
