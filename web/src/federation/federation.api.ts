import { useQuery } from '@tanstack/react-query';
import type { components } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';
import type { Locale } from '../i18n/locales.ts';

/** The reads of the returns page, over the typed client. Query keys start with 'federation'. */
export type ReturnsMatrix = components['schemas']['ReturnsMatrix'];
export type ReturnsStateOfPlay = components['schemas']['ReturnsStateOfPlay'];
export type SentReturn = components['schemas']['SentReturn'];

export function useReturnsMatrix(round: string | undefined) {
  return useQuery({
    queryKey: ['federation', 'matrix', round],
    enabled: round !== undefined,
    queryFn: async () => (await api.GET('/api/federation/returns', { params: { query: { round } } })).data!,
  });
}

export function useStateOfPlayFromReturns(round: string | undefined, asOf: string | undefined, lang: Locale) {
  return useQuery({
    queryKey: ['federation', 'state-of-play', round, asOf, lang],
    enabled: round !== undefined,
    queryFn: async () =>
      (
        await api.GET('/api/federation/rounds/{round}/state-of-play', {
          params: { path: { round: round! }, query: { ...(asOf ? { asOf } : {}), lang } },
        })
      ).data!,
  });
}

export function useReturnsSent(enabled: boolean) {
  return useQuery({
    queryKey: ['federation', 'sent'],
    enabled,
    queryFn: async () => (await api.GET('/api/federation/sent')).data!.sent,
  });
}
