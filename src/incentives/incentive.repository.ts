import { sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { IncentiveEvidence } from './incentive.ts';

/** The SQL of the incentives: set-based reads, chunked writes. */

/**
 * The inputs of an arrived person's evidence (src/incentives/incentive.ts `evidenceOf`), in the order
 * of `EvidenceKey`: round, pathway, country of departure, the types of the needs (a need's note
 * decides nothing), the groups recorded, and the case's priority and categories.
 */
const EVIDENCE_INPUTS = sql`p.round_id, p.pathway, p.country_of_departure, jsonb_path_query_array(p.needs, '$[*].type'),
  p.vulnerable_groups, c.priority, c.primary_category, c.secondary_category`;

/**
 * Eight inputs as one text: each a quoted literal or NULL (`format`'s %L, over each type's canonical
 * output), so equal inputs give equal text and different inputs different text. A rate is decided
 * once per distinct text and joined back to the persons by it in SQL. (Issue 17: a fifth of the cost of
 * the JSON array it replaces, whose text was built per person twice.)
 */
const keyOf = (inputs: SQL) => sql`format('%L|%L|%L|%L|%L|%L|%L|%L', ${inputs})`;
const EVIDENCE_KEY = keyOf(EVIDENCE_INPUTS);

/** `EVIDENCE_INPUTS`, read. */
export type EvidenceKey = [
  roundId: string,
  pathway: string,
  countryOfDeparture: string,
  needTypes: string[],
  vulnerableGroups: string[],
  priority: string,
  primaryCategory: string | null,
  secondaryCategory: string | null,
];

/** What was decided for one `EvidenceKey`: the rate and the evidence to keep. */
export interface EvidenceDecision {
  key: string;
  rateId: string | null;
  amount: number;
  evidence: IncentiveEvidence;
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

/** Per state whose incentives a refresh changed: how many, in which rounds. */
export interface ChangedIn {
  stateCode: string;
  changed: number;
  rounds: string[];
}

/**
 * Issue 17: the incentives of the arrived, not excluded persons of `f` in `roundIds`, set-based.
 * The distinct evidence inputs are read (`EVIDENCE_INPUTS`; a page of `pageSize` at a time from one
 * cursor where the filter is not a list of ids), `decide` gives each its rate, and one statement per
 * range of `pageSize` person ids joins the persons to the decisions, compares with the incentive
 * as it stands and writes the new or changed ones (`person_incentives`) with their line of history
 * (`incentive_changes`; reason `arrival` for a first computation, else `reason`). No person crosses to
 * the process: a million arrivals of one round are a handful of distinct inputs. The decisions of
 * more than one page wait in a temporary table. `onChanged` sees each statement's changes per state
 * before the next runs (a throw there undoes the refresh).
 */
export async function refreshIncentiveRows(
  db: Executor,
  o: {
    roundIds: string[];
    filter: PersonFilter;
    pageSize: number;
    reason: string;
    actor: string;
    decide: (keys: EvidenceKey[]) => Omit<EvidenceDecision, 'key'>[];
    onChanged: (changed: ChangedIn[]) => void;
  },
): Promise<{ computed: number }> {
  const pageSize = Math.max(1, Math.floor(o.pageSize));
  const arrived = sql`p.arrived_on IS NOT NULL AND p.excluded_reason IS NULL AND p.round_id = ANY(${sql.param(o.roundIds)}::text[]) ${filterSql(o.filter)}`;
  // Grouped by the inputs themselves; their text (`keyOf`) made once per group.
  const distinct = sql`SELECT ${keyOf(sql`g.i1, g.i2, g.i3, g.i4, g.i5, g.i6, g.i7, g.i8`)} AS key, g.lo, g.hi,
                              json_build_array(g.i1, g.i2, g.i3, g.i4, g.i5, g.i6, g.i7, g.i8)::text AS inputs
                         FROM (SELECT ${EVIDENCE_INPUTS}, min(p.id)::float8 AS lo, max(p.id)::float8 AS hi
                                 FROM persons p JOIN cases c ON c.id = p.case_id WHERE ${arrived} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8)
                              AS g(i1, i2, i3, i4, i5, i6, i7, i8, lo, hi)`;
  type KeyRow = { key: string; lo: number; hi: number; inputs: string };
  const decided = (page: KeyRow[]): EvidenceDecision[] => {
    const d = o.decide(page.map((k) => JSON.parse(k.inputs) as EvidenceKey));
    return page.map((k, i) => ({ key: k.key, ...d[i]! }));
  };
  const unnested = (d: EvidenceDecision[]) =>
    sql`(SELECT m.key, m.rate, m.amount, m.ev::jsonb AS ev
           FROM unnest(${sql.param(d.map((x) => x.key))}::text[], ${sql.param(d.map((x) => x.rateId))}::text[],
                       ${sql.param(d.map((x) => x.amount))}::int[], ${sql.param(d.map((x) => JSON.stringify(x.evidence)))}::text[])
                AS m(key, rate, amount, ev))`;
  const write = async (tx: Executor, mapping: SQL, range: SQL): Promise<number> => {
    const found = await rows<{ stateCode: string | null; n: number; rounds: string[] | null }>(
      tx,
      sql`WITH src AS MATERIALIZED (
            SELECT p.id, p.s, p.r, p.d, m.rate, m.amount, m.ev,
                   i.person_id IS NULL AS fresh, i.rate_id AS rb, i.amount AS ab, i.evidence AS eb, coalesce(i.revision, 0) + 1 AS rev,
                   (i.person_id IS NULL OR i.rate_id IS DISTINCT FROM m.rate OR i.amount <> m.amount OR i.round_id <> p.r
                    OR i.arrived_on <> p.d OR i.evidence <> m.ev) AS changed
              -- The key computed once per person (OFFSET 0 keeps the subquery apart), not once per pair.
              FROM (SELECT p.id, p.state_code AS s, p.round_id AS r, p.arrived_on AS d, ${EVIDENCE_KEY} AS key
                      FROM persons p JOIN cases c ON c.id = p.case_id
                     WHERE ${arrived} ${range} OFFSET 0) p
              JOIN ${mapping} m ON m.key = p.key
              LEFT JOIN person_incentives i ON i.person_id = p.id),
          ch AS MATERIALIZED (SELECT * FROM src WHERE changed),
          kept AS (
            INSERT INTO person_incentives (person_id, state_code, round_id, arrived_on, rate_id, amount, evidence, revision, computed_at)
            SELECT id, s, r, d, rate, amount, ev, rev, now() FROM ch
            ON CONFLICT (person_id) DO UPDATE
               SET state_code = excluded.state_code, round_id = excluded.round_id, arrived_on = excluded.arrived_on, rate_id = excluded.rate_id,
                   amount = excluded.amount, evidence = excluded.evidence, revision = excluded.revision, computed_at = excluded.computed_at),
          lines AS (
            INSERT INTO incentive_changes (person_id, state_code, round_id, revision, rate_before, amount_before, rate_after, amount_after,
                                           evidence_before, evidence_after, reason, actor)
            SELECT id, s, r, rev, rb, ab, rate, amount, eb, ev, CASE WHEN fresh THEN 'arrival' ELSE ${o.reason} END, ${o.actor} FROM ch)
          SELECT NULL::text AS "stateCode", count(*)::int AS n, NULL::text[] AS rounds FROM src
          UNION ALL
          SELECT s, count(*)::int, array_agg(DISTINCT r ORDER BY r) FROM ch GROUP BY s`,
    );
    o.onChanged(found.filter((f) => f.stateCode !== null).map((f) => ({ stateCode: f.stateCode!, changed: f.n, rounds: f.rounds! })));
    return found.find((f) => f.stateCode === null)?.n ?? 0;
  };
  // A list of ids: the keys of a few persons, read at once, and one statement.
  if ('personIds' in o.filter || 'caseIds' in o.filter) {
    const keys = await rows<KeyRow>(db, distinct);
    if (keys.length === 0) return { computed: 0 };
    return { computed: await write(db, unnested(decided(keys)), sql``) };
  }
  // A state, an import or every person: the keys from a cursor, a page at a time, their decisions in a
  // temporary table; then the persons a range of ids at a time. A savepoint within the caller's
  // transaction (a transaction of its own when given the handle): a cursor and the table live in it.
  return db.transaction(async (tx) => {
    await tx.execute(sql`DECLARE incentive_keys NO SCROLL CURSOR FOR ${distinct}`);
    await tx.execute(
      sql`CREATE TEMPORARY TABLE incentive_decided (key text PRIMARY KEY, rate text, amount int NOT NULL, ev jsonb NOT NULL) ON COMMIT DROP`,
    );
    const next = sql.raw(`FETCH FORWARD ${pageSize} FROM incentive_keys`);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (;;) {
      const page = await rows<KeyRow>(tx, next);
      if (page.length === 0) break;
      for (const k of page) {
        lo = Math.min(lo, k.lo);
        hi = Math.max(hi, k.hi);
      }
      await tx.execute(sql`INSERT INTO pg_temp.incentive_decided SELECT * FROM ${unnested(decided(page))} d`);
    }
    await tx.execute(sql`CLOSE incentive_keys`);
    let computed = 0;
    if (lo <= hi) {
      await tx.execute(sql`ANALYZE pg_temp.incentive_decided`);
      for (let from = lo; from <= hi; from += pageSize) {
        computed += await write(tx, sql`pg_temp.incentive_decided`, sql`AND p.id >= ${from} AND p.id < ${from + pageSize}`);
      }
    }
    await tx.execute(sql`DROP TABLE pg_temp.incentive_decided`);
    return { computed };
  });
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
