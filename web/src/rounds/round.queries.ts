import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, ApiError } from '../api/client.ts';
import type { StateCode } from './round.ts';
import type { Locale } from '../i18n/locales.ts';

/**
 * The reads of the rounds area. Keys start with 'rounds-area' (other pages keep their own), and
 * name the round, so a change to a round's pledges refreshes everything read about that round.
 */
export const roundsKey = ['rounds-area', 'list'] as const;

export function useRounds() {
  return useQuery({
    queryKey: roundsKey,
    queryFn: async () => (await api.GET('/api/rounds')).data!.rounds,
  });
}

export function useRound(id: string) {
  return useQuery({
    queryKey: ['rounds-area', 'round', id],
    queryFn: async () => (await api.GET('/api/rounds/{round}', { params: { path: { round: id } } })).data!,
  });
}

/** The pledges of a round as the Annex prints them, the names of states in `lang`. */
export const pledgesQuery = (id: string, lang: Locale) =>
  queryOptions({
    queryKey: ['rounds-area', 'pledges', id, lang],
    queryFn: async () => (await api.GET('/api/rounds/{round}/pledges', { params: { path: { round: id }, query: { lang } } })).data!,
  });

export const usePledges = (id: string, lang: Locale) => useQuery(pledgesQuery(id, lang));

/** A state's own pledges with the ETag a change must send back (If-Match). */
export function useStatePledges(id: string, state: StateCode | null) {
  return useQuery({
    queryKey: ['rounds-area', 'state-pledges', id, state],
    queryFn: async () => {
      const { data, response } = await api.GET('/api/rounds/{round}/pledges/{state}', { params: { path: { round: id, state: state! } } });
      return { pledges: data!.pledges, etag: response.headers.get('etag') ?? '' };
    },
    enabled: state !== null,
  });
}

/** A state's pledge changes, newest first; null where the server has no such route (404: the panel is hidden). */
export function usePledgeHistory(id: string, state: StateCode | null) {
  return useQuery({
    queryKey: ['rounds-area', 'pledge-history', id, state],
    queryFn: async () => {
      try {
        return (await api.GET('/api/rounds/{round}/pledges/{state}/history', { params: { path: { round: id, state: state! } } })).data!
          .changes;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    enabled: state !== null,
  });
}
