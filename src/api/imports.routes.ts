import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode, type RowProblem } from '../errors/app-error.ts';
import { translator } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import {
  commitUpload,
  getUpload,
  lockUpload,
  UPLOAD_KINDS,
  UPLOAD_STATUSES,
  uploadImport,
  type Upload,
} from '../imports/upload.service.ts';
import type { Lang } from '../reference/country.ts';
import { errorResponses, langOf } from './errors.ts';
import { assertMatches, etagHeader, ifMatchHeader, requireIfMatch } from './etag.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { roundParam, stateParam } from './schemas.ts';

/** The largest file an upload takes (413 above): a state's yearly case file is far smaller. */
export const UPLOAD_LIMIT = 16 * 1024 * 1024;

const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const RowProblemSchema = z
  .object({
    row: z.number().int(),
    column: z.string(),
    value: z.string(),
    reason: z.string(),
    code: z.string().optional(),
    params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  })
  .openapi('RowProblem', {
    description: 'One problem in one cell: the row as a spreadsheet numbers it (the header is row 1), the column, the value, the reason.',
  });

const ImportUpload = z
  .object({
    id: z.number().int(),
    kind: z.enum(UPLOAD_KINDS),
    state: z.string(),
    round: z.string().nullable(),
    filename: z.string(),
    sha256: z.string(),
    status: z
      .enum(UPLOAD_STATUSES)
      .openapi({ description: 'valid: the dry run passed and the upload can be committed; invalid: see the problems; committed.' }),
    createdBy: z.string(),
    createdAt: z.string(),
    committedAt: z.string().nullable(),
    report: z.object({
      valid: z.boolean(),
      rows: z.number().int().nullable(),
      summary: z
        .record(z.string(), z.number())
        .nullable()
        .openapi({ description: 'What the import would write (or, once committed, wrote).' }),
      message: z.string().nullable().openapi({ description: 'Why the file is refused, in the request’s language.' }),
      problemCount: z.number().int(),
      problems: z.array(RowProblemSchema).optional().openapi({ description: 'Every bad row (on GET only: they quote the file).' }),
    }),
  })
  .openapi('ImportUpload', { description: 'An uploaded file and the report of its validation (a dry run of the import).' });

const uploadRoute = createRoute({
  method: 'post',
  path: '/api/imports',
  operationId: 'uploadImport',
  tags: ['imports'],
  summary: 'Upload a file: it is validated (a dry run of the import) and kept until committed',
  description:
    'The body is the file itself: CSV (`text/csv`), or XLSX for a case file. Its name, for messages, in `Content-Disposition: attachment; filename="…"`. The answer says whether it is valid; GET it for the bad rows. Nothing is written but the upload.',
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    query: z.object({
      kind: z
        .enum(UPLOAD_KINDS)
        .openapi({ param: { name: 'kind', in: 'query' }, description: 'persons, cases (CSV or XLSX), events (moves), pledges.' }),
      state: stateParam.openapi({
        param: { name: 'state', in: 'query' },
        description: 'The Member State the file is for: a row of another state is a bad row.',
      }),
      round: roundParam.optional().openapi({ param: { name: 'round', in: 'query' }, description: 'The round (pledges only).' }),
    }),
    body: {
      required: true,
      content: {
        [CSV]: { schema: z.string().openapi({ format: 'binary' }) },
        [XLSX]: { schema: z.string().openapi({ format: 'binary' }) },
      },
    },
  },
  responses: {
    201: {
      description: 'The upload and its validation (without the bad rows).',
      headers: { ...etagHeader, Location: { description: 'The upload’s address.', schema: { type: 'string' } } },
      content: { 'application/json': { schema: ImportUpload } },
    },
    ...errorResponses(404, 409, 422),
  },
});

const idParams = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(2 ** 53 - 1)
    .openapi({ param: { name: 'id', in: 'path' }, description: 'The upload.', example: 7 }),
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/imports/{id}',
  operationId: 'getImport',
  tags: ['imports'],
  summary: 'An upload and its validation report, every bad row',
  request: { params: idParams },
  responses: {
    200: { description: 'The upload.', headers: etagHeader, content: { 'application/json': { schema: ImportUpload } } },
    ...errorResponses(404),
  },
});

const commitRoute = createRoute({
  method: 'post',
  path: '/api/imports/{id}/commit',
  operationId: 'commitImport',
  tags: ['imports'],
  summary: 'Commit a valid upload: run its import for real',
  description:
    'If-Match: the upload’s ETag as read. An invalid or committed upload: 409. The file’s content is dropped once its rows are in.',
  request: { params: idParams, headers: z.object({ 'Idempotency-Key': idempotencyHeader, 'If-Match': ifMatchHeader }) },
  responses: {
    200: {
      description: 'The committed upload, with what the import wrote.',
      headers: etagHeader,
      content: { 'application/json': { schema: ImportUpload } },
    },
    ...errorResponses(404, 409, 412, 422, 428),
  },
});

const uploadEtag = (u: Pick<Upload, 'id' | 'status'>) => `"upload-${u.id}-${u.status}"`;

/** An upload as the API shows it: the message and the rows' reasons in the request's language; the rows only where asked. */
function present(u: Upload, lang: Lang, withProblems: boolean): z.infer<typeof ImportUpload> {
  const t = translator(lang);
  const r = u.report;
  const message = r.messageKey ? t(`error.${r.messageKey}`, r.params ?? {}) : r.message;
  const problems = withProblems
    ? r.problems.map((p: RowProblem) => (p.code ? { ...p, reason: t(`problem.${p.code}`, p.params) } : p))
    : undefined;
  return {
    id: u.id,
    kind: u.kind,
    state: u.stateCode,
    round: u.roundId,
    filename: u.filename,
    sha256: u.sha256,
    status: u.status,
    createdBy: u.createdBy,
    createdAt: u.createdAt,
    committedAt: u.committedAt,
    report: { valid: r.valid, rows: r.rows, summary: r.summary, message, problemCount: r.problemCount, ...(problems ? { problems } : {}) },
  };
}

/** The file's name from Content-Disposition, kept to letters, digits and . _ -; it must say .xlsx for a workbook. */
function filenameOf(c: Context, xlsx: boolean): string {
  const header = c.req.header('content-disposition') ?? '';
  const raw = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(header)?.[1] ?? '';
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    // keep it as sent
  }
  const name = (decoded.split(/[\\/]/).pop() ?? '').replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 100) || 'upload';
  const ext = xlsx ? '.xlsx' : '.csv';
  return name.toLowerCase().endsWith(ext) ? name : `${name}${ext}`;
}

export function importsRoutes(database: Database) {
  const app = router();

  app.openapi({ ...uploadRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { kind, state, round } = c.req.valid('query');
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const xlsx = type === XLSX;
    if (type !== CSV && !xlsx) throw appError(ErrorCode.UnsupportedMediaType, 'uploadType');
    if (xlsx && kind !== 'cases') throw appError(ErrorCode.UnsupportedMediaType, 'uploadXlsxCasesOnly');
    if (kind === 'pledges' && !round)
      throw appError(ErrorCode.BadInput, 'uploadNeedsRound', {}, { round: [translator(langOf(c))('validation.required')] });
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length === 0) throw appError(ErrorCode.BadInput, 'uploadEmpty');
    const upload = await inScope(database.db, p, (tx) =>
      uploadImport({
        db: tx,
        actor: p,
        kind,
        stateCode: state,
        roundId: kind === 'pledges' ? round! : null,
        filename: filenameOf(c, xlsx),
        bytes,
      }),
    );
    c.header('etag', uploadEtag(upload));
    c.header('location', `/api/imports/${upload.id}`);
    return c.json(present(upload, langOf(c), false), 201);
  });

  app.openapi(getRoute, async (c) => {
    const p = principalOf(c);
    const upload = await inScope(database.db, p, (tx) => getUpload({ db: tx, actor: p, id: c.req.valid('param').id }));
    c.header('etag', uploadEtag(upload));
    return c.json(present(upload, langOf(c), true), 200);
  });

  app.openapi({ ...commitRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const upload = await inScope(database.db, p, async (tx) => {
      const u = await lockUpload({ db: tx, actor: p, id: c.req.valid('param').id });
      assertMatches(requireIfMatch(c), uploadEtag(u));
      return commitUpload({ db: tx, actor: p, upload: u });
    });
    c.header('etag', uploadEtag(upload));
    return c.json(present(upload, langOf(c), false), 200);
  });

  return app;
}
