import { createRoute, z } from '@hono/zod-openapi';
import { authorize, policies } from '../access/policy.ts';
import { inScope } from '../access/scope.ts';
import type { Database, Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { translator, type Translate } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import { pledgeJson } from '../pledges/pledge.present.ts';
import { listPledges, readPledgeChanges, readPledgeListing, readStatePledges, savePledges } from '../pledges/pledge.service.ts';
import { pledgeKey, type Pledge } from '../pledges/pledge.ts';
import { findCountry } from '../reference/country.ts';
import { PATHWAYS } from '../rounds/round.ts';
import { errorResponses, langOf } from './errors.ts';
import { assertMatches, etagHeader, hashEtag, ifMatchHeader, lockResource, requireIfMatch } from './etag.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { DocumentFigure, langQuery, roundParam, stateParam } from './schemas.ts';

const PledgeLine = z
  .object({
    pathway: z.enum(PATHWAYS),
    places: z.number().int(),
    carryOver: z.boolean(),
    countryOfDeparture: z.string().nullable(),
    targetGroup: z.string().nullable(),
    note: z.string(),
  })
  .openapi('Pledge', {
    description: 'One pledge: places on a pathway, perhaps for one country of departure or target group; carry-overs apart.',
  });

const PledgeListing = z
  .object({
    round: z.string(),
    totals: z.object({ pledged: z.number().int(), carryOver: z.number().int() }),
    documentFigures: z.array(DocumentFigure.extend({ computed: z.number(), difference: z.number() })),
    states: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        pledged: z.number().int(),
        carryOver: z.number().int(),
        pledges: z.array(PledgeLine),
      }),
    ),
  })
  .openapi('PledgeListing', {
    description:
      'The pledges of a round as the Annex prints them: per state, carry-overs apart, with the totals and the totals documents state.',
  });

const StatePledges = z
  .object({ round: z.string(), state: z.string(), pledges: z.array(PledgeLine) })
  .openapi('StatePledges', { description: 'The pledges of one state in a round.' });

const PledgeInput = z
  .object({
    pathway: z.enum(PATHWAYS),
    places: z.number().int().min(0).max(10_000_000),
    carryOver: z.boolean().default(false),
    countryOfDeparture: z
      .string()
      .min(2)
      .max(100)
      .nullable()
      .optional()
      .openapi({ description: 'ISO 3166-1 code or English or Dutch name; absent for a pledge not split by country.' }),
    targetGroup: z.string().min(1).max(200).nullable().optional(),
    note: z.string().max(2000).default(''),
  })
  .strict()
  .openapi('PledgeInput');

const SavePledgesBody = z
  .object({ pledges: z.array(PledgeInput).min(1).max(1000) })
  .strict()
  .openapi('SavePledges');

const SaveSummary = z
  .object({ rows: z.number().int(), added: z.number().int(), updated: z.number().int(), unchanged: z.number().int() })
  .openapi('PledgeSaveSummary');

const params = z.object({ round: roundParam, state: stateParam });

const listRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/pledges',
  operationId: 'listPledges',
  tags: ['pledges'],
  summary: 'The pledges of a round, as the Annex prints them',
  request: { params: z.object({ round: roundParam }), query: z.object({ lang: langQuery }) },
  responses: {
    200: { description: 'Per state, in protocol order.', headers: etagHeader, content: { 'application/json': { schema: PledgeListing } } },
    ...errorResponses(404),
  },
});

const stateRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/pledges/{state}',
  operationId: 'getStatePledges',
  tags: ['pledges'],
  summary: 'The pledges of one state in a round (with the ETag a change needs)',
  request: { params },
  responses: {
    200: { description: 'The state’s pledges.', headers: etagHeader, content: { 'application/json': { schema: StatePledges } } },
    ...errorResponses(404),
  },
});

const saveRoute = createRoute({
  method: 'post',
  path: '/api/rounds/{round}/pledges/{state}',
  operationId: 'savePledges',
  tags: ['pledges'],
  summary: 'Enter or change a state’s pledges (upsert)',
  description:
    'Each pledge is added, or changed where one with its key (pathway, carry-over, country, target group) exists; pledges not named stay. If-Match: the ETag of the state’s pledges as read.',
  request: {
    params,
    headers: z.object({ 'Idempotency-Key': idempotencyHeader, 'If-Match': ifMatchHeader }),
    body: { required: true, content: { 'application/json': { schema: SavePledgesBody } } },
  },
  responses: {
    200: {
      description: 'What changed; the ETag of the state’s pledges now.',
      headers: etagHeader,
      content: { 'application/json': { schema: SaveSummary } },
    },
    ...errorResponses(404, 409, 412, 422, 428),
  },
});

const PledgeHistory = z
  .object({
    round: z.string(),
    state: z.string(),
    changes: z.array(
      z.object({
        at: z.string().openapi({ description: 'When (UTC, ISO 8601).' }),
        actor: z.string().openapi({ description: 'Who: `user:<id>` for an account, `cli:<name>` for the operator.' }),
        pathway: z.string(),
        carryOver: z.boolean(),
        countryOfDeparture: z.string().nullable(),
        targetGroup: z.string().nullable(),
        placesBefore: z.number().int().nullable().openapi({ description: 'null when the pledge was added.' }),
        placesAfter: z.number().int(),
        source: z.string().openapi({ description: 'The file, or `api`.' }),
      }),
    ),
  })
  .openapi('PledgeHistory');

const historyRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/pledges/{state}/history',
  operationId: 'getPledgeHistory',
  tags: ['pledges'],
  summary: 'The history of a state’s pledges in a round, newest first',
  request: { params },
  responses: {
    200: {
      description: 'Every pledge added or changed, with its places before and after.',
      content: { 'application/json': { schema: PledgeHistory } },
    },
    ...errorResponses(404),
  },
});

function statePledgesBody(roundId: string, stateCode: string, found: Awaited<ReturnType<typeof listPledges>>) {
  const pledges = found
    .filter((p) => p.stateCode === stateCode)
    .map((p) => ({
      pathway: p.pathway,
      places: p.places,
      carryOver: p.carryOver,
      countryOfDeparture: p.countryOfDeparture,
      targetGroup: p.targetGroup,
      note: p.note,
    }));
  const body = { round: roundId, state: stateCode, pledges };
  return { body, etag: hashEtag('pledges', body) };
}

async function statePledges(db: Executor, roundId: string, stateCode: string) {
  return statePledgesBody(roundId, stateCode, await listPledges(db, roundId));
}

export function pledgesRoutes(database: Database) {
  const app = router();

  app.openapi(listRoute, async (c) => {
    const p = principalOf(c);
    const lang = c.req.valid('query').lang ?? langOf(c);
    const listing = await inScope(database.db, p, (tx) => readPledgeListing({ db: tx, actor: p, roundId: c.req.valid('param').round }));
    const body = pledgeJson(listing, lang);
    c.header('etag', hashEtag('pledge-listing', body));
    return c.json(body as z.infer<typeof PledgeListing>, 200);
  });

  app.openapi(stateRoute, async (c) => {
    const p = principalOf(c);
    const { round, state } = c.req.valid('param');
    const { body, etag } = await inScope(database.db, p, async (tx) =>
      statePledgesBody(round, state, await readStatePledges({ db: tx, actor: p, roundId: round, stateCode: state })),
    );
    c.header('etag', etag);
    return c.json(body, 200);
  });

  app.openapi(historyRoute, async (c) => {
    const p = principalOf(c);
    const { round, state } = c.req.valid('param');
    const changes = await inScope(database.db, p, (tx) => readPledgeChanges({ db: tx, actor: p, roundId: round, stateCode: state }));
    return c.json({ round, state, changes }, 200);
  });

  app.openapi({ ...saveRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { round, state } = c.req.valid('param');
    authorize(policies.writePledges, p, { stateCode: state });
    const tags = requireIfMatch(c);
    const pledges = toPledges(round, state, c.req.valid('json').pledges, translator(langOf(c)));
    const { summary, etag } = await inScope(database.db, p, async (tx) => {
      await lockResource(tx, `pledges:${round}:${state}`);
      assertMatches(tags, (await statePledges(tx, round, state)).etag);
      const summary = await savePledges({ db: tx, actor: p, roundId: round, pledges, source: 'api' });
      return { summary, etag: (await statePledges(tx, round, state)).etag };
    });
    c.header('etag', etag);
    return c.json(summary, 200);
  });

  return app;
}

/** The pledges of a request as the domain's, with every problem of every pledge at once (400, per field). */
function toPledges(roundId: string, stateCode: string, input: z.infer<typeof SavePledgesBody>['pledges'], t: Translate): Pledge[] {
  const problems: Record<string, string[]> = {};
  const seen = new Map<string, number>();
  const out: Pledge[] = [];
  const problem = (key: string, message: string) => {
    const list = problems[key] ?? [];
    problems[key] = list;
    list.push(message);
  };
  input.forEach((x, i) => {
    let country: string | null = null;
    if (x.countryOfDeparture) {
      const found = findCountry(x.countryOfDeparture);
      if (found.ok) country = found.country.iso3;
      else
        problem(
          `pledges.${i}.countryOfDeparture`,
          found.reason === 'ambiguous'
            ? t('problem.countryAmbiguous', { candidates: found.candidates.join(' / ') })
            : t('problem.countryUnknown'),
        );
    }
    const pledge: Pledge = {
      roundId,
      stateCode,
      pathway: x.pathway,
      places: x.places,
      carryOver: x.carryOver,
      countryOfDeparture: country,
      targetGroup: x.targetGroup ?? null,
      note: x.note,
    };
    const key = pledgeKey(pledge);
    if (seen.has(key)) problem(`pledges.${i}`, t('validation.pledgeRepeated', { first: seen.get(key)! }));
    seen.set(key, i);
    out.push(pledge);
  });
  if (Object.keys(problems).length > 0) throw appError(ErrorCode.BadInput, 'requestInvalid', {}, problems);
  return out;
}
