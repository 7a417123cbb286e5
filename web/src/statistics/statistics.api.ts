import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';

/** The reads and writes of the statistics page, over the typed client. Query keys start with 'statistics'. */

export type StatisticsDataset = components['schemas']['StatisticsDataset'];
export type Reconciliation = components['schemas']['Reconciliation'];
export type StatisticsContext = NonNullable<components['schemas']['StatisticsContext']>;
export type StatisticsSource = StatisticsDataset['source'];

export function useDatasets() {
  return useQuery({
    queryKey: ['statistics', 'datasets'],
    queryFn: async () => (await api.GET('/api/statistics/datasets')).data!.datasets,
  });
}

export function useReconciliation(year: number) {
  return useQuery({
    queryKey: ['statistics', 'reconciliation', year],
    queryFn: async () => (await api.GET('/api/statistics/reconciliation', { params: { query: { year } } })).data!,
  });
}

export function useContext() {
  return useQuery({
    queryKey: ['statistics', 'context'],
    queryFn: async () => (await api.GET('/api/statistics/context')).data!.context,
  });
}

/** Sends a publisher's file as it is (the body is the file); every statistics query is read again after it. */
export function useImportDataset() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { source: StatisticsSource; file: File; extractedOn?: string }) => {
      const text = await input.file.text();
      const { data } = await api.POST('/api/statistics/datasets', {
        params: {
          query: {
            source: input.source,
            filename: input.file.name.replace(/[^\p{L}\p{N}._ -]+/gu, '_').slice(0, 100),
            ...(input.extractedOn ? { extractedOn: input.extractedOn } : {}),
          },
          header: { 'Idempotency-Key': crypto.randomUUID() },
        },
        body: text as never,
        bodySerializer: (b: unknown) => b as string,
        headers: { 'content-type': /\.tsv$/i.test(input.file.name) ? 'text/tab-separated-values' : 'text/csv' },
      });
      return data!;
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['statistics'] }),
  });
}

export function useRemoveDataset() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (id: number) => {
      await api.DELETE('/api/statistics/datasets/{id}', { params: { path: { id } } });
    },
    onSuccess: () => client.invalidateQueries({ queryKey: ['statistics'] }),
  });
}
