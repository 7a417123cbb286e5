import pino, { type Logger } from 'pino';
import type { MiddlewareHandler } from 'hono';
import { randomUUID } from 'node:crypto';

/**
 * Structured logs (pino, JSON lines) that carry no personal data: a request is logged by method,
 * route pattern (never the query string), status, time taken, principal id and request id.
 * Secrets and anything that could be a person's data are redacted by path, as a second net.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.totp',
  '*.code',
  '*.token',
  '*.csrfToken',
  '*.secret',
  '*.personRef',
  '*.birthYear',
  '*.citizenship',
  '*.needs',
  '*.members',
  '*.reason',
  'body',
];

export function createLogger(opts: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  return pino(
    { level: opts.level ?? process.env.LOG_LEVEL ?? 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'pathways' } },
    opts.destination ?? pino.destination({ dest: 2, sync: false }),
  );
}

/** One line per request, after it is answered. */
export function requestLogger(logger: Logger): MiddlewareHandler {
  return async (c, next) => {
    const started = performance.now();
    const id = randomUUID();
    c.header('X-Request-Id', id);
    c.set('log' as never, logger as never);
    await next();
    const principal = (c.get as (k: string) => { id?: string } | undefined)('principal');
    logger.info({
      reqId: id,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      principal: principal?.id ?? null,
    });
  };
}
