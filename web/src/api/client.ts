import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from '../../../src/api/openapi.types.ts';

/**
 * The web's client of the API: the same generated types as the command line's (src/api/client.ts),
 * the session in its HttpOnly cookie (never in browser storage), the CSRF token in memory only,
 * the interface's language in Accept-Language (error messages come back in it), an Idempotency-Key
 * on every change. A refusal throws an ApiError with the server's code and message.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
let language = 'en';

export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};
export const setApiLanguage = (lang: string) => {
  language = lang;
};

export async function errorOf(response: Response): Promise<ApiError> {
  let body: { code?: unknown; message?: unknown; details?: unknown } = {};
  try {
    body = (await response.clone().json()) as typeof body;
  } catch {
    // not the API's shape: the status speaks
  }
  return new ApiError(
    response.status,
    typeof body.code === 'string' ? body.code : response.status >= 500 ? 'internal' : 'bad_input',
    typeof body.message === 'string' ? body.message : `HTTP ${response.status}`,
    body.details && typeof body.details === 'object' ? (body.details as Record<string, unknown>) : {},
  );
}

const session: Middleware = {
  onRequest({ request }) {
    request.headers.set('accept-language', language);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      if (csrfToken) request.headers.set('x-csrf-token', csrfToken);
      if (!request.headers.has('idempotency-key')) request.headers.set('idempotency-key', crypto.randomUUID());
    }
    return request;
  },
  async onResponse({ response }) {
    if (!response.ok) throw await errorOf(response);
    return undefined;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(session);

/** A plain request to the routes outside the OpenAPI document (sign-in under /api/auth). */
export async function authRequest<T>(path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': language };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api/auth${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'same-origin',
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!response.ok) throw await errorOf(response);
  return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
}
