import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components, paths } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';
import { signedIn, useMe } from '../api/session.ts';

/** The reads and writes of the complementary pathways' pages (a state's officer), over the typed client. Query keys start with 'complementary'. */

export type Candidate = components['schemas']['Candidate'];
export type CandidateDetail = components['schemas']['CandidateDetail'];
export type CandidateStatus = Candidate['status'];
export type Support = Candidate['support'][number];
export type FamilyRequest = components['schemas']['FamilyReunificationRequest'];
export type Outcome = components['schemas']['FamilyRequestClosure']['outcome'];
export type StateCode = paths['/api/states/{state}/candidates']['get']['parameters']['path']['state'];
export type NewCandidate = components['schemas']['NewCandidate'];
export type NewFamilyRequest = paths['/api/states/{state}/family-reunification']['post']['requestBody']['content']['application/json'];

export const CANDIDATE_STATUSES: CandidateStatus[] = [
  'applied',
  'shortlisted',
  'admitted',
  'refused',
  'withdrawn',
  'arrived',
  'graduated',
  'placed',
];
export const SUPPORT: Support[] = ['scholarship', 'language_course', 'flexible_admission', 'counselling', 'job_search'];
export const OUTCOMES_BY_KIND: Record<FamilyRequest['kind'], Outcome[]> = {
  information: ['informed', 'referred', 'withdrawn'],
  visa_assistance: ['visa_issued', 'visa_refused', 'referred', 'withdrawn'],
};

/** The signed-in officer's state; null for anyone else. */
export function useOfficerState(): StateCode | null {
  const me = useMe();
  return signedIn(me.data) && me.data.user.role === 'state_officer' ? (me.data.user.stateCode as StateCode | null) : null;
}

const key = (state: StateCode) => ({ params: { path: { state } } });
const changing = (etag: string) => ({ 'Idempotency-Key': crypto.randomUUID(), 'If-Match': etag });

export function useCandidates(state: StateCode | null, status: CandidateStatus | undefined) {
  return useQuery({
    queryKey: ['complementary', 'candidates', state, status ?? null],
    enabled: state !== null,
    queryFn: async () =>
      (await api.GET('/api/states/{state}/candidates', { params: { path: { state: state! }, query: status ? { status } : {} } })).data!
        .candidates,
  });
}

export function useCandidate(state: StateCode | null, id: number) {
  return useQuery({
    queryKey: ['complementary', 'candidate', state, id],
    enabled: state !== null,
    queryFn: async () => {
      const { data, response } = await api.GET('/api/states/{state}/candidates/{id}', { params: { path: { state: state!, id } } });
      return { candidate: data!, etag: response.headers.get('etag') ?? '' };
    },
  });
}

function useInvalidating<I, O>(send: (input: I) => Promise<O>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: send, onSuccess: () => client.invalidateQueries({ queryKey: ['complementary'] }) });
}

export const useCreateCandidate = (state: StateCode) =>
  useInvalidating(
    async (body: NewCandidate) =>
      (
        await api.POST('/api/states/{state}/candidates', {
          params: { path: { state }, header: { 'Idempotency-Key': crypto.randomUUID() } },
          body,
        })
      ).data!,
  );

export const useMoveCandidate = (state: StateCode, id: number) =>
  useInvalidating(
    async ({ etag, ...body }: { etag: string; to: CandidateStatus; on?: string; reason?: string }) =>
      (await api.POST('/api/states/{state}/candidates/{id}/transitions', { params: { path: { state, id }, header: changing(etag) }, body }))
        .data!,
  );

export const useAddSupport = (state: StateCode, id: number) =>
  useInvalidating(
    async ({ etag, support }: { etag: string; support: Support }) =>
      (
        await api.POST('/api/states/{state}/candidates/{id}/support', {
          params: { path: { state, id }, header: changing(etag) },
          body: { support },
        })
      ).data!,
  );

export function useFamilyRequests(state: StateCode | null) {
  return useQuery({
    queryKey: ['complementary', 'family', state],
    enabled: state !== null,
    queryFn: async () => (await api.GET('/api/states/{state}/family-reunification', key(state!))).data!.requests,
  });
}

export function useFamilyFigures(state: StateCode | null) {
  return useQuery({
    queryKey: ['complementary', 'family-figures', state],
    enabled: state !== null,
    queryFn: async () => (await api.GET('/api/states/{state}/family-reunification/figures', key(state!))).data!,
  });
}

export const useCreateFamilyRequest = (state: StateCode) =>
  useInvalidating(
    async (body: NewFamilyRequest) =>
      (
        await api.POST('/api/states/{state}/family-reunification', {
          params: { path: { state }, header: { 'Idempotency-Key': crypto.randomUUID() } },
          body,
        })
      ).data!,
  );

/** Closing a request: the ETag of the request as listed (its id and version). */
export const useCloseFamilyRequest = (state: StateCode) =>
  useInvalidating(
    async ({ request, ...body }: { request: FamilyRequest; outcome: Outcome; on?: string; note?: string }) =>
      (
        await api.POST('/api/states/{state}/family-reunification/{id}/close', {
          params: { path: { state, id: request.id }, header: changing(`"family-request-${request.id}-v${request.version}"`) },
          body,
        })
      ).data!,
  );
