import { z } from '@hono/zod-openapi';
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { type AppError, ErrorCode, httpStatusOf, isAppError, type RowProblem } from '../errors/app-error.ts';
import { catalogueKeys, translator, type Translate } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import { databaseError } from '../db/database-error.ts';
import { isLang, type Lang } from '../i18n/lang.ts';

/**
 * The API's one error shape, and the one way an error becomes a response: the domain error's code
 * gives the status (`httpStatusOf`), its catalogue key the message in the caller's language, and
 * `details` what a form needs to show (reasons per field, or the rows of a file). Nothing else of an
 * error leaves the server: no stack, no SQL, no parameter.
 */
export const ErrorBody = z
  .object({
    code: z
      .enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]])
      .openapi({ description: 'What went wrong, for programs: one of a fixed list.' }),
    message: z
      .string()
      .openapi({ description: "What went wrong and what to do next, for people, in the request's language (Accept-Language: en or nl)." }),
    details: z.record(z.string(), z.unknown()).openapi({
      description:
        'For a request that fails validation: the reasons per field (`{"places": ["must be 0 or more"]}`; a query parameter or header by its name, ' +
        'a body field by its path). For a file with bad rows: `rows`, each with row, column, value and reason. Otherwise what the error names (e.g. the current `version`).',
    }),
  })
  .openapi('Error');
export type ErrorBody = z.infer<typeof ErrorBody>;

/** The statuses an operation can answer with an error, each documented with the one error shape. */
const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input: the body, a parameter or a header is not valid (details per field), or a file has bad rows.',
  401: 'Not signed in, the session is over, or the second factor is still to be passed.',
  403: 'Signed in, but a named policy does not allow this to your role or tenant (or a cookie-authenticated change lacks its CSRF token).',
  404: 'There is no such resource (or none your scope may see).',
  409: 'Conflict: the resource is not in a state that allows this, or a request with the same Idempotency-Key is still running.',
  412: 'If-Match names a version that is no longer the current one: read the resource again.',
  413: 'The body is larger than this operation takes.',
  415: 'The body is of a media type this operation does not take.',
  422: 'The Idempotency-Key was used before with another request.',
  428: 'A change needs If-Match with the ETag you read.',
  429: 'Too many requests.',
  500: 'Something failed on the server; nothing of it is shown.',
};

const errorResponse = (status: number) => ({
  description: DESCRIPTIONS[status] ?? 'Error',
  content: { 'application/json': { schema: ErrorBody } },
});

/** The error responses of an operation: the ones every authenticated operation has, and its own. */
export function errorResponses<S extends number>(
  ...statuses: S[]
): Record<S | 400 | 401 | 403 | 413 | 415 | 429 | 500, ReturnType<typeof errorResponse>> {
  const all = [...new Set([400, 401, 403, 413, 415, 429, 500, ...statuses])].sort();
  return Object.fromEntries(all.map((s) => [s, errorResponse(s)])) as never;
}

/**
 * The language of the response: the first of the 24 the client accepts (Accept-Language, with
 * q-values); without that header the language chosen in the web interface (the cookie
 * `pathways_lang`); English otherwise.
 */
export function langOf(c: Context): Lang {
  const header = c.req.header('accept-language');
  if (!header) {
    const chosen = /(?:^|;\s*)pathways_lang=([a-z]{2})(?:;|$)/.exec(c.req.header('cookie') ?? '')?.[1];
    return chosen && isLang(chosen) ? chosen : 'en';
  }
  let best: { lang: Lang; q: number } | null = null;
  for (const part of header.split(',').slice(0, 20)) {
    const [tag, ...params] = part.trim().split(';');
    const primary = tag?.trim().toLowerCase().split('-')[0];
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (primary && isLang(primary) && (best === null || q > best.q)) best = { lang: primary, q };
  }
  return best?.lang ?? 'en';
}

/** The body of an error in a language: the message from its catalogue key, row reasons from theirs. */
export function errorBody(e: AppError, lang: Lang): ErrorBody {
  const t = translator(lang);
  const message = e.messageKey ? t(`error.${e.messageKey}`, e.params) : e.message;
  let details: Record<string, unknown> = {};
  if (Array.isArray(e.details)) details = { rows: e.details.map((p) => translateProblem(p, t)) };
  else if (e.details) details = e.details;
  // A refusal names its rule for programs only (`details.policy`), never in the message for people.
  else if (e.code === ErrorCode.Forbidden && typeof e.params?.policy === 'string') details = { policy: e.params.policy };
  return { code: e.code, message, details };
}

const translateProblem = (p: RowProblem, t: Translate): RowProblem => (p.code ? { ...p, reason: t(`problem.${p.code}`, p.params) } : p);

/** Everything thrown on the way becomes the one shape. */
export const onApiError: ErrorHandler = (e, c) => {
  const lang = langOf(c);
  let err: AppError | null = isAppError(e) ? e : databaseError(e);
  if (!err && e instanceof HTTPException) err = fromHttpException(e);
  if (!err) {
    // Logged without the error's text: a database error's message can quote the values of a row.
    const code = (e as { code?: unknown }).code ?? (e as { cause?: { code?: unknown } }).cause?.code;
    const log = (c.get as (k: string) => { error: (o: object, m: string) => void } | undefined)('log');
    if (log)
      log.error(
        { method: c.req.method, route: c.req.routePath, error: e.name, code: typeof code === 'string' ? code : null },
        'unexpected error',
      );
    else console.error(`API ${c.req.method} ${c.req.routePath}: unexpected ${e.name}${typeof code === 'string' ? ` (${code})` : ''}`);
    err = appError(ErrorCode.Internal, 'internal');
  }
  c.header('cache-control', 'no-store');
  return c.json(errorBody(err, lang), httpStatusOf[err.code] as 400);
};

function fromHttpException(e: HTTPException): AppError {
  switch (e.status) {
    case 400:
      return appError(
        ErrorCode.BadInput,
        /JSON/i.test(e.message) ? 'jsonMalformed' : /FormData/i.test(e.message) ? 'formMalformed' : 'requestInvalid',
      );
    case 413:
      return appError(ErrorCode.PayloadTooLarge, 'bodyTooLarge', { max: '?' });
    case 415:
      return appError(ErrorCode.UnsupportedMediaType, 'mediaType');
    case 404:
      return appError(ErrorCode.NotFound, 'routeNotFound', { path: '' });
    default:
      return e.status >= 500 ? appError(ErrorCode.Internal, 'internal') : appError(ErrorCode.BadInput, 'requestInvalid');
  }
}

export const onNotFound: NotFoundHandler = (c) => {
  const err = appError(ErrorCode.NotFound, 'routeNotFound', { path: c.req.path.slice(0, 200) });
  c.header('cache-control', 'no-store');
  return c.json(errorBody(err, langOf(c)), 404);
};

/**
 * The validation hook of every operation (OpenAPIHono's `defaultHook`): a request that does not fit
 * its schema is refused with 400 and the reasons per field, in the request's language.
 */
export function validationHook(result: { success: boolean; error?: ZodError; data?: unknown; target: string }, c: Context): void {
  if (result.success || !result.error) return;
  throw appError(ErrorCode.BadInput, 'requestInvalid', {}, fieldReasons(result.error, result.data, result.target, translator(langOf(c))));
}

type Issue = ZodError['issues'][number] & Record<string, unknown>;

/** Zod's issues as `{ field: [reasons] }`, each reason from the catalogues (`validation.*`). */
export function fieldReasons(error: ZodError, input: unknown, target: string, t: Translate): Record<string, string[]> {
  // Field names come from the request: `__proto__` or `constructor` must be plain keys here.
  const out = new Map<string, string[]>();
  const add = (field: string, reason: string) => out.set(field, [...(out.get(field) ?? []), reason]);
  for (const raw of error.issues) {
    const issue = raw as Issue;
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : target === 'json' ? '(body)' : `(${target})`;
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys as string[]) add(issue.path.length > 0 ? `${field}.${k}` : k, t('validation.unknownField'));
      continue;
    }
    add(field, reasonOf(issue, valueAt(input, issue.path), t));
  }
  return Object.fromEntries(out);
}

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === 'object' && Object.hasOwn(v, k) ? (v as Record<PropertyKey, unknown>)[k] : undefined),
    input,
  );

const KNOWN = new Set(catalogueKeys('en'));

function reasonOf(issue: Issue, value: unknown, t: Translate): string {
  // A refinement of ours names its catalogue key as its message.
  if (KNOWN.has(`validation.${issue.message}`)) return t(`validation.${issue.message}`);
  const n = (k: string) => String(issue[k]);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return t('validation.required');
      return t('validation.type', { expected: t(`validation.expected.${typeKey(String(issue.expected))}`) });
    case 'too_small':
      return t(`validation.tooSmall.${sizeKey(issue.origin)}`, { n: n('minimum'), inclusive: issue.inclusive === false ? 'no' : 'yes' });
    case 'too_big':
      return t(`validation.tooBig.${sizeKey(issue.origin)}`, { n: n('maximum'), inclusive: issue.inclusive === false ? 'no' : 'yes' });
    case 'invalid_value':
      return t('validation.oneOf', { values: (issue.values as unknown[]).map(String).join(', ') });
    case 'invalid_format':
      return t('validation.format');
    case 'not_multiple_of':
      return t('validation.multipleOf', { n: n('divisor') });
    default:
      return t('validation.invalid');
  }
}

const typeKey = (expected: string) => (['string', 'number', 'int', 'boolean', 'object', 'array'].includes(expected) ? expected : 'other');
const sizeKey = (origin: unknown) => (origin === 'string' ? 'string' : origin === 'array' || origin === 'set' ? 'array' : 'number');
