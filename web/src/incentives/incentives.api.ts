import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components, paths } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';
import type { VulnerableGroup } from './incentive.ts';

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
      (
        await api.GET('/api/rounds/{round}/incentives', {
          params: { path: { round: round! }, query: state ? { state: state as StateCode } : {} },
        })
      ).data!,
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
      (
        await api.GET('/api/rounds/{round}/incentives/claims', {
          params: { path: { round: round! }, query: { state: state as StateCode } },
        })
      ).data!.claims,
  });
}

const caseKey = (state: string, caseRef: string) => ['incentives', 'case', state, caseRef];

/** A member of a case with their incentive and its history, as the client reads it. */
export type CaseMember = NonNullable<ReturnType<typeof useCaseIncentives>['data']>['members'][number];

/** A case's members with their incentive and its history, and the case's ETag as read (a change names it in If-Match). */
export function useCaseIncentives(state: string, caseRef: string) {
  return useQuery({
    queryKey: caseKey(state, caseRef),
    queryFn: async () => {
      const { data, response } = await api.GET('/api/states/{state}/cases/{ref}/incentives', {
        params: { path: { state: state as StateCode, ref: caseRef } },
      });
      return { members: data!.members, etag: response.headers.get('etag') ?? '' };
    },
    staleTime: 0,
  });
}

/** After the case changed elsewhere on the page (a move): its incentives read again. */
export function useRefreshCaseIncentives(state: string, caseRef: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: caseKey(state, caseRef) });
}

/**
 * Records a member's vulnerable groups against the case's ETag as read (a stale one: the API's
 * 412). The member comes back recomputed, with its new line of history, and the case's new ETag:
 * both are put in place at once, so the next change names the new version.
 */
export function useRecordVulnerableGroups(state: string, caseRef: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { etag: string; member: string; groups: VulnerableGroup[] }) => {
      const { data, response } = await api.PUT('/api/states/{state}/cases/{ref}/vulnerable-groups', {
        params: { path: { state: state as StateCode, ref: caseRef }, header: { 'If-Match': input.etag } },
        body: { member: input.member, groups: input.groups },
      });
      return { member: data!, etag: response.headers.get('etag') ?? '' };
    },
    onSuccess: ({ member, etag }) => {
      client.setQueryData(caseKey(state, caseRef), (old: { members: CaseMember[]; etag: string } | undefined) =>
        old ? { etag, members: old.members.map((m) => (m.personRef === member.personRef ? member : m)) } : old,
      );
      // The round's report and claims count this person too.
      void client.invalidateQueries({ queryKey: ['incentives', 'report'] });
    },
  });
}

export function useMakeClaim(round: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (input: { state: string; from: string; to: string }) =>
      (
        await api.POST('/api/rounds/{round}/incentives/claims', {
          params: { path: { round: round! }, header: { 'Idempotency-Key': crypto.randomUUID() } },
          body: input,
        })
      ).data!,
    onSuccess: () => client.invalidateQueries({ queryKey: ['incentives', 'claims', round] }),
  });
}
