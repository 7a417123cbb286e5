/**
 * The AMIF incentive of a person: which of the round's rates applies, decided by evidence. Pure.
 * (The rules and their table tests: this module; the rates: the round's data, src/rounds/round.data.ts.)
 */
import type { Translate } from '../i18n/i18n.ts';
import { VULNERABLE_GROUPS, type Incentive, type IncentiveCondition, type Round } from '../rounds/round.ts';

// The vocabulary of a round's rates (what a rate may require, the vulnerable groups it names) is
// the round file's: src/rounds/round.ts.
export { INCENTIVE_CONDITIONS, VULNERABLE_GROUPS, type IncentiveCondition } from '../rounds/round.ts';
export type VulnerableGroup = (typeof VULNERABLE_GROUPS)[number];
export const isVulnerableGroup = (s: string): s is VulnerableGroup => (VULNERABLE_GROUPS as readonly string[]).includes(s);

/** What decided a person's rate, kept with the incentive. */
export interface IncentiveEvidence {
  pathway: string;
  countryOfDeparture: string;
  /** The round's priority whose countries hold the country of departure, or null. */
  priorityRegion: string | null;
  /** The vulnerable groups the person belongs to, each with what shows it ('category:…', 'need:…', 'priority:…', 'recorded'). */
  vulnerableGroups: { group: string; from: string }[];
}

/** UNHCR's submission categories (src/cases/case.ts) that show a group; the others show none. */
const BY_CATEGORY: Record<string, VulnerableGroup> = {
  legal_physical_protection: 'legal_physical_protection',
  survivors_of_violence_torture: 'legal_physical_protection',
  // UNHCR's Medical Needs category is for needs that cannot be met where the person is.
  medical_needs: 'medical_needs',
  women_girls_at_risk: 'women_children_at_risk',
  children_adolescents_at_risk: 'women_children_at_risk',
};

/**
 * A person's specific needs (src/cases/person-row.ts NEEDS) that show a group. A need `medical`
 * alone does not show that it can be met only through resettlement: it counts when recorded so.
 */
const BY_NEED: Record<string, VulnerableGroup> = {
  unaccompanied_child: 'unaccompanied_minor',
  woman_at_risk: 'women_children_at_risk',
  child_at_risk: 'women_children_at_risk',
  survivor_of_torture: 'legal_physical_protection',
};

/** The case's priority: an emergency or urgent submission is the 2014–2020 group (d). */
const BY_PRIORITY: Record<string, VulnerableGroup> = { emergency: 'emergency_resettlement', urgent: 'emergency_resettlement' };

/** What `evidenceOf` reads of a person and their case. */
export interface EvidenceInput {
  pathway: string;
  countryOfDeparture: string;
  needs: readonly { type: string }[];
  /** Groups the state recorded for the person (`persons.vulnerable_groups`). */
  vulnerableGroups: readonly string[];
}
export interface CaseEvidenceInput {
  priority: string;
  primaryCategory: string | null;
  secondaryCategory: string | null;
}

/** The evidence of a person's rate: the priority region of the departure, and each group with what shows it. */
export function evidenceOf(person: EvidenceInput, c: CaseEvidenceInput, round: Pick<Round, 'priorities'>): IncentiveEvidence {
  const region = round.priorities.find((p) => p.countries.includes(person.countryOfDeparture));
  const found: { group: string; from: string }[] = [];
  const add = (group: VulnerableGroup | undefined, from: string) => {
    if (group && !found.some((f) => f.group === group && f.from === from)) found.push({ group, from });
  };
  for (const cat of [c.primaryCategory, c.secondaryCategory]) if (cat) add(BY_CATEGORY[cat], `category:${cat}`);
  for (const n of person.needs) add(BY_NEED[n.type], `need:${n.type}`);
  add(BY_PRIORITY[c.priority], `priority:${c.priority}`);
  for (const g of person.vulnerableGroups) if (isVulnerableGroup(g)) add(g, 'recorded');
  return {
    pathway: person.pathway,
    countryOfDeparture: person.countryOfDeparture,
    priorityRegion: region?.id ?? null,
    vulnerableGroups: found,
  };
}

/** The rate decided, and why: which condition held (null where the rate needs none), or none applies. */
export interface RateDecision {
  rate: Incentive | null;
  amount: number;
  /** The condition that made the rate apply; null for a rate that requires nothing, or no rate. */
  because: IncentiveCondition | null;
  /** The groups that counted for the rate (those of the evidence the rate lists). */
  groups: { group: string; from: string }[];
}

/** Which of a rate's conditions the evidence meets, in the rate's order. */
function conditionsMet(rate: Incentive, e: IncentiveEvidence): { met: IncentiveCondition[]; groups: { group: string; from: string }[] } {
  const listed = rate.vulnerable_groups ?? [];
  const groups = e.vulnerableGroups.filter((g) => (listed as readonly string[]).includes(g.group));
  const met = (rate.requires ?? []).filter((c) => (c === 'priority_region' ? e.priorityRegion !== null : groups.length > 0));
  return { met, groups };
}

/**
 * Among the rates of the person's pathway whose conditions hold (any one of them; none required:
 * always), the highest amount; the first listed on a tie. No rate: amount 0 and `rate` null.
 */
export function rateFor(rates: readonly Incentive[], e: IncentiveEvidence): RateDecision {
  let best: RateDecision = { rate: null, amount: 0, because: null, groups: [] };
  for (const rate of rates) {
    if (rate.pathway !== undefined && rate.pathway !== e.pathway) continue;
    const requires = rate.requires ?? [];
    const { met, groups } = conditionsMet(rate, e);
    if (requires.length > 0 && met.length === 0) continue;
    if (best.rate !== null && rate.amount <= best.amount) continue;
    best = { rate, amount: rate.amount, because: met[0] ?? null, groups: met.includes('vulnerable_group') ? groups : [] };
  }
  return best;
}

/** What shows a group, in words: `category:…`, `need:…`, `priority:…` or `recorded`. */
function sourceWords(from: string, t: Translate): string {
  const [kind, value = ''] = from.split(':', 2);
  if (kind === 'category' || kind === 'need' || kind === 'priority') return t(`incentives.describe.from.${kind}`, { value });
  return kind === 'recorded' ? t('incentives.describe.from.recorded') : from;
}

/** The evidence and the rate as words in the translator's language (server catalogues `incentives.describe.*`), for the report and the CLI. */
export function describeIncentive(e: IncentiveEvidence, d: Pick<RateDecision, 'rate' | 'because' | 'groups'>, t: Translate): string {
  const pathway = t('incentives.describe.pathway', { pathway: e.pathway });
  const group = (g: { group: string }) => t('incentives.describe.group', { group: g.group });
  const parts = [t('incentives.describe.departure', { pathway, country: e.countryOfDeparture })];
  parts.push(
    e.priorityRegion ? t('incentives.describe.priorityRegion', { region: e.priorityRegion }) : t('incentives.describe.noPriorityRegion'),
  );
  parts.push(
    e.vulnerableGroups.length > 0
      ? t('incentives.describe.vulnerable', {
          groups: e.vulnerableGroups
            .map((g) => t('incentives.describe.groupFrom', { group: group(g), from: sourceWords(g.from, t) }))
            .join(', '),
        })
      : t('incentives.describe.noVulnerableGroup'),
  );
  if (d.rate === null) parts.push(t('incentives.describe.noRate', { pathway }));
  else if (d.because === 'priority_region') parts.push(t('incentives.describe.ratePriority', { rate: d.rate.id }));
  else if (d.because === 'vulnerable_group')
    parts.push(t('incentives.describe.rateGroups', { rate: d.rate.id, groups: d.groups.map(group).join(', ') }));
  else parts.push(t('incentives.describe.rate', { rate: d.rate.id }));
  return parts.join('; ');
}

/** JSON with its keys sorted, to compare evidence as read back from jsonb (which reorders keys). */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}
