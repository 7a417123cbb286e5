import { STAGES, type Stage } from '../cases/stage.ts';
import { cutAt, dayNumber, nearestRank, walk, type CaseHistory } from './case-history.ts';

/**
 * Processing times (Recommendation P 10): how long cases spend in each stage and from referral to
 * arrival, and how many drop out and why, for all cases or per state, round, pathway, priority or
 * selection modality.
 *
 * - A stage's time is the days from entering it to the move that ends the stay, counted once per
 *   stay (a case deferred and reviewed again has two stays under review). Stays not ended yet are
 *   counted as `open`, not measured: their length is not known.
 * - Time on hold is its own line and is left out of the stage it interrupted: a case four weeks in
 *   checks, three months on hold, then two more weeks in checks spent six weeks in checks. The
 *   resumption continues the stay; it does not start a new one.
 * - End to end is calendar days from the first 'referred' to the first 'arrived', holds included
 *   (what a household lives through). Cases created at arrival (imported with an arrival date) have
 *   no referral and are not in it.
 * - Median and 90th percentile are nearest-rank (see `nearestRank`): observed day counts.
 */
export const GROUP_DIMENSIONS = ['state', 'round', 'pathway', 'priority', 'modality'] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];

export interface DurationSummary {
  count: number;
  median: number | null;
  p90: number | null;
}

export interface StageTime extends DurationSummary {
  stage: Stage;
  /** Cases in the stage now, whose stay is not over. */
  open: number;
}

export interface DropOutReason {
  outcome: 'rejected' | 'withdrawn';
  /** The reason recorded with the move; null when none was. */
  reason: string | null;
  count: number;
}

export interface DropOuts {
  cases: number;
  rejected: number;
  withdrawn: number;
  /** Cases that have an outcome: arrived, rejected or withdrawn. */
  settled: number;
  /** (rejected + withdrawn) / cases; null without cases. */
  share: number | null;
  /** (rejected + withdrawn) / settled: the rate among cases whose outcome is known; null if none is. */
  shareOfSettled: number | null;
  /** Most frequent first. */
  reasons: DropOutReason[];
}

export interface ProcessingTimes {
  /** The value of each dimension grouped by; empty when not grouped. Null where the case has none (no round, no modality yet). */
  group: Partial<Record<GroupDimension, string | null>>;
  cases: number;
  /** Every stage but 'closed', in the order of the process. */
  stages: StageTime[];
  onHold: DurationSummary & { open: number };
  endToEnd: DurationSummary;
  dropOuts: DropOuts;
}

export interface ProcessingTimesOptions {
  groupBy?: readonly GroupDimension[];
  /** Measure as things stood at the end of this day (histories cut there); by default, everything given. */
  asOf?: string;
}

const MEASURED_STAGES: readonly Stage[] = STAGES.filter((s) => s !== 'closed');

const dimensionValue = (h: CaseHistory, d: GroupDimension): string | null =>
  d === 'state' ? h.stateCode : d === 'round' ? h.roundId : d === 'pathway' ? h.pathway : d === 'priority' ? h.priority : h.modality;

interface Accumulator {
  group: Partial<Record<GroupDimension, string | null>>;
  cases: number;
  stageDays: Map<Stage, number[]>;
  stageOpen: Map<Stage, number>;
  holdDays: number[];
  holdOpen: number;
  endToEnd: number[];
  rejected: number;
  withdrawn: number;
  arrived: number;
  reasons: Map<string, DropOutReason>;
}

export function processingTimes(histories: Iterable<CaseHistory>, opts: ProcessingTimesOptions = {}): ProcessingTimes[] {
  const dims = opts.groupBy ?? [];
  const groups = new Map<string, Accumulator>();
  const endDay = opts.asOf === undefined ? undefined : dayNumber(opts.asOf);

  for (const full of histories) {
    const h = opts.asOf === undefined ? full : cutAt(full, opts.asOf);
    if (!h) continue;
    const values = dims.map((d) => dimensionValue(h, d));
    const key = JSON.stringify(values);
    let acc = groups.get(key);
    if (!acc) {
      acc = {
        group: Object.fromEntries(dims.map((d, i) => [d, values[i]!])),
        cases: 0,
        stageDays: new Map(),
        stageOpen: new Map(),
        holdDays: [],
        holdOpen: 0,
        endToEnd: [],
        rejected: 0,
        withdrawn: 0,
        arrived: 0,
        reasons: new Map(),
      };
      groups.set(key, acc);
    }
    acc.cases++;

    const { sojourns, open } = walk(h, endDay);
    for (const s of sojourns) {
      if (s.status === 'on_hold') acc.holdDays.push(s.days);
      else if (s.status !== 'withdrawn' && s.status !== 'closed') push(acc.stageDays, s.status, s.days);
    }
    if (open?.status === 'on_hold') acc.holdOpen++;
    else if (open) acc.stageOpen.set(open.status as Stage, (acc.stageOpen.get(open.status as Stage) ?? 0) + 1);

    let referred: string | null = null;
    let arrived: string | null = null;
    let rejection: string | null | undefined;
    for (const e of h.events) {
      if (e.status === 'referred' && referred === null) referred = e.on;
      else if (e.status === 'arrived' && arrived === null) arrived = e.on;
      else if (e.status === 'rejected') rejection = e.reason?.trim() || null;
    }
    if (referred !== null && arrived !== null) acc.endToEnd.push(dayNumber(arrived) - dayNumber(referred));
    if (arrived !== null) acc.arrived++;

    const last = h.events[h.events.length - 1]!;
    const outcome = last.status === 'withdrawn' ? 'withdrawn' : rejection !== undefined ? 'rejected' : null;
    if (outcome) {
      const reason = outcome === 'withdrawn' ? last.reason?.trim() || null : rejection!;
      if (outcome === 'withdrawn') acc.withdrawn++;
      else acc.rejected++;
      const rk = `${outcome}\u0000${reason ?? ''}`;
      const r = acc.reasons.get(rk);
      if (r) r.count++;
      else acc.reasons.set(rk, { outcome, reason, count: 1 });
    }
  }

  return [...groups.values()]
    .sort((a, b) => compareGroups(dims, a.group, b.group))
    .map((acc) => {
      const dropped = acc.rejected + acc.withdrawn;
      const settled = dropped + acc.arrived;
      return {
        group: acc.group,
        cases: acc.cases,
        stages: MEASURED_STAGES.map((stage) => ({
          stage,
          ...summarise(acc.stageDays.get(stage) ?? []),
          open: acc.stageOpen.get(stage) ?? 0,
        })),
        onHold: { ...summarise(acc.holdDays), open: acc.holdOpen },
        endToEnd: summarise(acc.endToEnd),
        dropOuts: {
          cases: acc.cases,
          rejected: acc.rejected,
          withdrawn: acc.withdrawn,
          settled,
          share: acc.cases ? dropped / acc.cases : null,
          shareOfSettled: settled ? dropped / settled : null,
          reasons: [...acc.reasons.values()].sort(
            (a, b) => b.count - a.count || a.outcome.localeCompare(b.outcome) || (a.reason ?? '').localeCompare(b.reason ?? ''),
          ),
        },
      };
    });
}

export function summarise(days: number[]): DurationSummary {
  const sorted = Float64Array.from(days).sort();
  return { count: sorted.length, median: nearestRank(sorted, 0.5), p90: nearestRank(sorted, 0.9) };
}

function push<K>(map: Map<K, number[]>, key: K, value: number) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Priorities and modalities in their own order; other values alphabetically. */
const ORDER: Partial<Record<GroupDimension, readonly string[]>> = {
  priority: ['emergency', 'urgent', 'normal'],
  modality: ['in_person', 'remote', 'dossier'],
};

/** Groups in the order of their values, a missing value (null) last. */
function compareGroups(dims: readonly GroupDimension[], a: ProcessingTimes['group'], b: ProcessingTimes['group']): number {
  for (const d of dims) {
    const x = a[d] ?? null;
    const y = b[d] ?? null;
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    const order = ORDER[d];
    const byOrder = order ? rank(order, x) - rank(order, y) : 0;
    return byOrder || (x < y ? -1 : 1);
  }
  return 0;
}

const rank = (order: readonly string[], v: string) => (order.includes(v) ? order.indexOf(v) : order.length);
