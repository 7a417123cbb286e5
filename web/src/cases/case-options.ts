import type { components, operations } from '../../../src/api/openapi.types.ts';
import { allowedMoves, HOLDABLE_STAGES } from '../../../src/cases/stage.ts';
import { PATHWAYS as ROUND_PATHWAYS } from '../rounds/round.ts';

/**
 * The vocabulary of the case pages: the values each filter takes and what a case may do next.
 * The lists are written here (the server's modules that hold them would bring zod and the country
 * tables into the page), and `Exactly` makes the type check fail when the API's enums change, so a
 * list cannot drift from the server. The moves open to a case come from the stage rules themselves
 * (`allowedMoves`, a pure function the server decides with).
 */
type ListQuery = NonNullable<operations['listCases']['parameters']['query']>;
export type StateCode = operations['listCases']['parameters']['path']['state'];
export type CaseSummary = components['schemas']['CaseSummary'];
export type CaseView = components['schemas']['CaseView'];
export type CaseEvent = components['schemas']['CaseEvent'];
export type Member = NonNullable<CaseView['members']>[number];
export type Transition = components['schemas']['Transition'];
export type Status = NonNullable<ListQuery['status']>;
export type SortKey = NonNullable<ListQuery['sort']>;

/** A list of the values of U that misses none: a missing one is a type error naming it. */
const exactly =
  <U extends string>() =>
  <const L extends readonly U[]>(list: L & ([Exclude<U, L[number]>] extends [never] ? unknown : { missing: Exclude<U, L[number]> })): L =>
    list;

export const STATUSES = exactly<Status>()([
  'referred',
  'under_review',
  'accepted',
  'rejected',
  'deferred',
  'checks',
  'pre_departure',
  'travel_arranged',
  'departed',
  'arrived',
  'post_arrival',
  'reception',
  'integration',
  'closed',
  'on_hold',
  'withdrawn',
]);
export const PRIORITIES = exactly<NonNullable<ListQuery['priority']>>()(['emergency', 'urgent', 'normal']);
export const CATEGORIES = exactly<NonNullable<ListQuery['category']>>()([
  'legal_physical_protection',
  'survivors_of_violence_torture',
  'medical_needs',
  'women_girls_at_risk',
  'family_reunification',
  'children_adolescents_at_risk',
  'lack_of_durable_solutions',
]);
export const MODALITIES = exactly<NonNullable<ListQuery['modality']>>()(['in_person', 'remote', 'dossier']);
export const PATHWAYS = exactly<NonNullable<ListQuery['pathway']>>()(ROUND_PATHWAYS);
export const NEEDS = exactly<NonNullable<ListQuery['needs']>>()([
  'disability',
  'medical',
  'mental_health',
  'survivor_of_torture',
  'woman_at_risk',
  'child_at_risk',
  'unaccompanied_child',
  'older_person',
  'single_parent',
  'pregnancy',
  'lgbtiq_at_risk',
  'other',
]);
export const SORTS = exactly<SortKey>()(['case_ref', '-case_ref', 'status_on', '-status_on', 'priority', '-priority']);

/** Values the catalogue names (`cases.<group>.<value>`); anything else is shown as the API gave it. */
export const RELATIONSHIPS = ['principal', 'spouse', 'child', 'parent', 'sibling', 'grandchild', 'other'] as const;
export const PARTNERS = ['unhcr', 'iom', 'sponsor', 'embassy', 'other'] as const;
export const SEXES = ['F', 'M', 'X'] as const;

/** The filters of the list, as the page's URL carries them. */
export const FILTER_KEYS = ['ref', 'status', 'priority', 'category', 'departure', 'modality', 'pathway', 'needs'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey | 'sort', string>>;

const CHOICES: Record<Exclude<FilterKey, 'departure' | 'ref'>, readonly string[]> = {
  status: STATUSES,
  priority: PRIORITIES,
  category: CATEGORIES,
  modality: MODALITIES,
  pathway: PATHWAYS,
  needs: NEEDS,
};
export const choicesOf = (key: Exclude<FilterKey, 'departure' | 'ref'>) => CHOICES[key];

/** Part of a case reference, as the list's search takes it. */
export const REF_SEARCH = /^[\p{L}\p{N} ._:/-]{1,64}$/u;

export const DEPARTURE = /^[A-Z]{3}$/;

/** The URL's search parameters as the API's query: unknown values are dropped rather than sent. */
export function queryOf(search: Record<string, unknown>): ListQuery {
  const q: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const v = search[key];
    if (typeof v !== 'string') continue;
    if (key === 'ref' ? REF_SEARCH.test(v.trim()) : key === 'departure' ? DEPARTURE.test(v) : CHOICES[key].includes(v))
      q[key] = key === 'ref' ? v.trim() : v;
  }
  if (typeof search.sort === 'string' && (SORTS as readonly string[]).includes(search.sort)) q.sort = search.sort;
  return q as ListQuery;
}

/** How a status looks in a badge: the words say it, the colour only repeats it. */
export function badgeOf(status: string): string {
  if (status === 'rejected' || status === 'withdrawn') return 'badge badge-danger';
  if (status === 'on_hold' || status === 'deferred') return 'badge badge-warning';
  if (['arrived', 'post_arrival', 'reception', 'integration', 'closed'].includes(status)) return 'badge badge-success';
  return 'badge';
}

/** A move open to a case now: the status it leads to and the API's action that makes it. */
export interface Move {
  to: Status;
  action: Transition['action'];
}

/** The moves open to a case in its status (the stage rules), in the order of the process. */
export function movesOf(status: Status, heldFrom: CaseView['heldFrom']): Move[] {
  return allowedMoves({ status, heldFrom: heldFrom ?? null }).map((to) => ({
    to,
    action: to === 'on_hold' ? 'hold' : to === 'withdrawn' ? 'withdraw' : status === 'on_hold' ? 'resume' : (to as Transition['action']),
  }));
}

export const holdable = (status: string): boolean => (HOLDABLE_STAGES as readonly string[]).includes(status);

/** What a move asks for besides the day (stage.ts: NEEDS_REASON; advance-case.ts: modality, split decisions). */
export function needsOf(move: Move): { reason: boolean; modality: 'review' | 'orientation' | null; members: boolean } {
  return {
    reason: ['rejected', 'deferred', 'on_hold', 'withdrawn'].includes(move.to),
    modality:
      ['under_review', 'accepted', 'rejected', 'deferred'].includes(move.to) && move.action !== 'resume'
        ? 'review'
        : move.to === 'pre_departure' && move.action !== 'resume'
          ? 'orientation'
          : null,
    members: move.to === 'accepted' && move.action !== 'resume',
  };
}

/** Today as the server counts it (UTC): a later day is refused as in the future. */
export const today = (): string => new Date().toISOString().slice(0, 10);

/**
 * The ETag of a case as a list row shows it. The API documents a case's ETag as its id and version
 * (`"case-12-v3"`, src/api/etag.ts), so a bulk move can name the version the user saw without
 * reading every household's members just to act on it.
 */
export const caseEtag = (c: Pick<CaseSummary, 'id' | 'version'>): string => `"case-${c.id}-v${c.version}"`;
