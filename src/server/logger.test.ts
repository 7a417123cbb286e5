import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger, logFormat, prettyLine, requestLogger } from './logger.ts';

const capture = () => {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ destination: stream }) };
};

describe('the structured log', () => {
  it('redacts secrets and the fields of a person wherever they are nested', () => {
    const { lines, logger } = capture();
    logger.info({
      login: { password: 'hunter2-hunter2', totp: '123456' },
      person: { personRef: 'P-77', birthYear: 1990, citizenship: 'SYR', needs: [{ type: 'medical' }] },
      req: { headers: { authorization: 'Bearer abc', cookie: '__Host-pathways_session=abc' } },
    });
    // The timestamp is left out of the text searched: its digits can hold "1990" or "123456" by chance.
    expect(typeof lines[0]?.time).toBe('number');
    const text = JSON.stringify(lines.map(({ time: _time, ...rest }) => rest));
    for (const secret of ['hunter2', '123456', 'P-77', '1990', 'SYR', 'medical', 'Bearer abc', '__Host-pathways_session=abc'])
      expect(text).not.toContain(secret);
    expect(text).toContain('[redacted]');
  });

  it('logs a request by its route pattern, never its address or query, with status, time and principal', async () => {
    const { lines, logger } = capture();
    const app = new Hono();
    app.use(requestLogger(logger));
    app.get('/api/states/:state/cases/:ref', (c) => c.json({ ok: true }));
    const res = await app.request('/api/states/NL/cases/NL-2020-0042?person=P-77');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await new Promise((r) => setTimeout(r, 50));
    const line = lines.find((l) => l.route !== undefined)!;
    expect(line).toMatchObject({ method: 'GET', route: '/api/states/:state/cases/:ref', status: 200, principal: null });
    expect(JSON.stringify(lines)).not.toMatch(/NL-2020-0042|P-77/);
  });
});

describe('the log on a terminal', () => {
  const pretty = (opts: { level?: string } = {}) => {
    const out: string[] = [];
    return { out, logger: createLogger({ format: 'pretty', destination: { write: (s: string) => out.push(s) }, ...opts }) };
  };
  const app = (logger: ReturnType<typeof createLogger>) => {
    const a = new Hono();
    a.use(requestLogger(logger));
    a.get('/api/ok', (c) => c.json({ ok: true }));
    a.get('/api/broken', (c) => c.json({ broken: true }, 500));
    return a;
  };

  it('is JSON unless asked otherwise or on a terminal', () => {
    expect(logFormat({}, false)).toBe('json');
    expect(logFormat({}, true)).toBe('pretty');
    expect(logFormat({ PATHWAYS_LOG_FORMAT: 'json' }, true)).toBe('json');
    expect(logFormat({ PATHWAYS_LOG_FORMAT: 'pretty' }, false)).toBe('pretty');
  });

  it('is quiet: no line for a request answered well, one short line for a failure, redacted as ever', async () => {
    const { out, logger } = pretty();
    const a = app(logger);
    await a.request('/api/ok');
    await a.request('/api/broken?person=P-77');
    logger.info({ login: { password: 'hunter2-hunter2' } }, 'retention ran');
    await new Promise((r) => setTimeout(r, 20));
    const lines = out.join('').trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d ERROR GET \/api\/broken 500 [\d.]+ ms req [0-9a-f]{8}$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d INFO {2}retention ran login=\{"password":"\[redacted\]"\}$/);
    expect(out.join('')).not.toMatch(/P-77|hunter2|^\{/);
  });

  it('shows every request at level debug', async () => {
    const { out, logger } = pretty({ level: 'debug' });
    await app(logger).request('/api/ok');
    expect(out.join('')).toMatch(/INFO {2}GET \/api\/ok 200 [\d.]+ ms/);
  });

  it('writes any other record as time, level, message and its fields, and a slow request too', () => {
    expect(prettyLine({ level: 40, time: 0, service: 'pathways', msg: 'slow job', rounds: 3, state: 'NL' })).toMatch(
      /^\d\d:\d\d:\d\d WARN {2}slow job rounds=3 state=NL$/,
    );
    expect(prettyLine({ level: 30, time: 0, method: 'GET', route: '/x', status: 200, ms: 1500 })).toMatch(/GET \/x 200 1500 ms$/);
  });
});
