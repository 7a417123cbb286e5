import { createRoute, z } from '@hono/zod-openapi';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { readForecastInputs, readProcessingTimes, simulateForecast } from '../evaluation/evaluation.service.ts';
import { GROUP_DIMENSIONS } from '../evaluation/processing-times.ts';
import { readPipeline } from '../pipeline/pipeline.service.ts';
import { PATHWAYS, QUALIFIERS } from '../rounds/round.ts';
import { readStateOfPlay } from '../state-of-play/state-of-play.service.ts';
import { errorResponses, langOf } from './errors.ts';
import { principalOf, router } from './router.ts';
import { DocumentFigure, isoDate, langQuery, Round, roundParam, stage, status } from './schemas.ts';

/**
 * The figures of a round, as JSON of the services the command line prints from. Counts only: the
 * Commission reads every state's, a state's staff their own (the statistics functions scope them).
 */

const counts = z.record(z.string(), z.number().int());

const StateOfPlay = z
  .object({
    round: z.string(),
    title: z.string(),
    asOf: isoDate,
    target: z.number().nullable(),
    targetQualifier: z.enum(QUALIFIERS).nullable(),
    pathways: z.array(z.string()),
    totals: z.object({
      pledged: z.number(),
      carryOver: z.number(),
      arrived: z.number(),
      deliveredShare: z.number().nullable(),
      targetShare: z.number().nullable(),
    }),
    states: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        pledged: z.number(),
        carryOver: z.number(),
        arrived: z.number(),
        deliveredShare: z.number().nullable(),
        byDeparture: counts,
        byMonth: counts,
      }),
    ),
    documentFigures: z.array(
      DocumentFigure.omit({ as_of: true }).extend({
        asOf: isoDate.nullable(),
        computed: z.number().nullable(),
        difference: z.number().nullable(),
      }),
    ),
  })
  .openapi('StateOfPlay', {
    description: "The Commission's state of play: per state, pledged, arrived, share delivered, by country of departure and by month.",
  });

const statusCells = z.record(z.string(), z.object({ cases: z.number().int(), persons: z.number().int() }));
const PipelineSchema = z
  .object({
    round: z.string(),
    states: z.array(z.object({ code: z.string(), byStatus: statusCells, byGroup: counts, persons: z.number().int() })),
    totals: z.object({ byStatus: statusCells, byGroup: counts, persons: z.number().int() }),
  })
  .openapi('Pipeline', {
    description: 'Where the cases of a round stand: per state, cases and persons in each status and group of statuses.',
  });

const duration = { count: z.number().int(), median: z.number().nullable(), p90: z.number().nullable() };
const ProcessingTimes = z
  .object({
    group: z.record(z.string(), z.string().nullable()),
    cases: z.number().int(),
    stages: z.array(z.object({ stage, ...duration, open: z.number().int() })),
    onHold: z.object({ ...duration, open: z.number().int() }),
    endToEnd: z.object(duration),
    dropOuts: z.object({
      cases: z.number().int(),
      rejected: z.number().int(),
      withdrawn: z.number().int(),
      settled: z.number().int(),
      share: z.number().nullable(),
      shareOfSettled: z.number().nullable(),
      reasons: z.array(z.object({ outcome: z.enum(['rejected', 'withdrawn']), reason: z.string().nullable(), count: z.number().int() })),
    }),
  })
  .openapi('ProcessingTimes', {
    description: 'Days in each stage (median, 90th percentile), on hold, from referral to arrival, and drop-outs, for one group of cases.',
  });

const range = z.object({ expected: z.number(), low: z.number(), high: z.number() });
const line = { arrived: z.number(), openCases: z.number().int(), openPersons: z.number().int(), additional: range, total: range };
const ForecastReport = z
  .object({
    round: Round,
    pledged: z.record(z.string(), z.number()),
    forecast: z.object({
      asOf: isoDate,
      until: isoDate,
      from: isoDate.nullable(),
      iterations: z.number().int(),
      seed: z.number().int(),
      method: z.object({ window: z.number().nullable(), byPriority: z.boolean(), bootstrap: z.boolean() }),
      states: z.array(z.object({ stateCode: z.string(), ...line })),
      eu: z.object(line),
      basis: z.object({
        cases: z.number().int(),
        observedMoves: z.number().int(),
        observedHolds: z.number().int(),
        observedSince: isoDate.nullable(),
        statuses: z.array(
          z.object({
            status,
            observed: z.number().int(),
            to: z.record(z.string(), z.number().int()),
            open: z.number().int(),
            openPersons: z.number().int(),
          }),
        ),
        withoutData: z.object({ cases: z.number().int(), persons: z.number().int() }),
      }),
    }),
  })
  .openapi('ForecastReport', {
    description: 'Arrivals expected by the end of the round’s period, per state and for the EU, with an 80 % interval, beside the pledges.',
  });

const asOfQuery = isoDate
  .optional()
  .openapi({ param: { name: 'asOf', in: 'query' }, description: 'As things stood at the end of this day (default: today).' });
const roundOnly = z.object({ round: roundParam });

const stateOfPlayRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/state-of-play',
  operationId: 'stateOfPlay',
  tags: ['reports'],
  summary: "The Commission's state of play of a round",
  request: {
    params: roundOnly,
    query: z.object({
      asOf: asOfQuery,
      pathway: z
        .preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.enum(PATHWAYS)).max(PATHWAYS.length))
        .optional()
        .openapi({
          param: { name: 'pathway', in: 'query', style: 'form', explode: true },
          description: "Pathways to count (repeat the parameter); default the round's.",
        }),
      lang: langQuery,
    }),
  },
  responses: {
    200: { description: 'The state of play.', content: { 'application/json': { schema: StateOfPlay } } },
    ...errorResponses(404),
  },
});

const pipelineRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/pipeline',
  operationId: 'pipeline',
  tags: ['reports'],
  summary: 'Where the cases of a round stand, per state',
  request: { params: roundOnly },
  responses: { 200: { description: 'The pipeline.', content: { 'application/json': { schema: PipelineSchema } } }, ...errorResponses(404) },
});

const processingTimesRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/processing-times',
  operationId: 'processingTimes',
  tags: ['reports'],
  summary: 'Processing times and drop-outs of a round’s cases (P 10)',
  request: {
    params: roundOnly,
    query: z.object({
      by: z
        .string()
        .max(100)
        .optional()
        .openapi({
          param: { name: 'by', in: 'query' },
          description: `Group by any of ${GROUP_DIMENSIONS.join(', ')}, comma-separated; default state.`,
          example: 'state,pathway',
        }),
      asOf: asOfQuery,
    }),
  },
  responses: {
    200: { description: 'One entry per group.', content: { 'application/json': { schema: z.array(ProcessingTimes) } } },
    ...errorResponses(404),
  },
});

const forecastRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/forecast',
  operationId: 'forecast',
  tags: ['reports'],
  summary: 'Forecast of the arrivals by the end of the round’s period',
  request: {
    params: roundOnly,
    query: z.object({
      asOf: isoDate.optional().openapi({
        param: { name: 'asOf', in: 'query' },
        description: 'Make the forecast as things stood on this day (default today, or the round’s end).',
      }),
      iterations: z.coerce
        .number()
        .int()
        .min(1)
        .max(5000)
        .optional()
        .openapi({ param: { name: 'iterations', in: 'query' }, description: 'Simulated futures (default 200).' }),
      seed: z.coerce
        .number()
        .int()
        .min(1)
        .max(2 ** 31 - 1)
        .optional()
        .openapi({ param: { name: 'seed', in: 'query' }, description: 'Seed of the simulation (default 1).' }),
    }),
  },
  responses: { 200: { description: 'The forecast.', content: { 'application/json': { schema: ForecastReport } } }, ...errorResponses(404) },
});

export function reportsRoutes(database: Database) {
  const app = router();

  app.openapi(stateOfPlayRoute, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const sop = await inScope(database.db, p, (tx) =>
      readStateOfPlay({
        db: tx,
        actor: p,
        roundId: c.req.valid('param').round,
        asOf: q.asOf,
        lang: q.lang ?? langOf(c),
        pathways: q.pathway,
      }),
    );
    return c.json(sop as z.infer<typeof StateOfPlay>, 200);
  });

  app.openapi(pipelineRoute, async (c) => {
    const p = principalOf(c);
    const body = await inScope(database.db, p, (tx) => readPipeline({ db: tx, actor: p, roundId: c.req.valid('param').round }));
    return c.json(body, 200);
  });

  app.openapi(processingTimesRoute, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const groupBy = (q.by ?? 'state')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const list = await inScope(database.db, p, (tx) =>
      readProcessingTimes({ db: tx, actor: p, roundId: c.req.valid('param').round, groupBy, asOf: q.asOf }),
    );
    return c.json(list as z.infer<typeof ProcessingTimes>[], 200);
  });

  app.openapi(forecastRoute, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    // Read in the transaction; simulated after it (a worker thread for a large round), holding no connection.
    const inputs = await inScope(database.db, p, (tx) =>
      readForecastInputs(tx, p, { roundId: c.req.valid('param').round, asOf: q.asOf, iterations: q.iterations, seed: q.seed }),
    );
    const r = await simulateForecast(inputs);
    return c.json(r as z.infer<typeof ForecastReport>, 200);
  });

  return app;
}
