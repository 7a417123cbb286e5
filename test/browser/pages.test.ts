import { generateKeyPairSync } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { rows, sql } from '../../src/db/db.ts';
import { buildStateReturn, receiveReturn, registerKey } from '../../src/federation/federation.service.ts';
import { signReturn } from '../../src/federation/return.ts';
import { sendReturn } from '../../src/federation/send-return.ts';
import { importPlaces, startRun } from '../../src/placement/placement.service.ts';
import { checkPlaces } from '../../src/placement/places.ts';
import { importStatistics } from '../../src/statistics/statistics.service.ts';
import { axeViolations } from './axe.ts';
import { openBrowser } from './chromium.ts';
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
/** Real public figures for the statistics page: UNHCR's file, shipped under test/fixtures/unhcr/ (CC BY 4.0). */
const UNHCR_FILE = fileURLToPath(new URL('../fixtures/unhcr/unhcr-resettlement-arrivals-by-origin-2015-2024.csv', import.meta.url));

type Who = 'nobody' | 'commission_analyst' | 'state_officer' | 'system_admin' | 'auditor' | 'sponsor';
interface PageCase {
  name: string;
  who: Who;
  path: (ctx: { caseRef: string; state: string }) => string;
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
  { name: 'statistics', who: 'commission_analyst', path: () => '/statistics?year=2021', ready: '[data-testid=reconciliation], [data-testid=reconciliation-none]' },
  { name: 'federation', who: 'commission_analyst', path: () => '/federation', ready: '[data-testid=federation-reported]' },
  { name: 'federation-sent', who: 'state_officer', path: () => '/federation', ready: '#federation-sent' },
  { name: 'candidates', who: 'state_officer', path: () => '/candidates', ready: 'main .panel' },
  { name: 'family-reunification', who: 'state_officer', path: () => '/family-reunification', ready: '[data-testid=family-figures]' },
  { name: 'sponsors', who: 'state_officer', path: () => '/sponsors', ready: 'main table' },
  { name: 'sponsorship-schemes', who: 'state_officer', path: () => '/sponsorship-schemes', ready: 'main form' },
  { name: 'memoranda', who: 'state_officer', path: () => '/memoranda', ready: 'main form' },
  { name: 'sponsorships', who: 'state_officer', path: () => '/sponsorships', ready: 'main table' },
  { name: 'sponsorship-counts', who: 'commission_analyst', path: () => '/sponsorships', ready: 'main table' },
  { name: 'sponsor-portal', who: 'sponsor', path: () => '/sponsor', ready: 'main h2' },
  { name: 'placement', who: 'state_officer', path: () => '/placement', ready: '[data-testid=placement-certificate]' },
];

describe('every page, in English and Dutch: accessible, and a screenshot of each', () => {
  let platform: Platform;
  let state: string;
  let caseRef: string;
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 1500 });
    const [first] = await inScope(platform.database.db, operator('test'), (tx) =>
      rows<{ s: string; r: string }>(tx, sql`SELECT state_code AS s, case_ref AS r FROM cases WHERE status NOT IN ('closed', 'withdrawn', 'rejected', 'arrived') ORDER BY (SELECT count(*) FROM case_events e WHERE e.case_id = cases.id) DESC, id LIMIT 1`),
    );
    state = first!.s;
    caseRef = first!.r;
    const op = operator('test');
    const db = platform.database.db;
    await inScope(db, op, (tx) => importStatistics({ db: tx, actor: op, source: 'unhcr', file: { name: 'unhcr-resettlement-arrivals-by-origin-2015-2024.csv', bytes: readFileSync(UNHCR_FILE) } }));
    // Returns to the Commission: the officer's state sends its own through the API (sent and received,
    // with the receipt); two more states' returns are received; the others have not reported.
    const states = await inScope(db, op, (tx) => rows<{ s: string }>(tx, sql`SELECT DISTINCT state_code AS s FROM arrivals_monthly WHERE state_code <> ${state} ORDER BY 1 LIMIT 2`));
    for (const code of [state, ...states.map((r) => r.s)]) {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      await inScope(db, op, (tx) => registerKey({ db: tx, actor: op, stateCode: code, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() }));
      const asOf = '2021-06-30';
      if (code === state) await sendReturn({ db, actor: op, to: platform.url, stateCode: code, roundId: '2020-2021', asOf, key: privateKey });
      else await receiveReturn({ db, body: signReturn(await buildStateReturn({ db, actor: op, stateCode: code, roundId: '2020-2021', asOf, key: privateKey }), privateKey) });
    }
    // Placement: the officer's state's receiving places and a proposal of the optimiser for its households waiting for a place.
    const { places } = checkPlaces(
      [
        { code: 'GM-A', name: 'Gemeente A', kind: 'municipality', persons: 6, housing_units: 2, school_places: 2, medical_slots: 1, language_support: 4, employment_rate: 0.78, languages: 'en' },
        { code: 'GM-B', name: 'Gemeente B', kind: 'municipality', persons: 60, housing_units: 20, school_places: 20, medical_slots: 3, language_support: 40, employment_rate: 0.7, languages: 'en' },
        { code: 'AZC-1', name: 'Opvang 1', kind: 'reception_centre', persons: 60, housing_units: 20, school_places: 20, medical_slots: 3, language_support: 40, employment_rate: 0.62, languages: '' },
      ].map((values, i) => ({ row: i + 2, values })),
    );
    await inScope(db, op, (tx) => importPlaces({ db: tx, actor: op, stateCode: state, places, source: 'test' }));
    await (await startRun({ db, actor: op, stateCode: state, roundId: '2020-2021', timeLimitSeconds: 10 })).done;
    mkdirSync(SCREENS, { recursive: true });
  });
  afterAll(async () => platform?.close());

  // Thirty pages with axe-core each: some five minutes on a machine shared by several runs, so twice that at most.
  for (const lang of ['en', 'nl'] as const) {
    it(`passes axe-core on every page in ${lang === 'en' ? 'English' : 'Dutch'}`, async () => {
      const found: string[] = [];
      const byRole = new Map<Who, PageCase[]>();
      for (const p of PAGES) byRole.set(p.who, [...(byRole.get(p.who) ?? []), p]);
      for (const [who, pages] of byRole) {
        const b = await openBrowser({ locale: lang === 'en' ? 'en-GB' : 'nl-NL' });
        const errors: string[] = [];
        b.page.on('pageerror', (e) => errors.push(String(e)));
        b.page.on('console', (m) => {
          // The sign-in page asks who is signed in first: its 401 is the expected answer.
          if (m.type() === 'error' && !/401/.test(m.text())) errors.push(m.text());
        });
        try {
          if (who !== 'nobody') {
            const account = await platform.account(who, who === 'state_officer' || who === 'sponsor' ? state : null, who === 'sponsor' ? 'pages-sponsor' : null);
            await signInThroughPage(b.page, platform, account);
          }
          for (const p of pages) {
            await b.page.goto(`${platform.url}${p.path({ caseRef, state })}`);
            await b.page.waitForFunction((l) => document.documentElement.lang.split('-')[0] === l, lang);
            await b.page.locator(p.ready).first().waitFor({ timeout: 20_000 });
            await b.page.locator('.loading').first().waitFor({ state: 'detached', timeout: 20_000 }).catch(() => undefined);
            expect(await b.page.locator('h1').count(), `${p.name}: one h1`).toBe(1);
            expect(await b.page.locator('main').count(), `${p.name}: one main`).toBe(1);
            for (const v of await axeViolations(b.page)) found.push(`${p.name} (${lang}): ${v}`);
            await b.page.screenshot({ path: `${SCREENS}${p.name}.${lang}.png`, fullPage: true });
          }
          expect(errors, `${who}: errors in the console`).toEqual([]);
        } finally {
          await b.close();
        }
      }
      expect(found).toEqual([]);
    }, 600_000);
  }

  // A test run leaves the checkout as it was: the screenshots it wrote are ignored by git (unless
  // they were asked for elsewhere, as `npm run screens` asks for docs/screens/).
  it.skipIf(Boolean(process.env.PATHWAYS_SCREENSHOTS) || !existsSync(`${REPO}.git`))('writes its screenshots where git ignores them', () => {
    const written = readdirSync(SCREENS).filter((f) => f.endsWith('.png')).map((f) => `${SCREENS}${f}`);
    expect(written.length).toBeGreaterThan(0);
    const ignored = execFileSync('git', ['check-ignore', '--no-index', ...written], { cwd: REPO, encoding: 'utf8' }).trim().split('\n');
    expect(ignored).toHaveLength(written.length);
    expect(execFileSync('git', ['status', '--porcelain', '--', relative(REPO, SCREENS)], { cwd: REPO, encoding: 'utf8' })).toBe('');
  });
});
