import createClient, { type Client } from 'openapi-fetch';
import { randomUUID } from 'node:crypto';
import { AppError, ErrorCode, type RowProblem } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import type { Lang } from '../reference/country.ts';
import type { paths } from './openapi.types.ts';

/**
 * The one typed client of the API (the command line's `--server` mode; the web interface to come),
 * its types generated from the OpenAPI document. A refusal of the server comes back as the same
 * AppError a local run would throw (same code, the message the server wrote in the client's
 * language), so whoever prints errors prints these alike.
 */
export type ApiClient = Client<paths>;

export interface ClientOptions {
  /** The server, e.g. https://pathways.example.eu */
  baseUrl: string;
  /** A session token (`Authorization: Bearer`). */
  token: string;
  /** The language of messages and of names in figures. */
  lang?: Lang;
  fetch?: typeof fetch;
}

const CODES = new Set<string>(Object.values(ErrorCode));

export function createApiClient(opts: ClientOptions): ApiClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const client = createClient<paths>({
    baseUrl,
    headers: { authorization: `Bearer ${opts.token}`, 'accept-language': opts.lang ?? 'en' },
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  client.use({
    async onResponse({ response }) {
      if (!response.ok) throw await errorOfResponse(response);
      return undefined;
    },
    onError({ error }) {
      return appError(ErrorCode.Configuration, 'serverUnreachable', { url: baseUrl, reason: (error as Error)?.message ?? String(error) });
    },
  });
  return client;
}

/** The AppError an error response stands for: its code, its message, and the rows or field reasons it names. */
export async function errorOfResponse(response: Response): Promise<AppError> {
  let body: { code?: unknown; message?: unknown; details?: unknown } = {};
  try {
    body = (await response.clone().json()) as typeof body;
  } catch {
    // not the API's error shape: said below from the status alone
  }
  const code =
    typeof body.code === 'string' && CODES.has(body.code)
      ? (body.code as ErrorCode)
      : response.status >= 500
        ? ErrorCode.Internal
        : ErrorCode.BadInput;
  const message = typeof body.message === 'string' ? body.message : `HTTP ${response.status} ${response.statusText}`;
  const details = (body.details && typeof body.details === 'object' ? body.details : {}) as Record<string, unknown>;
  if (Array.isArray(details.rows)) return new AppError(code, message, details.rows as RowProblem[]);
  // A validation error's reasons per field, said after the message (a terminal has no form to show them beside the fields).
  const entries = Object.entries(details);
  const perField = entries.length > 0 && entries.every(([, v]) => Array.isArray(v) && v.every((r) => typeof r === 'string'));
  const fields = perField ? (entries as [string, string[]][]).filter(([, reasons]) => reasons.length > 0) : [];
  const said = fields.length > 0 ? `${message} ${fields.map(([f, reasons]) => `${f}: ${reasons.join('; ')}`).join('. ')}.` : message;
  return new AppError(code, said, details);
}

/** A new Idempotency-Key: one per change; the same one when retrying it. */
export const newIdempotencyKey = (): string => randomUUID();
