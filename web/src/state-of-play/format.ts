import type { IntlShape } from 'react-intl';

/** Figures as the state of play writes them, in the page's language. */
export const formatCount = (intl: IntlShape, v: number): string => intl.formatNumber(v, { maximumFractionDigits: 0 });

/** A share (0.071 → "7.1 %" in the page's language's way); a dash where there is nothing to divide by. */
export const formatShare = (intl: IntlShape, v: number | null): string =>
  v === null ? '–' : intl.formatNumber(v, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A figure with the qualifier its document gives it: "at least 29,500". */
export const formatStatement = (intl: IntlShape, qualifier: string | null, value: string): string =>
  intl.formatMessage({ id: `stateOfPlay.statement.${qualifier ?? 'exact'}` }, { value });

export const formatDay = (intl: IntlShape, isoDate: string): string =>
  intl.formatDate(`${isoDate}T12:00:00Z`, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
