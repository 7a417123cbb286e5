import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorize, policies } from '../access/policy.ts';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { onlyArea } from '../exchange/concepts.ts';
import type { Dataset } from '../exchange/dataset.ts';
import { EXPORT_FORMATS, FORMAT_MEDIA, writeDatasetAs, type ExportFormat } from '../exchange/writers.ts';
import { translator } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import { incentiveDataset } from '../incentives/incentive.dataset.ts';
import { incentiveReport } from '../incentives/incentive.service.ts';
import { pipelineDataset } from '../pipeline/pipeline.dataset.ts';
import { pipeline } from '../pipeline/pipeline.service.ts';
import { returnsDataset } from '../programmes/returns.dataset.ts';
import { admissionsReport } from '../programmes/returns.service.ts';
import { stateOfPlayDataset } from '../state-of-play/state-of-play.dataset.ts';
import { stateOfPlay } from '../state-of-play/state-of-play.service.ts';
import { reconciliationDataset } from '../statistics/reconciliation.ts';
import { reconciliationReport } from '../statistics/statistics.service.ts';
import { errorResponses, langOf } from './errors.ts';
import { principalOf, router } from './router.ts';
import { isoDate, langQuery, roundId, stateParam } from './schemas.ts';

/**
 * Every report in the exchange formats: plain CSV, XLSX, HXL-tagged CSV and SDMX-CSV 2.0, built
 * from the same report the JSON operations return and under the same policies (the JSON stays the
 * JSON API). A file, with its name.
 */
export const EXPORT_REPORTS = ['state-of-play', 'pipeline', 'admissions', 'incentives', 'reconciliation'] as const;
type ExportReport = (typeof EXPORT_REPORTS)[number];

const q = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });

/** A file of an export answer: its media type, the file name it is saved under. */
export function fileResponse(c: Context, format: ExportFormat, name: string, body: string | Buffer) {
  const media = FORMAT_MEDIA[format];
  const filename = `${name.replace(/[^A-Za-z0-9._-]+/g, '-')}.${media.extension}`;
  c.header('content-type', media.type);
  c.header('content-disposition', `attachment; filename="${filename}"`);
  return c.body(typeof body === 'string' ? body : new Uint8Array(body), 200);
}

/** The file responses of an export operation, one media type per format. */
export const fileContent = (formats: readonly ExportFormat[]) =>
  Object.fromEntries(
    formats.map((f) => [FORMAT_MEDIA[f].type.split(';')[0]!, { schema: z.string().openapi({ format: f === 'xlsx' ? 'binary' : 'text' }) }]),
  );

const exportRoute = createRoute({
  method: 'get',
  path: '/api/exports/{report}',
  operationId: 'exportReport',
  tags: ['reports'],
  summary: 'A report as a file: CSV, XLSX, HXL-tagged CSV or SDMX-CSV 2.0',
  description:
    'The state of play, the pipeline, the admissions of point 27, the incentives (totals per state and rate only) or the reconciliation with UNHCR and Eurostat, as observations whose columns carry an SDMX concept id and an HXL hashtag. The same policies as the JSON operations.',
  request: {
    params: z.object({ report: z.enum(EXPORT_REPORTS).openapi({ param: { name: 'report', in: 'path' }, description: 'The report.' }) }),
    query: z
      .object({
        format: z.enum(EXPORT_FORMATS).openapi(q('format', 'csv, xlsx, hxl (HXL-tagged CSV) or sdmx (SDMX-CSV 2.0).')),
        round: roundId.optional().openapi(q('round', 'The round (every report; admissions: or from and to).')),
        state: stateParam.optional().openapi(q('state', 'One Member State only.')),
        asOf: isoDate.optional().openapi(q('asOf', 'State of play: as things stood at the end of this day (default today).')),
        from: isoDate.optional().openapi(q('from', 'Admissions: the first day (with to, instead of round).')),
        to: isoDate.optional().openapi(q('to', 'Admissions: the last day.')),
        year: z.coerce.number().int().min(1950).max(2100).optional().openapi(q('year', 'Reconciliation: the calendar year.')),
        lang: langQuery,
      })
      .strict(),
  },
  responses: { 200: { description: 'The file.', content: fileContent(EXPORT_FORMATS) }, ...errorResponses(404) },
});

export function exportsRoutes(database: Database) {
  const app = router();
  app.openapi(exportRoute, async (c) => {
    const p = principalOf(c);
    const report: ExportReport = c.req.valid('param').report;
    const { format, round, state, asOf, from, to, year, lang: asked } = c.req.valid('query');
    const lang = asked ?? langOf(c);
    const t = translator(lang);
    const needRound = () => {
      if (!round) throw appError(ErrorCode.BadInput, 'exports.roundNeeded', { report });
      return round;
    };
    if (report !== 'admissions' && (from !== undefined || to !== undefined))
      throw appError(ErrorCode.BadInput, 'exports.periodOnlyAdmissions');
    if ((report === 'reconciliation') !== (year !== undefined)) throw appError(ErrorCode.BadInput, 'exports.yearOnlyReconciliation');
    const { dataset, name } = await inScope(database.db, p, async (tx): Promise<{ dataset: Dataset; name: string }> => {
      if (report === 'state-of-play') {
        authorize(policies.readFigures, p, undefined);
        const sop = await stateOfPlay({ db: tx, roundId: needRound(), asOf, lang });
        const d = stateOfPlayDataset(sop, t);
        return { dataset: state ? onlyArea(d, state) : d, name: `state-of-play-${sop.round}-${sop.asOf}` };
      }
      if (report === 'pipeline') {
        authorize(policies.readFigures, p, undefined);
        const d = pipelineDataset(await pipeline({ db: tx, roundId: needRound() }), t);
        return { dataset: state ? onlyArea(d, state) : d, name: `pipeline-${round}` };
      }
      if (report === 'admissions') {
        const r = await admissionsReport({
          db: tx,
          actor: p,
          ...(round !== undefined && { round }),
          ...(from !== undefined && { from }),
          ...(to !== undefined && { to }),
          ...(state !== undefined && { stateCode: state }),
        });
        return { dataset: returnsDataset(r, t), name: `admissions-${r.round ?? `${r.from}-${r.to}`}` };
      }
      if (report === 'reconciliation') {
        const r = await reconciliationReport({ db: tx, actor: p, year: year!, ...(state && { stateCode: state }) });
        return { dataset: reconciliationDataset(r, lang), name: `reconciliation-${r.year}${state ? `-${state}` : ''}` };
      }
      const r = await incentiveReport(tx, p, { roundId: needRound(), stateCode: state ?? null, t });
      return { dataset: incentiveDataset(r, t), name: `incentives-${r.round}${r.state ? `-${r.state}` : ''}` };
    });
    return fileResponse(c, format, name, await writeDatasetAs(format, dataset, t)) as never;
  });
  return app;
}
