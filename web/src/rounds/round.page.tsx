import { Link, useParams } from '@tanstack/react-router';
import { FormattedMessage, useIntl } from 'react-intl';
import { signedIn, useMe } from '../api/session.ts';
import { formatDay, formatStated } from '../ui/format.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import { verdictOf } from '../ui/statement.ts';
import { keyed } from '../ui/keys.ts';
import { PageHeader } from '../ui/status.tsx';
import { PledgeHistory } from './pledge-history.tsx';
import { PledgeEditor } from './pledge.form.tsx';
import { shippedKeys, useShipped } from '../i18n/shipped.tsx';
import { apiLanguage } from '../i18n/locales.ts';
import { labelIn, pledgeTotals, roundStatus, today, type PledgeListing, type Round, type StateCode, type StatePledgeRow } from './round.ts';
import { usePledges, useRound } from './round.queries.ts';
import { NotReady } from '../ui/page-state.tsx';

/**
 * One round: its facts (period, target, budget, pathways, priorities, incentives, each with its
 * source), and its pledges per state as the Annex prints them, with the total summed here and the
 * total the documents state beside it. A Member State's officer enters its state's pledge here.
 */
export function RoundPage() {
  const { round: id } = useParams({ from: '/rounds/$round' });
  const intl = useIntl();
  const me = useMe();
  const user = signedIn(me.data) ? me.data.user : null;
  const round = useRound(id);
  const pledges = usePledges(id, apiLanguage(intl.locale));
  const shipped = useShipped();

  if (round.status === 'pending') return <NotReady query={round} whenIdle="notFound" />;
  if (round.isError)
    return (
      <>
        <PageHeader title={<FormattedMessage id="rounds.round.notFound" />} />
        <NotReady query={round} />
        <p>
          <Link to="/rounds">
            <FormattedMessage id="rounds.round.back" />
          </Link>
        </p>
      </>
    );
  const r = round.data;
  const ownState = user?.role === 'state_officer' && user.stateCode ? (user.stateCode as StateCode) : null;

  return (
    <>
      <PageHeader title={shipped.node(shippedKeys.roundTitle(r.id), r.title)}>
        <Link to="/rounds">
          <FormattedMessage id="rounds.round.back" />
        </Link>
      </PageHeader>
      <RoundFacts round={r} />
      <NotReady query={pledges} />
      {pledges.data && <PledgeTable round={r} listing={pledges.data} />}
      {ownState && <PledgeEditor round={r} state={ownState} />}
      {pledges.data && <PledgeHistory roundId={r.id} listing={pledges.data} ownState={ownState} />}
    </>
  );
}

/** "(rec-2020-1364, P 2)", the source a link to its entry in the list of sources. */
function Cite({ source, locator }: { source?: string | undefined; locator?: string | undefined }) {
  if (!source && !locator) return null;
  return (
    <span className="hint">
      {' ('}
      {source ? <a href={`#source-${source}`}>{source}</a> : null}
      {source && locator ? ', ' : ''}
      {locator}
      {')'}
    </span>
  );
}

function RoundFacts({ round: r }: { round: Round }) {
  const intl = useIntl();
  const shipped = useShipped();
  const t = (id: string, v?: Record<string, string | number>) => intl.formatMessage({ id }, v);
  const status = roundStatus(r, today());
  const incentiveColumns: Column<Round['incentives'][number]>[] = [
    {
      key: 'label',
      header: <FormattedMessage id="rounds.facts.incentive" />,
      value: (x) => shipped.text(shippedKeys.incentive(r.id, x.id), labelIn(x.label, intl.locale)),
    },
    {
      key: 'pathway',
      header: <FormattedMessage id="rounds.facts.pathway" />,
      value: (x) => (x.pathway ? t(`rounds.pathway.${x.pathway}`) : t('rounds.form.anyPathway')),
    },
    {
      key: 'amount',
      header: <FormattedMessage id="rounds.facts.amount" />,
      value: (x) => x.amount,
      render: (x) => intl.formatNumber(x.amount, { style: 'currency', currency: x.currency, maximumFractionDigits: 0 }),
      numeric: true,
    },
    {
      key: 'source',
      header: <FormattedMessage id="rounds.facts.source" />,
      value: (x) => [x.source, x.locator].filter(Boolean).join(', ') || null,
    },
  ];

  return (
    <section className="panel" aria-labelledby="round-facts-title">
      <h2 id="round-facts-title">
        <FormattedMessage id="rounds.facts.heading" />
      </h2>
      <dl className="facts">
        <dt>
          <FormattedMessage id="rounds.facts.id" />
        </dt>
        <dd>
          <code>{r.id}</code>
        </dd>
        <dt>
          <FormattedMessage id="rounds.facts.legalBasis" />
        </dt>
        <dd>{shipped.node(shippedKeys.legalBasis(r.id), r.legalBasis)}</dd>
        <dt>
          <FormattedMessage id="rounds.facts.period" />
        </dt>
        <dd>
          {formatDay(intl, r.start, 'medium')} – {formatDay(intl, r.end, 'medium')}{' '}
          <span className="badge">{t(`rounds.status.${status}`)}</span>
        </dd>
        <dt>
          <FormattedMessage id="rounds.facts.target" />
        </dt>
        <dd>
          {r.target ? formatStated(intl, r.target) : t('rounds.facts.noTarget')}
          {r.target && <Cite source={r.target.source} locator={r.target.locator} />}
        </dd>
        {r.budget && (
          <>
            <dt>
              <FormattedMessage id="rounds.facts.budget" />
            </dt>
            <dd>
              {formatStated(intl, r.budget, r.budget.currency)}
              <Cite source={r.budget.source} locator={r.budget.locator} />
            </dd>
          </>
        )}
        {r.previous && (
          <>
            <dt>
              <FormattedMessage id="rounds.facts.previous" />
            </dt>
            <dd>
              <Link to="/rounds/$round" params={{ round: r.previous }}>
                {r.previous}
              </Link>
            </dd>
          </>
        )}
        <dt>
          <FormattedMessage id="rounds.facts.pathways" />
        </dt>
        <dd>{r.pathways.map((p) => t(`rounds.pathway.${p}`)).join(', ')}</dd>
        <dt>
          <FormattedMessage id="rounds.facts.participants" />
        </dt>
        <dd>{r.participants ? r.participants.join(', ') : t('rounds.facts.allMemberStates')}</dd>
      </dl>

      <h3>
        <FormattedMessage id="rounds.facts.priorities" />
      </h3>
      {r.priorities.length === 0 ? (
        <p>{t('common.none')}</p>
      ) : (
        <ul>
          {r.priorities.map((p) => (
            <li key={p.id}>
              {shipped.node(shippedKeys.region(r.id, p.id), labelIn(p.label, intl.locale))}
              {p.countries.length > 0 && <span className="hint"> — {p.countries.join(', ')}</span>}
              <Cite source={p.source} locator={p.locator} />
            </li>
          ))}
        </ul>
      )}

      <h3>
        <FormattedMessage id="rounds.facts.incentives" />
      </h3>
      {r.incentives.length === 0 ? (
        <p>{t('common.none')}</p>
      ) : (
        <DataTable
          caption={t('rounds.facts.incentivesCaption')}
          captionHidden
          columns={incentiveColumns}
          rows={r.incentives}
          rowKey={(x) => x.id}
        />
      )}

      {r.sources.length > 0 && (
        <>
          <h3>
            <FormattedMessage id="rounds.facts.sources" />
          </h3>
          <ul className="source-list">
            {r.sources.map((s) => (
              <li key={s.id} id={`source-${s.id}`}>
                <code>{s.id}</code>: {shipped.node(shippedKeys.source(s.id), s.citation)}
                {s.url && (
                  <>
                    {' '}
                    <a href={s.url} rel="noreferrer noopener">
                      {s.url}
                    </a>
                  </>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The pledges per state as the Annex prints them: places pledged, carry-overs apart, the total summed here. */
function PledgeTable({ round, listing }: { round: Round; listing: PledgeListing }) {
  const intl = useIntl();
  const shipped = useShipped();
  const t = (id: string, v?: Record<string, string | number>) => intl.formatMessage({ id }, v);
  const totals = pledgeTotals(listing.states);
  const breakdown = (s: StatePledgeRow) =>
    s.pledges
      .filter((p) => !p.carryOver)
      .map(
        (p) =>
          `${t(`rounds.pathway.${p.pathway}`)}${p.countryOfDeparture || p.targetGroup ? ` (${[p.countryOfDeparture, p.targetGroup].filter(Boolean).join(', ')})` : ''}: ${intl.formatNumber(p.places)}`,
      )
      .join('; ');
  const columns: Column<StatePledgeRow>[] = [
    { key: 'state', header: <FormattedMessage id="common.state" />, value: (s) => s.name },
    { key: 'pledged', header: <FormattedMessage id="rounds.pledges.pledged" />, value: (s) => s.pledged, numeric: true },
    {
      key: 'carryOver',
      header: <FormattedMessage id="rounds.pledges.carryOver" />,
      value: (s) => s.carryOver,
      render: (s) => (s.carryOver > 0 ? `(*) ${intl.formatNumber(s.carryOver)}` : '—'),
      numeric: true,
    },
    { key: 'pledges', header: <FormattedMessage id="rounds.pledges.breakdown" />, value: (s) => breakdown(s) || null },
  ];
  const caption = t('rounds.pledges.caption', { title: shipped.text(shippedKeys.roundTitle(round.id), round.title) });
  const sourceOf = (id?: string) => round.sources.find((s) => s.id === id);

  return (
    <section className="panel" aria-labelledby="pledges-title">
      <div className="panel-head">
        <h2 id="pledges-title">
          <FormattedMessage id="rounds.pledges.heading" />
        </h2>
        <DownloadButtons
          what={caption}
          filename={`pledges-${round.id}`}
          sheet={() => ({
            name: caption,
            header: [
              t('rounds.pledges.code'),
              t('common.state'),
              t('rounds.pledges.pledged'),
              t('rounds.pledges.carryOver'),
              t('rounds.pledges.breakdown'),
            ],
            rows: [
              ...listing.states.map((s) => [s.code, s.name, s.pledged, s.carryOver, breakdown(s)]),
              ['', t('common.total'), totals.pledged, totals.carryOver, ''],
            ],
          })}
        />
      </div>
      <DataTable
        caption={caption}
        columns={columns}
        rows={listing.states}
        rowKey={(s) => s.code}
        totals={{ label: t('common.total'), values: { pledged: totals.pledged, carryOver: totals.carryOver } }}
      />
      {totals.carryOver > 0 && (
        <p className="hint">
          <FormattedMessage id="rounds.pledges.carryOverNote" />
        </p>
      )}
      {listing.documentFigures.length > 0 && (
        <div className="figures-beside">
          <h3>
            <FormattedMessage id="rounds.pledges.documentsHeading" />
          </h3>
          {keyed(listing.documentFigures, (f) => `${f.figure}|${f.source ?? ''}|${f.locator ?? ''}|${f.as_of ?? ''}`).map(
            ({ key, item: f }) => {
              const difference = totals.pledged - f.value;
              const verdict = verdictOf(f.qualifier, f.value, totals.pledged);
              return (
                <p key={key} data-testid="document-figure">
                  <FormattedMessage
                    id="rounds.pledges.documentFigure"
                    values={{
                      source: sourceOf(f.source)?.id ?? f.source ?? '—',
                      locator: f.locator ? shipped.node(shippedKeys.figureLocator(round.id, f), f.locator) : '',
                      stated: formatStated(intl, f),
                      computed: intl.formatNumber(totals.pledged),
                      difference: intl.formatNumber(difference, { signDisplay: 'exceptZero' }),
                    }}
                  />{' '}
                  <span className={verdict === 'differs' ? 'difference-some' : 'difference-none'}>
                    <FormattedMessage id={`rounds.pledges.${verdict}`} />
                  </span>
                  {f.note && <span className="hint"> — {shipped.node(shippedKeys.figureNote(round.id, f), f.note)}</span>}
                </p>
              );
            },
          )}
        </div>
      )}
    </section>
  );
}
