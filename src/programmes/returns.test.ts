import { describe, expect, it } from 'vitest';
import { admissionReturns, RETURN_PATHWAYS, type AdmissionCount } from './returns.ts';

const rows: AdmissionCount[] = [
  { stateCode: 'DE', pathway: 'resettlement', programmeCode: null, programmeKind: null, persons: 40 },
  {
    stateCode: 'DE',
    pathway: 'humanitarian_admission',
    programmeCode: 'DE-HAP',
    programmeKind: 'national_humanitarian_admission',
    persons: 7,
  },
  { stateCode: 'DE', pathway: 'humanitarian_admission', programmeCode: null, programmeKind: null, persons: 2 },
  { stateCode: 'DE', pathway: 'labour', programmeCode: 'DE-LAB', programmeKind: 'labour', persons: 3 },
  { stateCode: 'IT', pathway: 'community_sponsorship', programmeCode: 'IT-CORR', programmeKind: 'humanitarian_corridor', persons: 11 },
  { stateCode: 'IT', pathway: 'emergency_admission', programmeCode: 'EU-EMERGENCY', programmeKind: 'emergency_admission', persons: 5 },
];

describe('the returns of point 27', () => {
  it('count every pathway but resettlement', () => {
    expect(RETURN_PATHWAYS).not.toContain('resettlement');
    expect(RETURN_PATHWAYS).toHaveLength(6);
  });

  it('add up per state, per pathway and per programme, and in total, leaving resettlement out', () => {
    const r = admissionReturns({ from: '2026-01-01', to: '2027-12-31', admissions: rows, support: [], candidates: [] });
    const de = r.states.find((s) => s.stateCode === 'DE')!;
    expect(de.total).toBe(7 + 2 + 3);
    expect(de.byPathway).toMatchObject({ humanitarian_admission: 9, labour: 3, education: 0, community_sponsorship: 0 });
    expect(de.programmes).toEqual([
      { code: 'DE-HAP', kind: 'national_humanitarian_admission', pathway: 'humanitarian_admission', persons: 7 },
      { code: null, kind: null, pathway: 'humanitarian_admission', persons: 2 },
      { code: 'DE-LAB', kind: 'labour', pathway: 'labour', persons: 3 },
    ]);
    expect(r.totals.total).toBe(12 + 16);
    expect(r.totals.byPathway).toMatchObject({ humanitarian_admission: 9, labour: 3, community_sponsorship: 11, emergency_admission: 5 });
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    for (const s of r.states) expect(sum(s.byPathway)).toBe(s.total);
    expect(sum(r.totals.byPathway)).toBe(r.totals.total);
    expect(de.familyReunification).toEqual({ requests: 0, familyMembers: 0, byOutcome: {} });
    expect(de.candidatesAdmitted).toEqual({ education: 0, labour: 0 });
  });

  it('carry family reunification support and candidates admitted, per state and in total', () => {
    const r = admissionReturns({
      from: '2026-01-01',
      to: '2027-12-31',
      admissions: rows,
      support: [{ stateCode: 'NL', requests: 3, familyMembers: 7, byOutcome: { informed: 2, open: 1 } }],
      candidates: [
        { stateCode: 'DE', pathway: 'labour', admitted: 4 },
        { stateCode: 'NL', pathway: 'education', admitted: 1 },
      ],
    });
    expect(r.states.map((s) => s.stateCode)).toEqual(['DE', 'IT', 'NL']);
    expect(r.states[2]).toMatchObject({
      total: 0,
      familyReunification: { requests: 3, familyMembers: 7, byOutcome: { informed: 2, open: 1 } },
      candidatesAdmitted: { education: 1, labour: 0 },
    });
    expect(r.totals.candidatesAdmitted).toEqual({ education: 1, labour: 4 });
    expect(r.totals.familyReunification).toEqual({ requests: 3, familyMembers: 7, byOutcome: { informed: 2, open: 1 } });
  });
});
