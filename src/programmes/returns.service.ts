import { authorize, policies } from '../access/policy.ts';
import type { Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { getRound } from '../rounds/round.service.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import { selectAdmissionCounts, selectPathwaySupportCounts } from './returns.repository.ts';
import { admissionReturns, type AdmissionReturns, type CandidateCount, type SupportCount } from './returns.ts';

/**
 * The returns of point 27 for a period (a round's, or from–to): the admissions from the owner-run
 * `statistics_admissions` (the Commission every state's counts, a state's officer its own), with the
 * family reunification support and candidates admitted from `statistics_pathway_support`, scoped the
 * same way. Counts only: no case or person is named.
 */
export async function admissionsReport(opts: {
  db: Executor;
  actor: Actor;
  round?: string;
  from?: string;
  to?: string;
  /** One state only. */
  stateCode?: string;
}): Promise<AdmissionReturns> {
  const { db, actor } = opts;
  const state = opts.stateCode ?? null;
  authorize(policies.readAdmissionReturns, actor, { stateCode: state });
  let from: string;
  let to: string;
  if (opts.round !== undefined) {
    if (opts.from !== undefined || opts.to !== undefined) throw appError(ErrorCode.BadInput, 'returnsPeriod');
    const round = await getRound(db, opts.round);
    [from, to] = [round.start, round.end];
  } else {
    if (opts.from === undefined || opts.to === undefined) throw appError(ErrorCode.BadInput, 'returnsPeriod');
    [from, to] = [opts.from, opts.to];
    for (const d of [from, to]) if (!isValidIsoDate(d)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: d });
    if (from > to) throw appError(ErrorCode.BadInput, 'returnsPeriodOrder', { p1: from, p2: to });
  }
  const admissions = await selectAdmissionCounts(db, from, to, state);
  // Family reunification support and candidates admitted, counted by the owner-run function: the Commission every state's, a state its own.
  const supportRows = await selectPathwaySupportCounts(db, from, to, state);
  const bySupportState = new Map<string, SupportCount>();
  for (const r of supportRows.filter((x) => x.measure === 'family_reunification')) {
    const s = bySupportState.get(r.stateCode) ?? { stateCode: r.stateCode, requests: 0, familyMembers: 0, byOutcome: {} };
    s.requests += r.n;
    s.familyMembers += r.familyMembers ?? 0;
    s.byOutcome[r.category] = (s.byOutcome[r.category] ?? 0) + r.n;
    bySupportState.set(r.stateCode, s);
  }
  const support = [...bySupportState.values()];
  const candidates: CandidateCount[] = supportRows
    .filter((x) => x.measure === 'candidates_admitted')
    .map((r) => ({ stateCode: r.stateCode, pathway: r.category, admitted: r.n }));
  return admissionReturns({ from, to, round: opts.round ?? null, admissions, support, candidates });
}
