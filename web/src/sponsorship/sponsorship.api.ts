import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useIntl } from 'react-intl';
import type { components } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';

/**
 * The state side of community sponsorship: the API's calls and the labels of its codes. Every
 * change of an existing record names the ETag it was read at (If-Match); a stale one is refused (412).
 */
export type Sponsor = components['schemas']['Sponsor'];
export type SponsorSummary = components['schemas']['SponsorSummary'];
export type Scheme = components['schemas']['Scheme'];
export type Criterion = components['schemas']['SchemeCriterion'];
export type Roles = components['schemas']['SchemeRoles'];
export type Memorandum = components['schemas']['Memorandum'];
export type Sponsorship = components['schemas']['Sponsorship'];
export type SponsorshipSummary = components['schemas']['SponsorshipSummary'];
export type Message = components['schemas']['SponsorshipMessage'];
export type StateCode = components['schemas']['NewSponsor']['state'];

export const PHASES = ['selection', 'pre_departure', 'reception', 'housing', 'integration', 'finance'] as const;
export const HOLDERS = ['state', 'sponsor', 'shared'] as const;
export const SPONSOR_KINDS = ['individual', 'group', 'non_profit', 'faith_based'] as const;
export const MEMBER_CHECKS = ['identity', 'criminal_record', 'safeguarding'] as const;
export const SPONSOR_CHECKS = ['financial_capacity', 'housing', 'training'] as const;
export const NEEDS = [
  'disability',
  'medical',
  'mental_health',
  'survivor_of_torture',
  'woman_at_risk',
  'child_at_risk',
  'unaccompanied_child',
  'older_person',
  'single_parent',
  'pregnancy',
  'lgbtiq_at_risk',
  'other',
] as const;
export const COST_ITEMS = ['travel', 'reception', 'housing', 'subsistence', 'integration', 'language', 'health', 'other'] as const;
/** Where a sponsor may go from each status (src/sponsorship/sponsor.ts). */
export const NEXT: Record<string, string[]> = {
  applied: ['screened', 'ended'],
  screened: ['approved', 'ended'],
  approved: ['active', 'ended'],
  active: ['suspended', 'ended'],
  suspended: ['active', 'ended'],
  ended: [],
};
export const REASON_NEEDED = ['suspended', 'ended'];

const key = () => ({ 'Idempotency-Key': crypto.randomUUID() });
const withEtag = <T>(r: { data?: T; response: Response }) => ({ data: r.data!, etag: r.response.headers.get('etag') ?? '' });

export const useSponsors = (state: StateCode | null, status?: string) =>
  useQuery({
    queryKey: ['sponsorship', 'sponsors', state, status ?? ''],
    queryFn: async () =>
      (
        await api.GET('/api/states/{state}/sponsors', {
          params: { path: { state: state! }, query: status ? { status: status as never } : {} },
        })
      ).data!.sponsors,
    enabled: !!state,
  });

/** A sponsor by its id; an address whose id is not a number asks nothing (the page says not found). */
export const useSponsor = (id: number) =>
  useQuery({
    queryKey: ['sponsorship', 'sponsor', id],
    enabled: Number.isSafeInteger(id) && id > 0,
    queryFn: async () => withEtag(await api.GET('/api/sponsors/{id}', { params: { path: { id } } })),
  });

export const useSchemes = (state: StateCode | null) =>
  useQuery({
    queryKey: ['sponsorship', 'schemes', state],
    queryFn: async () => (await api.GET('/api/states/{state}/schemes', { params: { path: { state: state! } } })).data!.schemes,
    enabled: !!state,
  });

export const useMemoranda = (state: StateCode | null) =>
  useQuery({
    queryKey: ['sponsorship', 'memoranda', state],
    queryFn: async () => (await api.GET('/api/states/{state}/memoranda', { params: { path: { state: state! } } })).data!.memoranda,
    enabled: !!state,
  });

export const useSponsorships = (state: StateCode | null, sponsor?: number) =>
  useQuery({
    queryKey: ['sponsorship', 'sponsorships', state, sponsor ?? 0],
    queryFn: async () =>
      (await api.GET('/api/states/{state}/sponsorships', { params: { path: { state: state! }, query: sponsor ? { sponsor } : {} } })).data!
        .sponsorships,
    enabled: !!state,
  });

export const useSponsorship = (id: number) =>
  useQuery({
    queryKey: ['sponsorship', 'sponsorship', id],
    queryFn: async () => withEtag(await api.GET('/api/sponsorships/{id}', { params: { path: { id } } })),
  });

export const useBreakdowns = () =>
  useQuery({ queryKey: ['sponsorship', 'breakdowns'], queryFn: async () => (await api.GET('/api/sponsorships/breakdowns')).data! });

export const useMessages = (id: number, enabled = true) =>
  useQuery({
    queryKey: ['sponsorship', 'messages', id],
    queryFn: async () => (await api.GET('/api/sponsorships/{id}/messages', { params: { path: { id } } })).data!.messages,
    enabled,
  });

/** After any change: everything of the area is read again. */
export function useRefresh() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ['sponsorship'] });
}

export const calls = {
  createSponsor: async (body: components['schemas']['NewSponsor']) =>
    (await api.POST('/api/sponsors', { params: { header: key() }, body })).data!,
  addMember: async (id: number, etag: string, body: components['schemas']['NewSponsorMember']) =>
    (await api.POST('/api/sponsors/{id}/roster', { params: { path: { id }, header: { ...key(), 'If-Match': etag } }, body })).data!,
  recordCheck: async (id: number, etag: string, body: components['schemas']['NewSponsorCheck']) =>
    (await api.POST('/api/sponsors/{id}/checks', { params: { path: { id }, header: { ...key(), 'If-Match': etag } }, body })).data!,
  move: async (id: number, etag: string, body: components['schemas']['SponsorMove']) =>
    (await api.POST('/api/sponsors/{id}/status', { params: { path: { id }, header: { ...key(), 'If-Match': etag } }, body })).data!,
  createScheme: async (body: components['schemas']['NewScheme']) =>
    (await api.POST('/api/schemes', { params: { header: key() }, body })).data!,
  publishScheme: async (id: number, version: number, body: components['schemas']['NewSchemeVersion']) =>
    (
      await api.POST('/api/schemes/{id}/versions', {
        params: { path: { id }, header: { ...key(), 'If-Match': `"scheme-${id}-v${version}"` } },
        body,
      })
    ).data!,
  createMemorandum: async (body: components['schemas']['NewMemorandum']) =>
    (await api.POST('/api/memoranda', { params: { header: key() }, body })).data!,
  newMemorandumVersion: async (id: number, version: number, body: components['schemas']['NewMemorandumVersion']) =>
    (
      await api.POST('/api/memoranda/{id}/versions', {
        params: { path: { id }, header: { ...key(), 'If-Match': `"memorandum-${id}-v${version}"` } },
        body,
      })
    ).data!,
  match: async (body: components['schemas']['NewSponsorship']) =>
    (await api.POST('/api/sponsorships', { params: { header: key() }, body })).data!,
  breakdown: async (id: number, etag: string, body: components['schemas']['SponsorshipBreakdown']) =>
    (await api.POST('/api/sponsorships/{id}/breakdown', { params: { path: { id }, header: { ...key(), 'If-Match': etag } }, body })).data!,
  end: async (id: number, etag: string, body: components['schemas']['SponsorshipEnd']) =>
    (await api.POST('/api/sponsorships/{id}/end', { params: { path: { id }, header: { ...key(), 'If-Match': etag } }, body })).data!,
  send: async (id: number, body: string) =>
    (await api.POST('/api/sponsorships/{id}/messages', { params: { path: { id }, header: key() }, body: { body } })).data!,
};

/** The label of a code of the area (`sponsorship.<kind>.<code>`), the code itself where there is none. */
export function useLabel() {
  const intl = useIntl();
  const t = (id: string, v?: Record<string, string | number>) => intl.formatMessage({ id }, v);
  const label = (kind: string, code: string) => (intl.messages[`sponsorship.${kind}.${code}`] ? t(`sponsorship.${kind}.${code}`) : code);
  return { t, label, intl };
}
