import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components, paths } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';

/** The reads and writes of the incentives page, over the typed client. Query keys start with 'incentives'. */

export type IncentiveReport = components['schemas']['IncentiveReport'];
export type PersonLine = NonNullable<IncentiveReport['persons']>[number];
export type RateTotal = IncentiveReport['byRate'][number];
export type RoundBudget = components['schemas']['RoundBudget'];
export type Claim = components['schemas']['IncentiveClaim'];
export type CaseIncentives = components['schemas']['CaseIncentives'];
export type StateCode = NonNullable<NonNullable<paths['/api/rounds/{round}/incentives']['get']['parameters']['query']>['state']>;

export function useIncentiveReport(round: string | undefined, state: string | undefined) {
  return useQuery({
    queryKey: ['incentives', 'report', round, state ?? null],
    enabled: round !== undefined,
    queryFn: async () =>
      (await api.GET('/api/rounds/{round}/incentives', { params: { path: { round: round! }, query: state ? { state: state as StateCode } : {} } })).data!,
  });
}

export function useBudget(round: string | undefined) {
  return useQuery({
    queryKey: ['incentives', 'budget', round],
    enabled: round !== undefined,
    queryFn: async () => (await api.GET('/api/rounds/{round}/budget', { params: { path: { round: round! } } })).data!,
  });
}

export function useClaims(round: string | undefined, state: string | null) {
  return useQuery({
    queryKey: ['incentives', 'claims', round, state],
    enabled: round !== undefined && state !== null,
    queryFn: async () =>
      (await api.GET('/api/rounds/{round}/incentives/claims', { params: { path: { round: round! }, query: { state: state as StateCode } } })).data!.claims,
  });
}

/** A case's members with their incentive and its history (read when a person's history is opened). */
export function useCaseIncentives(state: string, caseRef: string) {
  return useQuery({
    queryKey: ['incentives', 'case', state, caseRef],
    queryFn: async () =>
      (await api.GET('/api/states/{state}/cases/{ref}/incentives', { params: { path: { state: state as StateCode, ref: caseRef } } })).data!.members,
    staleTime: 0,
  });
}

export function useMakeClaim(round: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { state: string; from: string; to: string }) =>
      (await api.POST('/api/rounds/{round}/incentives/claims', {
        params: { path: { round: round! }, header: { 'Idempotency-Key': crypto.randomUUID() } },
        body: input,
      })).data!,
    onSuccess: () => client.invalidateQueries({ queryKey: ['incentives', 'claims', round] }),
  });
}
