import { createRoute, z } from '@hono/zod-openapi';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { PATHWAYS } from '../rounds/round.ts';
import { EXPLANATIONS } from '../statistics/reconciliation.ts';
import {
  importStatistics,
  listDatasets,
  reconciliationReport,
  removeDataset,
  statisticsContext,
  statisticsFigures,
} from '../statistics/statistics.service.ts';
import { STATISTICS_SOURCES } from '../statistics/statistics.ts';
import { errorResponses } from './errors.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { isoDate, stateParam } from './schemas.ts';

/**
 * Reference statistics (UNHCR, Eurostat): the datasets imported, each with its source, extraction
 * date and definitions; their figures as the source gives them; the reconciliation of a year (the
 * platform's arrivals beside each source, never merged) and the EU context figures.
 */
const source = z.enum(STATISTICS_SOURCES);
const basis = z.enum(['origin', 'citizenship', 'departure']);

const DatasetSchema = z
  .object({
    id: z.number().int(),
    source,
    code: z.string(),
    title: z.string(),
    basis,
    unit: z.string(),
    rounding: z.number().int(),
    extractedOn: z
      .string()
      .nullable()
      .openapi({ description: 'The day the figures were extracted from the publisher; null when unknown (never invented).' }),
    definitions: z.string().openapi({ description: 'What a figure counts.' }),
    fileName: z.string(),
    sha256: z.string(),
    figures: z.number().int(),
    importedAt: z.string(),
    importedBy: z.string(),
  })
  .openapi('StatisticsDataset');

const SourceDatasetSchema = DatasetSchema.pick({
  id: true,
  source: true,
  code: true,
  title: true,
  basis: true,
  rounding: true,
  extractedOn: true,
}).openapi('StatisticsSourceDataset');

const FigureSchema = z
  .object({
    datasetId: z.number().int(),
    year: z.number().int(),
    area: z.string().openapi({ description: 'The country of arrival as the source codes it.' }),
    stateCode: z.string().nullable(),
    partner: z
      .string()
      .openapi({ description: 'Country of origin (UNHCR) or citizenship (Eurostat), or an aggregate, as the source codes it.' }),
    partnerIso3: z.string().nullable(),
    value: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'null: the source marks it not available (":"). A figure the source has no row for is absent, never 0.' }),
    flags: z.string().nullable(),
  })
  .openapi('StatisticsFigure');

const ExplanationSchema = z.object({ code: z.enum(EXPLANATIONS), en: z.string(), nl: z.string() }).openapi('ReconciliationExplanation');

const ReconciliationSchema = z
  .object({
    year: z.number().int(),
    pathways: z.array(z.enum(PATHWAYS)),
    datasets: z.array(SourceDatasetSchema),
    rows: z.array(
      z.object({
        stateCode: z.string(),
        platform: z.object({
          persons: z.number().int(),
          otherPathways: z.number().int(),
          rounds: z.array(
            z.object({ id: z.string(), start: z.string(), end: z.string(), persons: z.number().int(), crossesYear: z.boolean() }),
          ),
        }),
        sources: z.array(
          z.object({
            dataset: SourceDatasetSchema,
            status: z.enum(['figure', 'no_row', 'not_available']),
            value: z.number().int().nullable(),
            flags: z.string().nullable(),
            difference: z.number().int().nullable().openapi({ description: 'Platform − source, where the source has a figure.' }),
            explanations: z.array(ExplanationSchema),
          }),
        ),
      }),
    ),
  })
  .openapi('Reconciliation');

const ContextSchema = z
  .object({
    dataset: SourceDatasetSchema,
    coverage: z.enum(['european', 'global']),
    countriesCovered: z.array(z.string()),
    years: z.array(
      z.object({
        year: z.number().int(),
        euArrivals: z.number().int(),
        allArrivals: z.number().int(),
        euCountries: z.number().int(),
        allCountries: z.number().int(),
        shareOfCovered: z.number().nullable(),
        shareGlobal: z.number().nullable(),
      }),
    ),
    document: z.array(
      z.object({
        id: z.string(),
        locator: z.string(),
        text: z.object({ nl: z.string(), en: z.string() }),
        measure: z.enum(['share', 'persons', 'countries', 'ratio']),
        qualifier: z.enum(['exact', 'fewer_than', 'more_than']),
        value: z.number(),
        years: z.string(),
        computed: z.number().nullable(),
        difference: z.number().nullable(),
        note: z.enum(['globalOnly', 'share', 'ratio', 'schemes', 'pledges', 'departures']),
      }),
    ),
  })
  .openapi('StatisticsContext');

const yearQuery = z.coerce.number().int().min(1950).max(2100);
const idParams = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 31 - 1)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'The dataset.', example: 1 }),
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/statistics/datasets',
  operationId: 'listStatisticsDatasets',
  tags: ['statistics'],
  summary: 'The reference statistics imported, newest first, each with its source, extraction date and definitions',
  responses: {
    200: {
      description: 'The datasets.',
      content: { 'application/json': { schema: z.object({ datasets: z.array(DatasetSchema) }).openapi('StatisticsDatasets') } },
    },
    ...errorResponses(),
  },
});

/** Where a publisher's file is uploaded: given the upload limit of files, not the JSON one (src/api/api.ts). */
export const STATISTICS_UPLOAD_PATH = '/api/statistics/datasets';

const CSV_TYPES = ['text/csv', 'text/tab-separated-values', 'text/plain'];
const importRoute = createRoute({
  method: 'post',
  path: STATISTICS_UPLOAD_PATH,
  operationId: 'importStatisticsDataset',
  tags: ['statistics'],
  summary: "Import a publisher's file: UNHCR's resettlement arrivals (CSV) or a Eurostat table (SDMX-CSV 2.0/1.0, or its TSV)",
  description:
    'The body is the file itself. Every figure or none: a file with a problem is refused (400) with its problems row by row. The same file again is answered 200 with the dataset it made, and adds nothing.',
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    query: z
      .object({
        source: source.openapi({ param: { name: 'source', in: 'query' } }),
        extractedOn: isoDate
          .optional()
          .openapi({ param: { name: 'extractedOn', in: 'query' }, description: 'The day the figures were extracted from the publisher.' }),
        code: z
          .string()
          .regex(/^[A-Za-z0-9_]{1,40}$/, { message: 'code' })
          .optional()
          .openapi({
            param: { name: 'code', in: 'query' },
            description: "The publisher's code of the table (e.g. migr_asyresa), where the file does not say it.",
          }),
        filename: z
          .string()
          .regex(/^[\p{L}\p{N}._ -]{1,100}$/u, { message: 'filename' })
          .optional()
          .openapi({ param: { name: 'filename', in: 'query' }, description: "The file's name (Eurostat names its TSV estat_<code>.tsv)." }),
      })
      .strict(),
    body: { required: true, content: Object.fromEntries(CSV_TYPES.map((t) => [t, { schema: z.string().openapi({ format: 'binary' }) }])) },
  },
  responses: {
    200: {
      description: 'The same file was imported before: its dataset; nothing added.',
      content: {
        'application/json': {
          schema: z.object({ dataset: DatasetSchema, duplicate: z.literal(true) }).openapi('StatisticsImportDuplicate'),
        },
      },
    },
    201: {
      description: 'The dataset imported.',
      content: {
        'application/json': {
          schema: z
            .object({
              dataset: DatasetSchema,
              duplicate: z.literal(false),
              notKept: z.object({ rows: z.number().int(), by: z.record(z.string(), z.number().int()) }),
            })
            .openapi('StatisticsImported'),
        },
      },
    },
    ...errorResponses(409, 422),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/statistics/datasets/{id}',
  operationId: 'deleteStatisticsDataset',
  tags: ['statistics'],
  summary: 'Remove a dataset and its figures',
  request: { params: idParams },
  responses: { 204: { description: 'Removed.' }, ...errorResponses(404) },
});

const figuresRoute = createRoute({
  method: 'get',
  path: '/api/statistics/figures',
  operationId: 'listStatisticsFigures',
  tags: ['statistics'],
  summary: "A source's figures as it gives them: by country of origin (UNHCR) or citizenship (Eurostat)",
  request: {
    query: z
      .object({
        source: source.openapi({ param: { name: 'source', in: 'query' } }),
        state: stateParam.optional().openapi({ param: { name: 'state', in: 'query' } }),
        year: yearQuery.optional().openapi({ param: { name: 'year', in: 'query' } }),
        dataset: z.coerce
          .number()
          .int()
          .min(1)
          .max(2 ** 31 - 1)
          .optional()
          .openapi({ param: { name: 'dataset', in: 'query' } }),
      })
      .strict(),
  },
  responses: {
    200: {
      description: 'The datasets of the source and their figures.',
      content: {
        'application/json': {
          schema: z.object({ datasets: z.array(DatasetSchema), figures: z.array(FigureSchema) }).openapi('StatisticsFigures'),
        },
      },
    },
    ...errorResponses(),
  },
});

const reconciliationRoute = createRoute({
  method: 'get',
  path: '/api/statistics/reconciliation',
  operationId: 'getReconciliation',
  tags: ['statistics'],
  summary:
    "Per state, the platform's arrivals of a calendar year beside UNHCR's and Eurostat's figures (never merged), the differences and what explains them",
  request: {
    query: z
      .object({
        year: yearQuery.openapi({ param: { name: 'year', in: 'query' }, example: 2021 }),
        state: stateParam.optional().openapi({ param: { name: 'state', in: 'query' } }),
        pathway: z
          .preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.enum(PATHWAYS)).min(1).max(PATHWAYS.length))
          .optional()
          .openapi({
            param: { name: 'pathway', in: 'query', style: 'form', explode: true },
            description: 'The platform pathways counted (default: resettlement).',
          }),
      })
      .strict(),
  },
  responses: {
    200: { description: 'The reconciliation.', content: { 'application/json': { schema: ReconciliationSchema } } },
    ...errorResponses(),
  },
});

const contextRoute = createRoute({
  method: 'get',
  path: '/api/statistics/context',
  operationId: 'getStatisticsContext',
  tags: ['statistics'],
  summary: "The EU context figures of an imported UNHCR dataset beside the Recommendation's own (R 6, R 7)",
  request: {
    query: z
      .object({
        dataset: z.coerce
          .number()
          .int()
          .min(1)
          .max(2 ** 31 - 1)
          .optional()
          .openapi({ param: { name: 'dataset', in: 'query' } }),
      })
      .strict(),
  },
  responses: {
    200: {
      description: 'The figures, or null where no UNHCR dataset is imported.',
      content: { 'application/json': { schema: z.object({ context: ContextSchema.nullable() }).openapi('StatisticsContextAnswer') } },
    },
    ...errorResponses(404),
  },
});

export function statisticsRoutes(database: Database) {
  const app = router();
  app.openapi(listRoute, async (c) => {
    const p = principalOf(c);
    return c.json({ datasets: await inScope(database.db, p, (tx) => listDatasets(tx, p)) }, 200);
  });
  app.openapi({ ...importRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!CSV_TYPES.includes(type)) throw appError(ErrorCode.UnsupportedMediaType, 'mediaType');
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length === 0) throw appError(ErrorCode.BadInput, 'uploadEmpty');
    const out = await inScope(database.db, p, (tx) =>
      importStatistics({
        db: tx,
        actor: p,
        source: q.source,
        file: { name: q.filename ?? `${q.source}.${type === 'text/tab-separated-values' ? 'tsv' : 'csv'}`, bytes },
        ...(q.extractedOn && { extractedOn: q.extractedOn }),
        ...(q.code && { code: q.code }),
      }),
    );
    if (out.duplicate) return c.json({ dataset: out.dataset, duplicate: true as const }, 200);
    return c.json({ dataset: out.dataset, duplicate: false as const, notKept: out.notKept }, 201);
  });
  app.openapi(deleteRoute, async (c) => {
    const p = principalOf(c);
    await inScope(database.db, p, (tx) => removeDataset({ db: tx, actor: p, id: c.req.valid('param').id }));
    return c.body(null, 204);
  });
  app.openapi(figuresRoute, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const r = await inScope(database.db, p, (tx) =>
      statisticsFigures({
        db: tx,
        actor: p,
        source: q.source,
        ...(q.state && { stateCode: q.state }),
        ...(q.year !== undefined && { year: q.year }),
        ...(q.dataset !== undefined && { datasetId: q.dataset }),
      }),
    );
    return c.json(r, 200);
  });
  app.openapi(reconciliationRoute, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const pathways = q.pathway ? [...new Set(q.pathway)] : undefined;
    const r = await inScope(database.db, p, (tx) =>
      reconciliationReport({ db: tx, actor: p, year: q.year, ...(q.state && { stateCode: q.state }), ...(pathways && { pathways }) }),
    );
    return c.json(r, 200);
  });
  app.openapi(contextRoute, async (c) => {
    const p = principalOf(c);
    const q = c.req.valid('query');
    const context = await inScope(database.db, p, (tx) =>
      statisticsContext({ db: tx, actor: p, ...(q.dataset !== undefined && { datasetId: q.dataset }) }),
    );
    return c.json({ context }, 200);
  });
  return app;
}
