import { createRoute, z } from '@hono/zod-openapi';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { addRound, readRound, readRounds } from '../rounds/round.service.ts';
import { roundFileSchema } from '../rounds/round.ts';
import { errorResponses } from './errors.ts';
import { etagHeader, hashEtag } from './etag.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { Round, roundParam } from './schemas.ts';

const RoundList = z.object({ rounds: z.array(Round) }).openapi('RoundList');

const listRoundsRoute = createRoute({
  method: 'get',
  path: '/api/rounds',
  operationId: 'listRounds',
  tags: ['rounds'],
  summary: 'The pledging rounds and Union Plans',
  responses: {
    200: { description: 'Every round, oldest first.', content: { 'application/json': { schema: RoundList } } },
    ...errorResponses(),
  },
});

const getRoundRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}',
  operationId: 'getRound',
  tags: ['rounds'],
  summary: 'One round',
  request: { params: z.object({ round: roundParam }) },
  responses: {
    200: { description: 'The round.', headers: etagHeader, content: { 'application/json': { schema: Round } } },
    ...errorResponses(404),
  },
});

const createRoundRoute = createRoute({
  method: 'post',
  path: '/api/rounds',
  operationId: 'createRound',
  tags: ['rounds'],
  summary: 'Open a round (the Commission)',
  description:
    'Adds a round from its file (the same JSON as `pathways rounds add`). A round is never overwritten: an id that exists is refused (409).',
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: { required: true, content: { 'application/json': { schema: roundFileSchema } } },
  },
  responses: {
    201: {
      description: 'The round as added.',
      headers: { ...etagHeader, Location: { description: 'The round’s address.', schema: { type: 'string' } } },
      content: { 'application/json': { schema: Round } },
    },
    ...errorResponses(409, 422),
  },
});

export function roundsRoutes(database: Database) {
  const app = router();

  app.openapi(listRoundsRoute, async (c) => {
    const p = principalOf(c);
    const rounds = await inScope(database.db, p, (tx) => readRounds({ db: tx, actor: p }));
    return c.json({ rounds }, 200);
  });

  app.openapi(getRoundRoute, async (c) => {
    const p = principalOf(c);
    const round = await inScope(database.db, p, (tx) => readRound({ db: tx, actor: p, id: c.req.valid('param').round }));
    c.header('etag', hashEtag('round', round));
    return c.json(round, 200);
  });

  app.openapi({ ...createRoundRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    // The service checks the file itself (and reports every problem of it at once).
    const input: unknown = await c.req.json();
    const round = await inScope(database.db, p, (tx) => addRound({ db: tx, actor: p, input }));
    c.header('etag', hashEtag('round', round));
    c.header('location', `/api/rounds/${encodeURIComponent(round.id)}`);
    return c.json(round, 201);
  });

  return app;
}
