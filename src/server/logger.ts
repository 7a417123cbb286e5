import pino, { type Logger } from 'pino';
import type { MiddlewareHandler } from 'hono';
import { randomUUID } from 'node:crypto';

/**
 * Structured logs (pino, JSON lines; short human lines on a terminal) that carry no personal data: a request is logged by method,
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

export type LogFormat = 'json' | 'pretty';

/**
 * The log's format: `PATHWAYS_LOG_FORMAT` (json or pretty) when set; else short human lines when
 * the log goes to a terminal (standard error), and JSON lines otherwise (a file, a pipe, a service
 * manager, a log collector).
 */
export function logFormat(env: NodeJS.ProcessEnv = process.env, tty: boolean = Boolean(process.stderr.isTTY)): LogFormat {
  const asked = env.PATHWAYS_LOG_FORMAT?.trim().toLowerCase();
  if (asked === 'json' || asked === 'pretty') return asked;
  return tty ? 'pretty' : 'json';
}

/** A destination stream, or a JSON destination (SonicBoom) on stderr. With a destination given, JSON unless `format` says otherwise. */
export function createLogger(opts: { level?: string; destination?: pino.DestinationStream; format?: LogFormat } = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  const format = opts.format ?? (opts.destination ? 'json' : logFormat());
  const destination =
    format === 'pretty'
      ? prettyDestination(opts.destination ?? process.stderr, { everyRequest: level === 'debug' || level === 'trace' })
      : (opts.destination ?? pino.destination({ dest: 2, sync: false }));
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { service: 'pathways' } }, destination);
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** A request slower than this is shown on a terminal even when it succeeded. */
const SLOW_MS = 1000;

/**
 * Short human lines for a terminal, from pino's JSON lines (already redacted): a request only when
 * it failed (warn or above) or was slow, unless the level is debug or trace; every other line (the
 * retention job, errors) as time, level, message and its fields.
 */
export function prettyDestination(out: { write: (s: string) => unknown }, opts: { everyRequest?: boolean } = {}): pino.DestinationStream {
  return {
    write(line: string) {
      for (const text of line.split('\n').filter(Boolean)) {
        let o: Record<string, unknown>;
        try {
          o = JSON.parse(text) as Record<string, unknown>;
        } catch {
          out.write(`${text}\n`);
          continue;
        }
        const formatted = prettyLine(o, opts);
        if (formatted !== null) out.write(`${formatted}\n`);
      }
    },
  };
}

/** One log record as a line for a person, or null when a terminal need not show it. */
export function prettyLine(o: Record<string, unknown>, opts: { everyRequest?: boolean } = {}): string | null {
  const level = typeof o.level === 'number' ? o.level : 30;
  const time = new Date(typeof o.time === 'number' ? o.time : Date.now()).toTimeString().slice(0, 8);
  const head = `${time} ${(LEVELS[level] ?? String(level)).padEnd(5)}`;
  if (typeof o.route === 'string' || (typeof o.method === 'string' && typeof o.status === 'number')) {
    const ms = typeof o.ms === 'number' ? o.ms : 0;
    if (!opts.everyRequest && level < 40 && ms < SLOW_MS) return null;
    const id = typeof o.reqId === 'string' ? ` req ${o.reqId.slice(0, 8)}` : '';
    return `${head} ${String(o.method)} ${String(o.route ?? '')} ${String(o.status)} ${ms} ms${id}`;
  }
  const { level: _l, time: _t, service: _s, msg, err, pid: _p, hostname: _h, ...rest } = o;
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const e = err as { message?: string; stack?: string } | undefined;
  const error = e ? `\n  ${(e.stack ?? e.message ?? JSON.stringify(e)).split('\n').join('\n  ')}` : '';
  return `${head} ${[typeof msg === 'string' ? msg : '', ...fields].filter(Boolean).join(' ')}${error}`;
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
    // A failure of the server is an error (shown on a terminal too); anything else is information.
    logger[c.res.status >= 500 ? 'error' : 'info']({
      reqId: id,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      principal: principal?.id ?? null,
    });
  };
}
