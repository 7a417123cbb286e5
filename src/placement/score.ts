/**
 * A simple, documented model of a placement's score when the caller supplies none: the expected
 * number of a household's members in work after a set time, from what is at hand at placement.
 *
 * It is a MODEL with stated assumptions, not a claim and not an estimate: the coefficients below are
 * illustrative, chosen so that the figures are plausible (an adult with the place's language in a
 * tight labour market about 60 %, without it in a slack one about 15 %); they rank places for one
 * household, they do not predict. A real deployment supplies scores from a model fitted on its own
 * outcomes (as Annie MOORE and GeoMatch do) and passes them in `PlacementInstance.scores`.
 *
 * Assumptions:
 * - only adults of working age (18–64) can be employed; children and seniors count 0;
 * - each such adult is employed independently with the same probability p (no household effects);
 * - logit p = β0 + β_market·logit(employment rate of the place) + β_language·[an adult speaks a
 *   language used at the place] + β_education·(years of education − 10) / 4 + β_network·[a
 *   community of the same language lives at the place];
 * - nothing protected (origin, religion, …) enters the model; language and education are skills.
 */
export interface HouseholdProfile {
  /** Adults of working age (18–64). */
  workingAdults: number;
  /** Languages the adults speak (ISO 639 codes). */
  languages: readonly string[];
  /** Mean years of education of the working adults (10 if unknown). */
  yearsOfEducation?: number;
}

export interface PlaceProfile {
  /** Employment rate of the local labour market, between 0 and 1 (e.g. Eurostat lfst_r_lfe2emprt). */
  employmentRate: number;
  /** Languages usable at work there. */
  languages: readonly string[];
  /** Languages of established communities there. */
  communities?: readonly string[];
}

export const SCORE_MODEL = { intercept: -1.9, market: 1.0, language: 1.2, education: 0.35, network: 0.3 } as const;

const logit = (p: number) => Math.log(p / (1 - p));
const logistic = (x: number) => 1 / (1 + Math.exp(-x));

/** Expected members employed (see the assumptions above). */
export function expectedEmployed(household: HouseholdProfile, place: PlaceProfile): number {
  if (household.workingAdults <= 0) return 0;
  const rate = Math.min(0.99, Math.max(0.01, place.employmentRate));
  const speaks = household.languages.some((l) => place.languages.includes(l)) ? 1 : 0;
  const community = household.languages.some((l) => place.communities?.includes(l)) ? 1 : 0;
  const m = SCORE_MODEL;
  const p = logistic(
    m.intercept +
      m.market * logit(rate) +
      m.language * speaks +
      (m.education * ((household.yearsOfEducation ?? 10) - 10)) / 4 +
      m.network * community,
  );
  return household.workingAdults * p;
}
