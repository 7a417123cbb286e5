import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../../src/access/principal.ts';
import { inScope } from '../../src/access/scope.ts';
import { importPersonsFile } from '../../src/cases/person.import.ts';
import { translator } from '../../src/i18n/i18n.ts';
import { recordVulnerableGroups } from '../../src/cases/case-incentives.service.ts';
import { tempDir, writePersonsCsv } from '../files.ts';
import { axeViolations } from './axe.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

const dir = tempDir();
const CASE = 'NL-EV-1';
/** An amount as the page's language writes it (Dutch: a no-break space after the sign). */
const eur = (lang: string, x: number) =>
  new Intl.NumberFormat(lang, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(x);

interface Members {
  members: {
    personRef: string;
    vulnerableGroups: string[];
    incentive: { rateId: string | null; amount: number } | null;
    history: { reason: string; amountBefore: number | null; amountAfter: number }[];
  }[];
}

/**
 * A person's AMIF incentive on the case page: a household resettled in 2020 from a country outside
 * the round's priority regions, in no vulnerable group, earns EUR 6,000 each (R 16); the officer
 * records one member as an unaccompanied minor, and that member's incentive becomes EUR 10,000 with
 * a line of history whose reason is the evidence — on the page and in the API alike. A change made
 * meanwhile elsewhere is refused (412) and the page offers to reload.
 */
describe("a member's incentive and its evidence on the case page", () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform();
    const person = (p: string, birthYear: string) => ({
      case_ref: CASE,
      person_ref: p,
      member_state: 'NL',
      pathway: 'resettlement',
      round: '',
      citizenship: 'SOM',
      sex: 'F',
      birth_year: birthYear,
      country_of_departure: 'KEN',
      arrived_on: '2020-09-15',
    });
    await importPersonsFile({
      db: platform.database.db,
      actor: operator('test-setup'),
      path: writePersonsCsv(dir, [person('NL-EV-1-1', '1985'), person('NL-EV-1-2', '2004')]),
    });
  });
  afterAll(async () => platform?.close());

  it('shows EUR 6,000, then EUR 10,000 with the evidence and its history once a member is recorded as an unaccompanied minor; the API agrees', async () => {
    const b = await openBrowser();
    try {
      const officer = await platform.account('state_officer', 'NL');
      await signInThroughPage(b.page, platform, officer, `/cases/${CASE}`);
      const page = b.page;
      const panel = page.getByRole('region', { name: 'AMIF incentive' });
      const first = panel.getByRole('article', { name: 'Person NL-EV-1-1' });
      const second = panel.getByRole('article', { name: 'Person NL-EV-1-2' });
      await expect(first.getByTestId('incentive-amount').textContent()).resolves.toBe('€6,000');
      await expect(second.getByTestId('incentive-amount').textContent()).resolves.toBe('€6,000');
      await expect(first.textContent()).resolves.toContain("Departed from KEN, outside the round's priority regions");
      await expect(first.getByTestId('incentive-history').textContent()).resolves.toContain('On arrival');
      expect(await axeViolations(page)).toEqual([]);

      // One form for the household, below the members' incentives and the case's history, one Save.
      const groups = panel.getByRole('form', { name: 'Vulnerable groups the state records' });
      await expect(groups.getByRole('button', { name: 'Save the vulnerable groups' }).count()).resolves.toBe(1);
      expect(
        await page.evaluate(() => {
          const history = document.getElementById('case-history')!;
          const form = document.querySelector('.groups-form')!;
          return !!(history.compareDocumentPosition(form) & Node.DOCUMENT_POSITION_FOLLOWING);
        }),
      ).toBe(true);
      // Ticked and saved with the keyboard: the amount, the evidence and the history change at once.
      const minor = groups
        .getByRole('group', { name: 'Vulnerable groups recorded for NL-EV-1-1' })
        .getByRole('checkbox', { name: 'Unaccompanied minor' });
      await minor.focus();
      await page.keyboard.press('Space');
      await expect(minor.isChecked()).resolves.toBe(true);
      await groups.getByRole('button', { name: 'Save the vulnerable groups' }).focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => groups.getByRole('status').textContent()).toBe('Saved. The incentive of NL-EV-1-1 is now: €10,000.');
      await expect(first.getByTestId('incentive-amount').textContent()).resolves.toBe('€10,000');
      await expect(first.textContent()).resolves.toContain("Unaccompanied minor, shown by the Member State's record");
      const lines = first.getByTestId('incentive-history').locator('li');
      await expect(lines.count()).resolves.toBe(2);
      await expect(lines.nth(1).textContent()).resolves.toMatch(
        /^The evidence changed.*Before: €6,000 \(Other person resettled\)\. After: €10,000 \(Priority region or particularly vulnerable group\)\./,
      );
      await expect(second.getByTestId('incentive-amount').textContent()).resolves.toBe('€6,000');
      expect(await axeViolations(page)).toEqual([]);

      const api = (await page.evaluate(`fetch('/api/states/NL/cases/${CASE}/incentives').then((r) => r.json())`)) as Members;
      const [one, two] = api.members;
      expect(one).toMatchObject({
        personRef: 'NL-EV-1-1',
        vulnerableGroups: ['unaccompanied_minor'],
        incentive: { rateId: 'priority-or-vulnerable', amount: 10_000 },
      });
      expect(one!.history.map((h) => [h.reason, h.amountBefore, h.amountAfter])).toEqual([
        ['arrival', null, 6_000],
        ['evidence', 6_000, 10_000],
      ]);
      expect(two).toMatchObject({ personRef: 'NL-EV-1-2', vulnerableGroups: [], incentive: { rateId: 'other', amount: 6_000 } });

      // Someone else records a group for the other member meanwhile: this page's version is stale.
      const other = operator('someone-else');
      await inScope(platform.database.db, other, (tx) =>
        recordVulnerableGroups(tx, other, {
          stateCode: 'NL',
          caseRef: CASE,
          personRef: 'NL-EV-1-2',
          groups: ['medical_needs'],
          t: translator('en'),
        }),
      );
      const secondGroups = groups.getByRole('group', { name: 'Vulnerable groups recorded for NL-EV-1-2' });
      await secondGroups.getByRole('checkbox', { name: 'Women and children at risk' }).check();
      await groups.getByRole('button', { name: 'Save the vulnerable groups' }).click();
      const reload = groups.getByRole('button', { name: 'Reload the case' });
      await reload.waitFor();
      await expect(groups.getByRole('alert').textContent()).resolves.toMatch(/^Someone changed this case since you opened it/);
      await expect(reload.evaluate((e) => e === document.activeElement)).resolves.toBe(true);
      await reload.click();
      await expect.poll(() => second.getByTestId('incentive-amount').textContent()).toBe('€10,000');
      await expect(secondGroups.getByRole('checkbox', { name: 'Medical needs that only resettlement can meet' }).isChecked()).resolves.toBe(
        true,
      );
      await expect(secondGroups.getByRole('checkbox', { name: 'Women and children at risk' }).isChecked()).resolves.toBe(false);
    } finally {
      await b.close();
    }
  }, 120_000);

  it('says it in Dutch, amounts in the Dutch way, and stays accessible', async () => {
    const b = await openBrowser({ locale: 'nl-NL' });
    try {
      const officer = await platform.account('state_officer', 'NL');
      await signInThroughPage(b.page, platform, officer, `/cases/${CASE}`);
      const first = b.page.getByRole('region', { name: 'AMIF-stimulans' }).getByRole('article', { name: 'Persoon NL-EV-1-1' });
      await expect.poll(() => first.getByTestId('incentive-amount').textContent()).toBe(eur('nl', 10_000));
      await expect(first.textContent()).resolves.toContain('Niet-begeleide minderjarige, zoals blijkt uit de vastlegging door de lidstaat');
      await expect(first.getByTestId('incentive-history').textContent()).resolves.toContain('Het bewijs is gewijzigd');
      expect(await axeViolations(b.page)).toEqual([]);
    } finally {
      await b.close();
    }
  }, 120_000);
});
