import { useMemo } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { formatCount, formatDay, formatShare, formatStatement } from '../ui/format.ts';
import { RoundBody, useRoundInAddress } from '../state-of-play/round-page.tsx';
import { READS_ROUND_CASES, signedIn, useMe } from '../api/session.ts';
import { useForecast, useStateOfPlay, type StateOfPlay } from '../state-of-play/state-of-play.queries.ts';
import { PageHeader } from '../ui/status.tsx';
import { departures, keyFigures, months, stateFigures } from './dashboard.figures.ts';
import { DeparturesPanel } from './departures.panel.tsx';
import { ForecastPanel } from './forecast.panel.tsx';
import { MapPanel } from './map.panel.tsx';
import { MonthsPanel } from './months.panel.tsx';
import { StatesPanel } from './states.panel.tsx';
import './dashboard.css';
import { Shipped, shippedKeys } from '../i18n/shipped.tsx';

/**
 * The EU dashboard (for the Commission; every role may read it): a round's key figures, then
 * pledged against arrived per state, the map of the share delivered, arrivals by country of
 * departure and by month (the 2020 suspension marked), and the forecast of delivery, each chart
 * with its table and downloads. The forecast loads on its own: the page never waits for it.
 */
export function DashboardPage() {
  const intl = useIntl();
  const choice = useRoundInAddress();
  const round = choice.round;
  const sop = useStateOfPlay(round?.id);
  // The forecast is made from the case records the reader's role reads: none for some roles, who are not shown one.
  const me = useMe();
  const forecastable = signedIn(me.data) && READS_ROUND_CASES.includes(me.data.user.role);
  const forecast = useForecast(round?.id, sop.isSuccess && forecastable);

  return (
    <>
      <PageHeader title={<FormattedMessage id="dashboard.title" />}>
        {sop.data && (
          <p className="lead">
            <FormattedMessage
              id="dashboard.lead"
              values={{
                title: <Shipped k={shippedKeys.roundTitle(sop.data.round)} stored={sop.data.title} />,
                asOf: formatDay(intl, sop.data.asOf),
              }}
            />
          </p>
        )}
      </PageHeader>
      <RoundBody choice={choice} query={sop}>
        {(data, r) => <Figures sop={data} round={r} forecast={forecastable ? forecast : null} />}
      </RoundBody>
    </>
  );
}

function Figures({
  sop,
  round,
  forecast,
}: {
  sop: StateOfPlay;
  round: { id: string; start: string; end: string };
  forecast: ReturnType<typeof useForecast> | null;
}) {
  const rows = useMemo(() => stateFigures(sop), [sop]);
  const names = useMemo(() => new Map(sop.states.map((s) => [s.code, s.name])), [sop]);
  const byDeparture = useMemo(() => departures(sop), [sop]);
  const byMonth = useMemo(() => months(sop, round), [sop, round]);
  return (
    <>
      <KeyFigureCards sop={sop} />
      <div className="grid-2">
        <StatesPanel rows={rows} roundId={round.id} />
        <MapPanel rows={rows} roundId={round.id} />
        <DeparturesPanel departures={byDeparture} roundId={round.id} />
        <MonthsPanel months={byMonth} roundId={round.id} />
      </div>
      {forecast && <ForecastPanel query={forecast} names={names} roundId={round.id} />}
    </>
  );
}

function KeyFigureCards({ sop }: { sop: StateOfPlay }) {
  const intl = useIntl();
  const k = keyFigures(sop);
  const cards: { id: string; label: string; figure: string; note?: string }[] = [
    {
      id: 'target',
      label: 'dashboard.figure.target',
      figure:
        k.target === null
          ? intl.formatMessage({ id: 'dashboard.figure.noTarget' })
          : formatStatement(intl, k.targetQualifier, formatCount(intl, k.target)),
    },
    {
      id: 'pledged',
      label: 'dashboard.figure.pledged',
      figure: formatCount(intl, k.pledged),
      ...(k.carryOver > 0
        ? { note: intl.formatMessage({ id: 'dashboard.figure.carryOver' }, { count: formatCount(intl, k.carryOver) }) }
        : {}),
    },
    { id: 'arrived', label: 'dashboard.figure.arrived', figure: formatCount(intl, k.arrived) },
    { id: 'share-of-target', label: 'dashboard.figure.shareOfTarget', figure: formatShare(intl, k.shareOfTarget) },
    { id: 'share-of-pledges', label: 'dashboard.figure.shareOfPledges', figure: formatShare(intl, k.shareOfPledges) },
  ];
  return (
    <section>
      <h2 className="visually-hidden">
        <FormattedMessage id="dashboard.figures" />
      </h2>
      <dl className="cards key-figures">
        {cards.map((c) => (
          <div className="card" key={c.id}>
            <dt>
              <FormattedMessage id={c.label} />
            </dt>
            <dd className="figure" data-testid={`figure-${c.id}`}>
              {c.figure}
            </dd>
            {c.note && <dd className="hint">{c.note}</dd>}
          </div>
        ))}
      </dl>
    </section>
  );
}
