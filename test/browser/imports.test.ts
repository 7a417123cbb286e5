import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS } from '../../src/cases/person-row.ts';
import { openBrowser } from './chromium.ts';
import { signInThroughPage, startPlatform, type Platform } from './platform.ts';

/** A case file in the importer's own columns, one row per person. */
const COLUMNS = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS];
type Person = Partial<Record<(typeof COLUMNS)[number], string>>;
const csvOf = (people: Person[]) =>
  `${[COLUMNS.join(','), ...people.map((p) => COLUMNS.map((c) => p[c] ?? '').join(','))].join('\r\n')}\r\n`;

const person = (caseRef: string, personRef: string, extra: Person = {}): Person => ({
  case_ref: caseRef,
  person_ref: personRef,
  member_state: 'NL',
  pathway: 'resettlement',
  round: '2026-2027',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1990',
  country_of_departure: 'TUR',
  priority: 'normal',
  relationship: personRef === 'P1' ? 'principal' : 'child',
  ...extra,
});

/** Every case of NL the API lists, page by page, read with the page's own session. */
async function caseCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let n = 0;
    let cursor: string | null = null;
    do {
      const r = await fetch(`/api/states/NL/cases?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (!r.ok) throw new Error(`cases: HTTP ${r.status}`);
      const body = (await r.json()) as { cases: unknown[]; nextCursor: string | null };
      n += body.cases.length;
      cursor = body.nextCursor;
    } while (cursor);
    return n;
  });
}

describe('imports in the browser', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = await startPlatform({ demoPersons: 40 });
  });
  afterAll(async () => platform?.close());

  it('shows the bad row of a file, takes the fixed file, commits it, and the cases are in the API', async () => {
    const b = await openBrowser();
    try {
      const officer = await platform.account('state_officer', 'NL');
      await signInThroughPage(b.page, platform, officer, '/imports');
      const page = b.page;
      await page.getByRole('heading', { level: 1, name: 'Imports' }).waitFor();

      // The template's header row is the importer's column list, with an example row under it (test/import-template.test.ts reads it as the importer does).
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template-link').click()]);
      const template = readFileSync((await download.path())!, 'utf8');
      const [header, example] = template
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      expect(header).toBe(COLUMNS.join(','));
      expect(example).toMatch(/^EXAMPLE-1,/);

      const stamp = Date.now().toString(36).toUpperCase();
      const good = [
        person(`T${stamp}-1`, 'P1'),
        person(`T${stamp}-1`, 'P2', { birth_year: '2015' }),
        person(`T${stamp}-2`, 'P1', { sex: 'M' }),
        person(`T${stamp}-3`, 'P1'),
      ];
      const households = new Set(good.map((p) => p.case_ref)).size;
      const bad = good.map((p, i) => (i === 2 ? { ...p, birth_year: '19x0' } : p));
      const badRow = 2 + 2; // the header is row 1

      const before = await caseCount(page);
      const file = page.getByLabel('File (CSV or XLSX)');

      await file.setInputFiles({ name: 'households.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(bad)) });
      await page.getByRole('button', { name: 'Upload and check' }).click();
      const problems = page.getByRole('table', { name: /Problems in the file/ });
      await problems.waitFor();
      await expect(page.getByRole('alert').filter({ hasText: 'problem' }).first().textContent()).resolves.toContain('1 problem in 1 row.');
      const cells = await problems.locator('tbody tr').first().locator('th, td').allTextContents();
      expect(cells.slice(0, 3)).toEqual([String(badRow), 'birth_year', '19x0']);
      expect(cells[3]).toMatch(/year/);
      await expect(page.getByRole('button', { name: 'Commit the import' }).count()).resolves.toBe(0);

      await file.setInputFiles({ name: 'households-fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(csvOf(good)) });
      await page.getByRole('button', { name: 'Upload and check' }).click();
      const commit = page.getByRole('button', { name: 'Commit the import' });
      await commit.waitFor();
      await expect(page.locator('[data-count=casesAdded]').textContent()).resolves.toBe(String(households));
      await commit.click();
      await page.getByRole('heading', { name: 'households-fixed.csv is imported' }).waitFor();
      await expect(page.locator('[data-count=added]').textContent()).resolves.toBe(String(good.length));

      expect(await caseCount(page)).toBe(before + households);
    } finally {
      await b.close();
    }
  });
});
