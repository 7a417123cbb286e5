import { describe, expect, it } from 'vitest';
import type { Status } from '../cases/stage.ts';
import { buildHistory } from './case-history.factory.ts';
import type { CaseHistory } from './case-history.ts';
import { processingTimes, type ProcessingTimes } from './processing-times.ts';

const history = (key: string, fields: Partial<CaseHistory>, events: [Status, string, string?][]) =>
  buildHistory(events, { key, ...fields });

// Six cases; the days of each stay are in the comments, and the expected figures below are
// worked out from them by hand.
const CASES: CaseHistory[] = [
  history('A', { modality: 'in_person' }, [
    ['referred', '2020-01-01'], // 10
    ['under_review', '2020-01-11'], // 30
    ['accepted', '2020-02-10'], // 5
    ['checks', '2020-02-15'], // 30
    ['pre_departure', '2020-03-16'], // 20
    ['travel_arranged', '2020-04-05'], // 10
    ['departed', '2020-04-15'], // 1
    ['arrived', '2020-04-16'], // end to end: 31 + 29 + 31 + 15 = 106
  ]),
  history('B', { modality: 'remote' }, [
    ['referred', '2020-01-01'], // 20
    ['under_review', '2020-01-21'], // 40
    ['accepted', '2020-03-01'], // 5
    ['checks', '2020-03-06'], // 11 before the hold …
    ['on_hold', '2020-03-17', 'COVID-19: worldwide suspension of resettlement travel'], // hold: 93
    ['checks', '2020-06-18'], // … and 19 after it: 30 in checks
    ['pre_departure', '2020-07-07'], // 20
    ['travel_arranged', '2020-07-27'], // 10
    ['departed', '2020-08-06'], // 0
    ['arrived', '2020-08-06'], // end to end: 218 (6 August is day 219 of 2020)
  ]),
  history('C', { stateCode: 'FR', priority: 'urgent', modality: 'dossier' }, [
    ['referred', '2020-02-01'], // 7
    ['under_review', '2020-02-08'], // 14
    ['rejected', '2020-02-22', 'Does not meet the resettlement criteria'], // 30
    ['closed', '2020-03-23'],
  ]),
  history('D', { stateCode: 'FR' }, [
    ['referred', '2020-02-01'], // 10
    ['withdrawn', '2020-02-11', 'The household could not be reached'],
  ]),
  history('E', { stateCode: 'FR', modality: 'in_person' }, [
    ['referred', '2020-03-01'], // 14
    ['under_review', '2020-03-15'], // 30
    ['deferred', '2020-04-14', 'Family composition to be verified'], // 30
    ['under_review', '2020-05-14'], // 10: a second stay under review
    ['accepted', '2020-05-24'], // still there
  ]),
  history('F', { priority: 'emergency' }, [['referred', '2021-01-01']]), // still there
];

const stage = (t: ProcessingTimes, s: string) => {
  const row = t.stages.find((r) => r.stage === s)!;
  return [row.count, row.median, row.p90, row.open];
};

describe('processing times', () => {
  const [all] = processingTimes(CASES);

  it('has one group of every case when not grouped', () => {
    expect(processingTimes(CASES)).toHaveLength(1);
    expect(all!.group).toEqual({});
    expect(all!.cases).toBe(6);
  });

  it.each([
    // stage, count, median, p90 (nearest-rank), still open
    ['referred', 5, 10, 20, 1], // 7 10 10 14 20
    ['under_review', 5, 30, 40, 0], // 10 14 30 30 40: E's two stays count twice
    ['accepted', 2, 5, 5, 1],
    ['checks', 2, 30, 30, 0], // B's 93 days on hold are not in it
    ['pre_departure', 2, 20, 20, 0],
    ['travel_arranged', 2, 10, 10, 0],
    ['departed', 2, 0, 1, 0], // 0 1: the median of an even count is the lower middle value
    ['arrived', 0, null, null, 2],
    ['rejected', 1, 30, 30, 0],
    ['deferred', 1, 30, 30, 0],
    ['integration', 0, null, null, 0],
  ])('gives %s: %i stays, median %s, 90th percentile %s, %i open', (s, ...expected) => {
    expect(stage(all!, s)).toEqual(expected);
  });

  it('lists every stage but closed, in the order of the process', () => {
    expect(all!.stages.map((s) => s.stage)).toEqual([
      'referred',
      'under_review',
      'accepted',
      'rejected',
      'deferred',
      'checks',
      'pre_departure',
      'travel_arranged',
      'departed',
      'arrived',
      'post_arrival',
      'reception',
      'integration',
    ]);
  });

  it('reports time on hold on its own line, and end to end from referral to arrival with the hold in it', () => {
    expect(all!.onHold).toEqual({ count: 1, median: 93, p90: 93, open: 0 });
    expect(all!.endToEnd).toEqual({ count: 2, median: 106, p90: 218 });
  });

  it('counts drop-outs and their reasons', () => {
    expect(all!.dropOuts).toEqual({
      cases: 6,
      rejected: 1,
      withdrawn: 1,
      settled: 4,
      share: 2 / 6,
      shareOfSettled: 2 / 4,
      reasons: [
        { outcome: 'rejected', reason: 'Does not meet the resettlement criteria', count: 1 },
        { outcome: 'withdrawn', reason: 'The household could not be reached', count: 1 },
      ],
    });
  });

  it('groups by state', () => {
    const [de, fr] = processingTimes(CASES, { groupBy: ['state'] });
    expect([de!.group, de!.cases, fr!.group, fr!.cases]).toEqual([{ state: 'DE' }, 3, { state: 'FR' }, 3]);
    expect(stage(de!, 'referred')).toEqual([2, 10, 20, 1]); // 10 20
    expect(stage(fr!, 'referred')).toEqual([3, 10, 14, 0]); // 7 10 14
    expect(stage(fr!, 'under_review')).toEqual([3, 14, 30, 0]); // 10 14 30
    expect(de!.endToEnd).toEqual({ count: 2, median: 106, p90: 218 });
    expect(fr!.endToEnd).toEqual({ count: 0, median: null, p90: null });
    expect([de!.dropOuts.share, de!.dropOuts.shareOfSettled, fr!.dropOuts.share, fr!.dropOuts.shareOfSettled]).toEqual([0, 0, 2 / 3, 1]);
  });

  it('orders priorities and modalities as the process does, a missing value last', () => {
    expect(processingTimes(CASES, { groupBy: ['priority'] }).map((g) => [g.group.priority, g.cases])).toEqual([
      ['emergency', 1],
      ['urgent', 1],
      ['normal', 4],
    ]);
    expect(processingTimes(CASES, { groupBy: ['modality'] }).map((g) => [g.group.modality, g.cases])).toEqual([
      ['in_person', 2],
      ['remote', 1],
      ['dossier', 1],
      [null, 2],
    ]);
  });

  it('groups by several dimensions at once', () => {
    const groups = processingTimes(CASES, { groupBy: ['state', 'priority'] });
    expect(groups.map((g) => [g.group.state, g.group.priority, g.cases])).toEqual([
      ['DE', 'emergency', 1],
      ['DE', 'normal', 2],
      ['FR', 'urgent', 1],
      ['FR', 'normal', 2],
    ]);
    expect(processingTimes(CASES, { groupBy: ['round', 'pathway'] }).map((g) => g.group)).toEqual([
      { round: '2020-2021', pathway: 'resettlement' },
    ]);
  });

  it('measures as things stood on a day', () => {
    const [then] = processingTimes(CASES, { asOf: '2020-03-31' });
    expect(then!.cases).toBe(5); // F was not referred yet
    expect(then!.onHold).toEqual({ count: 0, median: null, p90: null, open: 1 }); // B is on hold
    expect(stage(then!, 'checks')).toEqual([1, 30, 30, 0]); // A only; B's stay is paused
    expect(stage(then!, 'pre_departure')).toEqual([0, null, null, 1]);
    expect(then!.endToEnd.count).toBe(0);
    expect([then!.dropOuts.rejected, then!.dropOuts.withdrawn]).toEqual([1, 1]);
  });

  it('has no groups without cases', () => {
    expect(processingTimes([])).toEqual([]);
  });
});
