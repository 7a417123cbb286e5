import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SHARED } from './databases.ts';
import { onCi } from './shared-data.ts';

export interface AnnexRow {
  state: string;
  places: number | null;
  carryOver: number | null;
}

/** The Recommendation's text ships with the tests (test/fixtures/recommendation/, EU legal text, reusable with its source); shared/seed/ is the project's copy. */
const fixtureDir = fileURLToPath(new URL('./fixtures/recommendation/', import.meta.url));
const seedDir = existsSync(fixtureDir) ? fixtureDir : fileURLToPath(new URL('seed/', SHARED));
export const SEED_ABSENT = `the Recommendation's text is not at ${seedDir}; tests that read it are skipped`;

/** Where the text is absent: null (its tests skip, their names say why), but on CI (`CI=true`) a failure that says what is missing. */
function absent(what: string): null {
  if (onCi())
    throw new Error(
      `${what}: on CI (CI=true) the tests that compare the platform with the Annex must run; restore test/fixtures/recommendation/.`,
    );
  return null;
}

/**
 * The Annex of Recommendation (EU) 2020/1364 read from the Dutch text itself, so that tests
 * compare the platform with the document and not with a copy typed into the tests.
 * Null where the text is absent.
 */
export function annexFromSeed(): { rows: AnnexRow[]; printedTotal: number } | null {
  if (!existsSync(seedDir)) return absent(`the Recommendation's text is not at ${seedDir}`);
  const file = readdirSync(seedDir).find((f) => f.endsWith('.txt'));
  if (!file) return absent(`no .txt file of the Recommendation's text in ${seedDir}`);
  const text = readFileSync(`${seedDir}${file}`, 'utf8');
  const start = text.indexOf('Lidstaat Totaal aantal plaatsen 2020');
  const end = text.indexOf('TOTAAL', start);
  if (start < 0 || end < 0) throw new Error('The Annex was not found in the seed text');
  const num = (s: string) => Number(s.replace(/\s/g, ''));
  const rows = text
    .slice(start, end)
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line): AnnexRow => {
      const carry = /^(.*?)\s*\(\*\)\s*\[([\d ]+)\]$/.exec(line);
      if (carry) return { state: carry[1]!.trim(), places: null, carryOver: num(carry[2]!) };
      const places = /^(.*?)\s+(\d{1,3}(?: \d{3})*)$/.exec(line);
      if (places) return { state: places[1]!.trim(), places: num(places[2]!), carryOver: null };
      return { state: line, places: null, carryOver: null };
    });
  const total = /TOTAAL\s+([\d ]+?)\s*\n/.exec(text.slice(end));
  return { rows, printedTotal: num(total![1]!) };
}
