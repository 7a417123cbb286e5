import { useEffect, useRef, type ReactNode } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ApiError } from '../api/client.ts';
import type { Area } from '../api/session.ts';

/** Loading, failure and empty states, said the same way on every page (and announced to screen readers). */
export const Loading = () => (
  <p className="loading" role="status">
    <FormattedMessage id="common.loading" />
  </p>
);

/** A change refused because the record changed since the page read it: the API's 412 (its If-Match version is stale). */
export const isStale = (error: unknown): boolean => error instanceof ApiError && error.status === 412;

/**
 * A failure in words: the API's refusal (401/403) as a sentence about the area — never the rule or
 * the role's code the server's detail may carry — its 404 as "not found", a stale version (412) as
 * the stale notice below, anything else by the server's message (in the reader's language).
 */
export function ErrorNotice({ error, area }: { error: unknown; area?: Area | null | undefined }) {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return <Forbidden area={area} />;
  if (error instanceof ApiError && error.status === 404) return <NotFoundNotice />;
  if (isStale(error)) return <StaleNotice message={(error as ApiError).message} />;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="notice notice-error" role="alert">
      <p>{message}</p>
    </div>
  );
}

/**
 * A stale version, said the same way on every page: a warning (an alert, not a failure: nothing is
 * wrong with what was entered), what happened — the page's own words or the server's — and, where
 * the page offers it, the one way on: reading the record again, a button that takes the focus (the
 * change's own button is then of no use).
 */
export function StaleNotice({ message, reload }: { message: ReactNode; reload?: { label: ReactNode; onClick: () => void } }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    button.current?.focus();
  }, []);
  return (
    <div className="notice notice-warning" role="alert" data-testid="stale-version">
      <p>{message}</p>
      {reload && (
        <p>
          <button type="button" ref={button} onClick={reload.onClick}>
            {reload.label}
          </button>
        </p>
      )}
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
