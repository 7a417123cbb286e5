import type { Principal } from '../access/principal.ts';
import { databaseFailure } from '../db/database-error.ts';
import type { Executor } from '../db/db.ts';
import { IDEMPOTENCY_HOURS } from './housekeeping.ts';
import {
  claimIdempotencyKey,
  claimIdempotencyKeyUnread,
  findIdempotencyKey,
  KEY_HELD,
  keepIdempotentAnswer,
  releaseIdempotencyKey,
} from './idempotency.repository.ts';

/**
 * The keys of the API's Idempotency-Key header (src/api/idempotency.ts), kept per principal: the
 * table is this feature's, beside the sessions, and purged with them (housekeeping.ts).
 */
export type IdempotencyClaim =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; body: unknown; headers: Record<string, string> }
  | { kind: 'running' }
  | { kind: 'other-request' };

/**
 * Claims a key for a request (a key older than IDEMPOTENCY_HOURS is free again), or says what holds
 * it. `inChange`: in the transaction of the change itself, whose commit then also commits the claim
 * (the answer must be kept in it too: keepIdempotentResponse with `inChange`).
 */
export async function claimIdempotency(
  db: Executor,
  p: Principal,
  key: string,
  requestHash: string,
  opts: { inChange?: boolean } = {},
): Promise<IdempotencyClaim> {
  if (await claimIdempotencyKey(db, p.id, key, requestHash, IDEMPOTENCY_HOURS, opts)) return { kind: 'claimed' };
  const row = await findIdempotencyKey(db, p.id, key);
  // Released by a failing first request between our INSERT and SELECT: it is still settling.
  if (!row) return { kind: 'running' };
  if (row.requestHash !== requestHash) return { kind: 'other-request' };
  if (row.status === null) return { kind: 'running' };
  return { kind: 'replay', status: row.status, body: row.response, headers: row.headers ?? {} };
}

/**
 * Claims a key in the transaction of the change itself without waiting for the answer (issue 17): the
 * change's statements follow it. Where the key is held, the transaction fails at its next statement
 * with an error `isIdempotencyKeyHeld` recognises; `claimIdempotency` in a transaction of its own then
 * says what holds it.
 */
export async function claimIdempotencyInChange(db: Executor, p: Principal, key: string, requestHash: string): Promise<void> {
  await claimIdempotencyKeyUnread(db, p.id, key, requestHash, IDEMPOTENCY_HOURS);
}

/** Whether a transaction failed because its claim (`claimIdempotencyInChange`) found the key held. */
export function isIdempotencyKeyHeld(e: unknown): boolean {
  const failure = databaseFailure(e);
  return failure?.code === 'P0004' && failure.message === KEY_HELD;
}

/** Releases a claim whose request failed (nothing was changed): the same key may be sent again. */
export async function releaseIdempotency(db: Executor, p: Principal, key: string): Promise<void> {
  await releaseIdempotencyKey(db, p.id, key);
}

/** Keeps the first answer of a key, for its replays. */
export async function keepIdempotentResponse(
  db: Executor,
  p: Principal,
  key: string,
  answer: { status: number; body: string; headers: Record<string, string> },
  opts: { inChange?: boolean } = {},
): Promise<void> {
  await keepIdempotentAnswer(db, p.id, key, answer, opts);
}
