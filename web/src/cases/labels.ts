import { formatDay } from '../ui/format.ts';
import { useIntl, type IntlShape } from 'react-intl';

/** The groups of coded values the catalogue names: `cases.<group>.<value>`. */
export type LabelGroup = 'status' | 'priority' | 'category' | 'modality' | 'pathway' | 'need' | 'relationship' | 'partner' | 'sex' | 'sort';

/** A coded value in the page's language; a value the catalogue does not name is shown as the API gave it. */
export function labelOf(intl: IntlShape, group: LabelGroup, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const id = `cases.${group}.${value}`;
  return id in intl.messages ? intl.formatMessage({ id }) : value;
}

export function useLabels() {
  const intl = useIntl();
  return {
    intl,
    label: (group: LabelGroup, value: string | null | undefined) => labelOf(intl, group, value),
    /** A calendar day (YYYY-MM-DD) in the page's language; the day itself, whatever the time zone. */
    day: (iso: string | null | undefined) => (iso ? formatDay(intl, iso, 'medium') : '—'),
    t: (id: string, values?: Record<string, string | number>) => intl.formatMessage({ id }, values),
  };
}
