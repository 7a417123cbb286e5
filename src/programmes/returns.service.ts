import { sql } from 'drizzle-orm';
import { authorize } from '../access/policy.ts';
import type { Actor } from '../audit/audit.ts';
import { rows, type Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { getRound } from '../rounds/round.service.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import { programmePolicies } from './programme.policy.ts';
import { admissionReturns, type AdmissionCount, type AdmissionReturns, type CandidateCount, type SupportCount } from './returns.ts';

/**
 * The returns of point 27 for a period (a round's, or from–to): the admissions from the owner-run
 * `statistics_admissions` (the Commission every state's counts, a state's officer its own), and
 * where the reader holds the rows (a state's officer, the operator) its family reunification
 * support and candidates admitted. Counts only: no case or person is named.
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
  authorize(programmePolicies.readAdmissionReturns, actor, { stateCode: state });
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
  const only = state ? sql`AND state_code = ${state}` : sql``;
  const admissions = await rows<AdmissionCount>(
    db,
    sql`SELECT state_code AS "stateCode", pathway, programme_code AS "programmeCode", programme_kind AS "programmeKind", persons
          FROM statistics_admissions(${from}::date, ${to}::date) WHERE true ${only}`,
  );
  // The Commission sees no row of these tables (row-level security) and no statistics function gives their counts yet.
  const holdsRows = actor.role === 'operator' || actor.role === 'state_officer';
  const support = holdsRows
    ? await rows<SupportCount>(
        db,
        sql`SELECT state_code AS "stateCode", sum(n)::int AS requests, sum(family_members)::int AS "familyMembers",
                   jsonb_object_agg(outcome, n) AS "byOutcome"
              FROM (SELECT state_code, outcome, count(*)::int AS n, sum(family_members)::int AS family_members
                      FROM family_reunification_requests WHERE received_on BETWEEN ${from}::date AND ${to}::date ${only}
                     GROUP BY state_code, outcome) o
             GROUP BY state_code`,
      )
    : null;
  const candidates = holdsRows
    ? await rows<CandidateCount>(
        db,
        sql`SELECT c.state_code AS "stateCode", g.pathway, count(DISTINCT c.id)::int AS admitted
              FROM pathway_candidate_events e JOIN pathway_candidates c ON c.id = e.candidate_id JOIN programmes g ON g.id = c.programme_id
             WHERE e.to_status = 'admitted' AND e."on" BETWEEN ${from}::date AND ${to}::date ${state ? sql`AND c.state_code = ${state}` : sql``}
             GROUP BY c.state_code, g.pathway`,
      )
    : null;
  return admissionReturns({ from, to, round: opts.round ?? null, admissions, support, candidates });
}
