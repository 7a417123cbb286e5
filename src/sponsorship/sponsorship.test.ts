import { describe, expect, it } from 'vitest';
import { SPONSOR_PHASES } from '../access/fields.ts';
import { criteriaRefusals, rolesRefusal, sponsorPhasesOf, type Criterion, type Roles } from './criteria.ts';
import { memberScreening, SPONSOR_STATUSES, sponsorMoveRefusal, type CheckRecord, type SponsorStatus } from './sponsor.ts';
import { matchProblems, memorandumDiff, safetyNetTasks, tasksFor } from './sponsorship.ts';

const passAll = (memberId: number): CheckRecord[] =>
  (['identity', 'criminal_record', 'safeguarding'] as const).map((check) => ({ check, memberId, result: 'passed', on: '2026-01-05' }));
const sponsorChecks = (result: 'passed' | 'failed' = 'passed'): CheckRecord[] =>
  (['financial_capacity', 'housing', 'training'] as const).map((check) => ({ check, memberId: null, result, on: '2026-01-06' }));

describe("a member's screening, from the checks recorded of it", () => {
  it.each([
    { checks: [], expected: 'pending' },
    { checks: passAll(1).slice(0, 2), expected: 'pending' },
    { checks: passAll(1), expected: 'cleared' },
    {
      checks: [...passAll(1).slice(0, 1), { check: 'criminal_record', memberId: 1, result: 'failed', on: '2026-01-05' }],
      expected: 'refused',
    },
    // The latest of a check counts: a failed identity check later passed.
    { checks: [{ check: 'identity', memberId: 1, result: 'failed', on: '2026-01-01' }, ...passAll(1)], expected: 'cleared' },
    // Another member's checks say nothing of this one.
    { checks: passAll(2), expected: 'pending' },
  ] as { checks: CheckRecord[]; expected: string }[])('$expected after $checks.length checks', ({ checks, expected }) => {
    expect(memberScreening(1, checks)).toBe(expected);
  });
});

describe("a sponsor's moves", () => {
  const members = [
    { id: 1, name: 'Anna' },
    { id: 2, name: 'Bram' },
  ];
  const cleared = [...passAll(1), ...passAll(2)];
  const allowed: Record<SponsorStatus, SponsorStatus[]> = {
    applied: ['screened', 'ended'],
    screened: ['approved', 'ended'],
    approved: ['active', 'ended'],
    active: ['suspended', 'ended'],
    suspended: ['active', 'ended'],
    ended: [],
  };
  const cells = SPONSOR_STATUSES.flatMap((from) => SPONSOR_STATUSES.map((to) => ({ from, to, ok: allowed[from].includes(to) })));
  it.each(cells)('$from → $to: allowed $ok (with every check passed and a reason)', ({ from, to, ok }) => {
    const refusal = sponsorMoveRefusal({ status: from, members, checks: [...cleared, ...sponsorChecks()] }, to, 'a reason');
    expect(refusal === null).toBe(ok);
    if (!ok) expect(refusal!.code).toBe('sponsorMoveNotAllowed');
  });

  it('asks a reason to suspend or end, not to move forward', () => {
    expect(sponsorMoveRefusal({ status: 'active', members, checks: [] }, 'suspended', ' ')?.code).toBe('sponsorReasonRequired');
    expect(sponsorMoveRefusal({ status: 'applied', members, checks: [] }, 'ended', null)?.code).toBe('sponsorReasonRequired');
    expect(sponsorMoveRefusal({ status: 'suspended', members, checks: [] }, 'active', null)).toBeNull();
  });

  it.each([
    { to: 'screened', members: [], checks: [], code: 'sponsorNoMembers' },
    { to: 'screened', members, checks: passAll(1), code: 'sponsorMembersPending', names: 'Bram' },
    // A refused member is screened (recorded); the sponsor may be screened, not approved.
    {
      to: 'screened',
      members,
      checks: [...passAll(1), { check: 'safeguarding', memberId: 2, result: 'failed', on: '2026-01-05' }],
      code: null,
    },
  ] as const)('to screened needs every member screened: $code', ({ to, members: m, checks, code, ...rest }) => {
    const r = sponsorMoveRefusal({ status: 'applied', members: m, checks }, to, null);
    expect(r?.code ?? null).toBe(code);
    if ('names' in rest) expect(r?.params).toEqual({ members: rest.names });
  });

  it.each([
    {
      checks: [...passAll(1), { check: 'safeguarding', memberId: 2, result: 'failed', on: '2026-01-05' }, ...sponsorChecks()],
      code: 'sponsorMembersNotCleared',
      params: { members: 'Bram' },
    },
    { checks: cleared, code: 'sponsorChecksMissing', params: { checks: 'financial_capacity, housing, training' } },
    { checks: [...cleared, ...sponsorChecks().slice(0, 2)], code: 'sponsorChecksMissing', params: { checks: 'training' } },
    {
      checks: [...cleared, ...sponsorChecks('failed')],
      code: 'sponsorChecksFailed',
      params: { checks: 'financial_capacity, housing, training' },
    },
    { checks: [...cleared, ...sponsorChecks()], code: null, params: undefined },
  ] as { checks: CheckRecord[]; code: string | null; params?: object }[])(
    'to approved needs every member cleared and the checks passed: $code',
    ({ checks, code, params }) => {
      const r = sponsorMoveRefusal({ status: 'screened', members, checks }, 'approved', null);
      expect(r?.code ?? null).toBe(code);
      if (params) expect(r?.params).toEqual(params);
    },
  );
});

describe('selection criteria (P 15; Charter art. 21)', () => {
  it.each([
    // Refused by the structured field
    { c: { id: 'c1', label: 'Sex', field: 'sex', operator: 'eq', value: 'F' }, characteristic: 'sex', article: 'art. 21(1)', by: 'field' },
    {
      c: { id: 'c2', label: 'Citizens', field: 'citizenship', operator: 'in', value: ['SYR'] },
      characteristic: 'nationality',
      article: 'art. 21(2)',
      by: 'field',
    },
    {
      c: { id: 'c3', label: 'Young', field: 'birthYear', operator: 'gte', value: 1990 },
      characteristic: 'age',
      article: 'art. 21(1)',
      by: 'field',
    },
    {
      c: { id: 'c4', label: 'x', field: 'religion', operator: 'eq', value: 'christian' },
      characteristic: 'religion_or_belief',
      article: 'art. 21(1)',
      by: 'field',
    },
    {
      c: { id: 'c5', label: 'x', field: 'disability', operator: 'eq', value: 'none' },
      characteristic: 'disability',
      article: 'art. 21(1)',
      by: 'field',
    },
    // Refused by the words of the label, English and Dutch
    { c: { id: 'l1', label: 'Christian families' }, characteristic: 'religion_or_belief', article: 'art. 21(1)', by: 'label' },
    { c: { id: 'l2', label: 'Alleen christelijke gezinnen' }, characteristic: 'religion_or_belief', article: 'art. 21(1)', by: 'label' },
    { c: { id: 'l3', label: 'Muslim households preferred' }, characteristic: 'religion_or_belief', article: 'art. 21(1)', by: 'label' },
    { c: { id: 'l4', label: 'Only women' }, characteristic: 'sex', article: 'art. 21(1)', by: 'label' },
    { c: { id: 'l5', label: 'Alleen mannen' }, characteristic: 'sex', article: 'art. 21(1)', by: 'label' },
    { c: { id: 'l6', label: 'Syrian nationals' }, characteristic: 'nationality', article: 'art. 21(2)', by: 'label' },
    { c: { id: 'l7', label: 'Geen gehandicapten' }, characteristic: 'disability', article: 'art. 21(1)', by: 'label' },
    { c: { id: 'l8', label: 'Under 40 years' }, characteristic: 'age', article: 'art. 21(1)', by: 'label' },
    { c: { id: 'l9', label: 'Arabic speakers only' }, characteristic: 'language', article: 'art. 21(1)', by: 'label' },
    { c: { id: 'l10', label: 'Heterosexual couples' }, characteristic: 'sexual_orientation', article: 'art. 21(1)', by: 'label' },
    {
      c: { id: 'l11', label: 'Of the same ethnic group as the sponsor' },
      characteristic: 'ethnic_origin',
      article: 'art. 21(1)',
      by: 'label',
    },
    // "women at risk" is a category; "only women" beside it still selects on sex
    { c: { id: 'l12', label: 'Women at risk, only women' }, characteristic: 'sex', article: 'art. 21(1)', by: 'label' },
  ] as const)('refuses $c.id ($c.label): $characteristic, $article', ({ c, characteristic, article, by }) => {
    const [r, ...more] = criteriaRefusals([c as unknown as Criterion]);
    expect(more).toEqual([]);
    expect(r).toMatchObject({ criterion: c.id, label: c.label, characteristic, article, by });
  });

  it.each([
    { id: 'a1', label: 'Household of at most 5 persons', field: 'householdSize', operator: 'lte', value: 5 },
    { id: 'a2', label: 'Medical needs the sponsor can support', field: 'needs', operator: 'in', value: ['medical'] },
    {
      id: 'a3',
      label: 'UNHCR submission category: legal and physical protection needs',
      field: 'primaryCategory',
      operator: 'eq',
      value: 'LPN',
    },
    { id: 'a4', label: 'Women and girls at risk' },
    { id: 'a5', label: 'Vrouwen in een risicosituatie' },
    { id: 'a6', label: 'Children at risk' },
    { id: 'a7', label: 'LGBTIQ+ persons at risk' },
    { id: 'a8', label: 'Refugees in Lebanon (country of first asylum)', field: 'countryOfDeparture', operator: 'eq', value: 'LBN' },
    { id: 'a9', label: 'Survivors of torture' },
    { id: 'a10', label: 'Huishouden van hoogstens 5 personen' },
  ] as const)('allows $id: $label', (c) => {
    expect(criteriaRefusals([c as unknown as Criterion])).toEqual([]);
  });

  it('names each refused criterion of a list, and only those', () => {
    const r = criteriaRefusals([
      { id: 'ok', label: 'Household of at most 4' },
      { id: 'bad1', label: 'Catholic' },
      { id: 'bad2', label: 'x', field: 'nationality' },
    ]);
    expect(r.map((x) => x.criterion)).toEqual(['bad1', 'bad2']);
  });
});

describe('roles per phase (P 15)', () => {
  const all = (holder: 'state' | 'sponsor' | 'shared') => Object.fromEntries(SPONSOR_PHASES.map((p) => [p, holder])) as Roles;
  it.each([
    { roles: all('state'), code: null },
    { roles: all('shared'), code: null },
    { roles: { ...all('sponsor'), selection: 'shared' }, code: null },
    { roles: { ...all('sponsor'), selection: 'state' }, code: null },
    { roles: all('sponsor'), code: 'schemeSelectionBySponsor' },
    {
      roles: { selection: 'state', reception: 'sponsor' },
      code: 'schemeRoleMissing',
      phases: 'pre_departure, housing, integration, finance',
    },
    { roles: { ...all('state'), housing: 'landlord' }, code: 'schemeRoleMissing', phases: 'housing' },
  ] as { roles: Record<string, string>; code: string | null; phases?: string }[])('$code', ({ roles, code, phases }) => {
    const r = rolesRefusal(roles);
    expect(r?.code ?? null).toBe(code);
    if (phases) expect(r?.params).toEqual({ phases });
  });

  it('gives the sponsor its own and the shared phases', () => {
    expect(sponsorPhasesOf({ ...all('state'), reception: 'sponsor', housing: 'shared' })).toEqual(['reception', 'housing']);
  });
});

describe('the tasks of a sponsorship', () => {
  const roles: Roles = {
    selection: 'state',
    pre_departure: 'shared',
    reception: 'sponsor',
    housing: 'sponsor',
    integration: 'shared',
    finance: 'state',
  };
  it('lists the tasks of the phases held, with their holder', () => {
    expect(tasksFor(['reception', 'pre_departure', 'integration'], roles)).toEqual([
      { phase: 'pre_departure', task: 'share_orientation_pack', holder: 'sponsor' },
      { phase: 'pre_departure', task: 'pre_departure_contact', holder: 'sponsor' },
      { phase: 'pre_departure', task: 'travel_documents', holder: 'state' },
      { phase: 'reception', task: 'meet_at_arrival', holder: 'sponsor' },
      { phase: 'reception', task: 'first_weeks_support', holder: 'sponsor' },
      { phase: 'integration', task: 'register_with_municipality', holder: 'sponsor' },
      { phase: 'integration', task: 'school_enrolment', holder: 'sponsor' },
      { phase: 'integration', task: 'language_course', holder: 'state' },
    ]);
  });
  it('leaves the security checks and the admission decision to the state even where selection is shared', () => {
    const t = tasksFor(['selection'], { ...roles, selection: 'shared' });
    expect(t.map((x) => `${x.task}:${x.holder}`)).toEqual([
      'propose_household:sponsor',
      'security_checks:state',
      'admission_decision:state',
    ]);
  });
  it('moves the open tasks of the phases taken over to the state (safety net)', () => {
    const tasks = [
      { phase: 'reception', task: 'meet_at_arrival', holder: 'sponsor', done: true },
      { phase: 'reception', task: 'first_weeks_support', holder: 'sponsor', done: false },
      { phase: 'housing', task: 'housing_ready_before_arrival', holder: 'sponsor', done: false },
      { phase: 'housing', task: 'housing_inspection', holder: 'state', done: false },
    ];
    expect(safetyNetTasks(tasks, ['reception', 'housing'])).toEqual([
      { phase: 'reception', task: 'safety_net:first_weeks_support', holder: 'state' },
      { phase: 'housing', task: 'safety_net:housing_ready_before_arrival', holder: 'state' },
    ]);
    expect(safetyNetTasks(tasks, ['reception'])).toHaveLength(1);
  });
});

describe('matching a sponsor to a household', () => {
  it.each([
    { size: 4, needs: [], max: 4, supported: [], codes: [] },
    { size: 5, needs: [], max: 4, supported: [], codes: ['householdTooLarge'] },
    { size: 3, needs: ['medical', 'disability'], max: 4, supported: ['medical'], codes: ['needsNotSupported'] },
    { size: 6, needs: ['medical'], max: 2, supported: [], codes: ['householdTooLarge', 'needsNotSupported'] },
  ])(
    'a household of $size with needs $needs, a sponsor of $max supporting $supported: $codes',
    ({ size, needs, max, supported, codes }) => {
      expect(matchProblems({ householdSize: max, needsSupported: supported }, { size, needs }).map((p) => p.code)).toEqual(codes);
    },
  );
  it('names the needs not supported', () => {
    expect(
      matchProblems({ householdSize: 9, needsSupported: [] }, { size: 2, needs: ['medical', 'disability', 'medical'] })[0]!.params,
    ).toEqual({ needs: 'disability, medical' });
  });
});

describe('memoranda: what a new version changed', () => {
  const v1 = {
    title: 'Corridor',
    schemeId: null,
    parties: [{ name: 'State', role: 'state' }],
    signedOn: '2026-01-01',
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
    places: 500,
    costsBorne: [{ item: 'travel' }],
    note: '',
  };
  it('names each field that differs, with both values', () => {
    expect(memorandumDiff(v1, { ...v1, places: 1000, validTo: '2027-12-31' })).toEqual([
      { field: 'validTo', from: '2026-12-31', to: '2027-12-31' },
      { field: 'places', from: 500, to: 1000 },
    ]);
    expect(memorandumDiff(v1, { ...v1 })).toEqual([]);
  });
});
