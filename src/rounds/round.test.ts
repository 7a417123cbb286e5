import { describe, expect, it } from 'vitest';
import { roundFileSchema, roundForDate, isValidIsoDate } from './round.ts';
import { SHIPPED_ROUNDS } from './round.data.ts';

const rounds = [
  { id: '2015-2017', start: '2015-07-20', end: '2017-07-19' },
  { id: '2018-2019', start: '2017-10-03', end: '2019-10-31' },
  { id: '2020-2021', start: '2020-01-01', end: '2021-12-31' },
];

describe('the round a person counts in', () => {
  it.each([
    ['2020-01-01', '2020-2021'], // first day of the period
    ['2021-12-31', '2020-2021'], // last day
    ['2022-01-01', null], // after every period
    ['2015-07-19', null], // the day before the first scheme
    ['2016-05-01', '2015-2017'],
    ['2017-05-01', '2015-2017'],
    ['2017-09-01', null], // between the two schemes
    ['2019-11-15', null], // between the 2017 scheme and the 2020 round
  ])('an arrival on %s counts in %s', (day, expected) => {
    expect(roundForDate(rounds, day)).toBe(expected);
  });

  it('takes the round that started last where periods overlap', () => {
    const overlapping = [
      { id: 'older', start: '2020-01-01', end: '2021-12-31' },
      { id: 'newer', start: '2021-06-01', end: '2022-12-31' },
    ];
    expect(roundForDate(overlapping, '2021-05-31')).toBe('older');
    expect(roundForDate(overlapping, '2021-06-01')).toBe('newer');
    expect(roundForDate([...overlapping].reverse(), '2021-07-01')).toBe('newer');
  });
});

describe('round files', () => {
  it('accept every round shipped with the platform', () => {
    for (const r of SHIPPED_ROUNDS) expect(roundFileSchema.safeParse(r).success, r.id).toBe(true);
  });

  it('take a bare number as an exact target', () => {
    const r = roundFileSchema.parse({ id: 'x', title: 't', legal_basis: 'b', start: '2030-01-01', end: '2030-12-31', target: 100 });
    expect(r.target).toEqual({ value: 100, qualifier: 'exact' });
    expect(r.pathways).toEqual(['resettlement']);
  });

  it.each([
    [{ start: '2030-02-30' }, 'start'],
    [{ end: '2029-01-01' }, 'end'],
    [{ id: 'has space' }, 'id'],
    [{ pathways: ['tourism'] }, 'pathways'],
    [{ unexpected: 1 }, ''],
    [{ target: -5 }, 'target'],
  ])('refuse %o', (change, path) => {
    const result = roundFileSchema.safeParse({ id: 'x', title: 't', legal_basis: 'b', start: '2030-01-01', end: '2030-12-31', ...change });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).join(' ')).toContain(path);
  });

  it.each([
    ['2020-02-29', true],
    ['2021-02-29', false],
    ['2020-13-01', false],
    ['20200101', false],
  ])('%s is a valid date: %s', (s, ok) => expect(isValidIsoDate(s)).toBe(ok));
});
