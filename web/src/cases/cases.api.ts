import { keepPreviousData, useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from '../api/client.ts';
import { signedIn, useMe } from '../api/session.ts';
import { caseEtag, queryOf, type CaseSummary, type CaseView, type Move, type StateCode, type Transition } from './case-options.ts';

/** The reads and writes of the case pages, over the typed client. Query keys start with 'cases'. */

const PAGE = 50;

/** The state whose cases the signed-in caseworker handles; null for an account without one. */
export function useCaseState(): StateCode | null {
  const me = useMe();
  return signedIn(me.data) && me.data.user.stateCode ? (me.data.user.stateCode as StateCode) : null;
}

/** A state's cases under the URL's filters, page by page (keyset: each page asks for the one after the last). */
export function useCasePages(state: StateCode, search: Record<string, unknown>) {
  const query = queryOf(search);
  return useInfiniteQuery({
    queryKey: ['cases', 'list', state, query],
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }) => {
      const { data } = await api.GET('/api/states/{state}/cases', {
        params: { path: { state }, query: { ...query, limit: PAGE, ...(pageParam ? { cursor: pageParam } : {}) } },
      });
      return data!;
    },
    getNextPageParam: (last) => last.nextCursor,
    // The last list stays while the next filter's loads, so the count is updated in place (and announced).
    placeholderData: keepPreviousData,
  });
}

/** One case and the ETag it was read at (a change names it in If-Match). */
export function useCase(state: StateCode, ref: string) {
  return useQuery({
    queryKey: ['cases', 'one', state, ref],
    queryFn: async (): Promise<{ view: CaseView; etag: string }> => {
      const { data, response } = await api.GET('/api/states/{state}/cases/{ref}', { params: { path: { state, ref } } });
      return { view: data!, etag: response.headers.get('etag') ?? '' };
    },
    staleTime: 0,
  });
}

export function useHistory(state: StateCode, ref: string) {
  return useQuery({
    queryKey: ['cases', 'history', state, ref],
    queryFn: async () => (await api.GET('/api/states/{state}/cases/{ref}/history', { params: { path: { state, ref } } })).data!.history,
    staleTime: 0,
  });
}

export type TransitionInput = Omit<Transition, 'action'>;

/** Moves one case against the version read; a stale version throws the API's 412. */
export async function moveCase(state: StateCode, ref: string, etag: string, move: Move, input: TransitionInput) {
  const { data } = await api.POST('/api/states/{state}/cases/{ref}/transitions', {
    params: { path: { state, ref }, header: { 'Idempotency-Key': crypto.randomUUID(), 'If-Match': etag } },
    body: { action: move.action, ...input },
  });
  return data!;
}

export interface BulkOutcome {
  moved: string[];
  refused: { ref: string; message: string }[];
}

/**
 * Holds or resumes the cases chosen in the list, one transition each at the version the list
 * showed. The API's bulk routes act on a whole state or country of departure; a selection is
 * this. One at a time, so a refusal of one case leaves the others to go through.
 */
export async function moveCases(
  state: StateCode,
  cases: CaseSummary[],
  action: 'hold' | 'resume',
  reason: string,
  onProgress: (done: number) => void,
): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { moved: [], refused: [] };
  for (const c of cases) {
    try {
      await moveCase(state, c.caseRef, caseEtag(c), { to: action === 'hold' ? 'on_hold' : (c.heldFrom ?? 'referred'), action }, { reason });
      outcome.moved.push(c.caseRef);
    } catch (e) {
      outcome.refused.push({ ref: c.caseRef, message: e instanceof Error ? e.message : String(e) });
    }
    onProgress(outcome.moved.length + outcome.refused.length);
  }
  return outcome;
}

/** After a change: the case, its history and every list read again. */
export function useRefreshCases() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ['cases'] });
}

// ── Saved views ───────────────────────────────────────────────────────────────────────────────

/** The caller's saved views of the list; `null` where the server has no saved views (404): the panel is then not shown. */
export function useSavedViews() {
  return useQuery({
    queryKey: ['views', 'cases'],
    queryFn: async () => {
      try {
        return (await api.GET('/api/views', { params: { query: { area: 'cases' } } })).data!.views;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    staleTime: 60_000,
  });
}

export async function saveView(name: string, params: Record<string, string>) {
  return (
    await api.POST('/api/views', { params: { header: { 'Idempotency-Key': crypto.randomUUID() } }, body: { area: 'cases', name, params } })
  ).data!;
}

export async function deleteView(id: number) {
  await api.DELETE('/api/views/{id}', { params: { path: { id } } });
}
