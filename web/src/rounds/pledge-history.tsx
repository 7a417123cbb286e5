import { useId, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import type { PledgeChange, PledgeListing, StateCode } from './round.ts';
import { usePledgeHistory } from './round.queries.ts';
import { NotReady } from '../ui/page-state.tsx';
import { Actor } from '../ui/actor.tsx';
import { formatMoment } from '../ui/format.ts';

interface Row extends PledgeChange {
  n: number;
}

/**
 * Who changed a state's pledges, when, and from how many places to how many: the state's own by
 * default, any state of the round on choice. Hidden where the server does not offer the history.
 */
export function PledgeHistory({ roundId, listing, ownState }: { roundId: string; listing: PledgeListing; ownState: StateCode | null }) {
  const intl = useIntl();
  const selectId = useId();
  const withPledges = listing.states.filter((s) => s.pledges.length > 0);
  const [state, setState] = useState<StateCode | null>(
    ownState ?? ((withPledges[0] ?? listing.states[0])?.code as StateCode | undefined) ?? null,
  );
  const history = usePledgeHistory(roundId, state);
  if (history.data === null) return null;

  const nameOf = (code: string) => listing.states.find((s) => s.code === code)?.name ?? code;
  const what = (c: PledgeChange) =>
    [
      intl.formatMessage({ id: `rounds.pathway.${c.pathway}` }),
      c.countryOfDeparture,
      c.targetGroup,
      c.carryOver ? intl.formatMessage({ id: 'rounds.pledge.carryOverShort' }) : null,
    ]
      .filter(Boolean)
      .join(', ');
  const when = (at: string) => formatMoment(intl, at);
  const rows: Row[] = (history.data ?? []).map((c, n) => ({ ...c, n }));
  const columns: Column<Row>[] = [
    {
      key: 'at',
      header: <FormattedMessage id="rounds.history.at" />,
      value: (r) => r.at,
      render: (r) => <time dateTime={r.at}>{when(r.at)}</time>,
    },
    { key: 'actor', header: <FormattedMessage id="rounds.history.actor" />, value: (r) => r.actor, render: (r) => <Actor id={r.actor} /> },
    { key: 'pledge', header: <FormattedMessage id="rounds.pledge.pledge" />, value: what },
    {
      key: 'before',
      header: <FormattedMessage id="rounds.history.before" />,
      value: (r) => r.placesBefore,
      render: (r) => (r.placesBefore === null ? intl.formatMessage({ id: 'rounds.history.added' }) : intl.formatNumber(r.placesBefore)),
      numeric: true,
    },
    { key: 'after', header: <FormattedMessage id="rounds.history.after" />, value: (r) => r.placesAfter, numeric: true },
    {
      key: 'difference',
      header: <FormattedMessage id="rounds.history.difference" />,
      value: (r) => r.placesAfter - (r.placesBefore ?? 0),
      render: (r) => intl.formatNumber(r.placesAfter - (r.placesBefore ?? 0), { signDisplay: 'exceptZero' }),
      numeric: true,
    },
    { key: 'source', header: <FormattedMessage id="rounds.history.source" />, value: (r) => r.source },
  ];
  const caption = intl.formatMessage({ id: 'rounds.history.caption' }, { state: state ? nameOf(state) : '' });

  return (
    <section className="panel" aria-labelledby="pledge-history-title">
      <div className="panel-head">
        <h2 id="pledge-history-title">
          <FormattedMessage id="rounds.history.heading" />
        </h2>
        {rows.length > 0 && (
          <DownloadButtons
            what={caption}
            filename={`pledge-history-${roundId}-${state ?? ''}`}
            sheet={() => ({
              name: caption,
              header: columns.map((c) =>
                intl.formatMessage({ id: c.key === 'pledge' ? 'rounds.pledge.pledge' : `rounds.history.${c.key}` }),
              ),
              rows: rows.map((r) => [
                r.at,
                r.actor,
                what(r),
                r.placesBefore,
                r.placesAfter,
                r.placesAfter - (r.placesBefore ?? 0),
                r.source,
              ]),
            })}
          />
        )}
      </div>
      <div className="filters">
        <div className="field">
          <label htmlFor={selectId}>
            <FormattedMessage id="common.state" />
          </label>
          <select id={selectId} value={state ?? ''} onChange={(e) => setState(e.target.value as StateCode)}>
            {listing.states.map((s) => (
              <option key={s.code} value={s.code}>
                {s.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <NotReady query={history} />
      {history.data && rows.length === 0 && (
        <p>
          <FormattedMessage id="rounds.history.none" />
        </p>
      )}
      {rows.length > 0 && <DataTable caption={caption} columns={columns} rows={rows} rowKey={(r) => String(r.n)} />}
    </section>
  );
}
