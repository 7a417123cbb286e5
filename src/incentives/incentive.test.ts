import { describe, expect, it } from 'vitest';
import { SHIPPED_ROUNDS } from '../rounds/round.data.ts';
import { roundFileSchema, roundFromFile, type Round } from '../rounds/round.ts';
import { translator } from '../i18n/i18n.ts';
import { describeIncentive, evidenceOf, rateFor, type CaseEvidenceInput, type EvidenceInput } from './incentive.ts';

const shipped = (id: string): Round => roundFromFile(roundFileSchema.parse(SHIPPED_ROUNDS.find((r) => r.id === id)));
const r2020 = shipped('2020-2021');
const r2026 = shipped('2026-2027');
const amountOf = (r: Round, id: string) => r.incentives.find((i) => i.id === id)!.amount;

const person = (o: Partial<EvidenceInput> = {}): EvidenceInput => ({
  pathway: 'resettlement',
  countryOfDeparture: 'KEN',
  needs: [],
  vulnerableGroups: [],
  ...o,
});
const plain: CaseEvidenceInput = { priority: 'normal', primaryCategory: null, secondaryCategory: null };
const decide = (r: Round, p: EvidenceInput, c: CaseEvidenceInput = plain) => {
  const e = evidenceOf(p, c, r);
  return { e, d: rateFor(r.incentives, e) };
};

describe('the rates as the round data states them, against the cited figures', () => {
  it('2020 round (R 16): EUR 10,000 for a priority region or a particularly vulnerable group, EUR 6,000 for any other', () => {
    expect(amountOf(r2020, 'priority-or-vulnerable')).toBe(10_000);
    expect(amountOf(r2020, 'other')).toBe(6_000);
    for (const i of r2020.incentives) expect([i.source, i.locator, i.pathway]).toEqual(['rec-2020-1364', 'R 16', 'resettlement']);
    expect(r2020.incentives.find((i) => i.id === 'priority-or-vulnerable')!.note).toMatch(/516\/2014/);
  });

  it('AMIF 2021–2027 art. 19(1)–(3): EUR 10,000 resettlement, 6,000 humanitarian admission, 8,000 humanitarian admission of a vulnerable group', () => {
    expect(r2026.incentives.map((i) => [i.id, i.amount, i.pathway, i.locator])).toEqual([
      ['resettled', 10_000, 'resettlement', 'art. 19(1)'],
      ['humanitarian', 6_000, 'humanitarian_admission', 'art. 19(2)'],
      ['vulnerable', 8_000, 'humanitarian_admission', 'art. 19(3)'],
    ]);
    expect(r2026.sources.find((s) => s.id === 'reg-2021-1147')!.citation).toMatch(/2024\/1350, art\. 14\(2\)/);
  });
});

describe('the 2020 round (R 16)', () => {
  const high = amountOf(r2020, 'priority-or-vulnerable');
  const low = amountOf(r2020, 'other');

  it.each([
    ['TUR', 'turkey'],
    ['LBN', 'lebanon-jordan'],
    ['JOR', 'lebanon-jordan'],
    ['LBY', 'central-mediterranean'],
    ['NER', 'central-mediterranean'],
    ['TCD', 'central-mediterranean'],
    ['EGY', 'central-mediterranean'],
    ['ETH', 'central-mediterranean'],
    ['SDN', 'central-mediterranean'],
    ['RWA', 'emergency-transit'],
  ])('a person resettled from %s (priority %s) earns the higher rate', (country, region) => {
    const { e, d } = decide(r2020, person({ countryOfDeparture: country }));
    expect(e.priorityRegion).toBe(region);
    expect([d.rate?.id, d.amount, d.because]).toEqual(['priority-or-vulnerable', high, 'priority_region']);
  });

  it('a person resettled from a country outside the priorities, in no vulnerable group, earns the lower rate', () => {
    const { e, d } = decide(r2020, person({ countryOfDeparture: 'KEN' }));
    expect([e.priorityRegion, e.vulnerableGroups]).toEqual([null, []]);
    expect([d.rate?.id, d.amount, d.because]).toEqual(['other', low, null]);
  });

  it.each<[string, Partial<EvidenceInput>, Partial<CaseEvidenceInput>, string, string]>([
    [
      'the case category women and girls at risk',
      {},
      { primaryCategory: 'women_girls_at_risk' },
      'women_children_at_risk',
      'category:women_girls_at_risk',
    ],
    [
      'the case category children and adolescents at risk',
      {},
      { secondaryCategory: 'children_adolescents_at_risk' },
      'women_children_at_risk',
      'category:children_adolescents_at_risk',
    ],
    ['the case category medical needs', {}, { primaryCategory: 'medical_needs' }, 'medical_needs', 'category:medical_needs'],
    [
      'the case category legal and physical protection',
      {},
      { primaryCategory: 'legal_physical_protection' },
      'legal_physical_protection',
      'category:legal_physical_protection',
    ],
    [
      'the case category survivors of violence and torture',
      {},
      { primaryCategory: 'survivors_of_violence_torture' },
      'legal_physical_protection',
      'category:survivors_of_violence_torture',
    ],
    ['the need unaccompanied child', { needs: [{ type: 'unaccompanied_child' }] }, {}, 'unaccompanied_minor', 'need:unaccompanied_child'],
    ['the need woman at risk', { needs: [{ type: 'woman_at_risk' }] }, {}, 'women_children_at_risk', 'need:woman_at_risk'],
    ['the need child at risk', { needs: [{ type: 'child_at_risk' }] }, {}, 'women_children_at_risk', 'need:child_at_risk'],
    [
      'the need survivor of torture',
      { needs: [{ type: 'survivor_of_torture' }] },
      {},
      'legal_physical_protection',
      'need:survivor_of_torture',
    ],
    ['an emergency submission', {}, { priority: 'emergency' }, 'emergency_resettlement', 'priority:emergency'],
    ['an urgent submission', {}, { priority: 'urgent' }, 'emergency_resettlement', 'priority:urgent'],
    ['a group recorded by the state', { vulnerableGroups: ['medical_needs'] }, {}, 'medical_needs', 'recorded'],
  ])('a person outside the priority regions shown vulnerable by %s earns the higher rate', (_, p, c, group, from) => {
    const { e, d } = decide(r2020, person(p), { ...plain, ...c });
    expect(e.vulnerableGroups).toEqual([{ group, from }]);
    expect([d.rate?.id, d.amount, d.because, d.groups]).toEqual(['priority-or-vulnerable', high, 'vulnerable_group', [{ group, from }]]);
  });

  it.each<[string, Partial<EvidenceInput>, Partial<CaseEvidenceInput>]>([
    ['the case category family reunification', {}, { primaryCategory: 'family_reunification' }],
    ['the case category lack of durable solutions', {}, { primaryCategory: 'lack_of_durable_solutions' }],
    ['a medical need not recorded as one only resettlement meets', { needs: [{ type: 'medical' }] }, {}],
    ['an older person', { needs: [{ type: 'older_person' }] }, {}],
    ['an unknown recorded group', { vulnerableGroups: ['not_a_group'] }, {}],
  ])('%s shows no vulnerable group: the lower rate', (_, p, c) => {
    const { e, d } = decide(r2020, person(p), { ...plain, ...c });
    expect(e.vulnerableGroups).toEqual([]);
    expect(d.amount).toBe(low);
  });

  it('keeps every source of the same group, each once', () => {
    const { e } = decide(
      r2020,
      person({ needs: [{ type: 'woman_at_risk' }, { type: 'woman_at_risk' }], vulnerableGroups: ['women_children_at_risk'] }),
      { ...plain, primaryCategory: 'women_girls_at_risk' },
    );
    expect(e.vulnerableGroups.map((g) => g.from)).toEqual(['category:women_girls_at_risk', 'need:woman_at_risk', 'recorded']);
  });

  it('gives no rate to a pathway the round pays nothing for, even from a priority country; says so and keeps the evidence', () => {
    const { e, d } = decide(r2020, person({ pathway: 'humanitarian_admission', countryOfDeparture: 'TUR' }));
    expect(e.priorityRegion).toBe('turkey');
    expect([d.rate, d.amount]).toEqual([null, 0]);
    expect(describeIncentive(e, d, translator('en'))).toMatch(/no rate applies to humanitarian admission/);
    expect(describeIncentive(e, d, translator('nl'))).toBe(
      'toelating op humanitaire gronden vanuit TUR; prioritaire regio turkey; geen kwetsbare groep; geen tarief van toepassing op toelating op humanitaire gronden in deze ronde',
    );
  });

  it('says in words which group counted and what shows it, and which rate it decided', () => {
    const { e, d } = decide(r2020, person({ needs: [{ type: 'unaccompanied_child' }], vulnerableGroups: ['medical_needs'] }));
    expect(describeIncentive(e, d, translator('en'))).toBe(
      'resettlement from KEN; no priority region; vulnerable: unaccompanied minor (specific need unaccompanied child), medical needs (recorded by the Member State); rate priority-or-vulnerable: unaccompanied minor, medical needs',
    );
  });
});

describe('AMIF 2021–2027 (art. 19 as replaced by Regulation (EU) 2024/1350 art. 14(2))', () => {
  const vulnerable = { needs: [{ type: 'unaccompanied_child' }] };

  it('resettlement earns art. 19(1), with or without a vulnerable group and whatever the departure', () => {
    for (const p of [person(), person(vulnerable), person({ countryOfDeparture: 'TUR' })]) {
      const { d } = decide(r2026, p);
      expect([d.rate?.id, d.amount]).toEqual(['resettled', amountOf(r2026, 'resettled')]);
      expect(d.amount).toBe(10_000);
    }
  });

  it('humanitarian admission without a vulnerable group earns art. 19(2)', () => {
    const { d } = decide(r2026, person({ pathway: 'humanitarian_admission' }));
    expect([d.rate?.id, d.amount]).toEqual(['humanitarian', 6_000]);
  });

  it.each<[string, Partial<EvidenceInput>, Partial<CaseEvidenceInput>]>([
    ['(a) women and children at risk', { needs: [{ type: 'woman_at_risk' }] }, {}],
    ['(b) unaccompanied minors', vulnerable, {}],
    ['(c) medical needs', {}, { primaryCategory: 'medical_needs' }],
    ['(d) legal or physical protection needs, victims of torture', {}, { secondaryCategory: 'survivors_of_violence_torture' }],
  ])('humanitarian admission of %s earns art. 19(3)', (_, p, c) => {
    const { d } = decide(r2026, person({ pathway: 'humanitarian_admission', ...p }), { ...plain, ...c });
    expect([d.rate?.id, d.amount, d.because]).toEqual(['vulnerable', amountOf(r2026, 'vulnerable'), 'vulnerable_group']);
    expect(d.amount).toBe(8_000);
  });

  it('an emergency submission alone is not a group of art. 19(3): humanitarian admission stays at 19(2)', () => {
    const { e, d } = decide(r2026, person({ pathway: 'humanitarian_admission' }), { ...plain, priority: 'emergency' });
    expect(e.vulnerableGroups).toEqual([{ group: 'emergency_resettlement', from: 'priority:emergency' }]);
    expect([d.rate?.id, d.amount]).toEqual(['humanitarian', 6_000]);
  });

  it('emergency admission has no rate: amount 0, rate null, the evidence kept', () => {
    const { e, d } = decide(r2026, person({ pathway: 'emergency_admission', ...vulnerable }));
    expect([d.rate, d.amount]).toEqual([null, 0]);
    expect(e.vulnerableGroups).toHaveLength(1);
  });
});

describe('rateFor', () => {
  const rate = (id: string, amount: number, more: object = {}) =>
    ({ id, label: { en: id }, amount, currency: 'EUR', requires: [], vulnerable_groups: [], ...more }) as Round['incentives'][number];
  const e = { pathway: 'resettlement', countryOfDeparture: 'KEN', priorityRegion: null, vulnerableGroups: [] };

  it('takes the highest of the rates that hold, the first listed on a tie, and a rate without a pathway for any', () => {
    expect(rateFor([rate('a', 5), rate('b', 7), rate('c', 7)], e).rate?.id).toBe('b');
    expect(rateFor([rate('x', 9, { pathway: 'labour' }), rate('any', 1)], e).rate?.id).toBe('any');
    expect(rateFor([], e)).toEqual({ rate: null, amount: 0, because: null, groups: [] });
  });

  it('reads rates stored before conditions existed as requiring nothing', () => {
    const old = { id: 'old', label: { en: 'old' }, amount: 3, currency: 'EUR' } as Round['incentives'][number];
    expect(rateFor([old], e).rate?.id).toBe('old');
  });
});

describe('round files with rates', () => {
  const base = SHIPPED_ROUNDS.find((r) => r.id === '2026-2027')!;
  it('refuse a rate that requires a vulnerable group without naming the groups, an unknown group, or an unknown field', () => {
    const withRate = (x: object) =>
      roundFileSchema.safeParse({ ...base, incentives: [{ id: 'r', label: { en: 'r' }, amount: 1, ...x }] }).success;
    expect(withRate({ requires: ['vulnerable_group'] })).toBe(false);
    expect(withRate({ requires: ['vulnerable_group'], vulnerable_groups: ['nobody'] })).toBe(false);
    expect(withRate({ require: ['priority_region'] })).toBe(false);
    expect(withRate({ requires: ['vulnerable_group'], vulnerable_groups: ['unaccompanied_minor'] })).toBe(true);
  });
});
