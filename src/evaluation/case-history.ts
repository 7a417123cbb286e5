import type { Modality, Stage, Status } from '../cases/stage.ts';

/**
 * A case's history as the evaluation reads it (Recommendation P 10): who, where, and the dated
 * statuses it went through. Pure data: the caller reads it from the database (or the demo) and
 * hands it over; nothing here does I/O.
 */
export type Priority = 'emergency' | 'urgent' | 'normal';

export interface CaseEvent {
  status: Status;
  /** The day of the move, YYYY-MM-DD. */
  on: string;
  reason?: string;
}

export interface CaseHistory {
  key: string;
  stateCode: string;
  pathway: string;
  roundId: string | null;
  countryOfDeparture: string;
  priority: Priority;
  modality: Modality | null;
  /** Members of the household: what an arrival adds to a state's count. */
  persons: number;
  /** In date order (same-day moves in the order they were made); the first is the case's creation. */
  events: CaseEvent[];
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD day: durations are differences of these. */
export function dayNumber(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / MS_PER_DAY;
}

export function dayString(n: number): string {
  return new Date(n * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The history as it stood at the end of `day` (its events up to and including that day); null if the case did not exist yet. */
export function cutAt(history: CaseHistory, day: string): CaseHistory | null {
  const events = history.events;
  let n = 0;
  // Days in YYYY-MM-DD compare as strings.
  while (n < events.length && events[n]!.on <= day) n++;
  if (n === 0) return null;
  return n === events.length ? history : { ...history, events: events.slice(0, n) };
}

/** The case's status at the end of `day`; null if it did not exist yet. */
export function statusOn(history: CaseHistory, day: string): Status | null {
  let status: Status | null = null;
  for (const e of history.events) {
    if (e.on > day) break;
    status = e.status;
  }
  return status;
}

/**
 * Nearest-rank percentile of values sorted ascending: the smallest value with at least p of the
 * values at or below it, i.e. sorted[ceil(p·n) − 1]. Always an observed value; the median (p = 0.5)
 * of an even count is the lower of the two middle values. Null when there are no values.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = Math.ceil(p * n - 1e-9);
  return sorted[Math.min(n, Math.max(1, rank)) - 1]!;
}

/** A completed stay in one status. */
export interface Sojourn {
  status: Status;
  /** Day number on which the case entered the status. */
  entered: number;
  /**
   * Days spent in it. For a stage, time on hold is left out: a hold pauses the stage, and the
   * resumption continues the same stay. For 'on_hold', the length of the hold.
   */
  days: number;
  /** Where the case went: for a stage never 'on_hold' (a hold pauses, it does not end the stay); for a hold, the stage resumed or 'withdrawn'. */
  next: Status;
  /** For a stage: the days it spent on hold during this stay. */
  heldDays: number;
}

/** Where a case stands at the end of the period walked, when it is still somewhere it can leave. */
export interface OpenStay {
  status: Status;
  /** Day number on which the case entered the status (for a hold, the day it was put on hold). */
  entered: number;
  /** Days in the status so far (for a stage, time on hold left out). */
  days: number;
  /** For a case on hold: the stage it was held at, and the days it had spent in it before the hold. */
  heldFrom: Stage | null;
  heldDays: number;
  /** Day number on which the case entered the held stage. */
  heldEntered: number;
}

const TERMINAL: ReadonlySet<Status> = new Set(['closed', 'withdrawn']);

/**
 * The stays of one history: every completed stay in a status, and the open one at `endDay` (the
 * last event's day if not given). Shared by the processing times and the forecast so both measure
 * a stage the same way. Tolerates histories the transition rules would refuse (back-filled
 * imports): a resumption to another stage than the held one simply ends the held stay.
 */
export function walk(history: CaseHistory, endDay?: number): { sojourns: Sojourn[]; open: OpenStay | null } {
  const events = history.events;
  const sojourns: Sojourn[] = [];
  if (events.length === 0) return { sojourns, open: null };
  // The stage stay in progress (paused while on hold) and the hold in progress.
  let stage: Status | null = null;
  let stageEntered = 0;
  let stageDays = 0; // days already counted before the current segment
  let segmentStart = 0;
  let stageHeld = 0;
  let holdStart: number | null = null;

  const endStage = (day: number, next: Status) => {
    if (stage === null) return;
    const days = stageDays + (holdStart === null ? day - segmentStart : 0);
    sojourns.push({ status: stage, entered: stageEntered, days, next, heldDays: stageHeld });
    stage = null;
  };

  for (const e of events) {
    const day = dayNumber(e.on);
    if (e.status === 'on_hold') {
      if (holdStart !== null) continue; // already on hold
      holdStart = day;
      if (stage !== null) stageDays += day - segmentStart;
      continue;
    }
    if (holdStart !== null) {
      sojourns.push({ status: 'on_hold', entered: holdStart, days: day - holdStart, next: e.status, heldDays: 0 });
      if (stage !== null && e.status === stage) {
        // Resumed at the held stage: the same stay goes on.
        stageHeld += day - holdStart;
        holdStart = null;
        segmentStart = day;
        continue;
      }
      endStage(day, e.status);
      holdStart = null;
    } else {
      endStage(day, e.status);
    }
    if (TERMINAL.has(e.status)) {
      stage = null;
      continue;
    }
    stage = e.status;
    stageEntered = day;
    stageDays = 0;
    stageHeld = 0;
    segmentStart = day;
  }

  const end = endDay ?? dayNumber(events[events.length - 1]!.on);
  let open: OpenStay | null = null;
  if (holdStart !== null) {
    const held = stage as Stage | null;
    open = {
      status: 'on_hold',
      entered: holdStart,
      days: end - holdStart,
      heldFrom: held,
      heldDays: held === null ? 0 : stageDays,
      heldEntered: stageEntered,
    };
  } else if (stage !== null) {
    open = { status: stage, entered: stageEntered, days: stageDays + end - segmentStart, heldFrom: null, heldDays: 0, heldEntered: 0 };
  }
  return { sojourns, open };
}
