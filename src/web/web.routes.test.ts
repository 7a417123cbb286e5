import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { mountWeb, WEB_CSP } from './web.routes.ts';

describe('serving the web interface', () => {
  const root = `${mkdtempSync(join(tmpdir(), 'pathways-web-'))}/`;
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const app = new Hono();
  mountWeb(app, root);
  app.get('/api/thing', (c) => c.json({ api: true }));

  it('says how to build it when there is no build, rather than a blank page', async () => {
    const res = await app.request('/dashboard', { headers: { accept: 'text/html' } });
    expect(res.status).toBe(503);
    expect(await res.text()).toMatch(/npm run build:web/);
  });

  it('answers every page address with the one page under its CSP, a new build at once, and leaves /api alone', async () => {
    writeFileSync(`${root}index.html`, '<!doctype html><title>first</title>');
    mkdirSync(`${root}assets`, { recursive: true });
    writeFileSync(`${root}assets/app-1.js`, 'console.log(1)');
    const page = await app.request('/cases/ABC-1?status=referred', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(WEB_CSP);
    expect(await page.text()).toContain('first');
    const asset = await app.request('/assets/app-1.js');
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    // A rebuild names new assets: the page is read again, not served from memory.
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(`${root}index.html`, '<!doctype html><title>second</title>');
    expect(await (await app.request('/dashboard', { headers: { accept: 'text/html' } })).text()).toContain('second');
    expect(await (await app.request('/api/thing')).json()).toEqual({ api: true });
  });
});
