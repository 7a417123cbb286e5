import type { OpenAPIHono } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { SESSION_COOKIE } from '../identity/authenticate.ts';

/**
 * The OpenAPI 3.1 document of the API (made from the operations' own schemas, so it cannot say
 * something the server does not do), and its reference page: plain HTML rendered on the server from
 * the document, with no script, font or style from anywhere else.
 */
const require = createRequire(import.meta.url);
const { version } = require('../../package.json') as { version: string };

export const TAGS = [
  { name: 'rounds', description: 'Pledging rounds and Union Plans: period, target, pathways, priorities, incentives, sources.' },
  { name: 'pledges', description: "Member States' pledges, listed as the Annex prints them; a state enters its own." },
  {
    name: 'cases',
    description: "A Member State's resettlement cases: lists, one case, its history, its moves (If-Match), holds and resumptions.",
  },
  {
    name: 'partners',
    description: 'What a referral partner and a sponsor see: the status of their referrals, the households they support.',
  },
  { name: 'reports', description: 'Figures of a round: state of play, pipeline, processing times, forecast. Counts only, never a person.' },
  { name: 'imports', description: 'Files of persons, cases, moves or pledges: upload, validation report (a dry run), commit.' },
  {
    name: 'users',
    description: "Accounts: a state's administrator manages its state's, the system administrator all. Signing in is under /api/auth.",
  },
  { name: 'audit', description: "The audit trail of an auditor's scope: every read and write of a person's data." },
  {
    name: 'federation',
    description:
      "Member States' signed returns to the Commission (points 26, 27): keys, receipts, who reported, the state of play from returns. Counts only.",
  },
];

export function registerSecuritySchemes(app: OpenAPIHono<never>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session token (API clients, the command line: `PATHWAYS_TOKEN`).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookie', {
    type: 'apiKey',
    in: 'cookie',
    name: SESSION_COOKIE,
    description: 'The session cookie of the web interface. A change made with it also needs the session’s CSRF token in `X-CSRF-Token`.',
  });
}

export function apiDocument(app: OpenAPIHono<never>) {
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Pathways API',
      version,
      license: { name: 'EUPL-1.2', url: 'https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12' },
      description: [
        "The HTTP API of Pathways, the platform of the EU's legal pathways to protection. It holds the records of people who fled persecution: every read and write of a person's data is in the audit trail, and every response that carries personal data is sent with `Cache-Control: no-store`.",
        '',
        '**Errors** have one shape, `{code, message, details}`: `message` in the language of `Accept-Language` (en, nl), `details` the reasons per field of a request that fails validation.',
        '',
        '**Every POST that changes data needs `Idempotency-Key`**: the same key and request replay the first answer; another request with the key: 422; while the first still runs: 409; a request without it: 400.',
        '',
        '**A change of an existing resource needs `If-Match`** with the `ETag` read: missing 428, no longer current 412. Bulk holds and resumptions act on every case of their scope as it is and take none.',
        '',
        'Person references never appear in a path or a query; case references (pseudonymous) do.',
      ].join('\n'),
    },
    tags: TAGS,
    security: [{ bearer: [] }, { cookie: [] }],
  });
}

// ── The reference page ────────────────────────────────────────────────────────────────────────
type Json = Record<string, unknown>;
const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const anchor = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '-');

const STYLE = `
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;display:flex}
nav{width:17rem;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f3f5f8;padding:1rem;box-sizing:border-box;font-size:14px}
nav a{display:block;color:#003399;text-decoration:none;padding:.1rem 0}nav h3{margin:1rem 0 .2rem;font-size:13px;text-transform:uppercase;color:#555}
main{padding:1rem 2rem;max-width:60rem}h1{margin-top:0}section.op{border-top:1px solid #ddd;padding:.5rem 0 1rem}
.m{display:inline-block;min-width:3.5rem;font:bold 12px monospace;padding:.15rem .4rem;border-radius:3px;color:#fff;text-align:center}
.get{background:#2b7a3d}.post{background:#003399}.put,.patch{background:#8a5a00}.delete{background:#a0262a}
code,.path{font-family:ui-monospace,monospace}.path{font-size:15px;font-weight:600}
table{border-collapse:collapse;margin:.3rem 0;font-size:14px}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f8}.schema{margin-left:1rem}.req{color:#a0262a}p.desc{white-space:pre-line}
`;

/** The schema as a nested list of fields: type, required, constraints, enum values, links to components. */
function renderSchema(s: Json | undefined, depth = 0): string {
  if (!s) return '';
  if (typeof s.$ref === 'string') {
    const name = s.$ref.split('/').pop()!;
    return `<a href="#schema-${anchor(name)}">${esc(name)}</a>`;
  }
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
    if (Array.isArray(s[k])) return (s[k] as Json[]).map((x) => renderSchema(x, depth)).join(k === 'allOf' ? ' and ' : ' or ');
  }
  const type = Array.isArray(s.type) ? s.type.join(' | ') : ((s.type as string | undefined) ?? 'any');
  const notes = [
    s.format ? `format ${esc(s.format)}` : '',
    s.enum ? `one of ${(s.enum as unknown[]).map((v) => `<code>${esc(v)}</code>`).join(', ')}` : '',
    s.pattern ? `pattern <code>${esc(s.pattern)}</code>` : '',
    s.minimum !== undefined ? `≥ ${esc(s.minimum)}` : '',
    s.maximum !== undefined ? `≤ ${esc(s.maximum)}` : '',
    s.minLength !== undefined ? `length ≥ ${esc(s.minLength)}` : '',
    s.maxLength !== undefined ? `length ≤ ${esc(s.maxLength)}` : '',
    s.default !== undefined ? `default <code>${esc(JSON.stringify(s.default))}</code>` : '',
    s.description ? esc(s.description) : '',
  ].filter(Boolean);
  let out = `<code>${esc(type)}</code>${notes.length ? ` — ${notes.join('; ')}` : ''}`;
  if (type.includes('array') && s.items) out += ` of ${renderSchema(s.items as Json, depth + 1)}`;
  if (s.properties && depth < 6) {
    const required = new Set((s.required as string[] | undefined) ?? []);
    const rows = Object.entries(s.properties as Record<string, Json>).map(
      ([k, v]) =>
        `<tr><td><code>${esc(k)}</code>${required.has(k) ? ' <span class="req">*</span>' : ''}</td><td>${renderSchema(v, depth + 1)}</td></tr>`,
    );
    out += `<table class="schema">${rows.join('')}</table>`;
  } else if (s.additionalProperties && typeof s.additionalProperties === 'object' && Object.keys(s.additionalProperties).length > 0) {
    out += ` — values: ${renderSchema(s.additionalProperties as Json, depth + 1)}`;
  }
  return out;
}

function renderOperation(method: string, path: string, op: Json): string {
  const params = ((op.parameters as Json[] | undefined) ?? []).map(
    (p) =>
      `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <span class="req">*</span>' : ''}</td><td>${esc(p.in)}</td><td>${renderSchema(p.schema as Json)}${p.description && !(p.schema as Json)?.description ? ` — ${esc(p.description)}` : ''}</td></tr>`,
  );
  const body = op.requestBody as Json | undefined;
  const bodies = body
    ? Object.entries((body.content as Record<string, Json>) ?? {}).map(
        ([type, m]) =>
          `<p>Body (<code>${esc(type)}</code>)${body.required ? ' <span class="req">*</span>' : ''}: ${renderSchema(m.schema as Json)}</p>`,
      )
    : [];
  const responses = Object.entries((op.responses as Record<string, Json>) ?? {}).map(([status, r]) => {
    const content = r.content as Record<string, Json> | undefined;
    const schema = content ? Object.values(content)[0]?.schema : undefined;
    const headers = r.headers
      ? Object.keys(r.headers as Json)
          .map((h) => `<code>${esc(h)}</code>`)
          .join(', ')
      : '';
    return `<tr><td>${esc(status)}</td><td>${esc(r.description)}${headers ? ` (headers: ${headers})` : ''}</td><td>${schema ? renderSchema(schema as Json) : ''}</td></tr>`;
  });
  const security = Array.isArray(op.security) && op.security.length === 0 ? '<p>Public: no session needed.</p>' : '';
  return `<section class="op" id="op-${anchor(String(op.operationId))}">
<h3><span class="m ${method}">${method.toUpperCase()}</span> <span class="path">${esc(path)}</span></h3>
<p><strong>${esc(op.summary ?? '')}</strong> <code>${esc(op.operationId)}</code></p>${op.description ? `<p class="desc">${esc(op.description)}</p>` : ''}${security}
${params.length ? `<table><tr><th>Parameter</th><th>In</th><th>Schema</th></tr>${params.join('')}</table>` : ''}
${bodies.join('')}
<table><tr><th>Status</th><th>Meaning</th><th>Body</th></tr>${responses.join('')}</table></section>`;
}

/** The reference page of a document, and the Content-Security-Policy that lets only its own style apply. */
export function docsPage(doc: Json): { html: string; csp: string } {
  const info = doc.info as Json;
  const tags = (doc.tags as { name: string; description?: string }[] | undefined) ?? [];
  const ops: { tag: string; method: string; path: string; op: Json }[] = [];
  for (const [path, item] of Object.entries((doc.paths as Record<string, Json>) ?? {})) {
    for (const method of METHODS) {
      const op = item[method] as Json | undefined;
      if (op) ops.push({ tag: ((op.tags as string[] | undefined) ?? ['other'])[0]!, method, path, op });
    }
  }
  const tagNames = [...tags.map((t) => t.name), ...new Set(ops.map((o) => o.tag).filter((t) => !tags.some((x) => x.name === t)))];
  const schemas = Object.entries(((doc.components as Json | undefined)?.schemas as Record<string, Json> | undefined) ?? {});
  const nav = [
    ...tagNames.map(
      (t) =>
        `<h3>${esc(t)}</h3>${ops
          .filter((o) => o.tag === t)
          .map((o) => `<a href="#op-${anchor(String(o.op.operationId))}">${o.method.toUpperCase()} ${esc(o.path)}</a>`)
          .join('')}`,
    ),
    `<h3>Schemas</h3>${schemas.map(([n]) => `<a href="#schema-${anchor(n)}">${esc(n)}</a>`).join('')}`,
  ].join('');
  const sections = tagNames
    .map((t) => {
      const description = tags.find((x) => x.name === t)?.description;
      return `<h2 id="tag-${anchor(t)}">${esc(t)}</h2>${description ? `<p>${esc(description)}</p>` : ''}${ops
        .filter((o) => o.tag === t)
        .map((o) => renderOperation(o.method, o.path, o.op))
        .join('')}`;
    })
    .join('');
  const schemaSections = schemas
    .map(([n, s]) => `<section class="op" id="schema-${anchor(n)}"><h3>${esc(n)}</h3>${renderSchema({ ...s, $ref: undefined })}</section>`)
    .join('');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} ${esc(info.version)}</title><style>${STYLE}</style></head>
<body><nav><strong>${esc(info.title)}</strong> <small>${esc(info.version)}</small><a href="/api/openapi.json">openapi.json</a>${nav}</nav>
<main><h1>${esc(info.title)} <small>${esc(info.version)}</small></h1><p class="desc">${esc(info.description ?? '')}</p>${sections}<h2>Schemas</h2>${schemaSections}</main></body></html>`;
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  return {
    html,
    csp: `default-src 'none'; style-src 'sha256-${styleHash}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  };
}
