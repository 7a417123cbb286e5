import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, redirect } from '@tanstack/react-router';
import { Layout } from './layout.tsx';
import { NotFound } from './not-found.tsx';

/**
 * The pages, each loaded when first opened (the dashboard's charts and map are not in the first
 * load). Search parameters carry a page's filters, so a view is a link that can be kept or shared;
 * nothing is kept in browser storage.
 */
const root = createRootRouteWithContext<{ queryClient: QueryClient }>()({ component: Layout, notFoundComponent: NotFound });

const page = <P extends string>(
  path: P,
  load: () => Promise<Record<string, unknown>>,
  name: string,
  validateSearch?: (s: Record<string, unknown>) => Record<string, unknown>,
) =>
  createRoute({
    getParentRoute: () => root,
    path,
    component: lazyRouteComponent(load as never, name as never),
    ...(validateSearch ? { validateSearch } : {}),
  });

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length < 200 ? v : undefined);
const clean = (o: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Record<string, string>;
const roundSearch = (s: Record<string, unknown>) => clean({ round: text(s.round) });

const index = createRoute({
  getParentRoute: () => root,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/dashboard' });
  },
});

export const routeTree = root.addChildren([
  index,
  page('/dashboard', () => import('../dashboard/dashboard.page.tsx'), 'DashboardPage', roundSearch),
  page('/state-of-play', () => import('../state-of-play/state-of-play.page.tsx'), 'StateOfPlayPage', roundSearch),
  page('/rounds', () => import('../rounds/rounds.page.tsx'), 'RoundsPage'),
  page('/rounds/$round', () => import('../rounds/round.page.tsx'), 'RoundPage'),
  page(
    '/cases',
    () => import('../cases/cases.page.tsx'),
    'CasesPage',
    (s) =>
      clean({
        status: text(s.status),
        priority: text(s.priority),
        category: text(s.category),
        departure: text(s.departure),
        modality: text(s.modality),
        pathway: text(s.pathway),
        needs: text(s.needs),
        sort: text(s.sort),
      }),
  ),
  page('/cases/$ref', () => import('../cases/case.page.tsx'), 'CasePage'),
  page('/imports', () => import('../imports/imports.page.tsx'), 'ImportsPage'),
  page('/users', () => import('../admin/users.page.tsx'), 'UsersPage'),
  page('/audit', () => import('../audit/audit.page.tsx'), 'AuditPage'),
  page(
    '/incentives',
    () => import('../incentives/incentives.page.tsx'),
    'IncentivesPage',
    (s) => clean({ round: text(s.round), state: text(s.state) }),
  ),
  page('/sponsors', () => import('../sponsorship/sponsors.page.tsx'), 'SponsorsPage'),
  page('/sponsors/$id', () => import('../sponsorship/sponsor.page.tsx'), 'SponsorPage'),
  page('/sponsorship-schemes', () => import('../sponsorship/schemes.page.tsx'), 'SchemesPage'),
  page('/memoranda', () => import('../sponsorship/memoranda.page.tsx'), 'MemorandaPage'),
  page('/sponsorships', () => import('../sponsorship/sponsorships.page.tsx'), 'SponsorshipsPage'),
  page('/sponsorships/$id', () => import('../sponsorship/sponsorships.page.tsx'), 'SponsorshipPage'),
  page('/sponsor', () => import('../sponsor-portal/sponsor-portal.page.tsx'), 'SponsorPortalPage'),
  page(
    '/programmes',
    () => import('../programmes/programmes.page.tsx'),
    'ProgrammesPage',
    (s) => clean({ state: text(s.state), kind: text(s.kind), status: text(s.status), round: text(s.round) }),
  ),
  page('/programmes/$code', () => import('../programmes/programme.page.tsx'), 'ProgrammePage'),
  page('/returns', () => import('../programmes/returns.page.tsx'), 'ReturnsPage', roundSearch),
  page(
    '/statistics',
    () => import('../statistics/statistics.page.tsx'),
    'StatisticsPage',
    (s) => clean({ year: text(s.year) }),
  ),
  page('/federation', () => import('../federation/returns-federation.page.tsx'), 'FederationReturnsPage', roundSearch),
  page(
    '/candidates',
    () => import('../complementary/candidates.page.tsx'),
    'CandidatesPage',
    (s) => clean({ status: text(s.status) }),
  ),
  page('/candidates/$id', () => import('../complementary/candidate.page.tsx'), 'CandidatePage'),
  page('/family-reunification', () => import('../complementary/family-reunification.page.tsx'), 'FamilyReunificationPage'),
  page(
    '/placement',
    () => import('../placement/placement.page.tsx'),
    'PlacementPage',
    (s) => clean({ run: text(s.run) }),
  ),
  page('/account', () => import('../identity/account.page.tsx'), 'AccountPage'),
  page('/accessibility', () => import('../accessibility/accessibility.page.tsx'), 'AccessibilityPage'),
  page('/open-data', () => import('../open-data/open-data.page.tsx'), 'OpenDataPage', roundSearch),
]);

export const router = createRouter({ routeTree, context: { queryClient: undefined! }, defaultPreload: 'intent' });
// No scrollRestoration: TanStack keeps it in sessionStorage, and the interface keeps nothing in browser storage.

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
