import type { components, operations } from '../../../src/api/openapi.types.ts';

/** A round, its pledges and its types as the API gives them, and the few rules the pages apply to them (pure). */
export type Round = components['schemas']['Round'];
export type PledgeListing = components['schemas']['PledgeListing'];
export type StatePledgeRow = PledgeListing['states'][number];
export type Pledge = components['schemas']['Pledge'];
export type PledgeChange = components['schemas']['PledgeHistory']['changes'][number];
export type Pathway = Round['pathways'][number];
export type Qualifier = NonNullable<Round['target']>['qualifier'];
export type StateCode = operations['getStatePledges']['parameters']['path']['state'];

/**
 * The pathways of the framework: the server's own list (src/rounds/pathway.ts, which imports nothing,
 * so the page gets no zod with it). A pathway the API adds and this list misses is a type error
 * (`exactly` in cases/case-options.ts).
 */
export { PATHWAYS } from '../../../src/rounds/pathway.ts';

/** How a document qualifies a figure, as src/rounds/round.ts (QUALIFIERS). */
export const QUALIFIERS: readonly Qualifier[] = ['exact', 'at_least', 'about', 'fewer_than', 'more_than'];

export type RoundStatus = 'upcoming' | 'open' | 'closed';

/** Where a round stands on a day (ISO dates compare as strings). */
export function roundStatus(round: Pick<Round, 'start' | 'end'>, today: string): RoundStatus {
  if (today < round.start) return 'upcoming';
  return today <= round.end ? 'open' : 'closed';
}

export const today = (): string => new Date().toISOString().slice(0, 10);

/** The round's pledged total and carry-overs, summed from the states' rows (never taken from the API's totals). */
export function pledgeTotals(states: readonly Pick<StatePledgeRow, 'pledged' | 'carryOver'>[]): { pledged: number; carryOver: number } {
  return states.reduce((t, s) => ({ pledged: t.pledged + s.pledged, carryOver: t.carryOver + s.carryOver }), { pledged: 0, carryOver: 0 });
}

/** The key the server upserts a pledge by (src/pledges/pledge.ts pledgeKey, without the state). */
export const pledgeKey = (p: Pick<Pledge, 'pathway' | 'carryOver' | 'countryOfDeparture' | 'targetGroup'>): string =>
  [p.pathway, p.carryOver ? '1' : '0', (p.countryOfDeparture ?? '').toUpperCase(), p.targetGroup ?? ''].join('|');

/** The API's names of states and countries come in English or Dutch; any other page language reads them in English. */

/** A label with an English text and perhaps a Dutch one, in the page's language where it has it. */
export const labelIn = (label: { en: string; nl?: string }, locale: string): string =>
  locale.startsWith('nl') && label.nl ? label.nl : label.en;
