import { z } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Principal } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import type { Database, Tx } from '../db/db.ts';
import {
  claimIdempotency,
  claimIdempotencyInChange,
  isIdempotencyKeyHeld,
  keepIdempotentResponse,
  releaseIdempotency,
  type IdempotencyClaim,
} from '../identity/idempotency.service.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';

/**
 * `Idempotency-Key` (draft-ietf-httpapi-idempotency-key-header) on every POST that changes data:
 * a client that did not hear the answer sends the same request with the same key again, and gets
 * the first answer instead of a second change.
 *
 * - The key is claimed first, in its own committed transaction (INSERT … ON CONFLICT DO NOTHING on
 *   the principal and key), so a duplicate arriving while the first runs sees the claim: 409.
 * - When the first succeeds (2xx), its status, body and headers are kept; the same key with the
 *   same request (method, path, query, body) replays them; with another request: 422.
 * - When it fails, nothing was changed (every change runs in one transaction that the failure rolls
 *   back), so the claim is released and the same key may be sent again.
 * - A key is the caller's: another principal's identical key is another key. Keys are kept 24 hours.
 * - Without the header the request is refused (400): the operations that need it say so.
 *
 * A claim left by a process that died between its commit and keeping the answer stays "running"
 * (409) until it expires: a retry must not run a change twice.
 *
 * A route whose change is one transaction (a case's move) claims the key in that transaction instead
 * (`idempotency(database, { inChange: true })` and inIdempotentScope): claim, change and kept answer
 * commit together or not at all, so there is no "running" state to see and nothing to release; a
 * duplicate arriving while the first runs waits for it and gets its answer.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
const KEY = /^[\x21-\x7e]{1,255}$/;
/** Headers of the first answer that a replay repeats. */
const KEPT_HEADERS = ['content-type', 'etag', 'location'];

/** The header as the OpenAPI document states it (a parameter of every POST that uses it). */
export const idempotencyHeader = z
  .string()
  .regex(KEY, { message: 'idempotencyKey' })
  .openapi({
    param: { name: 'Idempotency-Key', in: 'header', required: true },
    description:
      'A unique value per change (a UUID), sent again unchanged when retrying it: the same key with the same request replays the first answer (header `Idempotent-Replayed: true`); with another request: 422; while the first is still running: 409, or, where the change is one transaction (a move of a case), the first answer once it is given. Kept 24 hours.',
    example: '0b7cdbb7-8c5b-4d2e-9a43-2f0c5f4dd0a1',
  });

async function claim(database: Database, p: Principal, key: string, requestHash: string): Promise<IdempotencyClaim> {
  // A key older than IDEMPOTENCY_HOURS is free again (taken over here); the housekeeping job removes the rest.
  return inScope(database.db, p, (tx) => claimIdempotency(tx, p, key, requestHash));
}

/** The answer a claim that this request does not hold gives instead: the first answer, 409 or 422. */
function notClaimed(claimed: Exclude<IdempotencyClaim, { kind: 'claimed' }>): Response {
  if (claimed.kind === 'other-request') throw appError(ErrorCode.Unprocessable, 'idempotencyKeyReused');
  if (claimed.kind === 'running') throw appError(ErrorCode.Conflict, 'idempotencyInProgress');
  const headers = { ...claimed.headers, 'idempotent-replayed': 'true' };
  return new Response(typeof claimed.body === 'string' && claimed.body !== '' ? claimed.body : null, {
    status: claimed.status,
    headers,
  });
}

/** The key and request of a POST whose route claims its key in its own transaction (`inChange`), until it does. */
interface PendingKey {
  key: string;
  requestHash: string;
  used: boolean;
}
const pending = new WeakMap<Request, PendingKey>();

/** A kept answer: the status, the body as sent (JSON text) and the headers a replay repeats. */
export interface IdempotentAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** Rolls back the transaction of a request whose key another request holds (or held). */
class NotClaimed extends Error {
  constructor(readonly claimed: Exclude<IdempotencyClaim, { kind: 'claimed' }>) {
    super('idempotency key not claimed');
  }
}

/**
 * The transaction of a route that takes its Idempotency-Key with `inChange` (issue 17): the key is
 * claimed in the same transaction as the change, first, and the answer kept in it last, so that a
 * move costs one commit instead of three and can never be left "running". A duplicate sent while the
 * first runs waits for its commit (the unique key's insert waits for the first's transaction) and
 * then gets the first answer; when the first fails, its claim rolls back with it and the duplicate
 * runs as if it were first. `work` returns the answer; what is kept is what is sent, byte for byte.
 */
export async function inIdempotentScope(
  c: Context,
  database: Database,
  p: Principal,
  work: (tx: Tx) => Promise<IdempotentAnswer>,
): Promise<Response> {
  const key = pending.get(c.req.raw);
  if (!key) throw new Error('inIdempotentScope: the route has no idempotency({ inChange: true }) middleware');
  key.used = true;
  // The claim is sent without waiting for its answer and the change follows it; where another request
  // holds the key, the transaction fails (isIdempotencyKeyHeld) and a transaction of its own says what
  // holds it: the first answer, 409 or 422. A key freed in between (the holder's claim expired, or it
  // was purged) is tried again.
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await inScope(database.db, p, async (tx) => {
        await claimIdempotencyInChange(tx, p, key.key, key.requestHash);
        const answer = await work(tx);
        await keepIdempotentResponse(tx, p, key.key, answer, { inChange: true });
        return answer;
      });
      return c.body(answer.body, answer.status as ContentfulStatusCode, answer.headers);
    } catch (e) {
      if (!isIdempotencyKeyHeld(e)) throw e;
      try {
        await inScope(database.db, p, async (tx) => {
          const claimed = await claimIdempotency(tx, p, key.key, key.requestHash, { inChange: true });
          // Free again: this claim rolls back, and the change runs from the start.
          throw claimed.kind === 'claimed' ? new FreeAgain() : new NotClaimed(claimed);
        });
      } catch (held) {
        if (held instanceof NotClaimed) return notClaimed(held.claimed);
        if (!(held instanceof FreeAgain) || attempt >= 3) throw held;
      }
    }
  }
}

/** Rolls back the look at a key that turned out free again (inIdempotentScope tries the change again). */
class FreeAgain extends Error {
  constructor() {
    super('idempotency key free again');
  }
}

/**
 * The route middleware of a POST that takes Idempotency-Key; runs after authentication. With
 * `inChange`, the route claims the key in its own transaction (inIdempotentScope); without, the key
 * is claimed here in a transaction of its own, and the answer kept in another.
 */
export function idempotency(
  database: Database,
  opts: { inChange?: boolean } = {},
): MiddlewareHandler<{ Variables: { principal: Principal } }> {
  return async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_HEADER);
    if (key === undefined) throw appError(ErrorCode.BadInput, 'idempotencyKeyRequired');
    if (!KEY.test(key)) throw appError(ErrorCode.BadInput, 'requestInvalid', {}, { 'Idempotency-Key': [] });
    const p = c.get('principal');
    const url = new URL(c.req.url);
    // Read once: Hono keeps the body for the validators and the handler.
    const body = Buffer.from(await c.req.arrayBuffer());
    const requestHash = createHash('sha256')
      .update(`${c.req.method}\n${url.pathname}${url.search}\n${c.req.header('content-type') ?? ''}\n`)
      .update(body)
      .digest('hex');

    if (opts.inChange) {
      const mine: PendingKey = { key, requestHash, used: false };
      pending.set(c.req.raw, mine);
      await next();
      // A route that answered 2xx without claiming its key would run again on every retry.
      if (c.res.status >= 200 && c.res.status < 300 && !c.error && !mine.used)
        throw new Error(`${c.req.method} ${url.pathname} answered without claiming its Idempotency-Key`);
      return;
    }

    const claimed = await claim(database, p, key, requestHash);
    if (claimed.kind !== 'claimed') return notClaimed(claimed);
    // Once the change is made, the claim is never released: a retry must replay, not run it again.
    let changed = false;
    try {
      await next();
      changed = c.res.status >= 200 && c.res.status < 300 && !c.error;
    } finally {
      if (!changed) {
        await inScope(database.db, p, (tx) => releaseIdempotency(tx, p, key));
      }
    }
    if (!changed) return;
    const text = await c.res.clone().text();
    const headers = Object.fromEntries(KEPT_HEADERS.flatMap((h) => (c.res.headers.get(h) ? [[h, c.res.headers.get(h)!]] : [])));
    // The body is kept as a JSON string, so that a replay is the first answer byte for byte.
    await inScope(database.db, p, (tx) => keepIdempotentResponse(tx, p, key, { status: c.res.status, body: text, headers }));
  };
}
