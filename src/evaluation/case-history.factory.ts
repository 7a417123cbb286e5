import type { Status } from '../cases/stage.ts';
import type { CaseHistory } from './case-history.ts';

/** A case history for tests: a plain resettlement case of one person, with the fields given over it. */
export function buildHistory(events: [Status, string, string?][], fields: Partial<CaseHistory> = {}): CaseHistory {
  return {
    key: 'K',
    stateCode: 'DE',
    pathway: 'resettlement',
    roundId: '2020-2021',
    countryOfDeparture: 'TUR',
    priority: 'normal',
    modality: null,
    persons: 1,
    events: events.map(([status, on, reason]) => (reason ? { status, on, reason } : { status, on })),
    ...fields,
  };
}
