import { readFileSync } from 'node:fs';
import type { PersonImportSummary } from '../cases/person.import.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { formatCount, translator } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import type { Lang } from '../reference/country.ts';
import { isValidIsoDate } from '../rounds/pathway.ts';
import type { Io } from './context.ts';

/** Counts for a message: each formatted as the language prints numbers, and `rows` kept as a number for the plural. */
export function counts(s: object, lang: Lang): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(s)) if (typeof v === 'number') out[k] = formatCount(v, lang);
  const rows = (s as { rows?: number }).rows ?? 0;
  return { ...out, rows, rowsText: formatCount(rows, lang) };
}

/** What an import of persons or cases did, and the persons no round's period holds. */
export function printImport(s: PersonImportSummary, io: Io, lang: Lang): void {
  const t = translator(lang);
  io.out(t('persons.imported', counts(s, lang)));
  if (s.outsideAnyRound > 0) io.err(t('persons.outsideRound', { n: s.outsideAnyRound }));
}

export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw appError(ErrorCode.NotFound, 'cannotRead', { p1: file, p2: (e as Error).message });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw appError(ErrorCode.BadInput, 'notJson', { p1: file, p2: (e as Error).message });
  }
}

export const today = () => new Date().toISOString().slice(0, 10);

/** An --as-of checked as the services check it, so that --server says the same as the local mode. */
export function checkedAsOf(asOf: string | undefined): string | undefined {
  if (asOf !== undefined && !isValidIsoDate(asOf)) throw appError(ErrorCode.BadInput, 'asOfInvalid', { p1: asOf });
  return asOf;
}
