import { createRoute, z } from '@hono/zod-openapi';
import { bodyLimit } from 'hono/body-limit';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import {
  listKeys,
  listSent,
  receiveReturn,
  registerKey,
  returnsMatrix,
  revokeKey,
  stateOfPlayFromReturns,
} from '../federation/federation.service.ts';
import { ReturnEnvelope } from '../federation/return.ts';
import { RETURNS_PATH } from '../federation/send-return.ts';
import { appError } from '../i18n/problem.ts';
import { errorResponses, langOf } from './errors.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { DocumentFigure, isoDate, langQuery, roundId, roundParam } from './schemas.ts';

/**
 * The federation (P 26, P 27; issue 7). A Member State's instance posts its signed return here, with
 * no session: the signature is the authentication (the path is public for POST only, in api.ts).
 * The Commission registers the states' keys, sees who reported for which day and the state of
 * play built from the returns; a state's officer sees the returns its instance sent.
 */
/** A return is a few kilobytes; a body far above that is refused before it is read. */
export const RETURN_BODY_LIMIT = 256 * 1024;

const fingerprint = z
  .string()
  .regex(/^[0-9a-f]{64}$/, { message: 'fingerprint' })
  .openapi({ description: 'SHA-256 of the public key (SPKI DER), hex.', example: 'a'.repeat(64) });
const time = z.string().openapi({ format: 'date-time' });
const STATE = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'state' })
  .openapi({ example: 'NL' });

const receiptFields = z.object({
  id: z.number().int(),
  state: STATE,
  round: z.string(),
  asOf: isoDate,
  digest: z.string(),
  receivedAt: time,
  outcome: z.enum(['accepted', 'duplicate']),
});
const Receipt = receiptFields.openapi('ReturnReceipt', {
  description: 'What the Commission stored: the digest (SHA-256 of the canonical bytes signed) lets the sender check it is what it sent.',
});
/** The return's schema is the domain's contract (src/federation/return.ts), used as it is: counts and codes only, no person. */
const Envelope = ReturnEnvelope;
const FederationKey = z
  .object({ state: STATE, fingerprint, publicKey: z.string(), registeredAt: time, registeredBy: z.string(), revokedAt: time.nullable() })
  .openapi('FederationKey');
const NewKey = z
  .object({ state: STATE, publicKey: z.string().max(2000).openapi({ description: 'The Ed25519 public key, PEM (SPKI).' }) })
  .strict()
  .openapi('NewFederationKey');
const ReturnsMatrix = z
  .object({
    round: z.string().nullable(),
    dates: z.array(isoDate),
    states: z.array(
      z.object({
        state: STATE,
        reported: z.record(z.string(), z.object({ digest: z.string(), sentAt: time, receivedAt: time, returns: z.number().int() })),
      }),
    ),
  })
  .openapi('ReturnsMatrix', { description: 'Per state, per day reported for, the latest return received; a day missing is not reported.' });
const Counts = z.record(z.string(), z.number().int());
const ReturnsStateOfPlay = z
  .object({
    round: z.string(),
    title: z.string(),
    asOf: isoDate,
    target: z.number().int().nullable(),
    targetQualifier: z.string().nullable(),
    pathways: z.array(z.string()),
    totals: z.object({
      pledged: z.number().int(),
      carryOver: z.number().int(),
      arrived: z.number().int(),
      deliveredShare: z.number().nullable(),
      targetShare: z.number().nullable(),
    }),
    states: z.array(
      z.object({
        code: STATE,
        name: z.string(),
        pledged: z.number().int(),
        carryOver: z.number().int(),
        arrived: z.number().int().nullable().openapi({ description: 'null: not reported (which is not zero).' }),
        deliveredShare: z.number().nullable(),
        byDeparture: Counts,
        byMonth: Counts,
        reported: z.object({ asOf: isoDate, digest: z.string(), sentAt: time, receivedAt: time }).nullable(),
      }),
    ),
    documentFigures: z.array(
      DocumentFigure.omit({ as_of: true }).extend({
        asOf: isoDate.nullable(),
        computed: z.number().nullable(),
        difference: z.number().nullable(),
      }),
    ),
    reported: z.number().int(),
    notReported: z.number().int(),
  })
  .openapi('ReturnsStateOfPlay', {
    description: "The Commission's state of play built from the returns received: per state its latest return on or before the day.",
  });
const SentReturn = z
  .object({
    id: z.number().int(),
    state: STATE,
    round: z.string(),
    asOf: isoDate,
    digest: z.string(),
    to: z.string(),
    sentAt: time,
    sentBy: z.string(),
    outcome: z.enum(['accepted', 'duplicate', 'refused']),
    receipt: receiptFields.nullable(),
    error: z.string().nullable(),
  })
  .openapi('SentReturn');

const receiveRoute = createRoute({
  method: 'post',
  path: RETURNS_PATH,
  operationId: 'receiveReturn',
  tags: ['federation'],
  summary: "Receive a Member State's signed return (no session: the signature authenticates it)",
  description:
    "Verified against the key registered for the return's state; refused when tampered with (401), signed more than 10 minutes from the receiver's clock, " +
    'or replayed (422: a nonce seen with other content, or a return older than one received for the same day). The same return again: 200 with the first receipt. ' +
    'Idempotent by its content, so it takes no Idempotency-Key.',
  security: [],
  request: { body: { required: true, content: { 'application/json': { schema: Envelope } } } },
  responses: {
    201: { description: 'Stored: the receipt.', content: { 'application/json': { schema: Receipt } } },
    200: { description: 'Received before: the first receipt.', content: { 'application/json': { schema: Receipt } } },
    ...errorResponses(404, 422),
  },
});

const listKeysRoute = createRoute({
  method: 'get',
  path: '/api/federation/keys',
  operationId: 'listFederationKeys',
  tags: ['federation'],
  summary: "The Member States' public keys registered, revoked or not",
  responses: {
    200: {
      description: 'By state.',
      content: { 'application/json': { schema: z.object({ keys: z.array(FederationKey) }).openapi('FederationKeys') } },
    },
    ...errorResponses(),
  },
});

const registerKeyRoute = createRoute({
  method: 'post',
  path: '/api/federation/keys',
  operationId: 'registerFederationKey',
  tags: ['federation'],
  summary: "Register a Member State's public key: returns signed with it are accepted as that state's",
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: { required: true, content: { 'application/json': { schema: NewKey } } },
  },
  responses: {
    201: { description: 'Registered.', content: { 'application/json': { schema: FederationKey } } },
    ...errorResponses(409, 422),
  },
});

const revokeKeyRoute = createRoute({
  method: 'post',
  path: '/api/federation/keys/{fingerprint}/revoke',
  operationId: 'revokeFederationKey',
  tags: ['federation'],
  summary: 'Revoke a key: returns signed with it are refused from now on',
  request: {
    params: z.object({ fingerprint: fingerprint.openapi({ param: { name: 'fingerprint', in: 'path' } }) }),
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
  },
  responses: {
    200: { description: 'Revoked.', content: { 'application/json': { schema: FederationKey } } },
    ...errorResponses(404, 409, 422),
  },
});

const roundQuery = roundId.optional().openapi({
  param: { name: 'round', in: 'query' },
  description: 'Only this round; its states are all listed, reported or not.',
  example: '2020-2021',
});

const matrixRoute = createRoute({
  method: 'get',
  path: RETURNS_PATH,
  operationId: 'listReturnsReceived',
  tags: ['federation'],
  summary: 'Which states reported for which day: the latest return received per state and day (a state officer: its own)',
  request: { query: z.object({ round: roundQuery }) },
  responses: { 200: { description: 'States × days.', content: { 'application/json': { schema: ReturnsMatrix } } }, ...errorResponses(404) },
});

const sopRoute = createRoute({
  method: 'get',
  path: '/api/federation/rounds/{round}/state-of-play',
  operationId: 'stateOfPlayFromReturns',
  tags: ['federation'],
  summary: "The Commission's state of play built from the returns received",
  request: {
    params: z.object({ round: roundParam }),
    query: z.object({
      asOf: isoDate.optional().openapi({
        param: { name: 'asOf', in: 'query' },
        description: 'Each state’s latest return on or before this day (default: today).',
      }),
      lang: langQuery,
    }),
  },
  responses: {
    200: { description: 'The state of play from returns.', content: { 'application/json': { schema: ReturnsStateOfPlay } } },
    ...errorResponses(404),
  },
});

const sentRoute = createRoute({
  method: 'get',
  path: '/api/federation/sent',
  operationId: 'listReturnsSent',
  tags: ['federation'],
  summary: "The returns this instance sent for the caller's state, with the receipts (or the refusals)",
  responses: {
    200: {
      description: 'Latest first.',
      content: { 'application/json': { schema: z.object({ sent: z.array(SentReturn) }).openapi('ReturnsSent') } },
    },
    ...errorResponses(),
  },
});

const limit = bodyLimit({
  maxSize: RETURN_BODY_LIMIT,
  onError: () => {
    throw appError(ErrorCode.PayloadTooLarge, 'bodyTooLarge', { max: RETURN_BODY_LIMIT / 1024 });
  },
});

export function federationRoutes(database: Database) {
  const app = router();
  app.openapi({ ...receiveRoute, middleware: [limit] }, async (c) => {
    const receipt = await receiveReturn({ db: database.db, body: c.req.valid('json') });
    return c.json(receipt, receipt.outcome === 'accepted' ? 201 : 200);
  });
  app.openapi(listKeysRoute, async (c) => {
    const p = principalOf(c);
    const keys = await inScope(database.db, p, (tx) => listKeys({ db: tx, actor: p }));
    return c.json({ keys }, 200);
  });
  app.openapi({ ...registerKeyRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const body = c.req.valid('json');
    const key = await inScope(database.db, p, (tx) => registerKey({ db: tx, actor: p, stateCode: body.state, publicKey: body.publicKey }));
    return c.json(key, 201);
  });
  app.openapi({ ...revokeKeyRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const key = await inScope(database.db, p, (tx) => revokeKey({ db: tx, actor: p, fingerprint: c.req.valid('param').fingerprint }));
    return c.json(key, 200);
  });
  app.openapi(matrixRoute, async (c) => {
    const p = principalOf(c);
    const m = await inScope(database.db, p, (tx) => returnsMatrix({ db: tx, actor: p, round: c.req.valid('query').round }));
    return c.json(m, 200);
  });
  app.openapi(sopRoute, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const sop = await inScope(database.db, p, (tx) =>
      stateOfPlayFromReturns({ db: tx, actor: p, roundId: c.req.valid('param').round, asOf: q.asOf, lang: q.lang ?? langOf(c) }),
    );
    return c.json(sop as z.infer<typeof ReturnsStateOfPlay>, 200);
  });
  app.openapi(sentRoute, async (c) => {
    const p = principalOf(c);
    const sent = await inScope(database.db, p, (tx) => listSent({ db: tx, actor: p }));
    return c.json({ sent }, 200);
  });
  return app;
}
