import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components, paths } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';

/** The reads and writes of the placement page, over the typed client. Query keys start with 'placement'. */
export type PlacementRun = components['schemas']['PlacementRun'];
export type StateCode = paths['/api/states/{state}/placement/runs']['get']['parameters']['path']['state'];
export type { Placement, PlacementResult } from './plan.ts';

/** How often a running job is read again. */
export const POLL_MS = 500;

export function useRuns(state: StateCode | undefined) {
  return useQuery({
    queryKey: ['placement', 'runs', state],
    enabled: state !== undefined,
    queryFn: async () => (await api.GET('/api/states/{state}/placement/runs', { params: { path: { state: state! } } })).data!.runs,
  });
}

/** One run, read again every POLL_MS while it is queued or running. */
export function useRun(state: StateCode | undefined, id: number | undefined) {
  return useQuery({
    queryKey: ['placement', 'run', state, id],
    enabled: state !== undefined && id !== undefined,
    queryFn: async () => (await api.GET('/api/states/{state}/placement/runs/{id}', { params: { path: { state: state!, id: id! } } })).data!,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'done' || q.state.data.status === 'failed') ? false : POLL_MS),
  });
}

export function usePlacements(state: StateCode | undefined) {
  return useQuery({
    queryKey: ['placement', 'placements', state],
    enabled: state !== undefined,
    queryFn: async () =>
      (await api.GET('/api/states/{state}/placement/placements', { params: { path: { state: state! } } })).data!.placements,
  });
}

export function useStartRun(state: StateCode | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { round: string; timeLimitSeconds: number }) =>
      (
        await api.POST('/api/states/{state}/placement/runs', {
          params: { path: { state: state! }, header: { 'Idempotency-Key': crypto.randomUUID() } },
          body: input,
        })
      ).data!,
    onSuccess: () => client.invalidateQueries({ queryKey: ['placement', 'runs'] }),
  });
}

export function useDecide(state: StateCode | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { runId: number; decisions: { caseRef: string; place: string; reason?: string }[] }) =>
      (
        await api.POST('/api/states/{state}/placement/runs/{id}/decisions', {
          params: { path: { state: state!, id: input.runId }, header: { 'Idempotency-Key': crypto.randomUUID() } },
          body: { decisions: input.decisions },
        })
      ).data!,
    onSuccess: () => client.invalidateQueries({ queryKey: ['placement', 'placements'] }),
  });
}
