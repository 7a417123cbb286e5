import type { UseQueryResult } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { roundWaiting } from '../ui/page-state.tsx';
import { RoundSelect, type ListedRound } from './round-select.tsx';
import { defaultRound, useRounds, type Round } from './state-of-play.queries.ts';

/** Which round a page of a round's figures shows, and how the reader chooses another. */
export interface RoundChoice<R extends ListedRound = Round> {
  rounds: UseQueryResult<R[]>;
  /** The round the address names, or the default; undefined while the rounds load or when the address names no round. */
  round: R | undefined;
  /** What the address names (`?round=`), said back when it is not a round. */
  requested: string | undefined;
  /** Another round: a new address, the page's other filters kept. */
  choose: (id: string) => void;
}

/**
 * The round of the address (`?round=`, checked by the router) among `rounds`, or `pick`'s default
 * when the address names none.
 */
export function useRoundOf<R extends ListedRound>(
  rounds: UseQueryResult<R[]>,
  pick: (list: readonly R[]) => R | undefined,
): RoundChoice<R> {
  const requested = (useSearch({ strict: false }) as { round?: string }).round;
  const navigate = useNavigate();
  const list = rounds.data ?? [];
  const round = requested ? list.find((r) => r.id === requested) : pick(list);
  const choose = (id: string) => void navigate({ to: '.', search: (previous: Record<string, unknown>) => ({ ...previous, round: id }) });
  return { rounds, round, requested, choose };
}

/** The same among the rounds the API lists to a signed-in reader, the 2020 round by default. */
export const useRoundInAddress = (): RoundChoice<Round> => useRoundOf(useRounds(), defaultRound);

/**
 * The body of a page of a round's figures, said once: the choice of round, then the ladder (the
 * rounds loading or failed, a round the address names that does not exist, the page's query — and
 * any `also` — loading, refused or failed), then the figures, given the query's answer and the round.
 */
export function RoundBody<T, R extends ListedRound>(props: {
  choice: RoundChoice<R>;
  query: UseQueryResult<T>;
  also?: UseQueryResult<unknown>[];
  children: (data: T, round: R) => ReactNode;
}) {
  const { choice, query } = props;
  const list = choice.rounds.data ?? [];
  const waiting = roundWaiting({
    rounds: choice.rounds,
    round: choice.round,
    requested: choice.requested,
    queries: [query, ...(props.also ?? [])],
  });
  return (
    <>
      {list.length > 0 && <RoundSelect rounds={list} value={choice.round?.id} onChange={choice.choose} />}
      {waiting ?? props.children(query.data as T, choice.round as R)}
    </>
  );
}
