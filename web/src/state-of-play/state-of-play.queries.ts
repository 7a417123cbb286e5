import { useQuery } from '@tanstack/react-query';
import { useIntl } from 'react-intl';
import type { components } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';
import { apiLanguage, type Locale } from '../i18n/locales.ts';

export type Round = components['schemas']['Round'];
export type StateOfPlay = components['schemas']['StateOfPlay'];
export type StateOfPlayRow = StateOfPlay['states'][number];
export type DocumentFigure = StateOfPlay['documentFigures'][number];
export type ForecastReport = components['schemas']['ForecastReport'];

/**
 * The round shown when the address names none: the 2020 pledging round (Recommendation (EU)
 * 2020/1364), the one with an Annex of pledges and a target to measure against; the newest round
 * that has begun where it is not listed.
 */
const DEFAULT_ROUND = '2020-2021';

export function defaultRound(rounds: readonly Round[], today = new Date().toISOString().slice(0, 10)): Round | undefined {
  return rounds.find((r) => r.id === DEFAULT_ROUND) ?? [...rounds].reverse().find((r) => r.start <= today) ?? rounds[rounds.length - 1];
}

export function useRounds() {
  return useQuery({
    queryKey: ['rounds'],
    queryFn: async () => (await api.GET('/api/rounds')).data!.rounds,
    staleTime: 5 * 60_000,
  });
}

/** The language of names in the figures: the API speaks English and Dutch (the Annex's); English for the other languages. */
export const useFiguresLang = (): Locale => apiLanguage(useIntl().locale);

export function useStateOfPlay(roundId: string | undefined) {
  const lang = useFiguresLang();
  return useQuery({
    queryKey: ['state-of-play', roundId, lang],
    enabled: roundId !== undefined,
    // A change of language keeps the figures on screen while the names come in the new language.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === roundId ? previous : undefined),
    queryFn: async () =>
      (await api.GET('/api/rounds/{round}/state-of-play', { params: { path: { round: roundId! }, query: { lang } } })).data!,
  });
}

/**
 * The forecast simulates futures and can take seconds: its own query, asked for only once the
 * figures it would otherwise hold up are in (the embedded database answers one query at a time).
 */
export function useForecast(roundId: string | undefined, after = true) {
  return useQuery({
    queryKey: ['forecast', roundId],
    enabled: roundId !== undefined && after,
    queryFn: async () => (await api.GET('/api/rounds/{round}/forecast', { params: { path: { round: roundId! } } })).data!,
    staleTime: 5 * 60_000,
  });
}
