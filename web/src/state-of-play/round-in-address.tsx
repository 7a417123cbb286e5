import { useNavigate, useSearch } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { useSelectedRound, useStateOfPlay } from './state-of-play.queries.ts';
import { roundWaiting } from '../ui/page-state.tsx';

/**
 * The round a page of figures shows (the dashboard, the state of play): the one its address names
 * (`?round=`, checked by the router) or the default, its state of play, a way to choose another
 * (a new address), and what stands in place of the figures while they are not there (loading, a
 * refusal, a round that does not exist).
 */
export function useRoundInAddress(to: '/dashboard' | '/state-of-play') {
  const search = useSearch({ strict: false }) as { round?: string };
  const navigate = useNavigate();
  const { rounds, round } = useSelectedRound(search.round);
  const sop = useStateOfPlay(round?.id);
  const choose = (id: string) => void navigate({ to, search: { round: id } });

  const waiting: ReactNode = roundWaiting({ rounds, round, requested: search.round, queries: [sop] });
  return { rounds, round, sop, choose, waiting };
}
