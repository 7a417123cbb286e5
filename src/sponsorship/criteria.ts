import { SPONSOR_PHASES, type SponsorPhase } from '../access/fields.ts';

/**
 * A scheme's selection criteria and its roles per phase (P 15): the criteria must be transparent
 * and non-discriminatory, so a criterion that selects on a protected characteristic (Charter of
 * Fundamental Rights of the EU, art. 21) is refused, named with the characteristic and the
 * article; and the roles must leave the security checks and the admission decision to the state.
 *
 * Where the line is drawn: the vulnerability categories of a UNHCR resettlement submission
 * ("women and girls at risk", "children at risk", "LGBTIQ+ persons at risk", survivors of torture,
 * medical needs) select on a protection need the person has, not on who the person is; they are
 * allowed, by the structured fields `primaryCategory`/`needs` and in a label. "Only women",
 * "Christian families" or "Syrian nationals" select on who the person is: refused. Matching a
 * household's specific needs to what a sponsor can support serves the household: allowed; selecting
 * by disability or health ("no disabled persons", "healthy") is not. Selecting by the country of
 * departure (first asylum) is geographic, as the Union's resettlement priorities are: allowed;
 * selecting by nationality is not (art. 21(2)). Pure.
 */

export const PROTECTED = [
  'sex',
  'race',
  'colour',
  'ethnic_origin',
  'social_origin',
  'genetic_features',
  'language',
  'religion_or_belief',
  'political_opinion',
  'national_minority',
  'property',
  'birth',
  'disability',
  'age',
  'sexual_orientation',
  'nationality',
] as const;
export type ProtectedCharacteristic = (typeof PROTECTED)[number];

export const articleOf = (c: ProtectedCharacteristic): string => (c === 'nationality' ? 'art. 21(2)' : 'art. 21(1)');

/** Fields a criterion may select on: a household's size, needs, category, priority, where it departs from. */
export const ALLOWED_FIELDS = ['householdSize', 'needs', 'primaryCategory', 'secondaryCategory', 'priority', 'countryOfDeparture'] as const;
/** Fields that are a protected characteristic, and which. */
export const PROTECTED_FIELDS: Record<string, ProtectedCharacteristic> = {
  sex: 'sex',
  gender: 'sex',
  citizenship: 'nationality',
  nationality: 'nationality',
  religion: 'religion_or_belief',
  birthYear: 'age',
  age: 'age',
  disability: 'disability',
  ethnicity: 'ethnic_origin',
  race: 'race',
  colour: 'colour',
  language: 'language',
  politicalOpinion: 'political_opinion',
  sexualOrientation: 'sexual_orientation',
  income: 'property',
  property: 'property',
  countryOfBirth: 'birth',
};
export const CRITERION_FIELDS = [...ALLOWED_FIELDS, ...Object.keys(PROTECTED_FIELDS)] as [string, ...string[]];
export const OPERATORS = ['eq', 'ne', 'in', 'lte', 'gte', 'includes'] as const;

export interface Criterion {
  id: string;
  label: string;
  field?: string;
  operator?: (typeof OPERATORS)[number];
  value?: string | number | (string | number)[];
}

/** UNHCR protection categories and needs: removed from a label before it is read for protected words. */
const PROTECTION_CATEGORIES = [
  /\bwom[ae]n (and girls )?at risk\b/giu,
  /\bgirls at risk\b/giu,
  /\bchild(ren)? (and adolescents )?at risk\b/giu,
  /\blgbti?q?\+?( persons| people)? at risk\b/giu,
  /\bvrouwen (en meisjes )?(in (een )?risicosituatie|at risk)\b/giu,
  /\bkinderen (in (een )?risicosituatie|at risk)\b/giu,
  /\bsurvivors? of (violence and |gender-based violence and )?torture\b/giu,
  /\bmedical needs\b/giu,
  /\bmedische (behoeften|noden)\b/giu,
];

/** Words of a label that select on a protected characteristic (English and Dutch). */
const WORDS: [ProtectedCharacteristic, RegExp][] = [
  ['sex', /\b(only|just|exclusively|alleen|uitsluitend|enkel)\s+(women|men|females?|males?|girls|boys|vrouwen|mannen|meisjes|jongens)\b/iu],
  ['sex', /\b(women|men|vrouwen|mannen)\s+(only|alleen)\b/iu],
  ['sex', /\b(male|female|mannelijke?|vrouwelijke?)\s+(applicants?|refugees?|candidates?|persons?|vluchtelingen|kandidaten|personen)\b/iu],
  ['sex', /\b(gender|geslacht)\b/iu],
  [
    'religion_or_belief',
    /\b(christians?|christelijke?|christenen|christen|muslims?|moslims?|islamic|islamitische?|jewish|joodse?|jews|joden|catholics?|katholieke?|protestants?|protestantse?|hindus?|hindoes?|buddhists?|boeddhist(en|ische)?|yazidis?|jezidi's?|atheists?|atheïsten|religion|religious|religie|religieuze?|geloof|gelovigen|same faith|believers)\b/iu,
  ],
  ['nationality', /\b(nationals?|nationality|nationaliteit|onderdanen|citizens? of|staatsburgers?|citizenship|staatsburgerschap)\b/iu],
  [
    'nationality',
    /\b(syrians?|syriërs?|syrische|afghans?|afghaanse|eritreans?|eritrese|iraqis?|iraakse|somalis?|somalische|sudanese|soedanese|congolese|ukrainians?|oekraïense|venezuelans?|venezolaanse)\b/iu,
  ],
  ['age', /\b(age[ds]?|leeftijd|younger than|older than|jonger dan|ouder dan|years old|jaar oud|elderly|ouderen|no older persons)\b/iu],
  ['age', /\b(under|over|onder|boven)\s+(the\s+age\s+of\s+|de\s+)?\d+\s*(years|jaar)\b/iu],
  ['disability', /\b(disabled|disability|disabilities|handicap\w*|gehandicapt\w*|beperking(en)?|able-bodied|valide|healthy|gezonde?)\b/iu],
  [
    'sexual_orientation',
    /\b(heterosexual|homosexual|gay|lesbian|straight couples?|sexual orientation|heteroseksue\w*|homoseksue\w*|lesbisch\w*|seksuele geaardheid)\b/iu,
  ],
  ['race', /\b(race|racial|ras)\b/iu],
  ['colour', /\b(skin colou?r|huidskleur|white|black|blanke?|zwarte?)\b/iu],
  ['ethnic_origin', /\b(ethnic\w*|etnisch\w*|etniciteit)\b/iu],
  ['language', /\b(speakers?|speaking|sprekenden?|sprekend|must speak|moet(en)? spreken|language|taal|talig\w*)\b/iu],
  ['political_opinion', /\b(political (opinions?|views?|affiliation)|politieke (overtuiging|voorkeur|mening)|party members?)\b/iu],
  ['property', /\b(wealth|wealthy|assets|savings|income|vermogen|vermogende|spaargeld|inkomen|property owners?)\b/iu],
  ['birth', /\b(born in|geboren in|legitimate|wettige?|birth order)\b/iu],
  ['genetic_features', /\b(genetic\w*|genetisch\w*|dna)\b/iu],
  ['national_minority', /\b(national minorit(y|ies)|nationale minderhe(id|den))\b/iu],
  ['social_origin', /\b(social (origin|class|background)|sociale (afkomst|klasse)|caste|kaste)\b/iu],
];

export interface CriterionRefusal {
  criterion: string;
  label: string;
  characteristic: ProtectedCharacteristic;
  article: string;
  /** By the structured field, or by words in the label (the words found). */
  by: 'field' | 'label';
  found: string;
}

/** Why each criterion that selects on a protected characteristic is refused; empty when none does. */
export function criteriaRefusals(criteria: readonly Criterion[]): CriterionRefusal[] {
  const out: CriterionRefusal[] = [];
  for (const c of criteria) {
    const refuse = (characteristic: ProtectedCharacteristic, by: 'field' | 'label', found: string) =>
      out.push({ criterion: c.id, label: c.label, characteristic, article: articleOf(characteristic), by, found });
    const byField = c.field !== undefined ? PROTECTED_FIELDS[c.field] : undefined;
    if (byField) {
      refuse(byField, 'field', c.field!);
      continue;
    }
    let text = c.label;
    for (const p of PROTECTION_CATEGORIES) text = text.replace(p, ' ');
    const hit = WORDS.find(([, re]) => re.test(text));
    if (hit) refuse(hit[0], 'label', hit[1].exec(text)![0]);
  }
  return out;
}

// ── Roles per phase ─────────────────────────────────────────────────────────────────────────────

export const ROLE_HOLDERS = ['state', 'sponsor', 'shared'] as const;
export type RoleHolder = (typeof ROLE_HOLDERS)[number];
export type Roles = Record<SponsorPhase, RoleHolder>;

export type RolesRefusal =
  | { code: 'schemeRoleMissing'; params: { phases: string } }
  | { code: 'schemeSelectionBySponsor'; params: Record<string, never> };

/**
 * Every phase must be assigned from the start (P 15: roles clearly defined); selection may be the
 * state's or shared, never the sponsor's alone: the state keeps the security checks and the
 * admission decision (P 15), so a sponsor may propose a household, not admit it.
 */
export function rolesRefusal(roles: Partial<Record<string, string>>): RolesRefusal | null {
  const missing = SPONSOR_PHASES.filter((p) => !(ROLE_HOLDERS as readonly string[]).includes(roles[p] ?? ''));
  if (missing.length > 0) return { code: 'schemeRoleMissing', params: { phases: missing.join(', ') } };
  if (roles.selection === 'sponsor') return { code: 'schemeSelectionBySponsor', params: {} };
  return null;
}

/** The phases a sponsor holds under these roles: its own and the shared ones, in the order of the process. */
export const sponsorPhasesOf = (roles: Roles): SponsorPhase[] =>
  SPONSOR_PHASES.filter((p) => roles[p] === 'sponsor' || roles[p] === 'shared');
