import type { IntlShape } from 'react-intl';

/** The groups of a case's coded values the catalogue names: `cases.<group>.<value>` (also shown by the incentives). */
export type LabelGroup = 'status' | 'priority' | 'category' | 'modality' | 'pathway' | 'need' | 'relationship' | 'partner' | 'sex' | 'sort';

/** A case's coded value in the page's language; a value the catalogue does not name is shown as the API gave it. */
export function labelOf(intl: IntlShape, group: LabelGroup, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const id = `cases.${group}.${value}`;
  return id in intl.messages ? intl.formatMessage({ id }) : value;
}

/** A code as people read it in development when its catalogue entry is missing: "priority-or-vulnerable" → "Priority or vulnerable". */
export const humanise = (code: string): string => {
  const words = code.replace(/[-_.:]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/**
 * The label of a code of an area from the catalogues: `<area>.code.<value>`, in the page's language.
 * A code without its entry is a missing translation: in development it shows humanised (and says
 * so in the console), in a build as the code itself, which the catalogue test is there to prevent.
 */
export function codeLabel(intl: IntlShape, area: string, value: string): string {
  const id = `${area}.code.${value}`;
  if (intl.messages[id] !== undefined) return intl.formatMessage({ id });
  if (import.meta.env.DEV) {
    console.warn(`No catalogue entry ${id}`);
    return humanise(value);
  }
  return value;
}
