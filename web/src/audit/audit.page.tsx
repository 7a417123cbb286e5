import { useInfiniteQuery } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { components, operations } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';
import { signedIn, useMe } from '../api/session.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import { PageHeader } from '../ui/status.tsx';
import { NotReady } from '../ui/page-state.tsx';
import { Actor } from '../ui/actor.tsx';
import { formatMoment } from '../ui/format.ts';

const isActor = (id: string) => /^(user|cli):/.test(id);

type Line = components['schemas']['AuditLine'];

/** A line's first three records (people by name), then how many more. */
function Records({ l }: { l: Line }) {
  const intl = useIntl();
  const shown = l.recordIds.slice(0, 3);
  return (
    <>
      {shown.map((r, i) => (
        <span key={r}>
          {i > 0 && ', '}
          {isActor(r) ? <Actor id={r} /> : r}
        </span>
      ))}
      {l.recordIds.length > 3 && ` ${intl.formatMessage({ id: 'audit.more' }, { more: intl.formatNumber(l.recordIds.length - 3) })}`}
    </>
  );
}
type AuditState = NonNullable<NonNullable<operations['listAudit']['parameters']['query']>['state']>;

/** The actions the platform records (recordAudit calls in src/), offered as suggestions for the filter. */
const ACTIONS = [
  'audit.read',
  'auth.login',
  'auth.logout',
  'auth.password',
  'auth.totp',
  'case.events.import',
  'case.history.append',
  'case.history.read',
  'case.list',
  'case.read',
  'case.transition',
  'hold',
  'import.commit',
  'import.read',
  'import.upload',
  'persons.import',
  'retention.anonymise',
  'round.add',
  'subject.erase',
  'user.create',
  'user.disable',
  'user.list',
  'user.password',
  'user.totp.reset',
];
const PAGE_SIZES = [50, 100, 500] as const;
const ACTION = /^[a-z.]{1,64}$/;

/**
 * The audit trail of the auditor's scope (a state's auditor: its state; the Commission's: the
 * Commission's and the platform's own lines), newest first: who did what, for which purpose, to
 * which records. Filtered by action; more lines are loaded on demand; the lines loaded can be
 * downloaded. Reading the trail is itself a line of it.
 */
export function AuditPage() {
  const intl = useIntl();
  const t = (id: string, v?: Record<string, string | number>) => intl.formatMessage({ id }, v);
  const me = useMe();
  const user = signedIn(me.data) ? me.data.user : null;
  const state = (user?.stateCode ?? null) as AuditState | null;
  const [filter, setFilter] = useState<{ action: string; limit: number }>({ action: '', limit: 100 });
  const [actionText, setActionText] = useState('');
  const [limitText, setLimitText] = useState('100');
  const [actionError, setActionError] = useState<string | null>(null);
  const ids = { action: useId(), limit: useId(), actions: useId() };

  const lines = useInfiniteQuery({
    queryKey: ['audit-area', state, filter.action, filter.limit],
    initialPageParam: undefined as number | undefined,
    queryFn: async ({ pageParam }) =>
      (
        await api.GET('/api/audit', {
          params: {
            query: {
              ...(state ? { state } : {}),
              ...(filter.action ? { action: filter.action } : {}),
              limit: filter.limit,
              ...(pageParam ? { before: pageParam } : {}),
            },
          },
        })
      ).data!.lines,
    // A page shorter than asked is the last; otherwise the next starts below its oldest line.
    getNextPageParam: (last) => (last.length < filter.limit ? undefined : last[last.length - 1]?.id),
    enabled: !!user,
  });

  const onFilter = (e: FormEvent) => {
    e.preventDefault();
    const action = actionText.trim();
    if (action && !ACTION.test(action)) {
      setActionError(t('audit.filter.actionRule'));
      document.getElementById(ids.action)?.focus();
      return;
    }
    setActionError(null);
    setFilter({ action, limit: Number(limitText) });
  };

  const rows = lines.data?.pages.flat() ?? [];
  const when = (at: string) => formatMoment(intl, at, { seconds: true });
  const records = (l: Line) =>
    l.recordIds.length <= 3
      ? l.recordIds.join(', ')
      : t('audit.moreRecords', { first: l.recordIds.slice(0, 3).join(', '), more: intl.formatNumber(l.recordIds.length - 3) });
  const columns: Column<Line>[] = [
    {
      key: 'at',
      header: <FormattedMessage id="audit.col.at" />,
      value: (l) => l.at,
      render: (l) => <time dateTime={l.at}>{when(l.at)}</time>,
    },
    { key: 'actor', header: <FormattedMessage id="audit.col.actor" />, value: (l) => l.actor, render: (l) => <Actor id={l.actor} /> },
    {
      key: 'role',
      header: <FormattedMessage id="audit.col.role" />,
      value: (l) => (l.role ? (intl.messages[`role.${l.role}`] ? t(`role.${l.role}`) : l.role) : null),
    },
    { key: 'action', header: <FormattedMessage id="audit.col.action" />, value: (l) => l.action, render: (l) => <code>{l.action}</code> },
    // A purpose that only repeats the action says nothing more: left empty.
    {
      key: 'purpose',
      header: <FormattedMessage id="audit.col.purpose" />,
      value: (l) => (l.purpose && l.purpose !== l.action ? l.purpose : null),
    },
    {
      key: 'subject',
      header: <FormattedMessage id="audit.col.subject" />,
      value: (l) => l.subject,
      render: (l) => (l.subject && isActor(l.subject) ? <Actor id={l.subject} /> : <code>{l.subject}</code>),
    },
    {
      key: 'records',
      header: <FormattedMessage id="audit.col.records" />,
      value: (l) => records(l) || null,
      render: (l) => <Records l={l} />,
    },
  ];
  const caption = t('audit.caption');

  return (
    <>
      <PageHeader title={<FormattedMessage id="audit.title" />} />
      <p className="lead">
        <FormattedMessage id={state ? 'audit.lead.state' : 'audit.lead.commission'} values={{ state: state ?? '' }} />
      </p>
      <form className="filters" onSubmit={onFilter} noValidate aria-label={t('audit.filter.label')}>
        <div className="field">
          <label htmlFor={ids.action}>
            <FormattedMessage id="audit.filter.action" />
          </label>
          <input
            id={ids.action}
            list={ids.actions}
            value={actionText}
            onChange={(e) => setActionText(e.target.value)}
            aria-invalid={actionError ? true : undefined}
            aria-describedby={`${ids.action}-hint${actionError ? ` ${ids.action}-error` : ''}`}
            autoComplete="off"
          />
          <datalist id={ids.actions}>
            {ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <p className="hint" id={`${ids.action}-hint`}>
            <FormattedMessage id="audit.filter.actionHint" />
          </p>
          {actionError && (
            <p className="field-error" id={`${ids.action}-error`}>
              {actionError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.limit}>
            <FormattedMessage id="audit.filter.limit" />
          </label>
          <select id={ids.limit} value={limitText} onChange={(e) => setLimitText(e.target.value)}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {intl.formatNumber(n)}
              </option>
            ))}
          </select>
          {/* keeps the button level with the inputs while the action field has a hint below it */}
          <p className="hint">&nbsp;</p>
        </div>
        <div className="field">
          <button type="submit">
            <FormattedMessage id="audit.filter.apply" />
          </button>
          <p className="hint">&nbsp;</p>
        </div>
      </form>

      <section className="panel" aria-labelledby="audit-lines-title">
        <div className="panel-head">
          <h2 id="audit-lines-title">
            <FormattedMessage id="audit.lines.heading" />
          </h2>
          {rows.length > 0 && (
            <DownloadButtons
              what={caption}
              filename={`audit-${state ?? 'EU'}`}
              sheet={() => ({
                name: caption,
                header: [
                  'id',
                  'at',
                  'actor',
                  'role',
                  'tenant',
                  'action',
                  'purpose',
                  'state',
                  'subject',
                  'recordIds',
                  'fields',
                  'details',
                  'chain',
                  'seq',
                  'hash',
                ],
                rows: rows.map((l) => [
                  l.id,
                  l.at,
                  l.actor,
                  l.role,
                  l.tenant,
                  l.action,
                  l.purpose,
                  l.stateCode,
                  l.subject,
                  l.recordIds.join(' '),
                  l.fields.join(' '),
                  JSON.stringify(l.details),
                  l.chain,
                  l.seq,
                  l.hash,
                ]),
              })}
            />
          )}
        </div>
        <NotReady query={lines} />
        {lines.data && rows.length === 0 && (
          <p>
            <FormattedMessage id="audit.none" />
          </p>
        )}
        {rows.length > 0 && (
          <>
            <DataTable caption={caption} captionHidden columns={columns} rows={rows} rowKey={(l) => String(l.id)} />
            <p role="status">
              <FormattedMessage id="audit.shown" values={{ rows: t('common.rows', { count: rows.length }) }} />
            </p>
          </>
        )}
        {lines.hasNextPage && (
          <p>
            <button
              type="button"
              className="button-secondary"
              disabled={lines.isFetchingNextPage}
              onClick={() => void lines.fetchNextPage()}
            >
              <FormattedMessage id={lines.isFetchingNextPage ? 'common.loading' : 'audit.loadMore'} />
            </button>
          </p>
        )}
      </section>
    </>
  );
}
