/**
 * The web interface in headless Chromium (Debian's, driven by playwright-core): the dashboard's first
 * render on localhost with the demo data (goal ≤ 1 s at 100k persons), beside two baselines measured
 * in the same run on the same server — the state-of-play API call the dashboard waits for, and the
 * page's frame (header and navigation, drawn once the session is known) in the same visit — and the
 * JavaScript a first visit loads (goal ≤ 300 KB gzip). Times are taken in the page (from the
 * navigation's start to the moment the element is in the document).
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
import { closeBrowser, openBrowser } from '../test/browser/chromium.ts';
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
  shell: { p50: number };
  stateOfPlayApi: { p50: number };
  initialJs: { files: number; raw: number; gzip: number };
  dashboardJs: { files: number; gzip: number };
}

/** The scripts of the first load: the entry and what index.html preloads, gzipped at level 9. */
export function initialJavaScript(root = WEB_ROOT): { files: number; raw: number; gzip: number } {
  const html = readFileSync(join(root, 'index.html'), 'utf8');
  const paths = [...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const bytes = paths.map((p) => readFileSync(join(root, p)));
  return {
    files: paths.length,
    raw: bytes.reduce((n, b) => n + b.length, 0),
    gzip: bytes.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
  };
}

export async function webBenchmark(opts: {
  kind: DbKind;
  adminUrl: string | undefined;
  persons: number;
  runs: number;
}): Promise<WebResult> {
  execFileSync(process.execPath, [new URL('../bin/build-web.js', import.meta.url).pathname], { stdio: 'inherit' });
  return withFreshDatabase(opts.kind, opts.adminUrl, async ({ database }) => {
    const op = operator('bench');
    progress(`web: loading ${fmtInt(opts.persons)} demo persons (${opts.kind})`);
    await loadDemo({ db: database.db, actor: op, persons: opts.persons, seed: 51 });
    const token = await inScope(database.db, op, async (tx) => {
      const { id } = await createUser(tx, op, {
        username: 'bench-analyst',
        displayName: 'Bench',
        role: 'commission_analyst',
        stateCode: null,
        organisation: null,
        password: null,
      });
      return (await createSession(tx, id, { mfaPassed: true })).token;
    });
    const server = await startServer({ database, port: 0, host: '127.0.0.1' });
    const b = await openBrowser();
    try {
      // The session as after a sign-in (a __Host- cookie is host-only, which the DevTools protocol cannot set: the page sets it).
      await b.page.goto(`${server.url}/health`);
      // biome-ignore lint/suspicious/noDocumentCookie: the page sets its own session cookie, as after a sign-in (a __Host- cookie cannot be set over DevTools)
      await b.page.evaluate(([name, value]) => (document.cookie = `${name}=${value}; Secure; Path=/; SameSite=Strict`), [
        SESSION_COOKIE,
        token,
      ] as const);
      const cdp = await b.context.newCDPSession(b.page);
      // Every visit is a first visit: nothing from the browser's cache.
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      // The moment the figures appear, taken in the page itself: this process also runs the server, whose
      // forecast (CPU-bound, started once the figures are in) would otherwise delay Playwright's own look.
      // (A string, not a function: the TypeScript loader names functions with a helper the page does not have.)
      const selectors = JSON.stringify({ dashboard: DASHBOARD_READY, shell: 'nav.site-nav' });
      await b.context.addInitScript(`(() => {
        const selectors = ${selectors};
        const shown = (window.__shown = {});
        new MutationObserver(() => {
          for (const [name, selector] of Object.entries(selectors)) if (shown[name] === undefined && document.querySelector(selector)) shown[name] = performance.now();
        }).observe(document, { childList: true, subtree: true, characterData: true });
      })();`);
      const jsOfVisit = new Map<string, Buffer>();
      b.page.on('response', async (r) => {
        if (r.url().endsWith('.js')) jsOfVisit.set(r.url(), await r.body().catch(() => Buffer.alloc(0)));
      });
      const rounds = (await (await fetch(`${server.url}/api/rounds`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        rounds?: { id: string }[];
      };
      const round = rounds.rounds?.find((r) => r.id === '2020-2021')?.id ?? '2020-2021';
      let dashboardJs = { files: 0, gzip: 0 };
      const dashboard: number[] = [];
      const shell: number[] = [];
      const api: number[] = [];
      for (let i = 0; i < opts.runs + 1; i++) {
        progress(`web: run ${i + 1}/${opts.runs + 1}${i === 0 ? ' (warm-up, not counted)' : ''}`);
        const t0 = performance.now();
        const res = await fetch(`${server.url}/api/rounds/${round}/state-of-play`, { headers: { authorization: `Bearer ${token}` } });
        await res.arrayBuffer();
        const apiMs = performance.now() - t0;
        jsOfVisit.clear();
        // The forecast is asked for after the figures; the next run waits for it, so that no run starts behind the last one's simulation.
        const forecastDone = b.page.waitForResponse((r) => r.url().includes('/forecast'), { timeout: 300_000 });
        await b.page.goto(`${server.url}/dashboard`, { waitUntil: 'commit' });
        await b.page.locator(DASHBOARD_READY).first().waitFor({ timeout: 30_000 });
        const { dashboard: dashMs, shell: shellMs } = await b.page.evaluate(
          () => (window as unknown as { __shown: { dashboard: number; shell: number } }).__shown,
        );
        const js = new Map(jsOfVisit);
        await forecastDone;
        if (i === 0) {
          const sizes = [...js.values()].map((body) => gzipSync(body, { level: 9 }).length);
          dashboardJs = { files: sizes.length, gzip: sizes.reduce((a, n) => a + n, 0) };
          continue;
        }
        dashboard.push(dashMs);
        shell.push(shellMs);
        api.push(apiMs);
      }
      const sorted = [...dashboard].sort((x, y) => x - y);
      return {
        kind: opts.kind,
        persons: opts.persons,
        runs: opts.runs,
        dashboard: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1]! },
        shell: {
          p50: percentile(
            [...shell].sort((x, y) => x - y),
            50,
          ),
        },
        stateOfPlayApi: {
          p50: percentile(
            [...api].sort((x, y) => x - y),
            50,
          ),
        },
        initialJs: initialJavaScript(),
        dashboardJs,
      };
    } finally {
      await b.close();
      await closeBrowser();
      await server.close();
    }
  });
}
