import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { allowedMoves, type Status } from '../../src/cases/stage.ts';
import { rows, sql } from '../../src/db/db.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

/**
 * The journey across two people at once: a Commission analyst signs in with TOTP, opens the
 * dashboard and switches to Dutch; a caseworker of a Member State takes a case to arrival in the
 * case workspace; the analyst's dashboard, reloaded, counts the new arrivals. The figures are read
 * from the page and the database, never typed in.
 */
const digits = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));

describe('a case taken to arrival shows on the Commission’s dashboard', () => {
  let platform: Platform;
  let state: string;
  let caseRef: string;
  let status: Status;
  let round: string;
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 1200, seed: 7 });
    // A case of the 2020–2021 round that has been selected and may travel soon: the fewest steps to arrival.
    const [c] = await inScope(platform.database.db, operator('test'), (tx) =>
      rows<{ s: string; r: string; st: Status; round: string }>(
        tx,
        sql`SELECT state_code AS s, case_ref AS r, status AS st, round_id AS round FROM cases
             WHERE status IN ('departure_scheduled', 'pre_departure', 'accepted') AND round_id = '2020-2021'
             ORDER BY array_position(ARRAY['departure_scheduled','pre_departure','accepted'], status), id LIMIT 1`,
      ),
    );
    expect(c, 'the demo has a case about to travel').toBeDefined();
    ({ s: state, r: caseRef, st: status, round } = c!);
  });
  afterAll(async () => platform?.close());

  it('counts the caseworker’s arrival on the analyst’s dashboard, in the analyst’s language', async () => {
    const analyst = await openBrowser({ locale: 'en-GB' });
    const worker = await openBrowser({ locale: 'en-GB' });
    try {
      await signInThroughPage(analyst.page, platform, await platform.account('commission_analyst'), `/dashboard?round=${round}`);
      const arrived = analyst.page.getByTestId('figure-arrived');
      await arrived.waitFor();
      const before = digits(await arrived.textContent());

      // Nederlands from the switcher: the page speaks Dutch without a reload.
      await analyst.page.getByLabel('Language').selectOption('nl');
      await analyst.page.waitForFunction(() => document.documentElement.lang === 'nl');
      await analyst.page.getByRole('link', { name: 'Stand van zaken' }).waitFor();

      await signInThroughPage(
        worker.page,
        platform,
        await platform.account('state_officer', state),
        `/cases/${encodeURIComponent(caseRef)}`,
      );
      let now = status;
      while (now !== 'arrived') {
        const to = allowedMoves({ status: now, heldFrom: null })[0]!;
        const first = worker.page.locator('.case-moves li:first-child button');
        const offered = await first.textContent();
        await first.click();
        await worker.page.locator('dialog[open] button[type=submit]').click();
        await worker.page.locator('dialog[open]').waitFor({ state: 'detached' });
        // The next move is made from the case as it now is (its new version), not from the page before the move was read back.
        await worker.page.waitForFunction(
          (was) => document.querySelector('.case-moves li:first-child button')?.textContent !== was,
          offered,
        );
        now = to;
      }
      const [counted] = await inScope(platform.database.db, operator('test'), (tx) =>
        rows<{ n: number }>(
          tx,
          sql`SELECT count(*)::int AS n FROM persons p JOIN cases c ON c.id = p.case_id WHERE c.state_code = ${state} AND c.case_ref = ${caseRef} AND p.arrived_on IS NOT NULL`,
        ),
      );
      const persons = counted!.n;
      expect(persons).toBeGreaterThan(0);

      // The analyst's next look at the dashboard (a reload: the interface keeps no language, the browser's applies again).
      await analyst.page.reload();
      await arrived.waitFor();
      await expect.poll(async () => digits(await arrived.textContent())).toBe(before + persons);
    } finally {
      await analyst.close();
      await worker.close();
    }
  });
});
