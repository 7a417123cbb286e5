/**
 * The API under load (autocannon, loopback): authenticated, audited case reads and stage
 * transitions per second, with p50/p99 latency, beside the same framework's bare JSON endpoint
 * served in the same process in the same run. Goal: ≥ 25 % of the bare endpoint's requests/s, p99 ≤ 50 ms.
 */
import { serve, type ServerType } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { HOLDABLE_STAGES } from '../src/cases/stage.ts';
import { rows, sql } from '../src/db/db.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { createSession } from '../src/identity/session.ts';
import { createUser } from '../src/identity/user.service.ts';
import { startServer } from '../src/server/server.ts';
import { fmtInt, progress, withFreshDatabase, type DbKind } from './harness.ts';

export const API_GOAL = { share: 0.25, p99Ms: 50 };

export interface LoadResult {
  label: string;
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

export interface ApiResult {
  kind: DbKind;
  persons: number;
  connections: number;
  seconds: number;
  bare: LoadResult;
  reads: LoadResult;
  transitions: LoadResult;
}

type Req = { method: string; path: string; headers?: Record<string, string>; body?: string };

type Step = {
  next: (ctx: Record<string, unknown>) => Req;
  onResponse?: (ctx: Record<string, unknown>, status: number, body: string) => void;
};

/** autocannon, with a sequence of requests per connection (its context lives through one sequence, then starts afresh). */
async function load(label: string, url: string, opts: { connections: number; seconds: number; steps?: Step[] }): Promise<LoadResult> {
  progress(`api: ${label}, ${opts.connections} connections, ${opts.seconds} s`);
  const result = await autocannon({
    url,
    connections: opts.connections,
    duration: opts.seconds,
    ...(opts.steps
      ? {
          requests: opts.steps.map((step) => ({
            setupRequest: (req: Record<string, unknown>, ctx: Record<string, unknown>) => ({ ...req, ...step.next(ctx) }),
            ...(step.onResponse
              ? { onResponse: (status: number, body: string, ctx: Record<string, unknown>) => step.onResponse!(ctx, status, body) }
              : {}),
          })),
        }
      : {}),
  } as autocannon.Options);
  const r: LoadResult = {
    label,
    requests: result.requests.total,
    perSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
  progress(`api: ${label}: ${fmtInt(r.perSecond)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
  return r;
}

export async function apiBenchmark(opts: {
  kind: DbKind;
  adminUrl: string | undefined;
  persons: number;
  connections: number;
  seconds: number;
}): Promise<ApiResult> {
  const { kind, connections, seconds } = opts;
  return withFreshDatabase(kind, opts.adminUrl, async ({ database }) => {
    const op = operator('bench');
    progress(`api ${kind}: ${fmtInt(opts.persons)} demo persons`);
    await loadDemo({ db: database.db, actor: op, persons: opts.persons, seed: 41 });
    const [{ s: state } = { s: '' }] = await inScope(database.db, op, (tx) =>
      rows<{ s: string }>(tx, sql`SELECT state_code AS s FROM cases GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`),
    );
    const cases = await inScope(database.db, op, (tx) =>
      rows<{ id: number; ref: string; version: number; status: string }>(
        tx,
        sql`SELECT id::int AS id, case_ref AS ref, version, status FROM cases WHERE state_code = ${state} ORDER BY id`,
      ),
    );
    const holdable = cases.filter((c) => (HOLDABLE_STAGES as readonly string[]).includes(c.status));
    if (holdable.length < connections) throw new Error(`only ${holdable.length} holdable cases in ${state}: load more persons`);
    // A real officer with a real session (the second factor counted as passed, as after TOTP).
    const token = await inScope(database.db, op, async (tx) => {
      const { id } = await createUser(tx, op, { username: 'bench-officer', displayName: 'Bench', role: 'state_officer', stateCode: state });
      return (await createSession(tx, id, { mfaPassed: true })).token;
    });
    const auth = { authorization: `Bearer ${token}` };

    const bareApp = new Hono().get('/bare', (c) => c.json({ status: 'ok', database: database.kind }));
    const bare = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: bareApp.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
    const server = await startServer({ database, port: 0, host: '127.0.0.1' });
    try {
      const bareResult = await load('bare JSON endpoint (Hono)', `${bareUrl}/bare`, { connections, seconds });
      let i = 0;
      const reads = await load('case reads (authenticated, audited)', server.url, {
        connections,
        seconds,
        steps: [
          {
            next: () => ({
              method: 'GET',
              path: `/api/states/${state}/cases/${encodeURIComponent(cases[i++ % cases.length]!.ref)}`,
              headers: auth,
            }),
          },
        ],
      });
      // A sequence takes a free case, holds it and resumes it, with the version each answer gives back.
      type Held = { id: number; ref: string; version: number };
      const free: Held[] = holdable.map((c) => ({ id: c.id, ref: c.ref, version: c.version }));
      let key = 0;
      const move = (c: Held, body: object): Req => ({
        method: 'POST',
        path: `/api/states/${state}/cases/${encodeURIComponent(c.ref)}/transitions`,
        headers: {
          ...auth,
          'content-type': 'application/json',
          'if-match': `"case-${c.id}-v${c.version}"`,
          'idempotency-key': `bench-${key++}`,
        },
        body: JSON.stringify(body),
      });
      const seen = (c: Held, body: string) => {
        const r = JSON.parse(body) as { version?: number; details?: { version?: number } };
        c.version = r.version ?? r.details?.version ?? c.version;
      };
      const transitions = await load('stage transitions (hold / resume, If-Match, Idempotency-Key, audited)', server.url, {
        connections,
        seconds,
        steps: [
          {
            next: (ctx) => {
              ctx.c = free.shift()!;
              return move(ctx.c as Held, { action: 'hold', reason: 'bench' });
            },
            onResponse: (ctx, _status, body) => seen(ctx.c as Held, body),
          },
          {
            next: (ctx) => move(ctx.c as Held, { action: 'resume' }),
            onResponse: (ctx, _status, body) => {
              seen(ctx.c as Held, body);
              free.push(ctx.c as Held);
            },
          },
        ],
      });
      return { kind, persons: opts.persons, connections, seconds, bare: bareResult, reads, transitions };
    } finally {
      await server.close();
      await new Promise<void>((resolve) => bare.close(() => resolve()));
    }
  });
}
