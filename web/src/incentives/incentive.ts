import type { IntlShape } from 'react-intl';
import type { components } from '../../../src/api/openapi.types.ts';
import { labelOf } from '../ui/code-label.ts';
import { codeLabel } from '../ui/code-label.ts';
import { labelIn } from '../rounds/round.ts';

/** The words and figures of a person's incentive, shared by the incentives page and the case page (pure). */

export type VulnerableGroup = components['schemas']['VulnerableGroups']['groups'][number];
export type Evidence = components['schemas']['IncentiveEvidence'];

/** The vulnerable groups a state may record, in the order of src/incentives/incentive.ts (VULNERABLE_GROUPS). */
export const VULNERABLE_GROUPS: readonly VulnerableGroup[] = [
  'women_children_at_risk',
  'unaccompanied_minor',
  'medical_needs',
  'legal_physical_protection',
  'emergency_resettlement',
];

/** An amount in euros, in the page's language, without cents (the lump sums are whole euros). */
export const euros = (intl: IntlShape, v: number): string =>
  intl.formatNumber(v, { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });

export const rateName = (intl: IntlShape, id: string | null): string =>
  id === null ? intl.formatMessage({ id: 'incentives.noRate' }) : codeLabel(intl, 'incentives', id);

/** A group by name; a code the catalogue does not know (stored before a group was renamed) as it is. */
export function groupName(intl: IntlShape, group: string): string {
  const id = `incentives.group.${group}`;
  return id in intl.messages ? intl.formatMessage({ id }) : group;
}

/** What shows a group (`category:…`, `need:…`, `priority:…`, `recorded`), in words. */
export function sourceWords(intl: IntlShape, from: string): string {
  const [kind, value = ''] = from.split(':', 2);
  if (kind === 'category' || kind === 'need' || kind === 'priority') {
    return intl.formatMessage({ id: `incentives.source.${kind}` }, { value: labelOf(intl, kind, value) });
  }
  return kind === 'recorded' ? intl.formatMessage({ id: 'incentives.source.recorded' }) : from;
}

/** The groups of an evidence, each with what shows it; "none" when there is none. */
export function groupsInWords(intl: IntlShape, e: Pick<Evidence, 'vulnerableGroups'> | null): string {
  if (!e || e.vulnerableGroups.length === 0) return intl.formatMessage({ id: 'common.none' });
  return e.vulnerableGroups
    .map((g) =>
      intl.formatMessage({ id: 'incentives.groupShownBy' }, { group: groupName(intl, g.group), source: sourceWords(intl, g.from) }),
    )
    .join('; ');
}

/** A label of the round's data in the page's language: Dutch where given, English otherwise. */
export const localLabel = (intl: IntlShape, label: { en: string; nl?: string }): string => labelIn(label, intl.locale);
