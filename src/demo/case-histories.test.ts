import { describe, expect, it } from 'vitest';
import { isStage, transition, type Action, type CaseStatus, type Status } from '../cases/stage.ts';
import { processingTimes } from '../evaluation/processing-times.ts';
import { demoCaseHistories, HOLD_REASON, householdHistory, type DemoHousehold } from './case-histories.ts';
import { SUSPENSION } from './demo.ts';

const households = (persons: number, seed: number, until?: string) => [
  ...demoCaseHistories(until ? { persons, seed, until } : { persons, seed }),
];

/** The action that makes a move from `current` to `to`, as an interface would ask for it. */
function actionFor(current: CaseStatus, to: Status): Action {
  if (to === 'on_hold') return { type: 'hold' };
  if (to === 'withdrawn') return { type: 'withdraw' };
  if (current.status === 'on_hold') return { type: 'resume' };
  if (!isStage(to)) throw new Error(`not a stage: ${to}`);
  return { type: 'advance', to };
}

/** Replays a household's events through `transition`; the first refused move, or null. */
function firstRefusal(h: DemoHousehold): string | null {
  if (h.events[0]?.status !== 'referred') return `${h.caseRef} starts at ${h.events[0]?.status}`;
  let current: CaseStatus = { status: 'referred', heldFrom: null };
  for (const [i, e] of h.events.entries()) {
    if (i === 0) continue;
    if (e.on < h.events[i - 1]!.on) return `${h.caseRef}: ${e.status} on ${e.on} is before the event it follows`;
    const result = transition(current, actionFor(current, e.status), e.reason);
    if (!result.ok) return `${h.caseRef}: ${current.status} → ${e.status} on ${e.on}: ${result.refusal}`;
    if (result.next.status !== e.status) return `${h.caseRef}: resumed at ${result.next.status}, recorded ${e.status}`;
    current = result.next;
  }
  return null;
}

const first = (h: DemoHousehold, s: Status) => h.events.find((e) => e.status === s)?.on;

describe('demo case histories', () => {
  const many = households(40_000, 1);

  it('is the same for the same seed, and other for another', () => {
    expect(households(2000, 3)).toEqual(households(2000, 3));
    expect(households(2000, 3)).not.toEqual(households(2000, 4));
  });

  it('has exactly the persons asked for, in households of about four', () => {
    expect(many.reduce((n, h) => n + h.members.length, 0)).toBe(40_000);
    expect(40_000 / many.length).toBeGreaterThan(3);
    expect(40_000 / many.length).toBeLessThan(5);
    expect(new Set(many.map((h) => h.caseRef)).size).toBe(many.length);
    for (const h of many.slice(0, 500)) {
      expect(h.members.map((m) => m.personRef)).toEqual(h.members.map((_, i) => `P${i + 1}`));
      expect(h.members[0]!.birthYear).toBeLessThanOrEqual(Number(h.events[0]!.on.slice(0, 4)) - 18);
    }
  });

  it('makes only moves the transition rules accept, with a reason wherever one is required, over thousands of households', () => {
    expect(many.length).toBeGreaterThan(5000);
    expect(many.map(firstRefusal).filter(Boolean)).toEqual([]);
  });

  it('has no event after the last day, by default the end of 2021', () => {
    expect(many.flatMap((h) => h.events).filter((e) => e.on > '2021-12-31')).toEqual([]);
    const short = households(5000, 2, '2020-09-30');
    expect(short.flatMap((h) => h.events).filter((e) => e.on > '2020-09-30')).toEqual([]);
    expect(short.map(firstRefusal).filter(Boolean)).toEqual([]);
    // Cases still open then simply stop there; the households are the same, seen earlier.
    expect(short.some((h) => ['checks', 'pre_departure', 'under_review'].includes(h.events.at(-1)!.status))).toBe(true);
    const whole = new Map(households(5000, 2).map((h) => [h.caseRef, h]));
    for (const h of short) {
      const later = whole.get(h.caseRef)!;
      expect({ ...h, events: [], modality: null }).toEqual({ ...later, events: [], modality: null });
      expect(h.events).toEqual(later.events.filter((e) => e.on <= '2020-09-30'));
    }
    expect(short.length).toBeLessThan(whole.size);
  });

  it('holds every case that would have departed during the suspension, from 17 March to 18 June 2020, at the stage it had reached', () => {
    const held = many.filter((h) => h.events.some((e) => e.status === 'on_hold'));
    expect(held.length).toBeGreaterThan(100);
    for (const h of held) {
      const i = h.events.findIndex((e) => e.status === 'on_hold');
      const hold = h.events[i]!;
      expect(hold.reason).toBe(HOLD_REASON);
      // On 17 March, or on the day of a referral made during the suspension.
      expect(hold.on === SUSPENSION.from || (hold.on > SUSPENSION.from && hold.on === h.events[0]!.on)).toBe(true);
      expect(h.events[i + 1]).toMatchObject({ status: h.events[i - 1]!.status, on: SUSPENSION.resumedFrom });
      expect(h.events.filter((e) => e.status === 'on_hold')).toHaveLength(1);
    }
    const departures = many.map((h) => first(h, 'departed')).filter(Boolean) as string[];
    expect(departures.filter((d) => d >= SUSPENSION.from && d < SUSPENSION.resumedFrom)).toEqual([]);
  });

  it('has arrivals across 2020–2021, none during the suspension, on both sides of it', () => {
    const arrivals = many.map((h) => first(h, 'arrived')).filter(Boolean) as string[];
    expect(arrivals.length / many.length).toBeGreaterThan(0.6);
    expect(arrivals.filter((d) => d >= SUSPENSION.from && d < SUSPENSION.resumedFrom)).toEqual([]);
    expect(arrivals.filter((d) => d < '2020-01-01' || d > '2021-12-31')).toEqual([]);
    expect(arrivals.some((d) => d < SUSPENSION.from)).toBe(true);
    expect(arrivals.some((d) => d >= SUSPENSION.resumedFrom && d < '2020-07-01')).toBe(true);
    expect(arrivals.filter((d) => d >= '2021-01-01').length).toBeGreaterThan(arrivals.filter((d) => d < '2021-01-01').length / 2);
  });

  it('has drop-outs: rejections and withdrawals with reasons, and deferrals reviewed again', () => {
    const ends = (s: Status) => many.filter((h) => h.events.some((e) => e.status === s));
    const rejected = ends('rejected');
    const withdrawn = ends('withdrawn');
    expect(rejected.length / many.length).toBeGreaterThan(0.05);
    expect(rejected.length / many.length).toBeLessThan(0.2);
    expect(withdrawn.length / many.length).toBeGreaterThan(0.02);
    expect(withdrawn.length / many.length).toBeLessThan(0.15);
    for (const h of [...rejected, ...withdrawn]) {
      const e = h.events.find((x) => x.status === 'rejected' || x.status === 'withdrawn')!;
      expect(e.reason?.length).toBeGreaterThan(5);
    }
    const reviewedAgain = many.filter((h) =>
      h.events.some((e, i) => e.status === 'under_review' && h.events[i - 1]?.status === 'deferred'),
    );
    expect(reviewedAgain.length).toBeGreaterThan(20);
    expect(new Set(rejected.map((h) => h.events.find((e) => e.status === 'rejected')!.reason)).size).toBeGreaterThan(3);
  });

  it('reviews remotely or on the dossier more often after March 2020 (R 19)', () => {
    const share = (pick: (d: string) => boolean) => {
      const reviewed = many.filter((h) => h.modality && pick(first(h, 'under_review')!));
      return reviewed.filter((h) => h.modality !== 'in_person').length / reviewed.length;
    };
    expect(share((d) => d < SUSPENSION.from)).toBeLessThan(0.3);
    expect(share((d) => d >= SUSPENSION.from)).toBeGreaterThan(0.6);
    expect(many.filter((h) => !first(h, 'under_review')).every((h) => h.modality === null)).toBe(true);
  });

  it('moves emergency cases faster than urgent ones, and urgent ones faster than the others', () => {
    const byPriority = processingTimes(many.map(householdHistory), { groupBy: ['priority'] });
    const median = (p: string) => byPriority.find((g) => g.group.priority === p)!.endToEnd.median!;
    expect(median('emergency')).toBeLessThan(median('urgent'));
    expect(median('urgent')).toBeLessThan(median('normal'));
    // Normal cases take months from referral to arrival.
    expect(median('normal')).toBeGreaterThan(120);
    expect(median('normal')).toBeLessThan(365);
  });

  it('reads as a case history', () => {
    const h = many[0]!;
    expect(householdHistory(h)).toEqual({
      key: h.caseRef,
      stateCode: h.memberState,
      pathway: 'resettlement',
      roundId: '2020-2021',
      countryOfDeparture: h.countryOfDeparture,
      priority: h.priority,
      modality: h.modality,
      persons: h.members.length,
      events: h.events,
    });
  });
});
