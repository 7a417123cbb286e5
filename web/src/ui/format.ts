import type { IntlShape } from 'react-intl';

/**
 * The one formatter of figures, shares, days and moments: every page writes them through these, in
 * the page's language by Intl (grouping, decimal sign, percent sign and the order of a date are the
 * locale's). English is written as the EU writes it, en-GB ("5 December 2026", "19:20", dd/mm/yyyy).
 */
export const formattingLocale = (locale: string): string => (locale === 'en' ? 'en-GB' : locale);

/** The `lang` of a date input, so the browser shows its day in the page's order (dd/mm/yyyy in English). */
export const inputLang = (intl: IntlShape): string => intl.locale;

/** Figures and days as every page writes them, in the page's language. */
export const formatCount = (intl: IntlShape, v: number): string => intl.formatNumber(v, { maximumFractionDigits: 0 });

/** A share (0.071 → "7.1 %" in the page's language's way); a dash where there is nothing to divide by. */
export const formatShare = (intl: IntlShape, v: number | null): string =>
  v === null ? '–' : intl.formatNumber(v, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A figure with the qualifier its document gives it: "at least 29,500". */
export const formatStatement = (intl: IntlShape, qualifier: string | null, value: string): string =>
  intl.formatMessage({ id: `stateOfPlay.statement.${qualifier ?? 'exact'}` }, { value });

/** A stated figure (a target, a budget in its currency) with its qualifier: "about €300,000,000". */
export function formatStated(intl: IntlShape, f: { value: number; qualifier: string } | null, currency?: string): string {
  if (!f) return '';
  const n = currency ? intl.formatNumber(f.value, { style: 'currency', currency, maximumFractionDigits: 0 }) : intl.formatNumber(f.value);
  return formatStatement(intl, f.qualifier, n);
}

/**
 * A calendar day (YYYY-MM-DD) in the page's language, the day itself whatever the time zone: long
 * in sentences ("29 November 2026"), medium in tables and timelines ("29 Nov 2026").
 */
export const formatDay = (intl: IntlShape, isoDate: string, style: 'long' | 'medium' = 'long'): string =>
  intl.formatDate(`${isoDate}T12:00:00Z`, {
    ...(style === 'long' ? { day: 'numeric', month: 'long', year: 'numeric' } : { dateStyle: 'medium' }),
    timeZone: 'UTC',
  });

/** A percentage (0.8 → "80%" in English, "80 %" in German): the locale's percent style, for levels and progress. */
export const formatPercent = (intl: IntlShape, v: number, digits = 0): string =>
  intl.formatNumber(v, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * A moment (an ISO timestamp) in the page's language, 24-hour where the locale writes so (en-GB
 * does): "5 Dec 2026, 19:20"; with seconds where the order of events within a minute matters (the
 * audit). `utc` for moments stated in UTC (returns, placements).
 */
export const formatMoment = (intl: IntlShape, iso: string, opts: { seconds?: boolean; utc?: boolean } = {}): string =>
  intl.formatDate(iso, { dateStyle: 'medium', timeStyle: opts.seconds ? 'medium' : 'short', ...(opts.utc ? { timeZone: 'UTC' } : {}) });

/** A moment's day only ("5 Dec 2026"). */
export const formatMomentDay = (intl: IntlShape, iso: string): string => intl.formatDate(iso, { dateStyle: 'medium' });
