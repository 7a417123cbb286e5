import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { rows, sql } from '../../src/db/db.ts';
import { loadPathwaysDemo, placementState } from '../../src/demo/pathways-demo.ts';
import { axeViolations } from './axe.ts';
import { openBrowser, type Session, sessionOf } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

/**
 * Every page of the web interface, in English and in Dutch, as the role that uses it: axe-core
 * (run in the page) finds no WCAG 2.1 A/AA violation, the page has one h1 and a main landmark, no
 * error reached the console, and a screenshot is saved of each. By default the screenshots go to
 * test-results/screens/ (ignored by git), so a test run leaves the checkout as it was; the ones the
 * README shows are refreshed on purpose: `npm run screens` (PATHWAYS_SCREENSHOTS=docs/screens).
 */
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCREENS = `${resolve(REPO, process.env.PATHWAYS_SCREENSHOTS || 'test-results/screens')}/`;
/** Real public figures for the statistics page: UNHCR's file, shipped under data/unhcr/ (CC BY 4.0). */
/** The pages show `pathways demo --persons 1500` (the households and every other area); the sponsor is one of the demo's with a household. */
const PERSONS = 1500;
const SEED = 2020;
const SPONSOR = 'Familie Hoffmann';

type Who = 'nobody' | 'commission_analyst' | 'state_officer' | 'system_admin' | 'auditor' | 'sponsor';
interface PageCase {
  name: string;
  who: Who;
  path: (ctx: { caseRef: string; state: string }) => string;
  /** The state whose officer (or sponsor) shows it, where the demo fills it in one state (default: the state of the case shown). */
  state?: 'DE' | 'NL' | 'placement';
  /** Something the page shows once its data is there. */
  ready: string;
}

const PAGES: PageCase[] = [
  { name: 'sign-in', who: 'nobody', path: () => '/dashboard', ready: '#login-form' },
  { name: 'accessibility', who: 'nobody', path: () => '/accessibility', ready: 'main h2' },
  { name: 'open-data', who: 'nobody', path: () => '/open-data', ready: '[data-testid=open-data-states] table' },
  { name: 'dashboard', who: 'commission_analyst', path: () => '/dashboard', ready: 'main .panel' },
  { name: 'state-of-play', who: 'commission_analyst', path: () => '/state-of-play', ready: 'main table' },
  { name: 'rounds', who: 'commission_analyst', path: () => '/rounds', ready: 'main table' },
  { name: 'round', who: 'commission_analyst', path: () => '/rounds/2020-2021', ready: 'main table' },
  { name: 'cases', who: 'state_officer', path: () => '/cases', ready: 'main table' },
  { name: 'case', who: 'state_officer', path: ({ caseRef }) => `/cases/${encodeURIComponent(caseRef)}`, ready: 'main .timeline, main ol' },
  { name: 'imports', who: 'state_officer', path: () => '/imports', ready: 'main input[type=file]' },
  { name: 'account', who: 'state_officer', path: () => '/account', ready: 'main form' },
  { name: 'users', who: 'system_admin', path: () => '/users', ready: 'main table' },
  { name: 'audit', who: 'auditor', path: () => '/audit', ready: 'main table' },
  { name: 'incentives', who: 'state_officer', path: () => '/incentives', ready: 'main table' },
  { name: 'incentive-totals', who: 'commission_analyst', path: () => '/incentives', ready: 'main table' },
  { name: 'programmes', who: 'commission_analyst', path: () => '/programmes', ready: 'main table' },
  { name: 'programme', who: 'commission_analyst', path: () => '/programmes/EU-VHAS', ready: '[data-testid=conditions]' },
  { name: 'returns', who: 'commission_analyst', path: () => '/returns', ready: '[data-testid=returns-period]' },
  {
    name: 'statistics',
    who: 'commission_analyst',
    path: () => '/statistics?year=2021',
    ready: '[data-testid=reconciliation], [data-testid=reconciliation-none]',
  },
  { name: 'federation', who: 'commission_analyst', path: () => '/federation', ready: '[data-testid=federation-reported]' },
  { name: 'federation-sent', state: 'DE', who: 'state_officer', path: () => '/federation', ready: '#federation-sent' },
  { name: 'candidates', state: 'NL', who: 'state_officer', path: () => '/candidates', ready: 'main .panel' },
  {
    name: 'family-reunification',
    state: 'NL',
    who: 'state_officer',
    path: () => '/family-reunification',
    ready: '[data-testid=family-figures]',
  },
  { name: 'sponsors', state: 'DE', who: 'state_officer', path: () => '/sponsors', ready: 'main table' },
  { name: 'sponsorship-schemes', state: 'DE', who: 'state_officer', path: () => '/sponsorship-schemes', ready: 'main form' },
  { name: 'memoranda', state: 'DE', who: 'state_officer', path: () => '/memoranda', ready: 'main form' },
  { name: 'sponsorships', state: 'DE', who: 'state_officer', path: () => '/sponsorships', ready: 'main table' },
  { name: 'sponsorship-counts', who: 'commission_analyst', path: () => '/sponsorships', ready: 'main table' },
  { name: 'sponsor-portal', state: 'DE', who: 'sponsor', path: () => '/sponsor', ready: 'main h2' },
  { name: 'placement', state: 'placement', who: 'state_officer', path: () => '/placement', ready: '[data-testid=placement-certificate]' },
];

describe('every page, in English and Dutch: accessible, and a screenshot of each', () => {
  let platform: Platform;
  let state: string;
  let placeState: string;
  const stateOf = (p: PageCase) => (p.state === 'placement' ? placeState : (p.state ?? state));
  let caseRef: string;
  const sessions = new Map<string, Session>();
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: PERSONS, seed: SEED });
    const [first] = await inScope(platform.database.db, operator('test'), (tx) =>
      rows<{ s: string; r: string }>(
        tx,
        sql`SELECT state_code AS s, case_ref AS r FROM cases WHERE status NOT IN ('closed', 'withdrawn', 'rejected', 'arrived') ORDER BY (SELECT count(*) FROM case_events e WHERE e.case_id = cases.id) DESC, id LIMIT 1`,
      ),
    );
    state = first!.s;
    caseRef = first!.r;
    // Every other area as `pathways demo` fills it: programmes, sponsorship (DE), candidates and family
    // reunification (NL), placement (the placement state), UNHCR's figures, DE's and NL's returns.
    await loadPathwaysDemo({ db: platform.database.db, actor: operator('test-setup'), persons: PERSONS, seed: SEED });
    placeState = placementState(PERSONS, SEED)!.state;
    mkdirSync(SCREENS, { recursive: true });
  }, 300_000);
  afterAll(async () => platform?.close());

  // Thirty pages with axe-core each: some five minutes on a machine shared by several runs, so twice that at most.
  for (const lang of ['en', 'nl'] as const) {
    it(`passes axe-core on every page in ${lang === 'en' ? 'English' : 'Dutch'}`, async () => {
      const found: string[] = [];
      // One browser per role and state: the officer of the state the demo fills an area in.
      const byRole = new Map<string, PageCase[]>();
      for (const p of PAGES) byRole.set(`${p.who} ${stateOf(p)}`, [...(byRole.get(`${p.who} ${stateOf(p)}`) ?? []), p]);
      for (const [key, pages] of byRole) {
        const who = pages[0]!.who;
        const pageState = stateOf(pages[0]!);
        // Signed in through the page once per role and state; the other language's window starts with that session.
        const session = sessions.get(key);
        const b = await openBrowser({ locale: lang === 'en' ? 'en-GB' : 'nl-NL', ...(session ? { session } : {}) });
        const errors: string[] = [];
        b.page.on('pageerror', (e) => errors.push(String(e)));
        b.page.on('console', (m) => {
          // The sign-in page asks who is signed in first: its 401 is the expected answer.
          if (m.type() === 'error' && !/401/.test(m.text())) errors.push(m.text());
        });
        try {
          if (who !== 'nobody' && !session) {
            const account = await platform.account(
              who,
              who === 'state_officer' || who === 'sponsor' ? pageState : null,
              who === 'sponsor' ? SPONSOR : null,
            );
            await signInThroughPage(b.page, platform, account);
            sessions.set(key, await sessionOf(b.context));
          }
          for (const p of pages) {
            await b.page.goto(`${platform.url}${p.path({ caseRef, state })}`);
            await b.page.waitForFunction((l) => document.documentElement.lang.split('-')[0] === l, lang);
            await b.page.locator(p.ready).first().waitFor({ timeout: 20_000 });
            await b.page
              .locator('.loading')
              .first()
              .waitFor({ state: 'detached', timeout: 20_000 })
              .catch(() => undefined);
            expect(await b.page.locator('h1').count(), `${p.name}: one h1`).toBe(1);
            expect(await b.page.locator('main').count(), `${p.name}: one main`).toBe(1);
            for (const v of await axeViolations(b.page)) found.push(`${p.name} (${lang}): ${v}`);
            await b.page.screenshot({ path: `${SCREENS}${p.name}.${lang}.png`, fullPage: true });
          }
          expect(errors, `${key}: errors in the console`).toEqual([]);
        } finally {
          await b.close();
        }
      }
      expect(found).toEqual([]);
    }, 600_000);
  }

  // A test run leaves the checkout as it was: the screenshots it wrote are ignored by git (unless
  // they were asked for elsewhere, as `npm run screens` asks for docs/screens/).
  it.skipIf(Boolean(process.env.PATHWAYS_SCREENSHOTS) || !existsSync(`${REPO}.git`))(
    'writes its screenshots where git ignores them',
    () => {
      const written = readdirSync(SCREENS)
        .filter((f) => f.endsWith('.png'))
        .map((f) => `${SCREENS}${f}`);
      expect(written.length).toBeGreaterThan(0);
      const ignored = execFileSync('git', ['check-ignore', '--no-index', ...written], { cwd: REPO, encoding: 'utf8' })
        .trim()
        .split('\n');
      expect(ignored).toHaveLength(written.length);
      expect(execFileSync('git', ['status', '--porcelain', '--', relative(REPO, SCREENS)], { cwd: REPO, encoding: 'utf8' })).toBe('');
    },
  );
});
