import type { UseQueryResult } from '@tanstack/react-query';
import { useRouterState } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ApiError } from '../api/client.ts';
import type { Area } from '../api/session.ts';
import { AREA_LABEL, ErrorNotice as Failure, Forbidden, Loading, NotFoundNotice, Notice, PageHeader } from './status.tsx';

/**
 * The state of a page or of a part of it, said the same way everywhere: loading, not open to the
 * reader's role, not found, failed, or its data. It never stays "Loading…": a query that is not
 * running (disabled for want of a parameter or of a role) is "not found" or "not open to your
 * role", never loading. It never names a rule or a role's code: the API's 403 becomes a sentence
 * about the area, its 404 "not found"; other failures say the server's message (in the reader's
 * language).
 */
export type Outcome = 'loading' | 'forbidden' | 'notFound' | 'failed' | 'ready';

/** Which area each path belongs to, for the frame's check that the reader's role may open it. */
const PATH_AREAS: [RegExp, Area][] = [
  [/^\/dashboard$/, 'dashboard'],
  [/^\/state-of-play$/, 'stateOfPlay'],
  [/^\/rounds(\/|$)/, 'rounds'],
  [/^\/cases(\/|$)/, 'cases'],
  [/^\/imports$/, 'imports'],
  [/^\/users$/, 'users'],
  [/^\/audit$/, 'audit'],
  [/^\/incentives$/, 'incentives'],
  [/^\/(sponsors(\/.*)?|sponsorship-schemes|memoranda)$/, 'sponsorship'],
  [/^\/sponsorships(\/|$)/, 'sponsorships'],
  [/^\/sponsor$/, 'sponsorPortal'],
  [/^\/programmes(\/|$)/, 'programmes'],
  [/^\/returns$/, 'returns'],
  [/^\/statistics$/, 'statistics'],
  [/^\/federation$/, 'federation'],
  [/^\/(candidates(\/.*)?|family-reunification)$/, 'complementary'],
  [/^\/placement$/, 'placement'],
];

export const areaOfPath = (path: string): Area | null => PATH_AREAS.find(([re]) => re.test(path))?.[1] ?? null;

/** What a query's state is, as a page says it (a query not running and without data is not loading). */
export function outcomeOf(
  query: Pick<UseQueryResult<unknown>, 'status' | 'fetchStatus' | 'error'>,
  whenIdle: 'forbidden' | 'notFound' = 'notFound',
): Outcome {
  if (query.status === 'success') return 'ready';
  if (query.status === 'error') {
    const e = query.error;
    if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return 'forbidden';
    if (e instanceof ApiError && e.status === 404) return 'notFound';
    return 'failed';
  }
  return query.fetchStatus === 'idle' ? whenIdle : 'loading';
}

/** A page the reader's role may not open: its title and the sentence, nothing of the page (no form it could not use, no request). */
export function ForbiddenPage({ area }: { area: Area }) {
  const intl = useIntl();
  return (
    <>
      <PageHeader title={intl.formatMessage({ id: AREA_LABEL[area] })} />
      <Forbidden area={area} />
    </>
  );
}

/**
 * A query's answer shown when it is there, and the other states said as above. `whenIdle` is what
 * a query that is not running means here: the thing named is not there ("notFound", the default:
 * an address without a valid id) or the reader's role may not read it ("forbidden").
 */
export function QueryState<T>(props: {
  query: UseQueryResult<T>;
  area?: Area | null;
  whenIdle?: 'forbidden' | 'notFound';
  children: (data: T) => ReactNode;
}) {
  const { query } = props;
  switch (outcomeOf(query, props.whenIdle)) {
    case 'ready':
      return <>{props.children(query.data as T)}</>;
    case 'loading':
      return <Loading />;
    case 'forbidden':
      return query.error ? <Failure error={query.error} area={props.area} /> : <Forbidden area={props.area} />;
    case 'notFound':
      return <NotFoundNotice />;
    case 'failed':
      return <Failure error={query.error} area={props.area} />;
  }
}

/** Several queries at once: the first that is not ready speaks for them all. */
export function QueriesState(props: {
  queries: UseQueryResult<unknown>[];
  area?: Area | null;
  whenIdle?: 'forbidden' | 'notFound';
  children: () => ReactNode;
}) {
  for (const q of props.queries) {
    const o = outcomeOf(q, props.whenIdle);
    if (o === 'ready') continue;
    if (o === 'loading') return <Loading />;
    if (o === 'notFound') return <NotFoundNotice />;
    if (o === 'forbidden' && !q.error) return <Forbidden area={props.area} />;
    return <Failure error={q.error} area={props.area} />;
  }
  return <>{props.children()}</>;
}

/**
 * What a page shows in place of a query's answer until it is there: nothing once it is (`ready`),
 * else loading, not open to the reader's role, not found or the failure — the area taken from the
 * address. The page's body follows behind `query.status === 'success'`.
 */
export function NotReady(props: { query: UseQueryResult<unknown>; whenIdle?: 'forbidden' | 'notFound' }) {
  const path = useRouterState({ select: (s) => s.location.pathname });
  const area = areaOfPath(path);
  const { query } = props;
  switch (outcomeOf(query, props.whenIdle ?? 'forbidden')) {
    case 'ready':
      return null;
    case 'loading':
      return <Loading />;
    case 'notFound':
      return query.error ? <Failure error={query.error} area={area} /> : <NotFoundNotice />;
    case 'forbidden':
      return query.error ? <Failure error={query.error} area={area} /> : <Forbidden area={area} />;
    case 'failed':
      return <Failure error={query.error} area={area} />;
  }
}

/**
 * The ladder of a page of a round's figures, said once: the rounds loading or failed, a round the
 * address names that does not exist, then each of the page's queries not ready; null once all are.
 */
export function roundWaiting(opts: {
  rounds: UseQueryResult<unknown>;
  round: unknown;
  requested: string | undefined;
  queries: UseQueryResult<unknown>[];
}): ReactNode {
  if (opts.rounds.status !== 'success') return <NotReady query={opts.rounds} />;
  if (!opts.round)
    return (
      <Notice kind="warning">
        <FormattedMessage id="stateOfPlay.unknownRound" values={{ round: opts.requested ?? '' }} />
      </Notice>
    );
  const waiting = opts.queries.find((q) => q.status !== 'success');
  return waiting ? <NotReady query={waiting} /> : null;
}
