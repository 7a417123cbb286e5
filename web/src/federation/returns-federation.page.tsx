import { FormattedMessage, useIntl } from 'react-intl';
import { stateName } from '../admin/states.ts';
import { useMe } from '../api/session.ts';
import { RoundBody, useRoundInAddress } from '../state-of-play/round-page.tsx';
import { useFiguresLang } from '../state-of-play/state-of-play.queries.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import { formatCount, formatDay, formatMoment, formatShare } from '../ui/format.ts';
import { Loading, Notice, PageHeader } from '../ui/status.tsx';
import {
  useReturnsMatrix,
  useReturnsSent,
  useStateOfPlayFromReturns,
  type ReturnsMatrix,
  type ReturnsStateOfPlay,
  type SentReturn,
} from './federation.api.ts';
import { NotReady } from '../ui/page-state.tsx';

type SopRow = ReturnsStateOfPlay['states'][number];
type MatrixRow = ReturnsMatrix['states'][number];

/** A time as the page's language writes it, in UTC (the receipts' clock). */
const useTime = () => {
  const intl = useIntl();
  return (iso: string) => formatMoment(intl, iso, { utc: true });
};

/**
 * The returns of the federation (P 26, P 27): the Commission sees which Member States reported for
 * which day (each receipt's time) and the state of play built from the returns received, a state
 * without a return shown as not reported; a state's officer sees the returns its instance sent,
 * with the receipts or the refusals. The same figures as `pathways returns status|state-of-play|list`.
 */
export function FederationReturnsPage() {
  const me = useMe();
  const role = me.data?.user.role;
  return (
    <div className="federation">
      <PageHeader title={<FormattedMessage id="federation.title" />} />
      <p className="lead">
        <FormattedMessage id={role === 'state_officer' ? 'federation.leadState' : 'federation.leadCommission'} />
      </p>
      {me.isPending ? <Loading /> : role === 'state_officer' ? <Sent /> : <CommissionView />}
    </div>
  );
}

function CommissionView() {
  const choice = useRoundInAddress();
  const lang = useFiguresLang();
  const matrix = useReturnsMatrix(choice.round?.id);
  const sop = useStateOfPlayFromReturns(choice.round?.id, undefined, lang);
  return (
    <RoundBody choice={choice} query={matrix} also={[sop]}>
      {(m) => (
        <>
          <Matrix m={m} />
          <StateOfPlayFromReturns s={sop.data!} />
        </>
      )}
    </RoundBody>
  );
}

function Matrix({ m }: { m: ReturnsMatrix }) {
  const intl = useIntl();
  const time = useTime();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const title = t('federation.matrix');
  const notReported = t('federation.notReported');
  const columns: Column<MatrixRow>[] = [
    { key: 'state', header: t('common.state'), value: (s) => stateName(s.state, intl.locale) },
    ...m.dates.map(
      (d): Column<MatrixRow> => ({
        key: d,
        header: formatDay(intl, d, 'medium'),
        value: (s) => (s.reported[d] ? time(s.reported[d].receivedAt) : notReported),
        render: (s) =>
          s.reported[d] ? (
            <span title={s.reported[d].digest}>{time(s.reported[d].receivedAt)}</span>
          ) : (
            <span className="muted">{notReported}</span>
          ),
      }),
    ),
  ];
  const sheet = () => ({
    name: title,
    header: [t('common.state'), ...m.dates],
    rows: m.states.map((s) => [s.state, ...m.dates.map((d) => s.reported[d]?.receivedAt ?? '')]),
  });
  return (
    <section className="panel" aria-labelledby="federation-matrix">
      <div className="panel-head">
        <h2 id="federation-matrix">{title}</h2>
        {m.dates.length > 0 && <DownloadButtons sheet={sheet} filename={`returns-received-${m.round ?? 'all'}`} what={title} />}
      </div>
      {m.dates.length === 0 ? (
        <Notice>
          <FormattedMessage id="federation.noneReceived" />
        </Notice>
      ) : (
        <div data-testid="federation-matrix">
          <DataTable caption={title} captionHidden columns={columns} rows={m.states} rowKey={(s) => s.state} />
        </div>
      )}
    </section>
  );
}

function StateOfPlayFromReturns({ s }: { s: ReturnsStateOfPlay }) {
  const intl = useIntl();
  const t = (id: string, values?: Record<string, string>) => intl.formatMessage({ id }, values);
  const title = t('federation.stateOfPlay', { asOf: formatDay(intl, s.asOf) });
  const notReported = t('federation.notReported');
  const columns: Column<SopRow>[] = [
    { key: 'state', header: t('common.state'), value: (r) => r.name },
    { key: 'pledged', header: t('federation.pledged'), value: (r) => r.pledged, numeric: true },
    {
      key: 'arrived',
      header: t('federation.arrived'),
      value: (r) => r.arrived ?? notReported,
      render: (r) => (r.arrived === null ? <span className="muted">{notReported}</span> : formatCount(intl, r.arrived)),
      numeric: true,
    },
    { key: 'share', header: t('federation.delivered'), value: (r) => (r.arrived === null ? '' : formatShare(intl, r.deliveredShare)) },
    { key: 'asOf', header: t('federation.returnAsOf'), value: (r) => (r.reported ? formatDay(intl, r.reported.asOf, 'medium') : '') },
  ];
  const sheet = () => ({
    name: t('federation.stateOfPlayShort'),
    header: [t('federation.code'), ...columns.map((c) => String(c.header))],
    rows: s.states.map((r) => [
      r.code,
      r.name,
      r.pledged,
      r.arrived,
      r.arrived === null ? null : r.deliveredShare,
      r.reported?.asOf ?? null,
    ]),
  });
  return (
    <section className="panel" aria-labelledby="federation-sop">
      <div className="panel-head">
        <h2 id="federation-sop">{title}</h2>
        <DownloadButtons sheet={sheet} filename={`state-of-play-from-returns-${s.round}-${s.asOf}`} what={title} />
      </div>
      <p className="hint" data-testid="federation-reported">
        <FormattedMessage id="federation.reportedCount" values={{ reported: s.reported, states: s.states.length }} />
      </p>
      <DataTable
        caption={title}
        captionHidden
        columns={columns}
        rows={s.states}
        rowKey={(r) => r.code}
        totals={{
          label: t('common.total'),
          values: {
            pledged: s.totals.pledged,
            arrived: s.reported > 0 ? s.totals.arrived : t('federation.notReported'),
            share: s.totals.deliveredShare === null ? '' : formatShare(intl, s.totals.deliveredShare),
          },
        }}
      />
    </section>
  );
}

function Sent() {
  const intl = useIntl();
  const time = useTime();
  const sent = useReturnsSent(true);
  const t = (id: string) => intl.formatMessage({ id });
  if (sent.status !== 'success') return <NotReady query={sent} />;
  const title = t('federation.sent');
  const columns: Column<SentReturn>[] = [
    { key: 'round', header: t('federation.round'), value: (r) => r.round },
    { key: 'asOf', header: t('federation.asOf'), value: (r) => r.asOf, render: (r) => formatDay(intl, r.asOf, 'medium') },
    { key: 'sentAt', header: t('federation.sentAt'), value: (r) => r.sentAt, render: (r) => time(r.sentAt) },
    { key: 'outcome', header: t('federation.outcome'), value: (r) => t(`federation.outcome.${r.outcome}`) },
    { key: 'receipt', header: t('federation.receipt'), value: (r) => (r.receipt ? time(r.receipt.receivedAt) : (r.error ?? '')) },
    {
      key: 'digest',
      header: t('federation.digest'),
      value: (r) => r.digest,
      render: (r) => <code title={r.digest}>{r.digest.slice(0, 16)}</code>,
    },
  ];
  return (
    <section className="panel" aria-labelledby="federation-sent">
      <div className="panel-head">
        <h2 id="federation-sent">{title}</h2>
      </div>
      {sent.data.length === 0 ? (
        <Notice>
          <FormattedMessage id="federation.noneSent" />
        </Notice>
      ) : (
        <div data-testid="federation-sent">
          <DataTable caption={title} captionHidden columns={columns} rows={sent.data} rowKey={(r) => String(r.id)} />
        </div>
      )}
    </section>
  );
}
