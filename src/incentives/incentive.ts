/**
 * The AMIF incentive of a person: which of the round's rates applies, decided by evidence. Pure.
 * (The rules and their table tests: this module; the rates: the round's data, src/rounds/round.data.ts.)
 */

/** What decided a person's rate, kept with the incentive. */
export interface IncentiveEvidence {
  pathway: string;
  countryOfDeparture: string;
  /** The round's priority whose countries hold the country of departure, or null. */
  priorityRegion: string | null;
  /** The vulnerable groups the person belongs to, each with what shows it ('category:…', 'need:…', 'priority:…', 'recorded'). */
  vulnerableGroups: { group: string; from: string }[];
}
