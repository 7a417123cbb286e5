import { useId } from 'react';
import { FormattedMessage } from 'react-intl';
import type { Round } from './state-of-play.queries.ts';
import { Shipped, shippedKeys } from '../i18n/shipped.tsx';

/** A round as a list of rounds names it (the signed-in list's or the open data's). */
export type ListedRound = Pick<Round, 'id' | 'title'>;

/** The round a page shows, chosen from the rounds the API lists; the choice goes into the address (`?round=`). */
export function RoundSelect({
  rounds,
  value,
  onChange,
}: {
  rounds: readonly ListedRound[];
  value: string | undefined;
  onChange: (id: string) => void;
}) {
  const id = useId();
  return (
    <form className="filters no-print" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={id}>
          <FormattedMessage id="common.round" />
        </label>
        <select id={id} name="round" value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
          {rounds.map((r) => (
            <option key={r.id} value={r.id}>
              <Shipped k={shippedKeys.roundTitle(r.id)} stored={r.title} />
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
