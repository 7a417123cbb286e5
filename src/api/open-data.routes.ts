import { createRoute, z } from '@hono/zod-openapi';
import { inPublicScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { translator } from '../i18n/i18n.ts';
import { openDataDataset } from '../open-data/open-data.dataset.ts';
import { openData } from '../open-data/open-data.service.ts';
import { writeDatasetAs } from '../exchange/writers.ts';
import { listRounds } from '../rounds/round.service.ts';
import { errorResponses, langOf } from './errors.ts';
import { fileContent, fileResponse } from './exports.routes.ts';
import { router } from './router.ts';
import { isoDate, langQuery, roundParam } from './schemas.ts';

/**
 * The open data: a round's places pledged and persons arrived, for anyone, without signing in. Run
 * in the public scope (no case or person is readable there); the arrivals under disclosure control,
 * its method and parameters published with them.
 */
export const OPEN_DATA_BASE = '/api/open-data/';

const OPEN_FORMATS = ['csv', 'hxl', 'sdmx'] as const;
const cell = z.number().int().nullable();
const OpenData = z
  .object({
    round: z.string(),
    title: z.string(),
    asOf: isoDate,
    method: z.object({ roundingBase: z.number().int(), threshold: z.number().int(), protection: z.number().int() }).openapi({
      description:
        'Counts rounded to the nearest multiple of roundingBase; counts of 1 to threshold − 1 withheld (null), and more withheld where a total would reveal one; every withheld figure can still be any of at least `protection` counts.',
    }),
    departures: z.array(z.string()).openapi({ description: 'Countries of departure (ISO 3166-1 alpha-3): the columns of byDeparture.' }),
    states: z.array(
      z.object({
        code: z.string(),
        name: z.string(),
        pledged: z.number().int(),
        carryOver: z.number().int(),
        arrived: cell,
        byDeparture: z.array(cell),
      }),
    ),
    totals: z.object({ pledged: z.number().int(), carryOver: z.number().int(), arrived: cell, byDeparture: z.array(cell) }),
  })
  .openapi('OpenData', { description: 'A round’s open data: pledges exact, arrivals rounded with small counts withheld (null).' });

const query = z
  .object({
    asOf: isoDate.optional().openapi({
      param: { name: 'asOf', in: 'query' },
      description:
        'As things stood at the end of this month end (a completed month; default the last one): the open data moves in monthly steps.',
    }),
    lang: langQuery,
  })
  .strict();

const roundsRoute = createRoute({
  method: 'get',
  path: '/api/open-data/rounds',
  operationId: 'listOpenDataRounds',
  tags: ['open data'],
  summary: 'The rounds whose open data can be read (public: no session)',
  security: [],
  responses: {
    200: {
      description: 'By start.',
      content: {
        'application/json': {
          schema: z
            .object({ rounds: z.array(z.object({ id: z.string(), title: z.string(), start: isoDate, end: isoDate })) })
            .openapi('OpenDataRounds'),
        },
      },
    },
    ...errorResponses(),
  },
});

const openDataRoute = createRoute({
  method: 'get',
  path: '/api/open-data/rounds/{round}',
  operationId: 'openData',
  tags: ['open data'],
  summary: 'The open data of a round (public: no session)',
  security: [],
  request: { params: z.object({ round: roundParam }), query },
  responses: { 200: { description: 'The open data.', content: { 'application/json': { schema: OpenData } } }, ...errorResponses(404) },
});

const openDataFileRoute = createRoute({
  method: 'get',
  path: '/api/open-data/rounds/{round}/{format}',
  operationId: 'openDataFile',
  tags: ['open data'],
  summary: 'The open data of a round as CSV, HXL-tagged CSV or SDMX-CSV 2.0 (public: no session)',
  security: [],
  request: {
    params: z.object({
      round: roundParam,
      format: z.enum(OPEN_FORMATS).openapi({ param: { name: 'format', in: 'path' }, description: 'csv, hxl or sdmx.' }),
    }),
    query,
  },
  responses: { 200: { description: 'The file.', content: fileContent(OPEN_FORMATS) }, ...errorResponses(404) },
});

export function openDataRoutes(database: Database) {
  const app = router();
  app.openapi(roundsRoute, async (c) => {
    const rounds = await inPublicScope(database.db, (tx) => listRounds(tx));
    return c.json({ rounds: rounds.map((r) => ({ id: r.id, title: r.title, start: r.start, end: r.end })) }, 200);
  });
  app.openapi(openDataRoute, async (c) => {
    const { asOf, lang } = c.req.valid('query');
    const body = await inPublicScope(database.db, (tx) =>
      openData({ db: tx, roundId: c.req.valid('param').round, asOf, lang: lang ?? langOf(c) }),
    );
    return c.json(body, 200);
  });
  app.openapi(openDataFileRoute, async (c) => {
    const { round, format } = c.req.valid('param');
    const { asOf, lang: asked } = c.req.valid('query');
    const lang = asked ?? langOf(c);
    const o = await inPublicScope(database.db, (tx) => openData({ db: tx, roundId: round, asOf, lang }));
    const t = translator(lang);
    return fileResponse(c, format, `open-data-${o.round}-${o.asOf}`, await writeDatasetAs(format, openDataDataset(o, t), t)) as never;
  });
  return app;
}
