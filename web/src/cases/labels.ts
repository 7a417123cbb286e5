import { formatDay } from '../ui/format.ts';
import { useIntl } from 'react-intl';
import { type LabelGroup, labelOf } from '../ui/code-label.ts';

export { type LabelGroup, labelOf };

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
