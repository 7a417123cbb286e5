/**
 * The web interface in headless Chromium (Debian's, driven by playwright-core): the dashboard's first
 * render on localhost with the demo data (goal ≤ 1 s at 100k persons), beside two baselines measured
 * in the same run on the same server — the state-of-play API call the dashboard waits for, and a
 * static page of the same shell and scripts (the accessibility statement) — and the JavaScript a first visit loads
 * (goal ≤ 300 KB gzip).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { createSession } from '../src/identity/session.ts';
import { SESSION_COOKIE } from '../src/identity/authenticate.ts';
import { createUser } from '../src/identity/user.service.ts';
import { startServer } from '../src/server/server.ts';
import { WEB_ROOT } from '../src/web/web.routes.ts';
import { openBrowser } from '../test/browser/chromium.ts';
import { fmtInt, percentile, progress, withFreshDatabase, type DbKind } from './harness.ts';
import { execFileSync } from 'node:child_process';

export const WEB_GOAL = { firstRenderMs: 1000, initialKbGzip: 300 };
/** The dashboard has rendered its figures: the key-figure cards with their numbers. */
export const DASHBOARD_READY = '[data-testid="figure-arrived"]';

export interface WebResult {
  kind: DbKind;
  persons: number;
  runs: number;
  dashboard: { p50: number; p95: number; max: number };
  staticPage: { p50: number };
  stateOfPlayApi: { p50: number };
  initialJs: { files: number; raw: number; gzip: number };
  dashboardJs: { files: number; gzip: number };
}

/** The scripts of the first load: the entry and what index.html preloads, gzipped at level 9. */
export function initialJavaScript(root = WEB_ROOT): { files: number; raw: number; gzip: number } {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const paths = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const bytes = paths.map((p) => readFileSync(join(root, p)));
  return { files: paths.length, raw: bytes.reduce((n, b) => n + b.length, 0), gzip: bytes.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0) };
}

export async function webBenchmark(opts: { kind: DbKind; adminUrl: string | undefined; persons: number; runs: number }): Promise<WebResult> {
  execFileSync(process.execPath, [new URL('../bin/build-web.js', import.meta.url).pathname], { stdio: 'inherit' });
  return withFreshDatabase(opts.kind, opts.adminUrl, async ({ database }) => {
    const op = operator('bench');
    progress(`web: loading ${fmtInt(opts.persons)} demo persons (${opts.kind})`);
    await loadDemo({ db: database.db, actor: op, persons: opts.persons, seed: 51 });
    const token = await inScope(database.db, op, async (tx) => {
      const { id } = await createUser(tx, op, { username: 'bench-analyst', displayName: 'Bench', role: 'commission_analyst', stateCode: null, organisation: null, password: null });
      return (await createSession(tx, id, { mfaPassed: true })).token;
    });
    const server = await startServer({ database, port: 0, host: '127.0.0.1' });
    const b = await openBrowser();
    try {
      await b.context.addCookies([{ name: SESSION_COOKIE, value: token, url: server.url, secure: true, httpOnly: true, sameSite: 'Strict' }]);
      const cdp = await b.context.newCDPSession(b.page);
      // Every visit is a first visit: nothing from the browser's cache.
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const jsOfVisit = new Map<string, Buffer>();
      b.page.on('response', async (r) => {
        if (r.url().endsWith('.js')) jsOfVisit.set(r.url(), await r.body().catch(() => Buffer.alloc(0)));
      });
      const rounds = (await (await fetch(`${server.url}/api/rounds`, { headers: { authorization: `Bearer ${token}` } })).json()) as { rounds?: { id: string }[] };
      const round = rounds.rounds?.find((r) => r.id === '2020-2021')?.id ?? '2020-2021';
      let dashboardJs = { files: 0, gzip: 0 };
      const dashboard: number[] = [];
      const signIn: number[] = [];
      const api: number[] = [];
      for (let i = 0; i < opts.runs + 1; i++) {
        progress(`web: run ${i + 1}/${opts.runs + 1}${i === 0 ? ' (warm-up, not counted)' : ''}`);
        const t0 = performance.now();
        const res = await fetch(`${server.url}/api/rounds/${round}/state-of-play`, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        const apiMs = performance.now() - t0;
        jsOfVisit.clear();
        await b.page.goto(`${server.url}/dashboard`, { waitUntil: 'commit' });
        await b.page.locator(DASHBOARD_READY).first().waitFor({ timeout: 30_000 });
        const dashMs = await b.page.evaluate(() => performance.now());
        const js = new Map(jsOfVisit);
        // The baseline page: the same shell and scripts, static text, no figures (the accessibility statement).
        const p = await b.context.newPage();
        await p.goto(`${server.url}/accessibility`, { waitUntil: 'commit' });
        await p.locator('main h2').first().waitFor({ timeout: 30_000 });
        const signMs = await p.evaluate(() => performance.now());
        await p.close();
        if (i === 0) {
          const sizes = [...js.values()].map((body) => gzipSync(body, { level: 9 }).length);
          dashboardJs = { files: sizes.length, gzip: sizes.reduce((a, n) => a + n, 0) };
          continue;
        }
        dashboard.push(dashMs);
        signIn.push(signMs);
        api.push(apiMs);
      }
      const sorted = [...dashboard].sort((x, y) => x - y);
      return {
        kind: opts.kind,
        persons: opts.persons,
        runs: opts.runs,
        dashboard: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]! },
        staticPage: { p50: percentile([...signIn].sort((x, y) => x - y), 50) },
        stateOfPlayApi: { p50: percentile([...api].sort((x, y) => x - y), 50) },
        initialJs: initialJavaScript(),
        dashboardJs,
      };
    } finally {
      await b.close();
      await server.close();
    }
  });
}
