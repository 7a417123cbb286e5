import { z } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import type { Principal } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { claimIdempotency, keepIdempotentResponse, releaseIdempotency, type IdempotencyClaim } from '../identity/idempotency.service.ts';
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
      'A unique value per change (a UUID), sent again unchanged when retrying it: the same key with the same request replays the first answer (header `Idempotent-Replayed: true`); with another request: 422; while the first is still running: 409. Kept 24 hours.',
    example: '0b7cdbb7-8c5b-4d2e-9a43-2f0c5f4dd0a1',
  });

async function claim(database: Database, p: Principal, key: string, requestHash: string): Promise<IdempotencyClaim> {
  // A key older than IDEMPOTENCY_HOURS is free again (taken over here); the housekeeping job removes the rest.
  return inScope(database.db, p, (tx) => claimIdempotency(tx, p, key, requestHash));
}

/** The route middleware of a POST that takes Idempotency-Key; runs after authentication. */
export function idempotency(database: Database): MiddlewareHandler<{ Variables: { principal: Principal } }> {
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

    const claimed = await claim(database, p, key, requestHash);
    if (claimed.kind === 'other-request') throw appError(ErrorCode.Unprocessable, 'idempotencyKeyReused');
    if (claimed.kind === 'running') throw appError(ErrorCode.Conflict, 'idempotencyInProgress');
    if (claimed.kind === 'replay') {
      const headers = { ...claimed.headers, 'idempotent-replayed': 'true' };
      return new Response(typeof claimed.body === 'string' && claimed.body !== '' ? claimed.body : null, {
        status: claimed.status,
        headers,
      });
    }

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
