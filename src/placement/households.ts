/**
 * The households of a placement run, from a state's cases (issue 8). Pure: the repository reads the
 * facts, these rules turn them into the optimiser's instance (placement.ts).
 *
 * Which cases: those of the round that were accepted and have not yet arrived (`PLACEABLE`: accepted,
 * checks, pre-departure, travel arranged, departed), not already placed (no current decision), with
 * their members that travel (a member excluded by a split decision does not count).
 *
 * A household's size in each dimension (the rules, by the members, ages by birth year in the run's year):
 * - persons: every member;
 * - housingUnits: 1 (a household is housed together, never split);
 * - schoolPlaces: members of school age, 6 to 17 (`SCHOOL_AGE`: compulsory schooling starts at 6 in
 *   most Member States and ends at 16–18);
 * - medicalSlots: members with a medical need (`MEDICAL_NEEDS`: medical, mental health, disability);
 * - languageSupport: adults (18 and over), who take the language course; a member without a birth
 *   year counts as an adult and not as a pupil.
 * Links: the case's linked cases (`cases.linked_refs`, one family across cases) that are in the run.
 * Ties: none — the platform records no "family already there" place yet; `tie` is taken when given.
 * Incompatible: a place that cannot serve the household at all — in some dimension the household
 * needs more than the place's whole capacity (e.g. a medical need where the place has no medical
 * slot, children where it has no school place).
 * Penalty of staying unplaced: `PENALTY_PER_PERSON` × persons — each person left without a place
 * costs as much as one member expected in work, more than any score difference between two places
 * (a score is at most the working adults), so the optimiser places everyone that fits.
 * Scores: the documented model of score.ts (expected members in work); the cases record no
 * languages or education, so every household counts as speaking none of the places' languages with
 * 10 years of education: the places are ranked by their labour market.
 */
import { DIMENSIONS, type Dimension, type Household, type Place, type PlacementInstance } from './placement.ts';
import { expectedEmployed, type PlaceProfile } from './score.ts';
import { coreKind, type PlaceKindDb } from './places.ts';

export const PLACEABLE = ['accepted', 'checks', 'pre_departure', 'travel_arranged', 'departed'] as const;
export const SCHOOL_AGE = { from: 6, to: 17 } as const;
export const ADULT_AGE = 18;
export const WORKING_AGE = { from: 18, to: 64 } as const;
export const MEDICAL_NEEDS = ['medical', 'mental_health', 'disability'] as const;
export const PENALTY_PER_PERSON = 1;

export interface MemberFacts {
  birthYear: number | null;
  needs: readonly string[];
}

export interface CaseFacts {
  caseId: number;
  caseRef: string;
  linkedRefs: readonly string[];
  members: readonly MemberFacts[];
  /** A place (its code) the household must go to; none recorded yet. */
  tie?: string;
}

export interface PlaceFacts {
  id: number;
  code: string;
  name: string;
  kind: PlaceKindDb;
  capacity: Record<string, number>;
  profile: Record<string, unknown>;
}

/** A household's use of each dimension, in the order of `DIMENSIONS`. */
export function householdSize(members: readonly MemberFacts[], year: number): number[] {
  const age = (m: MemberFacts) => (m.birthYear === null ? null : year - m.birthYear);
  const size: Record<Dimension, number> = {
    persons: members.length,
    housingUnits: members.length > 0 ? 1 : 0,
    schoolPlaces: members.filter((m) => {
      const a = age(m);
      return a !== null && a >= SCHOOL_AGE.from && a <= SCHOOL_AGE.to;
    }).length,
    medicalSlots: members.filter((m) => m.needs.some((n) => (MEDICAL_NEEDS as readonly string[]).includes(n))).length,
    languageSupport: members.filter((m) => {
      const a = age(m);
      return a === null || a >= ADULT_AGE;
    }).length,
  };
  return DIMENSIONS.map((d) => size[d]);
}

export const workingAdults = (members: readonly MemberFacts[], year: number): number =>
  members.filter((m) => m.birthYear !== null && year - m.birthYear >= WORKING_AGE.from && year - m.birthYear <= WORKING_AGE.to).length;

/** A place's profile as the score model reads it (a missing or odd value: the defaults of places.ts). */
export function placeProfile(profile: Record<string, unknown>): PlaceProfile {
  const strings = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === 'string') : []);
  const rate = typeof profile.employmentRate === 'number' ? profile.employmentRate : 0.746;
  return { employmentRate: rate, languages: strings(profile.languages), communities: strings(profile.communities) };
}

/** The capacity left at a place after the households placed there already (never below 0). */
export function capacityLeft(capacity: Record<string, number>, used: readonly number[]): number[] {
  return DIMENSIONS.map((d, i) => Math.max(0, (capacity[d] ?? 0) - (used[i] ?? 0)));
}

/**
 * The optimiser's instance: households are the cases (id = case reference), places are the state's
 * places (id = place code) with the capacity left (`used`: what current placements take, by place id).
 */
export function buildInstance(
  cases: readonly CaseFacts[],
  places: readonly PlaceFacts[],
  year: number,
  used: ReadonlyMap<number, readonly number[]> = new Map(),
): PlacementInstance {
  const inRun = new Set(cases.map((c) => c.caseRef));
  const households: Household[] = cases.map((c) => {
    const links = c.linkedRefs.filter((r) => r !== c.caseRef && inRun.has(r));
    return {
      id: c.caseRef,
      size: householdSize(c.members, year),
      penalty: PENALTY_PER_PERSON * c.members.length,
      ...(links.length && { links }),
      ...(c.tie !== undefined && { tie: c.tie }),
    };
  });
  const corePlaces: Place[] = places.map((p) => ({
    id: p.code,
    kind: coreKind[p.kind],
    capacity: capacityLeft(p.capacity, used.get(p.id) ?? []),
  }));
  const P = places.length;
  const scores = new Float64Array(cases.length * P).fill(NaN);
  const profiles = places.map((p) => placeProfile(p.profile));
  cases.forEach((c, h) => {
    const size = households[h]!.size;
    const adults = workingAdults(c.members, year);
    places.forEach((p, i) => {
      const whole = DIMENSIONS.map((d) => p.capacity[d] ?? 0);
      if (size.some((s, d) => s > whole[d]!)) return; // incompatible: the place cannot serve it at all
      scores[h * P + i] = expectedEmployed({ workingAdults: adults, languages: [] }, profiles[i]!);
    });
  });
  return { dimensions: DIMENSIONS, households, places: corePlaces, scores };
}
