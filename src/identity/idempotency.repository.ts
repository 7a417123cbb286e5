import type { SQL } from 'drizzle-orm';
import { RESULT_UNREAD, rows, sql, type Executor } from '../db/db.ts';

/** The SQL of the idempotency keys of the API's POSTs (`idempotency_keys`, src/api/idempotency.ts), one row per principal and key. */

/**
 * The claim, its release and the kept answer each set, in their own statement, that their
 * transaction's commit does not wait for its WAL to reach the disk (issue 17): a claim or a kept answer
 * lost in a crash costs nothing. The change the claim guards commits after it, synchronously, and
 * flushing its commit flushes every earlier WAL record, the claim's included; a kept answer (or a
 * release) lost leaves the claim "running" (409 until it expires), as a process that died before
 * keeping it does. Only these transactions: the change and its audit line wait for the disk.
 */
const NO_WAIT = sql`(SELECT set_config('synchronous_commit', 'off', true)) AS no_wait`;
/**
 * NO_WAIT as the FROM of a claim or a kept answer, except one made inside the transaction of the change
 * it guards (`inChange`): that must not touch synchronous_commit, which would let the change's own
 * commit return before its WAL is on disk.
 */
const fromNoWait = (inChange: boolean | undefined) => (inChange ? sql`` : sql`FROM ${NO_WAIT}`);

/**
 * Claims a key: inserted, or taken over when older than `hours`. True when this request holds the
 * claim. `inChange`: the claim is made in the transaction of the change itself (and so is the kept
 * answer), which then commits as that change does; a duplicate's claim waits for that commit.
 */
export async function claimIdempotencyKey(
  db: Executor,
  principal: string,
  key: string,
  requestHash: string,
  hours: number,
  opts: { inChange?: boolean } = {},
): Promise<boolean> {
  const inserted = await rows<{ ok: number }>(db, claimStatement(principal, key, requestHash, hours, fromNoWait(opts.inChange)));
  return inserted.length > 0;
}

/** The claim: the key inserted, or taken over where older than `hours`; a row (`ok`) where it is this request's. */
function claimStatement(principal: string, key: string, requestHash: string, hours: number, from: SQL): SQL {
  return sql`INSERT INTO idempotency_keys (principal, key, request_hash) SELECT ${principal}, ${key}, ${requestHash} ${from}
             ON CONFLICT (principal, key) DO UPDATE
               SET request_hash = excluded.request_hash, status = NULL, response = NULL, headers = NULL, created_at = now()
               WHERE idempotency_keys.created_at < now() - make_interval(hours => ${hours})
             RETURNING 1 AS ok`;
}

/** The message of the check that fails a claim made without waiting (`claimIdempotencyKeyUnread`), SQLSTATE P0004. */
export const KEY_HELD = 'idempotency key held';

/**
 * The claim of a change's own transaction (`inChange`), sent without waiting for its answer
 * (RESULT_UNREAD: the change's first statement follows it on the wire, issue 17). Where another
 * request holds the key (or held it and committed), the statement fails, and the transaction with it
 * (`pathways_assert`, migration 0017, with the message KEY_HELD): the caller then asks
 * what holds it in a transaction of its own (`claimIdempotencyKey` and `findIdempotencyKey`).
 */
export async function claimIdempotencyKeyUnread(
  db: Executor,
  principal: string,
  key: string,
  requestHash: string,
  hours: number,
): Promise<void> {
  await db.execute(
    sql`${RESULT_UNREAD}WITH claimed AS (${claimStatement(principal, key, requestHash, hours, sql``)})
        SELECT pathways_assert((SELECT count(*) FROM claimed) = 1, ${KEY_HELD})`,
  );
}

export interface IdempotencyKeyRow {
  requestHash: string;
  status: number | null;
  response: unknown;
  headers: Record<string, string> | null;
}

export async function findIdempotencyKey(db: Executor, principal: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  const [row] = await rows<IdempotencyKeyRow>(
    db,
    sql`SELECT request_hash AS "requestHash", status, response, headers FROM idempotency_keys WHERE principal = ${principal} AND key = ${key}`,
  );
  return row;
}

/** Releases a claim whose answer was not kept (the request failed). */
export async function releaseIdempotencyKey(db: Executor, principal: string, key: string): Promise<void> {
  await db.execute(sql`DELETE FROM idempotency_keys USING ${NO_WAIT} WHERE principal = ${principal} AND key = ${key} AND status IS NULL`);
}

/** Keeps the first answer (the body as a JSON string, so that a replay is byte for byte). */
export async function keepIdempotentAnswer(
  db: Executor,
  principal: string,
  key: string,
  answer: { status: number; body: string; headers: Record<string, string> },
  opts: { inChange?: boolean } = {},
): Promise<void> {
  // Nothing reads its result (RESULT_UNREAD): it goes on the wire with the COMMIT.
  await db.execute(sql`${RESULT_UNREAD}UPDATE idempotency_keys SET status = ${answer.status}, response = ${JSON.stringify(answer.body)}::jsonb, headers = ${JSON.stringify(answer.headers)}::jsonb
                      ${fromNoWait(opts.inChange)} WHERE principal = ${principal} AND key = ${key}`);
}

/** Removes the keys older than `hours`; returns how many. */
export async function deleteIdempotencyKeysBefore(db: Executor, now: string, hours: number): Promise<number> {
  const [r] = await rows<{ n: number }>(
    db,
    sql`WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < ${now}::timestamptz - make_interval(hours => ${hours}) RETURNING 1)
        SELECT count(*)::int AS n FROM gone`,
  );
  return r!.n;
}
