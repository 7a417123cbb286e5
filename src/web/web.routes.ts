import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Context, Hono, Next } from 'hono';

/** Where `npm run build:web` writes the web interface (web/ → dist/web). */
export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/**
 * The web interface's headers: its own scripts and styles only (no inline script, no remote
 * anything: fonts, maps and charts ship in the build), no framing, no referrer, and the API alone
 * reachable by fetch. Inline style attributes are allowed for the charts' tooltips.
 */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function secured(c: Context) {
  c.header('Content-Security-Policy', WEB_CSP);
  c.header('X-Content-Type-Options', 'nosniff');
  c.header('Referrer-Policy', 'no-referrer');
  c.header('Cross-Origin-Opener-Policy', 'same-origin');
  c.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
}

/**
 * Serves the built interface: hashed assets cached for a year, every other path outside /api the
 * single page (the router in the browser takes it from there). Without a build, `/` says how to
 * make one (`npm start` builds it first).
 */
// biome-ignore lint/suspicious/noExplicitAny: the interface is mounted on any app, whatever its bindings and variables
export function mountWeb(app: Hono<any>, root = WEB_ROOT): void {
  const index = `${root}index.html`;
  // The page, read once per build (a rebuild replaces it and the hashed assets it names), not per request.
  let page: { mtimeMs: number; html: string } | null = null;
  const currentPage = (): string | null => {
    const stat = statSync(index, { throwIfNoEntry: false });
    if (!stat) return null;
    if (page?.mtimeMs !== stat.mtimeMs) page = { mtimeMs: stat.mtimeMs, html: readFileSync(index, 'utf8') };
    return page.html;
  };
  const assets = serveStatic({ root });
  app.use('/assets/*', async (c: Context, next: Next) => {
    secured(c);
    const found = await assets(c, next);
    // Set on the answer itself: serveStatic's onFound runs after its response is made, too late for a header.
    if (found && (found.status === 200 || found.status === 206)) found.headers.set('Cache-Control', 'public, max-age=31536000, immutable');
    return found;
  });
  app.get('*', async (c: Context, next: Next) => {
    const path = c.req.path;
    if (path.startsWith('/api/') || path === '/api' || path === '/health' || path.startsWith('/assets/')) return next();
    if (!(c.req.header('accept') ?? '*/*').match(/text\/html|\*\/\*/)) return next();
    secured(c);
    c.header('Cache-Control', 'no-cache');
    const html = currentPage();
    if (html === null)
      return c.text('The web interface is not built: run `npm run build:web` (npm start does it for you). The API is at /api/docs.', 503);
    return c.html(html);
  });
}
