/**
 * The API under load (autocannon, loopback, 8 connections): authenticated, audited case reads and
 * stage transitions (If-Match, Idempotency-Key, audited) per second, with p50/p99 latency, each
 * beside its baseline served by the same framework in the same process in the same run — the case
 * read beside the same route's same SELECTs with no authentication, scope or audit; the transition
 * beside a bare UPDATE of the case in its own transaction. The audit sealer runs meanwhile, as in the
 * server. Goals (issue 17): on PostgreSQL reads ≥ 50 % of their baseline, ≥ 2,000 req/s, p99 ≤ 25 ms,
 * transitions ≥ 50 %, p99 ≤ 40 ms; on PGlite both ≥ 25 %.
 */
import { serve, type ServerType } from '@hono/node-server';
import autocannon from 'autocannon';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import pino from 'pino';
import { caseFieldsFor, presentCase, shownFields } from '../src/access/fields.ts';
import { operator, type Principal } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { setTransactionScope } from '../src/access/scope.repository.ts';
import { recordAudit } from '../src/audit/audit-line.service.ts';
import { caseEventRows, selectCaseDetail, selectCaseMembers } from '../src/cases/case.repository.ts';
import { advanceCase, parseAction } from '../src/cases/advance-case.ts';
import { HOLDABLE_STAGES } from '../src/cases/stage.ts';
import { openDatabase, rows, sql, type Database } from '../src/db/db.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { claimIdempotency, keepIdempotentResponse } from '../src/identity/idempotency.service.ts';
import { createSession, sessionUser } from '../src/identity/session.ts';
import { createUser } from '../src/identity/user.service.ts';
import { scheduleSealer, startServer } from '../src/server/server.ts';
import { fmtInt, progress, withFreshDatabase, type DbKind } from './harness.ts';

export const API_GOAL = { readShare: 0.5, readPerSecond: 2000, readP99Ms: 25, moveShare: 0.5, moveP99Ms: 40, pgliteShare: 0.25 };

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
  /** The same SELECTs as the case read, no authentication, scope or audit. */
  bareReads: LoadResult;
  reads: LoadResult;
  /** A bare UPDATE of the case in its own transaction. */
  bareMoves: LoadResult;
  transitions: LoadResult;
  /** The machine's load average (1, 5, 15 min) before and after. */
  load: { before: number[]; after: number[] };
  /** Where one audited case read spends its time, one request at a time, mean µs per part. */
  phases: ReadPhases;
  /** Where one stage transition spends its time, one request at a time, mean µs per transaction. */
  movePhases: MovePhases;
}

export interface MovePhases {
  runs: number;
  /** BEGIN and the scope. */
  beginUs: number;
  /** The Idempotency-Key's claim, in the move's transaction (an INSERT). */
  claimUs: number;
  /** The move: advanceCase (the case read and locked, rules, version and history line, audit line). */
  moveUs: number;
  /** The answer kept for a replay, in the same transaction (an UPDATE). */
  keepUs: number;
  /** The COMMIT (the WAL flushed). */
  commitUs: number;
  /** The baseline's bare UPDATE of the same case in its own transaction. */
  bareUs: number;
}

export interface ReadPhases {
  runs: number;
  /** The session's lookup (session_principal()), as a request without the principal in memory makes it. */
  authUs: number;
  /** BEGIN, up to the transaction's first statement. */
  beginUs: number;
  /** The scope's settings (one statement). */
  scopeUs: number;
  /** The case read's three SELECTs by its reference, sent together: the case, its members, its history. */
  selectsUs: number;
  /** Choosing the fields the role sees (presentCase), in JavaScript. */
  presentUs: number;
  /** The audit line's INSERT (and its chain's head). */
  auditUs: number;
  /** COMMIT (the line's WAL flushed). */
  commitUs: number;
}

/**
 * One audited case read taken apart: the same calls the route makes, one request at a time on one
 * connection, each part timed (no HTTP: that is the difference between the two servers' figures).
 */
async function readPhases(
  database: Database,
  who: Principal,
  token: string,
  state: string,
  refs: string[],
  runs: number,
): Promise<ReadPhases> {
  const t = { authUs: 0, beginUs: 0, scopeUs: 0, selectsUs: 0, presentUs: 0, auditUs: 0, commitUs: 0 };
  const us = (from: bigint) => Number(process.hrtime.bigint() - from) / 1000;
  for (let i = 0; i < runs; i++) {
    const ref = refs[i % refs.length]!;
    let at = process.hrtime.bigint();
    const user = await sessionUser(database.db, token);
    if (!user) throw new Error('the bench session ended');
    t.authUs += us(at);
    at = process.hrtime.bigint();
    let end = at;
    await database.db.transaction(async (tx) => {
      t.beginUs += us(at);
      at = process.hrtime.bigint();
      await setTransactionScope(tx, { tenant: state, organisation: '', auditor: false });
      t.scopeUs += us(at);
      at = process.hrtime.bigint();
      // As the route reads a case for the state's officer: its three SELECTs by its reference, together.
      const key = { stateCode: state, caseRef: ref };
      const [c, members, history] = await Promise.all([selectCaseDetail(tx, key), selectCaseMembers(tx, key), caseEventRows(tx, key)]);
      const detail = { ...c!, members, history };
      t.selectsUs += us(at);
      at = process.hrtime.bigint();
      const fields = caseFieldsFor(who, []);
      presentCase(who, detail as never, []);
      t.presentUs += us(at);
      at = process.hrtime.bigint();
      await recordAudit(tx, {
        actor: who,
        action: 'case.read',
        purpose: 'case management: one case',
        subject: `case:${state}:${ref}`,
        stateCode: state,
        recordIds: [`case:${ref}`, ...detail.members.map((m) => `person:${m.personRef}`)],
        fields: shownFields(fields, true),
      });
      t.auditUs += us(at);
      end = process.hrtime.bigint();
    });
    t.commitUs += us(end);
  }
  const mean = (x: number) => Math.round(x / runs);
  return {
    runs,
    authUs: mean(t.authUs),
    beginUs: mean(t.beginUs),
    scopeUs: mean(t.scopeUs),
    selectsUs: mean(t.selectsUs),
    presentUs: mean(t.presentUs),
    auditUs: mean(t.auditUs),
    commitUs: mean(t.commitUs),
  };
}

/**
 * One stage transition taken apart: the route's one transaction (its scope, the key's claim, the move,
 * the answer kept, the COMMIT), one request at a time on one connection, each part timed; beside the
 * baseline's bare UPDATE of the same case (on `bare`, the baseline server's connection). Each run
 * holds a case and resumes it (two moves).
 */
async function movePhases(
  database: Database,
  bare: Database,
  who: Principal,
  state: string,
  cases: { ref: string; id: number }[],
  runs: number,
): Promise<MovePhases> {
  const t = { beginUs: 0, claimUs: 0, moveUs: 0, keepUs: 0, commitUs: 0, bareUs: 0 };
  const us = (from: bigint) => Number(process.hrtime.bigint() - from) / 1000;
  let moves = 0;
  for (let i = 0; i < runs; i++) {
    const c = cases[i % cases.length]!;
    for (const action of ['hold', 'resume'] as const) {
      const key = `phases-${i}-${action}`;
      let at = process.hrtime.bigint();
      let end = at;
      await inScope(database.db, who, async (tx) => {
        t.beginUs += us(at);
        at = process.hrtime.bigint();
        const claimed = await claimIdempotency(tx, who, key, `hash-${key}`, { inChange: true });
        if (claimed.kind !== 'claimed') throw new Error(`the bench's key ${key} was not free`);
        t.claimUs += us(at);
        at = process.hrtime.bigint();
        const { caseId: _, ...answer } = await advanceCase({
          db: tx,
          actor: who,
          stateCode: state,
          caseRef: c.ref,
          action: parseAction(action),
          reason: action === 'hold' ? 'bench' : null,
        });
        t.moveUs += us(at);
        at = process.hrtime.bigint();
        await keepIdempotentResponse(
          tx,
          who,
          key,
          { status: 200, body: JSON.stringify(answer), headers: { 'content-type': 'application/json' } },
          { inChange: true },
        );
        t.keepUs += us(at);
        end = process.hrtime.bigint();
      });
      t.commitUs += us(end);
      at = process.hrtime.bigint();
      if (!(await bareUpdate(bare, c.id))) throw new Error(`the bare UPDATE found no case ${c.id}: its connection must see every state`);
      t.bareUs += us(at);
      moves++;
    }
  }
  const mean = (x: number) => Math.round(x / moves);
  return {
    runs: moves,
    beginUs: mean(t.beginUs),
    claimUs: mean(t.claimUs),
    moveUs: mean(t.moveUs),
    keepUs: mean(t.keepUs),
    commitUs: mean(t.commitUs),
    bareUs: mean(t.bareUs),
  };
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

/**
 * A figure and its baseline in alternating slices (five of each, `seconds` in all each), so that a
 * change of the shared machine's load falls on both alike: requests and errors summed, req/s over the
 * whole time, p50 the slices' median, p99 the worst slice's.
 */
async function paired(
  seconds: number,
  base: (s: number) => Promise<LoadResult>,
  ours: (s: number) => Promise<LoadResult>,
): Promise<[LoadResult, LoadResult]> {
  const slices = 5;
  const a: LoadResult[] = [];
  const b: LoadResult[] = [];
  for (let i = 0; i < slices; i++) {
    a.push(await base(seconds / slices));
    b.push(await ours(seconds / slices));
  }
  const merge = (xs: LoadResult[]): LoadResult => {
    const sum = (f: (x: LoadResult) => number) => xs.reduce((n, x) => n + f(x), 0);
    const p50s = xs.map((x) => x.p50Ms).sort((x, y) => x - y);
    return {
      label: xs[0]!.label,
      requests: sum((x) => x.requests),
      perSecond: sum((x) => x.requests) / seconds,
      p50Ms: p50s[Math.floor(p50s.length / 2)]!,
      p99Ms: Math.max(...xs.map((x) => x.p99Ms)),
      non2xx: sum((x) => x.non2xx),
      errors: sum((x) => x.errors),
    };
  };
  return [merge(a), merge(b)];
}

/**
 * The baselines' server: the case read's own SELECTs (its lookup, the case, its members, its
 * history) one after the other on the bench's connection, which holds the operator's scope for the
 * session (no transaction, no scope set, no session, no audit line), answered as JSON; and a bare
 * UPDATE of a case in its own transaction (its version left as it is, so that the transitions' If-Match
 * still holds).
 */
function bareApp(database: Database): Hono {
  const { db } = database;
  return new Hono()
    .get('/bare/states/:state/cases/:ref', async (c) => {
      // The route's SELECTs for a state's officer: the three by the case's reference (src/cases/case.service.ts
      // getCase). One after the other: sent together outside a transaction they take three of the pool's
      // connections, which measured slower (858–1,231 req/s against 1,141–1,224), a weaker baseline.
      const key = { stateCode: c.req.param('state'), caseRef: c.req.param('ref') };
      const detail = await selectCaseDetail(db, key);
      if (!detail) return c.json({ missing: true }, 404);
      const [members, history] = [await selectCaseMembers(db, key), await caseEventRows(db, key)];
      return c.json({ ...detail, members, history });
    })
    .post('/bare/cases/:id', async (c) => c.json((await bareUpdate(database, Number(c.req.param('id')))) ?? {}));
}

/** The baselines' bare UPDATE of a case in its own transaction (its version left as it is); undefined where no case was updated. */
async function bareUpdate(database: Database, id: number): Promise<{ version: number } | undefined> {
  const [row] = await database.db.transaction((tx) =>
    rows<{ version: number }>(tx, sql`UPDATE cases SET status_on = status_on WHERE id = ${id} RETURNING version`),
  );
  return row;
}

async function listen(fetch: Hono['fetch']): Promise<{ url: string; close: () => Promise<void> }> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function apiBenchmark(opts: {
  kind: DbKind;
  adminUrl: string | undefined;
  persons: number;
  connections: number;
  seconds: number;
}): Promise<ApiResult> {
  const { kind, connections, seconds } = opts;
  return withFreshDatabase(kind, opts.adminUrl, async ({ database, url: dbUrl }) => {
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

    // The server as it runs: on PostgreSQL the application's own pool (its role, bound by row-level
    // security); PGlite has one connection, shared. The sealer runs as in \`pathways serve\`.
    const app = kind === 'postgres' ? await openDatabase({ url: dbUrl! }) : database;
    const stopSealer = scheduleSealer(app, pino({ level: 'silent' }));
    const bare = await listen(bareApp(database).fetch);
    const server = await startServer({ database: app, port: 0, host: '127.0.0.1' });
    const before = loadavg();
    try {
      let b = 0;
      let i = 0;
      const [bareReads, reads] = await paired(
        seconds,
        (s) =>
          load('case reads: the same SELECTs, no authentication, scope or audit (baseline)', bare.url, {
            connections,
            seconds: s,
            steps: [
              {
                next: () => ({ method: 'GET', path: `/bare/states/${state}/cases/${encodeURIComponent(cases[b++ % cases.length]!.ref)}` }),
              },
            ],
          }),
        (s) =>
          load('case reads (authenticated, audited)', server.url, {
            connections,
            seconds: s,
            steps: [
              {
                next: () => ({
                  method: 'GET',
                  path: `/api/states/${state}/cases/${encodeURIComponent(cases[i++ % cases.length]!.ref)}`,
                  headers: auth,
                }),
              },
            ],
          }),
      );
      // A sequence takes a free case, holds it and resumes it, with the version each answer gives back.
      // Each slice starts from the state's holdable cases as they are (a slice's end cuts the sequences
      // it was in the middle of, and leaves their cases on hold).
      type Held = { id: number; ref: string; version: number };
      let free: Held[] = [];
      const refill = async () => {
        // The cases the last slice left on hold go back to where they were (the bench's own database: no history line for that).
        await inScope(database.db, op, (tx) =>
          tx.execute(
            sql`UPDATE cases SET status = held_from, held_from = NULL, version = version + 1 WHERE state_code = ${state} AND status = 'on_hold' AND held_from IS NOT NULL`,
          ),
        );
        free = (
          await inScope(database.db, op, (tx) =>
            rows<{ id: number; ref: string; version: number; status: string }>(
              tx,
              sql`SELECT id::int AS id, case_ref AS ref, version, status FROM cases WHERE state_code = ${state} ORDER BY id`,
            ),
          )
        ).filter((c) => (HOLDABLE_STAGES as readonly string[]).includes(c.status));
        if (free.length < connections) throw new Error(`only ${free.length} holdable cases left in ${state}: load more persons`);
      };
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
      let told = 0;
      const seen = (c: Held, body: string, status = 200) => {
        if (status >= 300 && told++ < 3) progress(`api: a transition answered ${status}: ${body.slice(0, 300)}`);
        const r = JSON.parse(body) as { version?: number; details?: { version?: number } };
        c.version = r.version ?? r.details?.version ?? c.version;
      };
      // The bare UPDATEs go over the same cases, a connection at a time on its own case, as the transitions.
      let m = 0;
      const [bareMoves, transitions] = await paired(
        seconds,
        (s) =>
          load('a bare UPDATE of the case in its own transaction (baseline)', bare.url, {
            connections,
            seconds: s,
            steps: [{ next: () => ({ method: 'POST', path: `/bare/cases/${holdable[m++ % holdable.length]!.id}` }) }],
          }),
        async (s) => {
          await refill();
          return load('stage transitions (hold / resume, If-Match, Idempotency-Key, audited)', server.url, {
            connections,
            seconds: s,
            steps: [
              {
                next: (ctx) => {
                  ctx.c = free.shift()!;
                  return move(ctx.c as Held, { action: 'hold', reason: 'bench' });
                },
                onResponse: (ctx, status, body) => seen(ctx.c as Held, body, status),
              },
              {
                next: (ctx) => move(ctx.c as Held, { action: 'resume' }),
                onResponse: (ctx, status, body) => {
                  seen(ctx.c as Held, body, status);
                  free.push(ctx.c as Held);
                },
              },
            ],
          });
        },
      );
      progress(`api ${kind}: one audited case read taken apart, 1,000 times`);
      const officer = (await sessionUser(app.db, token))!.principal;
      const phases = await readPhases(
        app,
        officer,
        token,
        state,
        cases.map((c) => c.ref),
        1000,
      );
      progress(`api ${kind}: ${JSON.stringify(phases)}`);
      progress(`api ${kind}: one stage transition taken apart, 200 holds and 200 resumes`);
      await refill();
      const moved = await movePhases(app, database, officer, state, free.slice(0, 50), 200);
      progress(`api ${kind}: ${JSON.stringify(moved)}`);
      return {
        kind,
        phases,
        movePhases: moved,
        persons: opts.persons,
        connections,
        seconds,
        bareReads,
        reads,
        bareMoves,
        transitions,
        load: { before, after: loadavg() },
      };
    } finally {
      await server.close();
      await bare.close();
      await stopSealer();
      if (app !== database) await app.close();
    }
  });
}
