import type { IntlShape } from 'react-intl';

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
  intl.formatDate(`${isoDate}T12:00:00Z`, { ...(style === 'long' ? { day: 'numeric', month: 'long', year: 'numeric' } : { dateStyle: 'medium' }), timeZone: 'UTC' });
