import { sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { IncentiveEvidence } from './incentive.ts';

/** The SQL of the incentives: set-based reads, chunked writes. */

/** What `refreshIncentives` reads of each arrived person: the evidence's inputs and the incentive as it stands. */
export interface EvidenceRow {
  id: number;
  stateCode: string;
  roundId: string;
  arrivedOn: string;
  pathway: string;
  countryOfDeparture: string;
  needs: { type: string }[];
  vulnerableGroups: string[];
  priority: string;
  primaryCategory: string | null;
  secondaryCategory: string | null;
  rateId: string | null;
  amount: number | null;
  evidence: IncentiveEvidence | null;
  revision: number | null;
  oldRound: string | null;
  oldArrived: string | null;
}

export type PersonFilter =
  | { personIds: number[] }
  | { caseIds: number[] }
  | { stateCode: string }
  | { importId: number }
  | Record<string, never>;

function filterSql(f: PersonFilter): SQL {
  if ('personIds' in f) return sql`AND p.id = ANY(${sql.param(f.personIds)}::bigint[])`;
  if ('caseIds' in f) return sql`AND p.case_id = ANY(${sql.param(f.caseIds)}::bigint[])`;
  if ('stateCode' in f) return sql`AND p.state_code = ${f.stateCode}`;
  // An import marks the persons and the cases it changed.
  if ('importId' in f) return sql`AND (p.import_id = ${f.importId} OR c.import_id = ${f.importId})`;
  return sql``;
}

/**
 * Arrived persons who count (not excluded) in the given rounds, with their case's evidence and their
 * incentive, handed to `onPage` `pageSize` at a time from one cursor (a single pass of one query,
 * whatever its plan; a page's writes, on the cursor's transaction `tx`, are done before the next page
 * is read), so that a refresh of a
 * million arrivals never holds them all in memory. (Pages by keyset — `p.id > last … LIMIT n` — were
 * tried: planned on the statistics of a table just filled in the same transaction, each page scanned
 * every person again, 532 s for an import of a million.) The incentives are read by key in a second
 * statement per page and matched here: a join would be planned on the statistics of an empty table
 * right after a first computation (the embedded database has no autovacuum), a nested loop over
 * every pair.
 */
export async function forEachEvidencePage(
  db: Executor,
  roundIds: string[],
  f: PersonFilter,
  pageSize: number,
  onPage: (page: EvidenceRow[], tx: Executor) => Promise<void>,
): Promise<void> {
  // A savepoint within the caller's transaction (a transaction of its own when given the handle): a
  // cursor lives in a transaction, and an error closes it with the savepoint.
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`DECLARE incentive_evidence NO SCROLL CURSOR FOR
          SELECT p.id::int AS id, p.state_code AS "stateCode", p.round_id AS "roundId", p.arrived_on AS "arrivedOn", p.pathway,
                 p.country_of_departure AS "countryOfDeparture", p.needs, p.vulnerable_groups AS "vulnerableGroups",
                 c.priority, c.primary_category AS "primaryCategory", c.secondary_category AS "secondaryCategory"
            FROM persons p
            JOIN cases c ON c.id = p.case_id
           WHERE p.arrived_on IS NOT NULL AND p.excluded_reason IS NULL AND p.round_id = ANY(${sql.param(roundIds)}::text[]) ${filterSql(f)}`,
    );
    const next = sql.raw(`FETCH FORWARD ${Math.max(1, Math.floor(pageSize))} FROM incentive_evidence`);
    for (;;) {
      const found = await rows<EvidenceRow>(tx, next);
      if (found.length === 0) break;
      const current = await rows<{
        id: number;
        rateId: string | null;
        amount: number;
        evidence: IncentiveEvidence;
        revision: number;
        oldRound: string;
        oldArrived: string;
      }>(
        tx,
        sql`SELECT person_id::int AS id, rate_id AS "rateId", amount, evidence, revision, round_id AS "oldRound", arrived_on AS "oldArrived"
              FROM person_incentives WHERE person_id = ANY(${sql.param(found.map((p) => p.id))}::bigint[])`,
      );
      const byId = new Map(current.map((c) => [c.id, c]));
      for (const p of found) {
        const c = byId.get(p.id);
        Object.assign(
          p,
          c ? { ...c, id: p.id } : { rateId: null, amount: null, evidence: null, revision: null, oldRound: null, oldArrived: null },
        );
      }
      await onPage(found, tx);
    }
    await tx.execute(sql`CLOSE incentive_evidence`);
  });
}

export interface IncentiveWrite {
  personId: number;
  stateCode: string;
  roundId: string;
  arrivedOn: string;
  rateId: string | null;
  amount: number;
  evidence: IncentiveEvidence;
  revision: number;
  before: { rateId: string | null; amount: number | null; evidence: IncentiveEvidence | null };
  reason: string;
}

/**
 * Writes the incentives that changed and their history lines, in chunks: one statement per chunk
 * for both tables (issue 17: the columns cross once and each evidence is read as JSON once, where two
 * statements sent and parsed them twice). Evidence shared by many persons (the same rate decided for
 * the same facts) is written out once.
 */
export async function writeIncentives(db: Executor, changes: IncentiveWrite[], actor: string, chunk = 10_000): Promise<void> {
  const json = new WeakMap<object, string>();
  const text = (e: IncentiveEvidence | null): string | null => {
    if (e === null) return null;
    let t = json.get(e);
    if (t === undefined) {
      t = JSON.stringify(e);
      json.set(e, t);
    }
    return t;
  };
  for (let i = 0; i < changes.length; i += chunk) {
    const part = changes.slice(i, i + chunk);
    const col = <T>(f: (c: IncentiveWrite) => T) => sql.param(part.map(f));
    await db.execute(sql`
      WITH u AS MATERIALIZED (
        SELECT u.id, u.s, u.r, u.d, u.rate, u.amount, u.ev::jsonb AS ev, u.rev, u.rb, u.ab, u.eb::jsonb AS eb, u.why
          FROM unnest(${col((c) => c.personId)}::bigint[], ${col((c) => c.stateCode)}::text[], ${col((c) => c.roundId)}::text[],
                      ${col((c) => c.arrivedOn)}::date[], ${col((c) => c.rateId)}::text[], ${col((c) => c.amount)}::int[],
                      ${col((c) => text(c.evidence))}::text[], ${col((c) => c.revision)}::int[], ${col((c) => c.before.rateId)}::text[],
                      ${col((c) => c.before.amount)}::int[], ${col((c) => text(c.before.evidence))}::text[], ${col((c) => c.reason)}::text[])
               AS u(id, s, r, d, rate, amount, ev, rev, rb, ab, eb, why)),
      kept AS (
        INSERT INTO person_incentives (person_id, state_code, round_id, arrived_on, rate_id, amount, evidence, revision, computed_at)
        SELECT id, s, r, d, rate, amount, ev, rev, now() FROM u
        ON CONFLICT (person_id) DO UPDATE
           SET state_code = excluded.state_code, round_id = excluded.round_id, arrived_on = excluded.arrived_on, rate_id = excluded.rate_id,
               amount = excluded.amount, evidence = excluded.evidence, revision = excluded.revision, computed_at = excluded.computed_at)
      INSERT INTO incentive_changes (person_id, state_code, round_id, revision, rate_before, amount_before, rate_after, amount_after,
                                     evidence_before, evidence_after, reason, actor)
      SELECT id, s, r, rev, rb, ab, rate, amount, eb, ev, why, ${actor} FROM u`);
  }
}

/** One person's incentive as the report lists it. */
export interface IncentiveRow {
  stateCode: string;
  caseRef: string;
  personRef: string;
  arrivedOn: string;
  rateId: string | null;
  amount: number;
  evidence: IncentiveEvidence;
}

export function incentiveRows(db: Executor, roundId: string, stateCode: string | null): Promise<IncentiveRow[]> {
  return rows<IncentiveRow>(
    db,
    sql`SELECT i.state_code AS "stateCode", c.case_ref AS "caseRef", p.person_ref AS "personRef", i.arrived_on AS "arrivedOn",
               i.rate_id AS "rateId", i.amount, i.evidence
          FROM person_incentives i JOIN persons p ON p.id = i.person_id JOIN cases c ON c.id = p.case_id
         WHERE i.round_id = ${roundId} ${stateCode ? sql`AND i.state_code = ${stateCode}` : sql``}
         ORDER BY i.state_code, c.case_ref, p.person_ref`,
  );
}

export interface RateTotal {
  stateCode: string;
  rateId: string | null;
  persons: number;
  amount: number;
}

/** Per state and rate, through the owner-run `statistics_incentives` (migration 0009): counts and sums, in the caller's scope. */
export function incentiveTotals(db: Executor, roundId: string): Promise<RateTotal[]> {
  return rows<RateTotal>(
    db,
    sql`SELECT state_code AS "stateCode", rate_id AS "rateId", persons, amount::float8 AS amount
          FROM statistics_incentives(${roundId}) ORDER BY state_code, rate_id NULLS LAST`,
  );
}

/** The sum committed in a round across every state, for any signed-in scope. */
export async function committedAllStates(db: Executor, roundId: string): Promise<{ persons: number; amount: number }> {
  // The owner-run function (migration 0009) sums every state's incentives of the round: one figure, no person.
  const [r] = await rows<{ persons: number; amount: number }>(
    db,
    sql`SELECT coalesce(sum(persons), 0)::int AS persons, coalesce(sum(amount), 0)::float8 AS amount FROM statistics_incentives_committed(${roundId})`,
  );
  return { persons: r?.persons ?? 0, amount: r?.amount ?? 0 };
}

export interface ChangeRow {
  personRef: string;
  revision: number;
  rateBefore: string | null;
  amountBefore: number | null;
  rateAfter: string | null;
  amountAfter: number;
  evidenceBefore: IncentiveEvidence | null;
  evidenceAfter: IncentiveEvidence;
  reason: string;
  actor: string;
  at: string;
}

export interface MemberIncentiveRow {
  personId: number;
  personRef: string;
  vulnerableGroups: string[];
  roundId: string | null;
  arrivedOn: string | null;
  rateId: string | null;
  amount: number | null;
  evidence: IncentiveEvidence | null;
  revision: number | null;
}

/** The members of a case with their incentive (where one) and the history of each. */
export async function caseIncentiveRows(db: Executor, caseId: number): Promise<{ members: MemberIncentiveRow[]; changes: ChangeRow[] }> {
  const members = await rows<MemberIncentiveRow>(
    db,
    sql`SELECT p.id::int AS "personId", p.person_ref AS "personRef", p.vulnerable_groups AS "vulnerableGroups", i.round_id AS "roundId",
               i.arrived_on AS "arrivedOn", i.rate_id AS "rateId", i.amount, i.evidence, i.revision
          FROM persons p LEFT JOIN person_incentives i ON i.person_id = p.id
         WHERE p.case_id = ${caseId} ORDER BY p.person_ref`,
  );
  const changes = await rows<ChangeRow>(
    db,
    sql`SELECT p.person_ref AS "personRef", h.revision, h.rate_before AS "rateBefore", h.amount_before AS "amountBefore", h.rate_after AS "rateAfter",
               h.amount_after AS "amountAfter", h.evidence_before AS "evidenceBefore", h.evidence_after AS "evidenceAfter", h.reason, h.actor, h.at
          FROM incentive_changes h JOIN persons p ON p.id = h.person_id
         WHERE p.case_id = ${caseId} ORDER BY p.person_ref, h.id`,
  );
  return { members, changes };
}

export interface ClaimRow {
  id: number;
  stateCode: string;
  roundId: string;
  from: string;
  to: string;
  persons: number;
  amount: number;
  currency: string;
  byRate: Record<string, { persons: number; amount: number }>;
  status: string;
  madeBy: string;
  madeAt: string;
}

const CLAIM = sql`id::int AS id, state_code AS "stateCode", round_id AS "roundId", period_start AS "from", period_end AS "to", persons,
  amount::float8 AS amount, currency, by_rate AS "byRate", status, made_by AS "madeBy", made_at AS "madeAt"`;

export function claimRows(db: Executor, roundId: string, stateCode: string): Promise<ClaimRow[]> {
  return rows<ClaimRow>(
    db,
    sql`SELECT ${CLAIM} FROM incentive_claims WHERE round_id = ${roundId} AND state_code = ${stateCode} ORDER BY period_start, id`,
  );
}

/** The claims of a state in a round whose period overlaps [from, to], after taking the lock of that state's claims. */
export async function overlappingClaims(db: Executor, roundId: string, stateCode: string, from: string, to: string): Promise<ClaimRow[]> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`incentive-claims:${roundId}:${stateCode}`}, 0))`);
  return rows<ClaimRow>(
    db,
    sql`SELECT ${CLAIM} FROM incentive_claims
         WHERE round_id = ${roundId} AND state_code = ${stateCode} AND period_start <= ${to}::date AND period_end >= ${from}::date ORDER BY period_start`,
  );
}

/** Per rate, the persons of a state arrived in [from, to] and their incentives (persons without a rate are not claimed). */
export function claimSums(
  db: Executor,
  roundId: string,
  stateCode: string,
  from: string,
  to: string,
): Promise<{ rateId: string; persons: number; amount: number }[]> {
  return rows(
    db,
    sql`SELECT rate_id AS "rateId", count(*)::int AS persons, sum(amount)::float8 AS amount FROM person_incentives
         WHERE round_id = ${roundId} AND state_code = ${stateCode} AND arrived_on BETWEEN ${from}::date AND ${to}::date AND rate_id IS NOT NULL
         GROUP BY rate_id ORDER BY rate_id`,
  );
}

export async function insertClaim(db: Executor, c: Omit<ClaimRow, 'id' | 'madeAt' | 'status' | 'currency'>): Promise<ClaimRow> {
  const [row] = await rows<ClaimRow>(
    db,
    sql`INSERT INTO incentive_claims (state_code, round_id, period_start, period_end, persons, amount, by_rate, made_by)
        VALUES (${c.stateCode}, ${c.roundId}, ${c.from}::date, ${c.to}::date, ${c.persons}, ${c.amount}, ${JSON.stringify(c.byRate)}::jsonb, ${c.madeBy})
        RETURNING ${CLAIM}`,
  );
  return row!;
}
