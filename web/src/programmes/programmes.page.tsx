import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useId, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { STATE_CODES, stateName } from '../admin/states.ts';
import { useRounds } from '../state-of-play/state-of-play.queries.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { formatCount } from '../ui/format.ts';
import { Notice, PageHeader } from '../ui/status.tsx';
import { PROGRAMME_KINDS, PROGRAMME_STATUSES, useProgrammes, type Programme, type ProgrammeFilters } from './programmes.api.ts';
import { StatusBadge } from './status-badge.tsx';
import './programmes.css';
import { NotReady } from '../ui/page-state.tsx';
import { shippedKeys, useShipped } from '../i18n/shipped.tsx';

/**
 * Programmes (P 5(a), P 11–14, P 19–21): every state's humanitarian admission, sponsorship,
 * education, labour and family reunification support programmes, and the EU's own (the VHAS, the
 * Union Plan's emergency admission). Filters in the address; everyone signed in reads them.
 */
export function ProgrammesPage() {
  const intl = useIntl();
  const shipped = useShipped();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const search = useSearch({ strict: false }) as ProgrammeFilters;
  const navigate = useNavigate();
  const list = useProgrammes(search);
  const rounds = useRounds();
  const id = useId();

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const next = Object.fromEntries(
      ['state', 'kind', 'status', 'round'].map((k) => [k, String(form.get(k) ?? '')]).filter(([, v]) => v),
    ) as ProgrammeFilters;
    void navigate({ to: '/programmes', search: next });
  };
  const select = (name: keyof ProgrammeFilters, label: string, options: { value: string; label: string }[]) => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{label}</label>
      <select id={`${id}-${name}`} name={name} defaultValue={search[name] ?? ''} key={search[name] ?? ''}>
        <option value="">{t('common.all')}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );

  const columns: Column<Programme>[] = [
    {
      key: 'code',
      header: t('programmes.code'),
      value: (p) => p.code,
      render: (p) => (
        <Link to="/programmes/$code" params={{ code: p.code }}>
          {p.code}
        </Link>
      ),
    },
    { key: 'title', header: t('programmes.titleColumn'), value: (p) => shipped.text(shippedKeys.programme(p.code, 'title'), p.title) },
    { key: 'state', header: t('common.state'), value: (p) => (p.stateCode ? stateName(p.stateCode, intl.locale) : t('programmes.eu')) },
    { key: 'kind', header: t('programmes.kind'), value: (p) => t(`programmes.kind.${p.kind}`) },
    { key: 'pathway', header: t('programmes.pathway'), value: (p) => t(`cases.pathway.${p.pathway}`) },
    {
      key: 'places',
      header: t('programmes.places'),
      value: (p) => p.places,
      render: (p) => (p.places === null ? '–' : formatCount(intl, p.places)),
      numeric: true,
    },
    {
      key: 'status',
      header: t('programmes.status'),
      value: (p) => t(`programmes.status.${p.status}`),
      render: (p) => <StatusBadge status={p.status} />,
    },
  ];

  return (
    <div className="programmes">
      <PageHeader title={<FormattedMessage id="nav.programmes" />} />
      <p className="lead">
        <FormattedMessage id="programmes.lead" />
      </p>
      <form className="filters no-print" onSubmit={apply} aria-label={t('programmes.filters')}>
        {select('state', t('common.state'), [
          { value: 'EU', label: t('programmes.eu') },
          ...STATE_CODES.map((s) => ({ value: s, label: stateName(s, intl.locale) })),
        ])}
        {select(
          'kind',
          t('programmes.kind'),
          PROGRAMME_KINDS.map((k) => ({ value: k, label: t(`programmes.kind.${k}`) })),
        )}
        {select(
          'status',
          t('programmes.status'),
          PROGRAMME_STATUSES.map((s) => ({ value: s, label: t(`programmes.status.${s}`) })),
        )}
        {select(
          'round',
          t('common.round'),
          (rounds.data ?? []).map((r) => ({ value: r.id, label: shipped.text(shippedKeys.roundTitle(r.id), r.title) })),
        )}
        <button type="submit">
          <FormattedMessage id="programmes.apply" />
        </button>
      </form>
      <NotReady query={list} />
      {list.data &&
        (list.data.length === 0 ? (
          <Notice>
            <FormattedMessage id="programmes.none" />
          </Notice>
        ) : (
          <section className="panel" aria-labelledby={`${id}-list`}>
            <h2 id={`${id}-list`}>
              <FormattedMessage id="programmes.listTitle" values={{ count: formatCount(intl, list.data.length) }} />
            </h2>
            <DataTable caption={t('programmes.listCaption')} captionHidden columns={columns} rows={list.data} rowKey={(p) => p.code} />
          </section>
        ))}
    </div>
  );
}
