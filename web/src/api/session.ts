import { useQuery, useQueryClient } from '@tanstack/react-query';
import { authRequest, setCsrfToken } from './client.ts';

export type Role = 'commission_analyst' | 'state_officer' | 'state_admin' | 'referral_partner' | 'sponsor' | 'auditor' | 'system_admin';
export type SecondFactor = 'not_needed' | 'passed' | 'required' | 'enrol';
export interface User {
  username: string;
  role: Role;
  stateCode: string | null;
  organisation: string | null;
}
export interface Me {
  user: User;
  secondFactor: SecondFactor;
  expiresAt: string;
  csrfToken?: string;
}

/** Who is signed in (GET /api/auth/me); null when no one is. Sets the CSRF token kept in memory. */
export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me | null> => {
      try {
        const me = await authRequest<Me>('/me');
        setCsrfToken(me.csrfToken ?? null);
        return me;
      } catch (e) {
        if ((e as { status?: number }).status === 401) return null;
        throw e;
      }
    },
    staleTime: 60_000,
    retry: false,
  });
}

export const signedIn = (me: Me | null | undefined): me is Me => !!me && (me.secondFactor === 'passed' || me.secondFactor === 'not_needed');

export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await authRequest('/logout', {}).catch(() => undefined);
    setCsrfToken(null);
    // Who is signed in becomes no one; everything read under the session is dropped from memory.
    client.setQueryData(['me'], null);
    client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
  };
}

/** What each role may open in the interface (the API decides what they may read; this only hides what they could not). */
export const AREAS = {
  dashboard: ['commission_analyst', 'state_officer', 'state_admin', 'referral_partner', 'sponsor', 'auditor', 'system_admin'],
  stateOfPlay: ['commission_analyst', 'state_officer', 'state_admin', 'referral_partner', 'sponsor', 'auditor', 'system_admin'],
  rounds: ['commission_analyst', 'state_officer', 'state_admin', 'referral_partner', 'sponsor', 'auditor', 'system_admin'],
  cases: ['state_officer'],
  imports: ['state_officer'],
  users: ['system_admin', 'state_admin'],
  audit: ['auditor'],
  incentives: ['commission_analyst', 'state_officer'],
  sponsorship: ['state_officer'],
  sponsorships: ['state_officer', 'commission_analyst'],
  sponsorPortal: ['sponsor'],
  programmes: ['commission_analyst', 'state_officer', 'state_admin', 'referral_partner', 'sponsor', 'auditor', 'system_admin'],
  returns: ['commission_analyst', 'state_officer'],
  statistics: ['commission_analyst', 'state_officer'],
  federation: ['commission_analyst', 'state_officer'],
  complementary: ['state_officer'],
  placement: ['state_officer'],
} as const satisfies Record<string, readonly Role[]>;
export type Area = keyof typeof AREAS;
/**
 * The roles whose scope reads a round's case records, so a forecast made from them: an administrator,
 * a referral partner and a sponsor read none (a sponsor only the households it supports), and a
 * forecast in their scope would be an empty chart saying the round has no figures, which is untrue.
 */
export const READS_ROUND_CASES: readonly Role[] = ['commission_analyst', 'state_officer', 'state_admin', 'auditor'];
export const mayOpen = (user: User | undefined | null, area: Area): boolean =>
  !!user && (AREAS[area] as readonly Role[]).includes(user.role);
