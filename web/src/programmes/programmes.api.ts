import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { components, paths } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';

/** The reads and writes of the programme pages and the returns of point 27, over the typed client. Query keys start with 'programmes'. */

export type Programme = components['schemas']['Programme'];
export type ProgrammeStatus = Programme['status'];
export type ProgrammeKind = Programme['kind'];
export type AdmissionReturns = components['schemas']['AdmissionReturns'];
type ListQuery = NonNullable<paths['/api/programmes']['get']['parameters']['query']>;
export type ProgrammeFilters = { state?: string; kind?: string; status?: string; round?: string };

export const PROGRAMME_KINDS: ProgrammeKind[] = [
  'national_humanitarian_admission',
  'family_sponsorship',
  'community_sponsorship',
  'humanitarian_corridor',
  'vhas',
  'emergency_admission',
  'education',
  'labour',
  'family_reunification_support',
];
export const PROGRAMME_STATUSES: ProgrammeStatus[] = ['planned', 'active', 'suspended', 'closed'];

export function useProgrammes(filters: ProgrammeFilters) {
  return useQuery({
    queryKey: ['programmes', 'list', filters],
    queryFn: async () => (await api.GET('/api/programmes', { params: { query: filters as ListQuery } })).data!.programmes,
  });
}

/** One programme and its ETag (for If-Match on a change). */
export function useProgramme(code: string) {
  return useQuery({
    queryKey: ['programmes', 'one', code],
    queryFn: async () => {
      const { data, response } = await api.GET('/api/programmes/{code}', { params: { path: { code } } });
      return { programme: data!, etag: response.headers.get('etag') ?? '' };
    },
  });
}

/** A change of a programme made against the version read (its ETag); every programme query is read again after it. */
function useChange<I>(send: (input: I, etag: string) => Promise<unknown>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ input, etag }: { input: I; etag: string }) => send(input, etag),
    onSuccess: () => client.invalidateQueries({ queryKey: ['programmes'] }),
  });
}

export const useMoveProgramme = (code: string) =>
  useChange<{ to: ProgrammeStatus; reason?: string }>(
    async (input, etag) =>
      (
        await api.POST('/api/programmes/{code}/status', {
          params: { path: { code }, header: { 'Idempotency-Key': crypto.randomUUID(), 'If-Match': etag } },
          body: input,
        })
      ).data,
  );

export const useRecordCondition = (code: string) =>
  useChange<{ condition: string; met: boolean; on: string; evidence: string }>(
    async ({ condition, ...body }, etag) =>
      (
        await api.POST('/api/programmes/{code}/conditions/{condition}', {
          params: { path: { code, condition }, header: { 'Idempotency-Key': crypto.randomUUID(), 'If-Match': etag } },
          body,
        })
      ).data,
  );

export function useAdmissions(period: { round?: string; from?: string; to?: string }) {
  const ready = period.round !== undefined || (period.from !== undefined && period.to !== undefined);
  return useQuery({
    queryKey: ['programmes', 'returns', period],
    enabled: ready,
    queryFn: async () => (await api.GET('/api/reports/admissions', { params: { query: period } })).data!,
  });
}
