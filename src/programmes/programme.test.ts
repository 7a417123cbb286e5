import { describe, expect, it } from 'vitest';
import { PATHWAYS } from '../rounds/round.ts';
import {
  EU_KINDS,
  KIND_PATHWAY,
  moveStatus,
  PROGRAMME_KINDS,
  PROGRAMME_STATUSES,
  programmeInput,
  programmeProblems,
  recordFinding,
  VHAS_CONDITIONS,
  type ProgrammeStatus,
} from './programme.ts';

/** The status machine written out row by row: planned → active → suspended ↔ active → closed. */
const EXPECTED: Record<ProgrammeStatus, ProgrammeStatus[]> = {
  planned: ['active'],
  active: ['suspended', 'closed'],
  suspended: ['active', 'closed'],
  closed: [],
};

describe('a programme kind', () => {
  it.each(
    Object.entries({
      national_humanitarian_admission: 'humanitarian_admission',
      family_sponsorship: 'humanitarian_admission', // P 12: family sponsorship is a humanitarian admission programme
      community_sponsorship: 'community_sponsorship',
      humanitarian_corridor: 'community_sponsorship', // R 28
      vhas: 'humanitarian_admission', // P 5(a): a humanitarian admission scheme
      emergency_admission: 'emergency_admission', // Regulation (EU) 2024/1350
      education: 'education',
      labour: 'labour',
      family_reunification_support: 'family_reunification',
    }),
  )('%s counts under %s', (kind, pathway) => {
    expect(KIND_PATHWAY[kind as keyof typeof KIND_PATHWAY]).toBe(pathway);
  });

  it('maps every kind to a pathway of the framework, and none to resettlement (point 26 reports that)', () => {
    expect(PROGRAMME_KINDS).toHaveLength(9);
    for (const k of PROGRAMME_KINDS) {
      expect(PATHWAYS).toContain(KIND_PATHWAY[k]);
      expect(KIND_PATHWAY[k]).not.toBe('resettlement');
    }
  });
});

describe('the status of a programme', () => {
  const cases = PROGRAMME_STATUSES.flatMap((from) => PROGRAMME_STATUSES.map((to) => [from, to] as const));
  it.each(cases)('%s → %s', (from, to) => {
    const d = moveStatus({ status: from, activation: [] }, to);
    if (EXPECTED[from].includes(to)) expect(d).toEqual({ ok: true, next: to });
    else expect(d).toEqual({ ok: false, refusal: 'not_allowed', allowed: EXPECTED[from] });
  });

  it('keeps the VHAS planned until both conditions of P 5(a) are met, naming the unmet ones', () => {
    const planned = { status: 'planned' as const, activation: VHAS_CONDITIONS };
    const none = moveStatus(planned, 'active');
    expect(none).toMatchObject({ ok: false, refusal: 'conditions_unmet' });
    expect(none.ok === false && none.refusal === 'conditions_unmet' && none.unmet.map((c) => c.id)).toEqual([
      'preconditions_met',
      'irregular_crossings_reduced',
    ]);

    const one = recordFinding(VHAS_CONDITIONS, 'preconditions_met', { met: true, on: '2021-03-01', evidence: 'Council conclusions' })!;
    const half = moveStatus({ status: 'planned', activation: one }, 'active');
    expect(half.ok === false && half.refusal === 'conditions_unmet' && half.unmet.map((c) => c.id)).toEqual([
      'irregular_crossings_reduced',
    ]);

    const both = recordFinding(one, 'irregular_crossings_reduced', { met: true, on: '2021-04-01', evidence: 'Frontex figures' })!;
    expect(moveStatus({ status: 'planned', activation: both }, 'active')).toEqual({ ok: true, next: 'active' });
    // A condition found unmet again closes the way once more (a suspended VHAS cannot be reactivated).
    const again = recordFinding(both, 'irregular_crossings_reduced', { met: false, on: '2021-06-01', evidence: 'crossings rose' })!;
    expect(moveStatus({ status: 'suspended', activation: again }, 'active')).toMatchObject({ ok: false, refusal: 'conditions_unmet' });
    expect(again.find((c) => c.id === 'irregular_crossings_reduced')).toMatchObject({
      met: false,
      metOn: null,
      assessedOn: '2021-06-01',
      evidence: 'crossings rose',
    });
    expect(recordFinding(both, 'no_such', { met: true, on: '2021-01-01', evidence: 'x' })).toBeNull();
  });

  it('states the two conditions of P 5(a) in its own words, with their source', () => {
    expect(VHAS_CONDITIONS).toHaveLength(2);
    expect(VHAS_CONDITIONS[0]!.label).toContain('aan alle randvoorwaarden daarvoor wordt voldaan');
    expect(VHAS_CONDITIONS[1]!.label).toContain('aanzienlijk en duurzaam in aantal zijn verminderd');
    for (const c of VHAS_CONDITIONS) expect(c).toMatchObject({ met: false, source: 'Recommendation (EU) 2020/1364, P 5(a)' });
  });
});

describe('a programme record', () => {
  const base = { code: 'DE-HAP-1', state: 'DE', kind: 'national_humanitarian_admission', title: 'Humanitarian admission' } as const;
  const problems = (input: Record<string, unknown>) => programmeProblems(programmeInput.parse(input)).map((p) => p.code);

  it('is a state’s, except the VHAS and the emergency admission, which are the EU’s own', () => {
    expect(problems(base)).toEqual([]);
    expect(problems({ ...base, state: null, code: 'EU-HAP' })).toEqual(['stateKind']);
    for (const kind of EU_KINDS) {
      expect(problems({ ...base, kind })).toEqual(['euKind']);
      expect(problems({ code: 'EU-X1', kind, title: 't' })).toEqual([]);
    }
  });

  it('has a code that begins with its state (or EU), dates in order, details of its kind', () => {
    expect(problems({ ...base, code: 'FR-HAP-1' })).toEqual(['codePrefix']);
    expect(problems({ ...base, startDate: '2021-01-02', endDate: '2021-01-01' })).toEqual(['dates']);
    expect(
      problems({
        ...base,
        kind: 'education',
        details: { scholarships: 20, languageCourses: true, flexibleAdmission: true, graduateSupport: true },
      }),
    ).toEqual([]);
    expect(problems({ ...base, kind: 'education', details: { salary: 1 } })).toEqual(['details']);
    expect(
      problems({
        ...base,
        kind: 'labour',
        details: { occupations: ['2512', 'http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1'] },
      }),
    ).toEqual([]);
    expect(problems({ ...base, kind: 'labour', details: { occupations: ['programmer'] } })).toEqual(['details']);
    expect(
      problems({
        ...base,
        conditions: [
          { id: 'a', label: 'x' },
          { id: 'a', label: 'y' },
        ],
      }),
    ).toEqual(['conditionRepeated']);
  });

  it('refuses a shape it does not know (strict), a negative number of places, an impossible date', () => {
    expect(programmeInput.safeParse({ ...base, extra: 1 }).success).toBe(false);
    expect(programmeInput.safeParse({ ...base, places: -1 }).success).toBe(false);
    expect(programmeInput.safeParse({ ...base, startDate: '2021-02-30' }).success).toBe(false);
    expect(programmeInput.safeParse({ ...base, code: 'de-lower' }).success).toBe(false);
  });
});
