import type { ReactNode } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ApiError } from '../api/client.ts';
import type { Area } from '../api/session.ts';

/** Loading, failure and empty states, said the same way on every page (and announced to screen readers). */
export const Loading = () => (
  <p className="loading" role="status">
    <FormattedMessage id="common.loading" />
  </p>
);

/**
 * A failure in words: the API's refusal (401/403) as a sentence about the area — never the rule or
 * the role's code the server's detail may carry — its 404 as "not found", anything else by the
 * server's message (in the reader's language).
 */
export function ErrorNotice({ error, area }: { error: unknown; area?: Area | null | undefined }) {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return <Forbidden area={area} />;
  if (error instanceof ApiError && error.status === 404) return <NotFoundNotice />;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="notice notice-error" role="alert">
      <p>{message}</p>
    </div>
  );
}

export const Notice = ({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ReactNode }) => (
  <div className={`notice notice-${kind}`} role={kind === 'info' ? 'status' : 'alert'}>
    {children}
  </div>
);

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {children}
    </header>
  );
}

/** The name of an area as the navigation says it. */
export const AREA_LABEL: Record<Area, string> = {
  dashboard: 'nav.dashboard',
  stateOfPlay: 'nav.stateOfPlay',
  rounds: 'nav.rounds',
  cases: 'nav.cases',
  imports: 'nav.imports',
  users: 'nav.users',
  audit: 'nav.audit',
  incentives: 'nav.incentives',
  sponsorship: 'nav.sponsorship',
  sponsorships: 'nav.sponsorships',
  sponsorPortal: 'nav.sponsorPortal',
  programmes: 'nav.programmes',
  returns: 'nav.returns',
  statistics: 'nav.statistics',
  federation: 'nav.federation',
  complementary: 'nav.candidates',
  placement: 'nav.placement',
};

/** The sentence of a refusal, by area: the role may not open it (never the rule or the role's code). */
export function Forbidden({ area }: { area?: Area | null | undefined }) {
  const intl = useIntl();
  return (
    <div className="notice notice-warning" role="alert" data-testid="page-forbidden">
      <p>
        {area ? (
          <FormattedMessage id="page.forbiddenArea" values={{ area: intl.formatMessage({ id: AREA_LABEL[area] }) }} />
        ) : (
          <FormattedMessage id="page.forbidden" />
        )}
      </p>
    </div>
  );
}

export const NotFoundNotice = () => (
  <div className="notice notice-warning" role="alert" data-testid="page-not-found">
    <p>
      <FormattedMessage id="page.notFound" />
    </p>
  </div>
);
