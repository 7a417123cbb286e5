import { buildHistory } from './case-history.factory.ts';
import { describe, expect, it } from 'vitest';
import { PRE_ARRIVAL, type Status } from '../cases/stage.ts';
import { demoCaseHistories, householdHistory } from '../demo/case-histories.ts';
import { dayNumber, dayString, statusOn, type CaseEvent, type CaseHistory } from './case-history.ts';
import { calibrate, equalWeightRun, forecastArrivals } from './forecast.ts';
import { forecastOffThread } from './forecast-thread.ts';

// A world where every stay lasts the same: each open case's future is certain.
const STAY = { referred: 10, under_review: 20, accepted: 5, checks: 30, pre_departure: 20, travel_arranged: 10, departed: 1 } as const;
type Step = keyof typeof STAY;
const ORDER = ['referred', 'under_review', 'accepted', 'checks', 'pre_departure', 'travel_arranged', 'departed', 'arrived'] as const;
const HOLD = 93;
const AS_OF = '2021-06-30';

const make = (key: string, stateCode: string, persons: number, events: CaseEvent[]): CaseHistory => ({
  ...buildHistory([], { key, stateCode, persons, modality: 'in_person' }),
  events,
});

/** The events of a case that went through the stages at the usual pace and entered `stage` on `day`. */
function upTo(stage: (typeof ORDER)[number], day: string): CaseEvent[] {
  const events: CaseEvent[] = [];
  let d = dayNumber(day);
  for (let i = ORDER.indexOf(stage); i >= 0; i--) {
    events.unshift({ status: ORDER[i]!, on: dayString(d) });
    if (i > 0) d -= STAY[ORDER[i - 1] as Step];
  }
  return events;
}
const plus = (day: string, days: number) => dayString(dayNumber(day) + days);
/** Days from asOf to arrival of a case `elapsed` days into `stage` (a fresh stay if it has outlasted every observed one). */
function daysToArrival(stage: Step, elapsed: number): number {
  let days = elapsed < STAY[stage] ? STAY[stage] - elapsed : STAY[stage];
  for (let i = ORDER.indexOf(stage) + 1; ORDER[i] !== 'arrived'; i++) days += STAY[ORDER[i] as Step];
  return days;
}

// Forty cases arrived at the usual pace, one after a hold of HOLD days taken 12 days into checks.
const done = Array.from({ length: 40 }, (_, i) => make(`done-${i}`, 'SE', 1, upTo('arrived', plus('2021-02-01', i))));
const heldStart = '2020-10-01';
const heldEvents: CaseEvent[] = [
  ...upTo('checks', heldStart),
  { status: 'on_hold', on: plus(heldStart, 12), reason: 'travel suspended' },
  { status: 'checks', on: plus(heldStart, 12 + HOLD) },
];
for (const s of ['pre_departure', 'travel_arranged', 'departed', 'arrived'] as const) {
  const prev = heldEvents[heldEvents.length - 1]!;
  const stayed = prev.status === 'checks' ? STAY.checks - 12 : STAY[prev.status as Step];
  heldEvents.push({ status: s, on: plus(prev.on, stayed) });
}
const heldDone = make('held-done', 'SE', 1, heldEvents);

// The open cases, and when each must arrive.
const OPEN = [
  { c: make('checks-10', 'DE', 2, upTo('checks', plus(AS_OF, -10))), days: daysToArrival('checks', 10) },
  { c: make('referred-today', 'DE', 3, upTo('referred', AS_OF)), days: daysToArrival('referred', 0) },
  {
    c: make('held', 'FR', 4, [...upTo('checks', plus(AS_OF, -22)), { status: 'on_hold', on: plus(AS_OF, -10), reason: 'medical' }]),
    days: HOLD - 10 + daysToArrival('checks', 12),
  },
  { c: make('checks-60', 'FR', 5, upTo('checks', plus(AS_OF, -60))), days: daysToArrival('checks', 60) },
  { c: make('travel-5', 'IT', 1, upTo('travel_arranged', plus(AS_OF, -5))), days: daysToArrival('travel_arranged', 5) },
];
const WORLD = [...done, heldDone, ...OPEN.map((o) => o.c)];

describe('forecast of arrivals', () => {
  it.each(['2021-07-05', '2021-07-06', '2021-08-20', '2021-08-29', '2021-08-30', '2021-10-04', '2021-11-09', '2021-12-31'])(
    'gives exactly the known outcome by %s when every future is certain',
    (until) => {
      const f = forecastArrivals({ histories: WORLD, asOf: AS_OF, until, from: '2021-01-01', iterations: 50, seed: 7 });
      const by = (state: string) =>
        OPEN.filter((o) => o.c.stateCode === state && o.days <= dayNumber(until) - dayNumber(AS_OF)).reduce((n, o) => n + o.c.persons, 0);
      for (const state of ['DE', 'FR', 'IT']) {
        const line = f.states.find((s) => s.stateCode === state)!;
        expect(line.additional).toEqual({ expected: by(state), low: by(state), high: by(state) });
        expect(line.arrived).toBe(0);
      }
      const se = f.states.find((s) => s.stateCode === 'SE')!;
      expect([se.arrived, se.openCases, se.additional.high]).toEqual([41, 0, 0]);
      const all = by('DE') + by('FR') + by('IT');
      expect(f.eu.additional).toEqual({ expected: all, low: all, high: all });
      expect(f.eu.total).toEqual({ expected: 41 + all, low: 41 + all, high: 41 + all });
    },
  );

  it('says what it rests on', () => {
    const f = forecastArrivals({ histories: WORLD, asOf: AS_OF, until: '2021-12-31', iterations: 10 });
    expect(f.basis.cases).toBe(WORLD.length);
    expect(f.eu.openCases).toBe(OPEN.length);
    expect(f.eu.openPersons).toBe(OPEN.reduce((n, o) => n + o.c.persons, 0));
    expect(f.basis.observedHolds).toBe(1);
    const checks = f.basis.statuses.find((s) => s.status === 'checks')!;
    // Stays in checks ended: the forty arrived, the one held and arrived, and the open case now in travel.
    expect(checks.observed).toBe(40 + 1 + 1);
    expect(checks.to).toEqual({ pre_departure: 42 });
    expect([checks.open, checks.openPersons]).toEqual([2, 7]);
    expect(f.basis.withoutData).toEqual({ cases: 0, persons: 0 });
    expect(f.method).toEqual({ window: 365, byPriority: true, bootstrap: true });
  });

  it('counts as arrived only the arrivals from `from` on', () => {
    const f = forecastArrivals({ histories: WORLD, asOf: AS_OF, until: '2021-12-31', from: '2021-03-01', iterations: 10 });
    const expected = [...done, heldDone].filter((h) => h.events.find((e) => e.status === 'arrived')!.on >= '2021-03-01').length;
    expect(f.eu.arrived).toBe(expected);
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(41);
  });

  it('keeps on hold the cases whose hold no observed hold has ended yet, and says so', () => {
    const histories = [...demoCaseHistories({ persons: 4000, seed: 3 })].map(householdHistory);
    const f = forecastArrivals({ histories, asOf: '2020-04-15', until: '2020-12-31', iterations: 20 });
    const held = histories.filter((h) => statusOn(h, '2020-04-15') === 'on_hold');
    expect(held.length).toBeGreaterThan(0);
    expect(f.basis.observedHolds).toBe(0);
    expect(f.basis.withoutData).toEqual({ cases: held.length, persons: held.reduce((n, h) => n + h.persons, 0) });
  });

  describe('on demo histories', () => {
    const histories = [...demoCaseHistories({ persons: 12_000, seed: 11 })].map(householdHistory);

    it('is the same for the same seed, and other for another', () => {
      const run = (seed: number) =>
        forecastArrivals({ histories, asOf: '2021-03-31', until: '2021-12-31', from: '2020-01-01', iterations: 100, seed });
      expect(run(5)).toEqual(run(5));
      expect(run(5).states).not.toEqual(run(6).states);
    });

    it('counts the open cases and the arrivals so far as the histories have them', () => {
      const asOf = '2021-03-31';
      const f = forecastArrivals({ histories, asOf, until: '2021-12-31', from: '2020-01-01', iterations: 20 });
      const open = histories.filter((h) => {
        const s = statusOn(h, asOf);
        return s === 'on_hold' || (PRE_ARRIVAL as readonly (Status | null)[]).includes(s);
      });
      expect(f.eu.openCases).toBe(open.length);
      const arrived = histories.filter((h) => h.events.some((e) => e.status === 'arrived' && e.on <= asOf && e.on >= '2020-01-01'));
      expect(f.eu.arrived).toBe(arrived.reduce((n, h) => n + h.persons, 0));
      expect(f.states.reduce((n, s) => n + s.arrived, 0)).toBe(f.eu.arrived);
      for (const line of [...f.states, f.eu]) {
        expect(line.additional.low).toBeLessThanOrEqual(line.additional.expected);
        expect(line.additional.expected).toBeLessThanOrEqual(line.additional.high);
        expect(line.additional.high).toBeLessThanOrEqual(line.openPersons);
      }
    });
  });

  it('is calibrated: the forecast at 30 June 2021 for 31 December 2021 covers what happened in most states', () => {
    let covered = 0;
    let assessed = 0;
    for (const seed of [1, 2, 3]) {
      const histories = [...demoCaseHistories({ persons: 30_000, seed })].map(householdHistory);
      const c = calibrate({ histories, cut: '2021-06-30', end: '2021-12-31', from: '2020-01-01', iterations: 200, seed });
      // The actual figures are the histories' own.
      const existing = histories.filter((h) => h.events[0]!.on <= '2021-06-30');
      const arrivedBy = (hs: CaseHistory[]) =>
        hs
          .filter((h) => h.events.some((e) => e.status === 'arrived' && e.on >= '2020-01-01' && e.on <= '2021-12-31'))
          .reduce((n, h) => n + h.persons, 0);
      expect(c.eu.actual).toBe(arrivedBy(existing));
      expect(c.eu.laterCases).toBe(arrivedBy(histories) - arrivedBy(existing));
      for (const s of c.states) expect(s.inside).toBe(s.low <= s.actual && s.actual <= s.high);
      expect(c.assessed).toBe(c.states.filter((s) => s.openCases > 0).length);
      covered += c.covered;
      assessed += c.assessed;
    }
    expect(assessed).toBeGreaterThan(30);
    expect(covered / assessed).toBeGreaterThanOrEqual(0.5);
  });

  // Its speed at 100 000 open cases is measured in bench/forecast.bench.ts, not timed here.
});

describe('stays corrected for those still running', () => {
  it('is the stays themselves, sorted, when none is running', () => {
    const run = equalWeightRun([5, 1, 3, 1], [2, 1, 0, 0], []);
    expect([...run.days]).toEqual([1, 1, 3, 5]);
    expect([...run.next]).toEqual([0, 1, 0, 2]);
  });

  it('weighs the long stays up when short ones have ended and long ones are still running (Kaplan–Meier)', () => {
    // Four stays ended (1, 1, 1, 5 days) and four are running at 2 days. On day 1, 3 of 8 end:
    // each weighs 1/8, and 5/8 are left; by day 5 only the ended stay is at risk and takes the 5/8.
    // Read back at the quantiles 1/8, 3/8, 5/8, 7/8: 1, 1, 5, 5.
    const run = equalWeightRun([1, 1, 1, 5], [0, 0, 0, 0], [2, 2, 2, 2]);
    expect([...run.days]).toEqual([1, 1, 5, 5]);
  });
});

describe('the forecast in a worker thread', () => {
  it('gives the same figures off the event loop as on it, and leaves the loop free meanwhile', async () => {
    const opts = { histories: WORLD, asOf: AS_OF, until: '2021-12-31', from: '2021-01-01', iterations: 400, seed: 11 };
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const offThread = await forecastOffThread(opts, 0);
    clearInterval(timer);
    expect(offThread).toEqual(forecastArrivals(opts));
    // The loop ran timers while the thread simulated (a simulation on the loop would allow none).
    expect(ticks).toBeGreaterThan(0);
    // Below the threshold it runs in place: the same function.
    expect(await forecastOffThread(opts)).toEqual(offThread);
  });
});
