import { useQueries } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useId, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { signedIn, useMe } from '../api/session.ts';
import { formatDay, formatStated } from '../ui/format.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import { ErrorNotice, PageHeader } from '../ui/status.tsx';
import { OpenRoundForm } from './open-round.form.tsx';
import { apiLanguage } from '../i18n/locales.ts';
import { pledgeTotals, roundStatus, today, type Round, type RoundStatus } from './round.ts';
import { pledgesQuery, useRounds } from './round.queries.ts';
import { NotReady } from '../ui/page-state.tsx';
import { Shipped, shippedKeys, useShipped } from '../i18n/shipped.tsx';

interface RoundRow {
  round: Round;
  status: RoundStatus;
  /** Summed from the round's pledges; null while they load. */
  pledged: number | null;
}

/** The date of a round's period, as a day (dates carry no time: shown in UTC so no zone moves them). */

/** The figure a round states, with its qualifier: "at least 29,500". */

const STATUS_BADGE: Record<RoundStatus, string> = { upcoming: 'badge', open: 'badge badge-success', closed: 'badge badge-warning' };

/**
 * The pledging rounds and Union Plans: each with its period, its target and the places pledged
 * (summed here from the states' pledges), and where it stands today. The Commission opens a round here.
 */
export function RoundsPage() {
  const intl = useIntl();
  const shipped = useShipped();
  const me = useMe();
  const user = signedIn(me.data) ? me.data.user : null;
  const rounds = useRounds();
  const lang = apiLanguage(intl.locale);
  const listings = useQueries({ queries: (rounds.data ?? []).map((r) => pledgesQuery(r.id, lang)) });
  const [opening, setOpening] = useState(false);
  const formId = useId();

  const rows: RoundRow[] = (rounds.data ?? []).map((round, i) => {
    const listing = listings[i]?.data;
    return { round, status: roundStatus(round, today()), pledged: listing ? pledgeTotals(listing.states).pledged : null };
  });

  const columns: Column<RoundRow>[] = [
    {
      key: 'title',
      header: <FormattedMessage id="rounds.col.title" />,
      value: (r) => shipped.text(shippedKeys.roundTitle(r.round.id), r.round.title),
      render: (r) => (
        <Link to="/rounds/$round" params={{ round: r.round.id }}>
          <Shipped k={shippedKeys.roundTitle(r.round.id)} stored={r.round.title} />
        </Link>
      ),
    },
    {
      key: 'period',
      header: <FormattedMessage id="rounds.col.period" />,
      value: (r) => r.round.start,
      render: (r) => `${formatDay(intl, r.round.start, 'medium')} – ${formatDay(intl, r.round.end, 'medium')}`,
    },
    {
      key: 'target',
      header: <FormattedMessage id="rounds.col.target" />,
      value: (r) => r.round.target?.value ?? null,
      render: (r) => formatStated(intl, r.round.target) || '—',
      numeric: true,
    },
    { key: 'pledged', header: <FormattedMessage id="rounds.col.pledged" />, value: (r) => r.pledged, numeric: true },
    {
      key: 'status',
      header: <FormattedMessage id="rounds.col.status" />,
      value: (r) => intl.formatMessage({ id: `rounds.status.${r.status}` }),
      render: (r) => <span className={STATUS_BADGE[r.status]}>{intl.formatMessage({ id: `rounds.status.${r.status}` })}</span>,
    },
  ];

  const caption = intl.formatMessage({ id: 'rounds.list.caption' });
  return (
    <>
      <PageHeader title={<FormattedMessage id="rounds.list.title" />} />
      <p className="lead">
        <FormattedMessage id="rounds.list.lead" />
      </p>
      <NotReady query={rounds} />
      {rounds.data && (
        <section className="panel" aria-labelledby="rounds-list-title">
          <div className="panel-head">
            <h2 id="rounds-list-title">
              <FormattedMessage id="rounds.list.heading" />
            </h2>
            <DownloadButtons
              what={caption}
              filename="rounds"
              sheet={() => ({
                name: caption,
                header: columns.map((c) => intl.formatMessage({ id: `rounds.col.${c.key}` })),
                rows: rows.map((r) => [
                  shipped.text(shippedKeys.roundTitle(r.round.id), r.round.title),
                  `${r.round.start} – ${r.round.end}`,
                  r.round.target?.value ?? null,
                  r.pledged,
                  intl.formatMessage({ id: `rounds.status.${r.status}` }),
                ]),
              })}
            />
          </div>
          <DataTable caption={caption} captionHidden columns={columns} rows={rows} rowKey={(r) => r.round.id} />
          {listings.some((l) => l.isError) && <ErrorNotice error={listings.find((l) => l.isError)!.error} />}
        </section>
      )}
      {user?.role === 'commission_analyst' && (
        <section className="panel" aria-labelledby="open-round-title">
          <div className="panel-head">
            <h2 id="open-round-title">
              <FormattedMessage id="rounds.form.heading" />
            </h2>
            <button
              type="button"
              className="button-secondary"
              aria-expanded={opening}
              aria-controls={formId}
              onClick={() => setOpening((o) => !o)}
            >
              <FormattedMessage id={opening ? 'rounds.form.hide' : 'rounds.form.show'} />
            </button>
          </div>
          <div id={formId} hidden={!opening}>
            <p className="hint">
              <FormattedMessage id="rounds.form.intro" />
            </p>
            {opening && <OpenRoundForm rounds={rounds.data ?? []} />}
          </div>
        </section>
      )}
    </>
  );
}
