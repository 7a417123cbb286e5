import { describe, expect, it } from 'vitest';
import type { Status } from '../cases/stage.ts';
import { buildHistory } from './case-history.factory.ts';
import { cutAt, dayNumber, dayString, nearestRank, statusOn, walk } from './case-history.ts';

const history = buildHistory;

const h = history([
  ['referred', '2020-01-01'],
  ['under_review', '2020-01-11'],
  ['accepted', '2020-02-10'],
  ['checks', '2020-02-15'],
  ['on_hold', '2020-03-17', 'COVID-19'],
  ['checks', '2020-06-18'],
  ['pre_departure', '2020-07-07'],
]);

describe('case history', () => {
  it('counts days across months and leap years', () => {
    expect(dayNumber('2020-03-01') - dayNumber('2020-02-01')).toBe(29);
    expect(dayNumber('2021-03-01') - dayNumber('2021-02-01')).toBe(28);
    expect(dayString(dayNumber('2020-12-31') + 1)).toBe('2021-01-01');
  });

  it.each([
    ['2019-12-31', null, null],
    ['2020-01-01', 'referred', 1],
    ['2020-03-16', 'checks', 4],
    ['2020-03-17', 'on_hold', 5],
    ['2020-06-18', 'checks', 6],
    ['2030-01-01', 'pre_departure', 7],
  ] as const)('on %s the case is %s, with the events of that day and before', (day, status, events) => {
    expect(statusOn(h, day)).toBe(status);
    expect(cutAt(h, day)?.events.length ?? null).toBe(events);
  });

  it.each([
    [[], 1, null, null],
    [[7], 0.5, 7, 7],
    [[1, 2], 0.5, 1, 2],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.5, 6, 10],
  ])('takes nearest-rank percentiles of %j', (values, _p, median, p90) => {
    expect(nearestRank(values, 0.5)).toBe(median);
    expect(nearestRank(values, 0.9)).toBe(p90);
  });

  it('measures each stay, leaving time on hold out of the stage it interrupted', () => {
    const { sojourns, open } = walk(h, dayNumber('2020-07-10'));
    expect(sojourns.map((s) => [s.status, s.days, s.next, s.heldDays])).toEqual([
      ['referred', 10, 'under_review', 0],
      ['under_review', 30, 'accepted', 0],
      ['accepted', 5, 'checks', 0],
      // In checks 31 days before the hold (15 February to 17 March 2020, a leap year) and 19 after it.
      ['on_hold', 93, 'checks', 0],
      ['checks', 31 + 19, 'pre_departure', 93],
    ]);
    expect(open).toEqual({
      status: 'pre_departure',
      entered: dayNumber('2020-07-07'),
      days: 3,
      heldFrom: null,
      heldDays: 0,
      heldEntered: 0,
    });
  });

  it('keeps the held stage and its days for a case on hold, and ends it when the case is withdrawn', () => {
    const held = cutAt(h, '2020-04-01')!;
    expect(walk(held, dayNumber('2020-04-01')).open).toEqual({
      status: 'on_hold',
      entered: dayNumber('2020-03-17'),
      days: 15,
      heldFrom: 'checks',
      heldDays: 31,
      heldEntered: dayNumber('2020-02-15'),
    });
    const withdrawn = history([
      ...held.events.map((e) => [e.status, e.on] as [Status, string]),
      ['withdrawn', '2020-05-01', 'no longer wishes to go'],
    ]);
    const { sojourns, open } = walk(withdrawn);
    expect(sojourns.slice(-2).map((s) => [s.status, s.days, s.next])).toEqual([
      ['on_hold', 45, 'withdrawn'],
      ['checks', 31, 'withdrawn'],
    ]);
    expect(open).toBeNull();
  });

  it('ends the held stay when a back-filled history resumes elsewhere, and has nothing open after closing', () => {
    const odd = history([
      ['referred', '2020-01-01'],
      ['on_hold', '2020-01-05', 'x'],
      ['under_review', '2020-01-09'],
      ['rejected', '2020-01-19', 'y'],
      ['closed', '2020-02-01'],
    ]);
    const { sojourns, open } = walk(odd);
    expect(sojourns.map((s) => [s.status, s.days, s.next])).toEqual([
      ['on_hold', 4, 'under_review'],
      ['referred', 4, 'under_review'],
      ['under_review', 10, 'rejected'],
      ['rejected', 13, 'closed'],
    ]);
    expect(open).toBeNull();
  });
});
