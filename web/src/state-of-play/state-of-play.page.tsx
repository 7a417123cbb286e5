import { useMemo } from 'react';
import { FormattedMessage, useIntl, type IntlShape } from 'react-intl';
import { countryName } from '../ui/country-name.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons, exportLink } from '../ui/download-buttons.tsx';
import { verdictOf } from '../ui/statement.ts';
import { PageHeader } from '../ui/status.tsx';
import { formatCount, formatDay, formatShare, formatStatement } from '../ui/format.ts';
import { RoundBody, useRoundInAddress } from './round-page.tsx';
import { stateOfPlaySheet, topDepartures, totalsOf } from './state-of-play.figures.ts';
import { useStateOfPlay, type DocumentFigure, type Round, type StateOfPlay, type StateOfPlayRow } from './state-of-play.queries.ts';
import './state-of-play.css';
import { actShortName, shippedKeys, useShipped } from '../i18n/shipped.tsx';

/**
 * The Commission's state of play of a round, the same table as `pathways report state-of-play`:
 * per state pledged, carry-over, arrived, share delivered and the main countries of departure, a
 * totals row summed from the rows, the figures documents state beside the ledger's with their
 * difference (never smoothed over), the as-of date and the sources. Sortable, downloadable, and
 * printable whole (state-of-play.css).
 */
export function StateOfPlayPage() {
  const intl = useIntl();
  const shipped = useShipped();
  const choice = useRoundInAddress();
  const sop = useStateOfPlay(choice.round?.id);

  return (
    <div className="state-of-play">
      <PageHeader
        title={
          sop.data ? (
            intl.formatMessage({ id: 'stateOfPlay.title' }, { title: shipped.text(shippedKeys.roundTitle(sop.data.round), sop.data.title) })
          ) : (
            <FormattedMessage id="nav.stateOfPlay" />
          )
        }
      >
        {sop.data && (
          <button type="button" className="button-secondary no-print" onClick={() => window.print()}>
            <FormattedMessage id="common.print" />
          </button>
        )}
      </PageHeader>
      {sop.data && (
        <p className="as-of" data-testid="as-of">
          <FormattedMessage id="stateOfPlay.asOf" values={{ date: formatDay(intl, sop.data.asOf) }} />
        </p>
      )}
      <RoundBody choice={choice} query={sop}>
        {(data, round) => <Report sop={data} round={round} />}
      </RoundBody>
    </div>
  );
}

const departuresText = (intl: IntlShape, byDeparture: Record<string, number>): string =>
  topDepartures(byDeparture)
    .map(([c, n]) => `${countryName(c, intl.locale)} ${formatCount(intl, n)}`)
    .join(', ');

/** Carry-over in brackets, as the Annex prints it (places of the previous round, not in "Pledged"). */
const bracketed = (intl: IntlShape, v: number): string => (v ? `[${formatCount(intl, v)}]` : '');

function Report({ sop, round }: { sop: StateOfPlay; round: Round }) {
  const intl = useIntl();
  const shipped = useShipped();
  const t = (id: string) => intl.formatMessage({ id });
  const totals = useMemo(() => totalsOf(sop.states), [sop]);
  const caption = intl.formatMessage({ id: 'stateOfPlay.caption' }, { date: formatDay(intl, sop.asOf) });

  const columns: Column<StateOfPlayRow>[] = [
    { key: 'code', header: t('stateOfPlay.col.code'), value: (r) => r.code },
    { key: 'name', header: t('stateOfPlay.col.state'), value: (r) => r.name },
    { key: 'pledged', header: t('stateOfPlay.col.pledged'), value: (r) => r.pledged, numeric: true },
    {
      key: 'carryOver',
      header: t('stateOfPlay.col.carryOver'),
      value: (r) => r.carryOver,
      render: (r) => bracketed(intl, r.carryOver),
      numeric: true,
    },
    { key: 'arrived', header: t('stateOfPlay.col.arrived'), value: (r) => r.arrived, numeric: true },
    {
      key: 'delivered',
      header: t('stateOfPlay.col.delivered'),
      value: (r) => r.deliveredShare,
      render: (r) => formatShare(intl, r.deliveredShare),
      numeric: true,
    },
    { key: 'departures', header: t('stateOfPlay.col.departures'), value: (r) => departuresText(intl, r.byDeparture) },
  ];
  const footer = {
    label: 'EU',
    values: {
      name: t('stateOfPlay.total'),
      pledged: totals.pledged,
      carryOver: bracketed(intl, totals.carryOver),
      arrived: totals.arrived,
      delivered: formatShare(intl, totals.deliveredShare),
      departures: departuresText(intl, totals.byDeparture),
    },
  };

  return (
    <>
      <section className="panel sop-main">
        <div className="panel-head">
          <h2>
            <FormattedMessage id="stateOfPlay.tableTitle" />
          </h2>
          <DownloadButtons
            sheet={() => stateOfPlaySheet(sop, t('nav.stateOfPlay'))}
            filename={`state-of-play-${sop.round}-${sop.asOf}`}
            what={caption}
            exchange={exportLink('state-of-play', { round: sop.round, asOf: sop.asOf }, intl.locale)}
          />
        </div>
        <div className="sop-table" data-testid="sop-table">
          <DataTable caption={caption} columns={columns} rows={sop.states} rowKey={(r) => r.code} totals={footer} />
        </div>
        <p className="target-line">
          {sop.target === null ? (
            <FormattedMessage id="stateOfPlay.noTarget" />
          ) : (
            <FormattedMessage
              id="stateOfPlay.target"
              values={{
                statement: formatStatement(intl, sop.targetQualifier, formatCount(intl, sop.target)),
                arrived: formatCount(intl, totals.arrived),
                share: formatShare(intl, sop.target ? totals.arrived / sop.target : null),
              }}
            />
          )}
        </p>
        <p className="hint">
          <FormattedMessage id="stateOfPlay.carryOverNote" />
        </p>
        <p className="hint no-print">
          <FormattedMessage id="stateOfPlay.downloadsNote" values={{ command: <code>pathways report state-of-play --format csv</code> }} />
        </p>
      </section>
      {sop.documentFigures.length > 0 && <DocumentFigures roundId={round.id} figures={sop.documentFigures} sources={round.sources} />}
      {round.sources.length > 0 && (
        <section className="panel sources">
          <h2>
            <FormattedMessage id="stateOfPlay.sources" />
          </h2>
          <ul>
            {round.sources.map((s) => (
              <li key={s.id}>
                {s.url ? (
                  <a href={s.url} rel="noreferrer">
                    {shipped.node(shippedKeys.source(s.id), s.citation)}
                  </a>
                ) : (
                  shipped.node(shippedKeys.source(s.id), s.citation)
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}

/** One line per figure a document states: its words, the ledger's figure, the difference (computed minus stated). */
function DocumentFigures({ roundId, figures, sources }: { roundId: string; figures: DocumentFigure[]; sources: Round['sources'] }) {
  const intl = useIntl();
  const shipped = useShipped();
  const t = (id: string) => intl.formatMessage({ id });
  const isShare = (f: DocumentFigure) => f.figure === 'delivered_share';
  const value = (f: DocumentFigure, v: number) => (isShare(f) ? formatShare(intl, v) : formatCount(intl, v));
  const difference = (f: DocumentFigure): string => {
    if (f.difference === null) return '–';
    const signed = { signDisplay: 'exceptZero' as const, maximumFractionDigits: isShare(f) ? 1 : 0 };
    return isShare(f)
      ? intl.formatMessage({ id: 'stateOfPlay.pp' }, { value: intl.formatNumber(f.difference * 100, signed) })
      : intl.formatNumber(f.difference, signed);
  };
  const sourceName = (f: DocumentFigure) => {
    const s = sources.find((x) => x.id === f.source);
    return s ? actShortName(shipped.text(shippedKeys.source(s.id), s.citation)) : (f.source ?? '–');
  };
  const locator = (f: DocumentFigure) => (f.locator ? shipped.text(shippedKeys.figureLocator(roundId, f), f.locator) : null);
  const rows = figures.map((f, i) => ({ ...f, key: `${i}` }));
  type Row = (typeof rows)[number];
  const columns: Column<Row>[] = [
    { key: 'figure', header: t('stateOfPlay.doc.figure'), value: (f) => t(`stateOfPlay.figure.${f.figure}`), fixed: true },
    {
      key: 'source',
      header: t('stateOfPlay.doc.source'),
      value: (f) => [sourceName(f), locator(f)].filter(Boolean).join(', '),
      render: (f) => (
        <>
          {sourceName(f)}
          {f.locator && <>, {shipped.node(shippedKeys.figureLocator(roundId, f), f.locator)}</>}
        </>
      ),
      fixed: true,
    },
    {
      key: 'stated',
      header: t('stateOfPlay.doc.stated'),
      value: (f) => formatStatement(intl, f.qualifier, value(f, f.value)),
      fixed: true,
    },
    { key: 'asOf', header: t('stateOfPlay.doc.asOf'), value: (f) => (f.asOf ? formatDay(intl, f.asOf) : '–'), fixed: true },
    {
      key: 'computed',
      header: t('stateOfPlay.doc.computed'),
      value: (f) => (f.computed === null ? t('stateOfPlay.notComputed') : value(f, f.computed)),
      numeric: true,
      fixed: true,
    },
    {
      key: 'difference',
      header: t('stateOfPlay.doc.difference'),
      value: (f) => difference(f),
      render: (f) => (
        <>
          <span data-testid="difference">{difference(f)}</span>{' '}
          {f.difference !== null && f.computed !== null && f.difference !== 0 && (
            <span className={verdictOf(f.qualifier, f.value, f.computed) === 'holds' ? 'badge badge-success' : 'badge badge-warning'}>
              {t(verdictOf(f.qualifier, f.value, f.computed) === 'holds' ? 'stateOfPlay.holds' : 'stateOfPlay.differs')}
            </span>
          )}
        </>
      ),
      numeric: true,
      fixed: true,
    },
    {
      key: 'note',
      header: t('stateOfPlay.doc.note'),
      value: (f) => (f.note ? shipped.text(shippedKeys.figureNote(roundId, f), f.note) : ''),
      render: (f) => (f.note ? shipped.node(shippedKeys.figureNote(roundId, f), f.note) : ''),
      fixed: true,
    },
  ];
  const title = t('stateOfPlay.documents');
  return (
    <section className="panel documents">
      <h2>{title}</h2>
      <p className="hint">
        <FormattedMessage id="stateOfPlay.documentsIntro" />
      </p>
      <DataTable caption={title} captionHidden columns={columns} rows={rows} rowKey={(r) => r.key} />
    </section>
  );
}
