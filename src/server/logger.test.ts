import { Writable } from 'node:stream';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createLogger, requestLogger } from './logger.ts';

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
    logger.info({ login: { password: 'hunter2-hunter2', totp: '123456' }, person: { personRef: 'P-77', birthYear: 1990, citizenship: 'SYR', needs: [{ type: 'medical' }] }, req: { headers: { authorization: 'Bearer abc', cookie: '__Host-pathways_session=abc' } } });
    const text = JSON.stringify(lines);
    for (const secret of ['hunter2', '123456', 'P-77', '1990', 'SYR', 'medical', 'Bearer abc', '__Host-pathways_session=abc']) expect(text).not.toContain(secret);
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
