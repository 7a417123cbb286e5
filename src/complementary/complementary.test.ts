import { describe, expect, it } from 'vitest';
import { CANDIDATE_STATUSES, candidateMoves, moveCandidate, supportRefusal, type CandidateStatus } from './candidate.ts';
import { closeProblem, daysTaken, familyReunificationReport } from './family-reunification.ts';
import { isOccupationCode } from '../reference/occupation.ts';
import { occupationsOf, skillsProfile } from './skills.ts';

/** Each pathway's machine written out: applied → shortlisted → admitted | refused | withdrawn; admitted → arrived → graduated | placed. */
const EDUCATION: Record<CandidateStatus, CandidateStatus[]> = {
  applied: ['shortlisted', 'refused', 'withdrawn'],
  shortlisted: ['admitted', 'refused', 'withdrawn'],
  admitted: ['arrived', 'withdrawn'],
  arrived: ['graduated', 'withdrawn'],
  graduated: ['placed'],
  refused: [],
  withdrawn: [],
  placed: [],
};
const LABOUR: Record<CandidateStatus, CandidateStatus[]> = { ...EDUCATION, arrived: ['placed', 'withdrawn'], graduated: [] };

describe('a candidacy', () => {
  for (const [pathway, table] of [
    ['education', EDUCATION],
    ['labour', LABOUR],
  ] as const) {
    it.each(CANDIDATE_STATUSES.flatMap((f) => CANDIDATE_STATUSES.map((t) => [f, t] as const)))(`${pathway}: %s → %s`, (from, to) => {
      expect(candidateMoves(pathway, from)).toEqual(table[from]);
      const d = moveCandidate(pathway, from, to, 'a reason');
      expect(d.ok).toBe(table[from].includes(to));
    });
  }

  it('is refused or withdrawn only with a reason', () => {
    expect(moveCandidate('labour', 'applied', 'refused', ' ')).toMatchObject({ ok: false, refusal: 'reason_required' });
    expect(moveCandidate('labour', 'applied', 'withdrawn', null)).toMatchObject({ ok: false, refusal: 'reason_required' });
  });

  it('gets counselling and job search after graduation (P 20), a labour candidate a language course only', () => {
    expect(supportRefusal('education', 'admitted', 'scholarship')).toBeNull();
    expect(supportRefusal('education', 'arrived', 'counselling')).toBe('graduates_only');
    expect(supportRefusal('education', 'graduated', 'job_search')).toBeNull();
    expect(supportRefusal('labour', 'arrived', 'language_course')).toBeNull();
    expect(supportRefusal('labour', 'arrived', 'scholarship')).toBe('education_only');
  });
});

describe('a skills profile (EU Skills Profile Tool)', () => {
  const uuid = 'f2b15a0e-e65a-438a-affb-29b9d50b77d1';
  it.each([
    [`http://data.europa.eu/esco/occupation/${uuid}`, true],
    ['2512', true], // ISCO-08: software developers
    [`https://data.europa.eu/esco/occupation/${uuid}`, false],
    [`http://data.europa.eu/esco/skill/${uuid}`, false],
    ['http://data.europa.eu/esco/occupation/not-a-uuid', false],
    ['251', false],
    ['25121', false],
  ])('%s is an occupation code: %s', (code, ok) => expect(isOccupationCode(code)).toBe(ok));

  it('takes the CEFR levels A1–C2 (or native) and nothing else', () => {
    for (const level of ['A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native'])
      expect(skillsProfile.safeParse({ languages: [{ language: 'ar', level }] }).success).toBe(true);
    for (const level of ['C3', 'a1', 'fluent'])
      expect(skillsProfile.safeParse({ languages: [{ language: 'ar', level }] }).success).toBe(false);
  });

  it('lists the coded occupations of the work experience once each', () => {
    const p = skillsProfile.parse({
      work: [{ occupation: 'nurse', esco: '2221', years: 4 }, { occupation: 'nurse again', esco: '2221' }, { occupation: 'driver' }],
    });
    expect(occupationsOf(p)).toEqual(['2221']);
    expect(skillsProfile.safeParse({ work: [{ occupation: 'x', esco: 'nurse' }] }).success).toBe(false);
    expect(skillsProfile.safeParse({ hobbies: [] }).success).toBe(false);
  });
});

describe('family reunification support', () => {
  it('counts the days from receipt to closure', () => {
    expect(daysTaken('2021-01-01', '2021-01-01')).toBe(0);
    expect(daysTaken('2021-01-31', '2021-03-01')).toBe(29);
    expect(daysTaken('2020-02-28', '2020-03-01')).toBe(2); // 2020 is a leap year
  });

  it('closes a request once, with an outcome that fits its kind, on a day between receipt and today', () => {
    const r = { kind: 'information' as const, receivedOn: '2021-01-10', outcome: 'open' };
    expect(closeProblem(r, { outcome: 'informed', on: '2021-01-12' }, '2021-02-01')).toBeNull();
    expect(closeProblem(r, { outcome: 'visa_issued', on: '2021-01-12' }, '2021-02-01')).toBe('outcomeUnfit');
    expect(closeProblem(r, { outcome: 'informed', on: '2021-01-09' }, '2021-02-01')).toBe('closedBeforeReceived');
    expect(closeProblem(r, { outcome: 'informed', on: '2021-02-02' }, '2021-02-01')).toBe('closedInFuture');
    expect(closeProblem({ ...r, outcome: 'informed' }, { outcome: 'informed', on: '2021-01-12' }, '2021-02-01')).toBe('alreadyClosed');
  });

  it('reports per state the requests, outcomes, and the median and 90th percentile of days (nearest rank)', () => {
    // Ten closed requests taking 1…10 days and one open: nearest rank gives median 5 (⌈0.5·10⌉ = 5th) and p90 9 (⌈0.9·10⌉ = 9th).
    const closed = Array.from({ length: 10 }, (_, i) => ({
      stateCode: 'NL',
      kind: 'visa_assistance' as const,
      familyMembers: 2,
      receivedOn: '2021-01-01',
      closedOn: `2021-01-${String(2 + i).padStart(2, '0')}`,
      outcome: 'visa_issued',
    }));
    const [nl, se] = familyReunificationReport([
      ...closed,
      { stateCode: 'NL', kind: 'information', familyMembers: 1, receivedOn: '2021-02-01', closedOn: null, outcome: 'open' },
      { stateCode: 'SE', kind: 'information', familyMembers: 3, receivedOn: '2021-02-01', closedOn: '2021-02-01', outcome: 'informed' },
    ]);
    expect(nl).toEqual({
      stateCode: 'NL',
      requests: 11,
      familyMembers: 21,
      open: 1,
      byKind: { visa_assistance: 10, information: 1 },
      byOutcome: { visa_issued: 10, open: 1 },
      days: { count: 10, median: 5, p90: 9 },
    });
    expect(se).toMatchObject({ requests: 1, days: { count: 1, median: 0, p90: 0 } });
  });
});
