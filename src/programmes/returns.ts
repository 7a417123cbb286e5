import { PATHWAYS, type Pathway } from '../rounds/round.ts';

/**
 * The returns of point 27: "De lidstaten zouden de Commissie op de hoogte moeten houden van de
 * toelatingen op grond van de regelingen voor toelating op humanitaire gronden en andere
 * aanvullende trajecten." Per state, the persons admitted (arrived) under humanitarian admission
 * and each complementary pathway — everything but resettlement, which point 26 reports — per
 * pathway and per programme, with totals; beside them the family reunification support given and
 * the candidates admitted to education and labour programmes. Pure.
 */

/** The pathways the returns count: every pathway but resettlement, in the order of PATHWAYS. */
export const RETURN_PATHWAYS = PATHWAYS.filter((p) => p !== 'resettlement') as Exclude<Pathway, 'resettlement'>[];

/** A row of `statistics_admissions(from, to)` (migration 0009). */
export interface AdmissionCount {
  stateCode: string;
  pathway: string;
  programmeCode: string | null;
  programmeKind: string | null;
  persons: number;
}

/** Family reunification support per state: requests received in the period and their outcomes so far. */
export interface SupportCount {
  stateCode: string;
  requests: number;
  familyMembers: number;
  byOutcome: Record<string, number>;
}

/** Candidates admitted in the period (their move to `admitted`) per state and pathway. */
export interface CandidateCount {
  stateCode: string;
  pathway: string;
  admitted: number;
}

export interface ProgrammeLine {
  /** null: persons admitted on the pathway under no programme. */
  code: string | null;
  kind: string | null;
  pathway: string;
  persons: number;
}

export interface FamilySupport {
  requests: number;
  familyMembers: number;
  byOutcome: Record<string, number>;
}

export interface StateReturn {
  stateCode: string;
  byPathway: Record<string, number>;
  total: number;
  programmes: ProgrammeLine[];
  familyReunification: FamilySupport;
  candidatesAdmitted: Record<string, number>;
}

export interface AdmissionReturns {
  from: string;
  to: string;
  round: string | null;
  pathways: string[];
  states: StateReturn[];
  totals: Omit<StateReturn, 'stateCode' | 'programmes'>;
}

const zeros = () => Object.fromEntries(RETURN_PATHWAYS.map((p) => [p, 0])) as Record<string, number>;
const add = (into: Record<string, number>, key: string, n: number) => (into[key] = (into[key] ?? 0) + n);

export function admissionReturns(input: {
  from: string;
  to: string;
  round?: string | null;
  admissions: readonly AdmissionCount[];
  support: readonly SupportCount[];
  candidates: readonly CandidateCount[];
}): AdmissionReturns {
  const counted = input.admissions.filter((a) => a.pathway !== 'resettlement');
  const codes = [
    ...new Set([...counted.map((a) => a.stateCode), ...input.support.map((s) => s.stateCode), ...input.candidates.map((c) => c.stateCode)]),
  ].sort();
  const states: StateReturn[] = codes.map((stateCode) => {
    const own = counted.filter((a) => a.stateCode === stateCode);
    const byPathway = zeros();
    const programmes = new Map<string, ProgrammeLine>();
    for (const a of own) {
      add(byPathway, a.pathway, a.persons);
      const key = `${a.pathway}|${a.programmeCode ?? ''}`;
      const line = programmes.get(key) ?? { code: a.programmeCode, kind: a.programmeKind, pathway: a.pathway, persons: 0 };
      line.persons += a.persons;
      programmes.set(key, line);
    }
    const support = input.support.filter((s) => s.stateCode === stateCode);
    const family: FamilySupport = { requests: 0, familyMembers: 0, byOutcome: {} };
    for (const s of support) {
      family.requests += s.requests;
      family.familyMembers += s.familyMembers;
      for (const [o, n] of Object.entries(s.byOutcome)) add(family.byOutcome, o, n);
    }
    const candidates: Record<string, number> = { education: 0, labour: 0 };
    for (const c of input.candidates.filter((x) => x.stateCode === stateCode)) add(candidates, c.pathway, c.admitted);
    const order = (l: ProgrammeLine) => RETURN_PATHWAYS.indexOf(l.pathway as never);
    return {
      stateCode,
      byPathway,
      total: own.reduce((n, a) => n + a.persons, 0),
      programmes: [...programmes.values()].sort(
        (a, b) => order(a) - order(b) || (a.code === null ? 1 : b.code === null ? -1 : a.code.localeCompare(b.code)),
      ),
      familyReunification: family,
      candidatesAdmitted: candidates,
    };
  });
  const totals: AdmissionReturns['totals'] = {
    byPathway: zeros(),
    total: 0,
    familyReunification: { requests: 0, familyMembers: 0, byOutcome: {} },
    candidatesAdmitted: { education: 0, labour: 0 },
  };
  for (const s of states) {
    for (const [p, n] of Object.entries(s.byPathway)) add(totals.byPathway, p, n);
    totals.total += s.total;
    totals.familyReunification.requests += s.familyReunification.requests;
    totals.familyReunification.familyMembers += s.familyReunification.familyMembers;
    for (const [o, n] of Object.entries(s.familyReunification.byOutcome)) add(totals.familyReunification.byOutcome, o, n);
    for (const [p, n] of Object.entries(s.candidatesAdmitted)) add(totals.candidatesAdmitted, p, n);
  }
  return { from: input.from, to: input.to, round: input.round ?? null, pathways: [...RETURN_PATHWAYS], states, totals };
}
