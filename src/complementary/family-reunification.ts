import { summarise, type DurationSummary } from '../evaluation/processing-times.ts';

/**
 * Family reunification support (P 12, R 31; Directive 2003/86/EC): requests for information or for
 * help with the visa procedure, their outcome and the time each took. Pure.
 */
export const REQUEST_KINDS = ['information', 'visa_assistance'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const OUTCOMES = ['informed', 'visa_issued', 'visa_refused', 'referred', 'withdrawn'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The outcomes that fit each kind of request: information is given; a visa is issued or refused. Either may be referred on or withdrawn. */
const FITS: Record<RequestKind, readonly Outcome[]> = {
  information: ['informed', 'referred', 'withdrawn'],
  visa_assistance: ['visa_issued', 'visa_refused', 'referred', 'withdrawn'],
};
export const outcomesFor = (kind: RequestKind): readonly Outcome[] => FITS[kind];

const DAY = 86_400_000;
/** Calendar days from receipt to closure (0 when closed the day it came). */
export const daysTaken = (receivedOn: string, closedOn: string): number =>
  Math.round((Date.parse(`${closedOn}T00:00:00Z`) - Date.parse(`${receivedOn}T00:00:00Z`)) / DAY);

export type CloseProblem = 'alreadyClosed' | 'outcomeUnfit' | 'closedBeforeReceived' | 'closedInFuture';

/** Why a request cannot be closed so, or null. */
export function closeProblem(
  r: { kind: RequestKind; receivedOn: string; outcome: string },
  close: { outcome: Outcome; on: string },
  today: string,
): CloseProblem | null {
  if (r.outcome !== 'open') return 'alreadyClosed';
  if (!FITS[r.kind].includes(close.outcome)) return 'outcomeUnfit';
  if (close.on < r.receivedOn) return 'closedBeforeReceived';
  if (close.on > today) return 'closedInFuture';
  return null;
}

export interface RequestFacts {
  stateCode: string;
  kind: RequestKind;
  familyMembers: number;
  receivedOn: string;
  closedOn: string | null;
  outcome: string;
}

export interface FamilyReunificationLine {
  stateCode: string;
  requests: number;
  familyMembers: number;
  open: number;
  byKind: Record<string, number>;
  byOutcome: Record<string, number>;
  /** Days from receipt to closure of the closed requests: median and 90th percentile (nearest rank). */
  days: DurationSummary;
}

/** Per state: requests, family members concerned, open, by kind and outcome, and the days the closed ones took. */
export function familyReunificationReport(requests: Iterable<RequestFacts>): FamilyReunificationLine[] {
  const by = new Map<string, { line: Omit<FamilyReunificationLine, 'days'>; days: number[] }>();
  for (const r of requests) {
    let acc = by.get(r.stateCode);
    if (!acc) {
      acc = { line: { stateCode: r.stateCode, requests: 0, familyMembers: 0, open: 0, byKind: {}, byOutcome: {} }, days: [] };
      by.set(r.stateCode, acc);
    }
    const l = acc.line;
    l.requests += 1;
    l.familyMembers += r.familyMembers;
    l.byKind[r.kind] = (l.byKind[r.kind] ?? 0) + 1;
    l.byOutcome[r.outcome] = (l.byOutcome[r.outcome] ?? 0) + 1;
    if (r.closedOn === null) l.open += 1;
    else acc.days.push(daysTaken(r.receivedOn, r.closedOn));
  }
  return [...by.values()]
    .sort((a, b) => a.line.stateCode.localeCompare(b.line.stateCode))
    .map((a) => ({ ...a.line, days: summarise(a.days) }));
}
