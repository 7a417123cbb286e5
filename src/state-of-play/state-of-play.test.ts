import { describe, expect, it } from 'vitest';
import { STATES } from '../reference/state.ts';
import type { Round } from '../rounds/round.ts';
import { assembleStateOfPlay, type ArrivalCell } from './state-of-play.ts';

const round: Round = {
  id: 'r',
  title: 'R',
  legalBasis: '',
  start: '2020-01-01',
  end: '2021-12-31',
  target: { value: 100, qualifier: 'at_least' },
  budget: null,
  previous: null,
  pathways: ['resettlement'],
  participants: null,
  priorities: [],
  incentives: [],
  sources: [],
  documentFigures: [
    { figure: 'pledged_total', value: 91, qualifier: 'exact' },
    { figure: 'arrived_total', value: 10, qualifier: 'more_than', as_of: '2020-03-31' },
    { figure: 'delivered_share', value: 0.5, qualifier: 'exact' },
  ],
};
const [be, bg, de] = ['BE', 'BG', 'DE'].map((c) => STATES.find((s) => s.code === c)!);
// Each arrival is in one cell per state × country and one per state × month (GROUPING SETS).
const cells: ArrivalCell[] = [
  { stateCode: 'BE', countryOfDeparture: 'LBN', month: null, persons: 1 },
  { stateCode: 'BE', countryOfDeparture: 'TUR', month: null, persons: 9 },
  { stateCode: 'BE', countryOfDeparture: null, month: '2020-01', persons: 5 },
  { stateCode: 'BE', countryOfDeparture: null, month: '2021-03', persons: 5 },
  { stateCode: 'DE', countryOfDeparture: 'NER', month: null, persons: 30 },
  { stateCode: 'DE', countryOfDeparture: null, month: '2020-02', persons: 30 },
];

describe('the state of play', () => {
  const sop = assembleStateOfPlay({
    round,
    asOf: '2021-12-31',
    lang: 'nl',
    pathways: ['resettlement'],
    states: [be!, bg!, de!],
    pledges: new Map([
      ['BE', { pledged: 20, carryOver: 0 }],
      ['BG', { pledged: 0, carryOver: 25 }],
      ['DE', { pledged: 70, carryOver: 0 }],
    ]),
    arrivals: cells,
    arrivedAsOf: new Map([['2020-03-31', 35]]),
  });

  it('computes each state from its cells', () => {
    expect(sop.states[0]).toEqual({
      code: 'BE',
      name: 'België',
      pledged: 20,
      carryOver: 0,
      arrived: 10,
      deliveredShare: 0.5,
      byDeparture: { LBN: 1, TUR: 9 },
      byMonth: { '2020-01': 5, '2021-03': 5 },
    });
    expect(sop.states[1]).toMatchObject({ code: 'BG', pledged: 0, carryOver: 25, arrived: 0, deliveredShare: null, byDeparture: {} });
  });

  it('computes the totals from the states, carry-overs apart, and against the target', () => {
    expect(sop.totals).toEqual({ pledged: 90, carryOver: 25, arrived: 40, deliveredShare: 40 / 90, targetShare: 40 / 100 });
  });

  it('keeps the figures documents state beside the computed ones, with the difference', () => {
    expect(sop.documentFigures.map((f) => [f.figure, f.value, f.computed, f.difference])).toEqual([
      ['pledged_total', 91, 90, -1],
      ['arrived_total', 10, 35, 25],
      ['delivered_share', 0.5, 40 / 90, 40 / 90 - 0.5],
    ]);
  });
});
