import type { Status } from '../cases/stage.ts';
import { STATUSES } from '../cases/stage.ts';

/** Cases and persons of a round in one status in one state. */
export interface PipelineCell {
  stateCode: string;
  status: Status;
  cases: number;
  persons: number;
}

/** The groups of statuses a pipeline table shows, in the order of the process. */
export const PIPELINE_GROUPS: { id: string; statuses: Status[] }[] = [
  { id: 'review', statuses: ['referred', 'under_review', 'deferred'] },
  { id: 'accepted', statuses: ['accepted', 'checks'] },
  { id: 'departure', statuses: ['pre_departure', 'travel_arranged', 'departed'] },
  { id: 'arrived', statuses: ['arrived', 'post_arrival', 'reception', 'integration'] },
  // Closed after integration, or after a rejection: its own column, so that neither is miscounted.
  { id: 'closed', statuses: ['closed'] },
  { id: 'on_hold', statuses: ['on_hold'] },
  { id: 'rejected', statuses: ['rejected'] },
  { id: 'withdrawn', statuses: ['withdrawn'] },
];

export interface Pipeline {
  round: string;
  states: {
    code: string;
    byStatus: Record<string, { cases: number; persons: number }>;
    byGroup: Record<string, number>;
    persons: number;
  }[];
  totals: { byStatus: Record<string, { cases: number; persons: number }>; byGroup: Record<string, number>; persons: number };
}

/** Per state and for the EU: cases and persons in each status, and persons per group of statuses. Pure. */
export function assemblePipeline(round: string, stateOrder: readonly string[], cells: readonly PipelineCell[]): Pipeline {
  const empty = () => ({
    byStatus: Object.fromEntries(STATUSES.map((s) => [s, { cases: 0, persons: 0 }])),
    byGroup: Object.fromEntries(PIPELINE_GROUPS.map((g) => [g.id, 0])),
    persons: 0,
  });
  const per = new Map<string, ReturnType<typeof empty>>();
  const totals = empty();
  for (const c of cells) {
    if (!per.has(c.stateCode)) per.set(c.stateCode, empty());
    for (const target of [per.get(c.stateCode)!, totals]) {
      target.byStatus[c.status]!.cases += c.cases;
      target.byStatus[c.status]!.persons += c.persons;
      target.persons += c.persons;
      const g = PIPELINE_GROUPS.find((x) => x.statuses.includes(c.status))!;
      target.byGroup[g.id]! += c.persons;
    }
  }
  const codes = [...stateOrder.filter((s) => per.has(s)), ...[...per.keys()].filter((s) => !stateOrder.includes(s)).sort()];
  return { round, states: codes.map((code) => ({ code, ...per.get(code)! })), totals };
}
