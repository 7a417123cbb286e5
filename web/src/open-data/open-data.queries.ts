import { useQuery } from '@tanstack/react-query';
import type { components } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';
import type { Locale } from '../i18n/locales.ts';

export type OpenData = components['schemas']['OpenData'];
export type OpenDataState = OpenData['states'][number];

/** The rounds, read without a session (the open data's own list: the signed-in one needs a session). */
export function useOpenDataRounds() {
  return useQuery({
    queryKey: ['open-data', 'rounds'],
    queryFn: async () => (await api.GET('/api/open-data/rounds')).data!.rounds,
    staleTime: 5 * 60_000,
  });
}

export function useOpenData(roundId: string | undefined, lang: Locale) {
  return useQuery({
    queryKey: ['open-data', roundId, lang],
    enabled: roundId !== undefined,
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[1] === roundId ? previous : undefined),
    queryFn: async () => (await api.GET('/api/open-data/rounds/{round}', { params: { path: { round: roundId! }, query: { lang } } })).data!,
  });
}

/** A file of the open data, as the server writes it (CSV, HXL-tagged CSV, SDMX-CSV 2.0). */
export const openDataFile = (round: string, lang: Locale) => (format: 'csv' | 'hxl' | 'sdmx') =>
  `/api/open-data/rounds/${encodeURIComponent(round)}/${format}?lang=${lang}`;
