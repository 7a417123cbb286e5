/**
 * Issue 19: the kept crash-and-attack suite (`npm run bench -- --only faults`). On each database
 * (PGlite in a temp folder; a fresh PostgreSQL database where DATABASE_URL is set), with the real
 * command line as child processes:
 *
 * 1. kill -9 during imports: `pathways persons import FILE` on a generated CSV, SIGKILLed at a seeded
 *    random moment; then the file must be in whole (its rows and its import record) or not at all,
 *    the database must open again (PGlite: the dead process's folder lock taken over) and its audit
 *    trail must verify. One import to completion at the end, and `pathways audit verify`.
 * 2. kill -9 of the server under a burst of moves: `pathways serve` on a seeded demo, a state officer
 *    signed in with a real TOTP, concurrent holds and resumptions (If-Match, Idempotency-Key); the
 *    server SIGKILLed mid-burst; every move answered 2xx must be in its case's history and have its
 *    audit line; the trail verifies; the server starts again on the same data.
 * 3. upload attacks against the running server, while /health and /api/openapi.json are polled: an
 *    XLSX bomb, a CSV header of 100,000 columns, a 100k-row CSV, the largest upload allowed (16 MiB);
 *    availability and latency during each against idle, and whether the server survived (each attack
 *    time-boxed; a dead or stalled server is said so and restarted).
 *
 * Every child is loopback-only, bounded in time, and killed at the end (also on failure or Ctrl-C).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { UPLOAD_LIMIT } from '../src/api/imports.routes.ts';
import { verifyAudit } from '../src/audit/audit.service.ts';
import { PERSON_COLUMNS } from '../src/cases/person-row.ts';
import { HOLDABLE_STAGES } from '../src/cases/stage.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { openSeededDatabase } from '../src/seed/seed.ts';
import { totpCode } from '../src/identity/totp.ts';
import { dropDatabase } from '../test/databases.ts';
import { writeDemoCsv } from './demo-csv.ts';
import {
  availability,
  buildXlsxBomb,
  countLost,
  seeded,
  wideHeaderCsv,
  type Ack,
  type Availability,
  type Baseline,
  type Poll,
} from './faults-lib.ts';
import { fmtInt, fmtMs, fmtPct, markdownTable, progress, withCleanup, withTempDir, type DbKind } from './harness.ts';

const BIN = new URL('../bin/pathways.js', import.meta.url).pathname;
const PASSWORD = 'Faults-bench-correct-horse-battery-staple-19';
const USERNAME = 'faults-officer';

export interface FaultsOptions {
  kinds: DbKind[];
  adminUrl: string | undefined;
  /** Kill cycles per database, for the imports and for the server each (default 20). */
  cycles: number;
  /** Rows of the import file (default 100,000). */
  rows: number;
  /** Demo persons behind the server (default 3,000). */
  persons: number;
  /** Concurrent moves in a burst (default 8). */
  concurrency: number;
  /** The time box of each upload attack, seconds (default 30). */
  attackSeconds: number;
  /** Rows of the XLSX bomb's sheet (default 10 million). */
  bombRows: number;
  seed: number;
}

export interface ImportCycle {
  cycle: number;
  killAfterMs: number;
  /** 'whole': every row and its import record; 'none': nothing; 'partial': a fault. */
  outcome: 'whole' | 'none' | 'partial';
  exitedBeforeKill: boolean;
  staleLockTakenOver: boolean;
  auditOk: boolean;
}

export interface MoveCycle {
  cycle: number;
  killAfterMs: number;
  acknowledged: number;
  stored: number;
  lostWrites: number;
  lostAuditLines: number;
  unansweredButStored: number;
  refused: number;
  staleLockTakenOver: boolean;
  auditOk: boolean;
  restartMs: number;
}

export interface AttackResult {
  label: string;
  uploadBytes: number;
  /** What the upload got: an HTTP status, or what went wrong (time-box, connection reset). */
  answer: string;
  uploadMs: number;
  health: Availability;
  openapi: Availability;
  /** 'survived', 'died (…)', or 'stalled N s' (alive but not answering: killed and restarted). */
  server: string;
}

export interface FaultsResult {
  kind: DbKind;
  importRows: number;
  importFullMs: number;
  /** A command's start to its exit with no work (\`rounds list\`): the kills land after it. */
  startMs: number;
  imports: ImportCycle[];
  finalImportOk: boolean;
  importCliVerifyOk: boolean;
  persons: number;
  concurrency: number;
  moves: MoveCycle[];
  movesCliVerifyOk: boolean;
  finalRestartOk: boolean;
  attacks: AttackResult[];
  failures: string[];
}

// ---------------------------------------------------------------------------------------------
// Children

const children = new Set<ChildProcess>();
// However this process ends, no child outlives it.
process.on('exit', () => killAll());

function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

interface Child {
  proc: ChildProcess;
  exited: Promise<Exit>;
  tail: () => string;
}

/** `node bin/pathways.js …args` with `env`; its output kept (the last 64 KB). */
function pathways(args: string[], env: NodeJS.ProcessEnv, stdin?: string): Child {
  const proc = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 65536) out = out.slice(-65536);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  proc.stdin!.on('error', () => {});
  if (stdin !== undefined) proc.stdin!.end(stdin);
  else proc.stdin!.end();
  const exited = new Promise<Exit>((resolve) => {
    proc.on('exit', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal, out });
    });
    proc.on('error', (e) => {
      children.delete(proc);
      resolve({ code: -1, signal: null, out: `${out}\n${e.message}` });
    });
  });
  return { proc, exited, tail: () => out.slice(-2000) };
}

/** Runs a command to its end, within `seconds`; returns its exit. */
async function runCli(args: string[], env: NodeJS.ProcessEnv, seconds: number, stdin?: string): Promise<Exit> {
  const c = pathways(args, env, stdin);
  const timer = setTimeout(() => c.proc.kill('SIGKILL'), seconds * 1000);
  try {
    return await c.exited;
  } finally {
    clearTimeout(timer);
  }
}

async function kill9(c: Child): Promise<Exit> {
  if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
  return c.exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// The database under test

interface Target {
  kind: DbKind;
  /** The global options of every command (PGlite: --data). */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** PGlite: its folder. */
  dir: string | null;
  url: string | null;
  /** Opens the database in this process (as the command line does, every state in scope), runs `fn`, closes. */
  open<T>(fn: (d: Database) => Promise<T>): Promise<T>;
}

/** The environment of a child: none of this process's database or server settings. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of ['DATABASE_URL', 'DATABASE_APP_URL', 'PATHWAYS_SERVER', 'PATHWAYS_TOKEN', 'PATHWAYS_DATA', 'PORT', 'HOST']) delete env[k];
  return env;
}

async function withTarget<T>(kind: DbKind, adminUrl: string | undefined, fn: (t: Target) => Promise<T>): Promise<T> {
  if (kind === 'pglite') {
    return withTempDir('faults', async (root) => {
      const dir = join(root, 'data');
      return fn({
        kind,
        args: ['--data', dir],
        env: baseEnv(),
        dir,
        url: null,
        async open(work) {
          const d = await openSeededDatabase({ dataDir: dir, scope: '*' });
          try {
            return await work(d);
          } finally {
            await d.close();
          }
        },
      });
    });
  }
  if (!adminUrl) throw new Error('PostgreSQL needs DATABASE_URL');
  const name = `pathways_faults_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const env: NodeJS.ProcessEnv = { ...baseEnv(), DATABASE_URL: url.toString() };
  if (process.env.DATABASE_APP_URL) {
    const app = new URL(process.env.DATABASE_APP_URL);
    app.pathname = `/${name}`;
    env.DATABASE_APP_URL = app.toString();
  }
  const drop = async () => {
    killAll();
    await dropDatabase(adminUrl, name);
  };
  return withCleanup(drop, () =>
    fn({
      kind,
      args: [],
      env,
      dir: null,
      url: url.toString(),
      async open(work) {
        const d = await openSeededDatabase({ url: url.toString(), scope: '*' });
        (d.db as unknown as { $client: pg.Pool }).$client.on('error', () => {});
        try {
          return await work(d);
        } finally {
          await d.close();
        }
      },
    }),
  );
}

/** PGlite: whether a lock file is left by a process that no longer runs (the next open must take it over). */
function staleLock(t: Target): boolean {
  if (!t.dir) return false;
  const path = join(t.dir, 'pathways.lock');
  if (!existsSync(path)) return false;
  const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

async function auditIntact(d: Database): Promise<boolean> {
  const reports = await d.db.transaction((tx) => verifyAudit(tx));
  return reports.every((r) => r.problems.length === 0);
}

// ---------------------------------------------------------------------------------------------
// 1. kill -9 during imports

async function importCycles(t: Target, o: FaultsOptions, baseCsv: string, dir: string, r: FaultsResult): Promise<void> {
  const [header, ...lines] = baseCsv.trimEnd().split('\n');
  const fileOf = (label: string) => {
    const path = join(dir, `faults-${t.kind}-${label}.csv`);
    writeFileSync(path, `${header}\n${lines.map((l) => `${label}-${l}`).join('\n')}\n`);
    return path;
  };
  const check = (label: string, path: string) =>
    t.open(async (d) => {
      const [p] = await rows<{ n: number }>(
        d.db,
        sql`SELECT count(*)::int AS n FROM persons p JOIN cases c ON c.id = p.case_id WHERE c.case_ref LIKE ${`${label}-%`}`,
      );
      const [i] = await rows<{ n: number; rows: number }>(
        d.db,
        sql`SELECT count(*)::int AS n, coalesce(max(rows), 0)::int AS rows FROM imports WHERE source = ${path.split('/').pop()!} OR source = ${path}`,
      );
      const persons = p!.n;
      const outcome: ImportCycle['outcome'] =
        persons === 0 && i!.n === 0 ? 'none' : persons === lines.length && i!.n === 1 && i!.rows === lines.length ? 'whole' : 'partial';
      return { outcome, persons, records: i!.n, auditOk: await auditIntact(d) };
    });

  // Migrations first (the first open of a fresh database), so that the calibration times an import.
  const first = await runCli([...t.args, 'rounds', 'list'], t.env, 600);
  if (first.code !== 0) throw new Error(`pathways rounds list failed: ${first.out.slice(-1000)}`);
  // The process's start (tsx, the database opened) is not the import: the kills land after it.
  const s0 = performance.now();
  await runCli([...t.args, 'rounds', 'list'], t.env, 600);
  r.startMs = performance.now() - s0;
  progress(`faults ${t.kind}: imports: one whole import of ${fmtInt(lines.length)} rows to time it`);
  const calib = fileOf('K0');
  const t0 = performance.now();
  const full = await runCli([...t.args, 'persons', 'import', calib], t.env, 900);
  r.importFullMs = performance.now() - t0;
  rmSync(calib, { force: true });
  if (full.code !== 0) throw new Error(`the timing import failed (${full.code}): ${full.out.slice(-1000)}`);
  const span = Math.max(500, r.importFullMs - r.startMs);
  progress(
    `faults ${t.kind}: imports: a whole import takes ${fmtMs(r.importFullMs)} (process start to exit; a command's start alone ${fmtMs(r.startMs)}); ${o.cycles} kills at random moments from the start's end to 10 % past the exit`,
  );

  const random = seeded(o.seed + (t.kind === 'pglite' ? 1 : 2));
  for (let cycle = 1; cycle <= o.cycles; cycle++) {
    const label = `K${cycle}`;
    const path = fileOf(label);
    const killAfterMs = Math.round(r.startMs + span * 1.1 * random());
    const child = pathways([...t.args, 'persons', 'import', path], t.env);
    const early = await Promise.race([child.exited.then(() => true), sleep(killAfterMs).then(() => false)]);
    await kill9(child);
    const staleLockTakenOver = staleLock(t);
    const c = await check(label, path);
    rmSync(path, { force: true });
    r.imports.push({ cycle, killAfterMs, outcome: c.outcome, exitedBeforeKill: early, staleLockTakenOver, auditOk: c.auditOk });
    progress(
      `faults ${t.kind}: import ${cycle}/${o.cycles}: killed at ${fmtMs(killAfterMs)}${early ? ' (had already ended)' : ''}: ${c.outcome} ` +
        `(${fmtInt(c.persons)} persons, ${c.records} import records)${staleLockTakenOver ? ', stale lock taken over' : ''}, audit ${c.auditOk ? 'intact' : 'BROKEN'}`,
    );
    if (c.outcome === 'partial')
      r.failures.push(`${t.kind}: import cycle ${cycle} left part of its file (${c.persons} persons, ${c.records} records)`);
    if (!c.auditOk) r.failures.push(`${t.kind}: audit trail broken after import cycle ${cycle}`);
  }
  const last = fileOf('KF');
  const done = await runCli([...t.args, 'persons', 'import', last], t.env, 900);
  const lastCheck = await check('KF', last);
  rmSync(last, { force: true });
  r.finalImportOk = done.code === 0 && lastCheck.outcome === 'whole';
  if (!r.finalImportOk) r.failures.push(`${t.kind}: the final import did not complete (${done.code}, ${lastCheck.outcome})`);
  const verify = await runCli([...t.args, 'audit', 'verify'], t.env, 600);
  r.importCliVerifyOk = verify.code === 0;
  if (!r.importCliVerifyOk) r.failures.push(`${t.kind}: pathways audit verify after the imports exited ${verify.code}`);
  progress(
    `faults ${t.kind}: imports: the last one ${r.finalImportOk ? 'completed' : 'FAILED'}; pathways audit verify exit ${verify.code}`,
  );
}

// ---------------------------------------------------------------------------------------------
// The server

interface Server {
  child: Child;
  base: string;
}

async function startServe(t: Target, seconds = 300): Promise<Server> {
  const port = await freePort();
  const child = pathways([...t.args, 'serve', '--port', String(port), '--host', '127.0.0.1'], t.env);
  const base = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) throw new Error(`pathways serve ended at start: ${child.tail()}`);
    try {
      const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.ok) return { child, base };
    } catch {
      /* not listening yet */
    }
    await sleep(150);
  }
  await kill9(child);
  throw new Error(`pathways serve did not answer /health within ${seconds} s: ${child.tail()}`);
}

const alive = (s: Server) => s.child.proc.exitCode === null && s.child.proc.signalCode === null;

async function api(
  s: Server,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
) {
  const res = await fetch(`${s.base}${path}`, {
    method,
    headers: {
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...opts.headers,
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: the bench reads whatever JSON the server answered, field by field, as an attacker would
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body, text };
}

/** Signs the officer in as a person would: password, enrolment of the authenticator, a real TOTP code; returns the bearer token. */
async function signIn(s: Server): Promise<string> {
  const login = await api(s, 'POST', '/api/auth/login', { body: { username: USERNAME, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text.slice(0, 300)}`);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.match(/^__Host-pathways_session=([^;]+)/)?.[1])
    .find(Boolean);
  if (!cookie) throw new Error('login: no session cookie');
  const enrol = await api(s, 'POST', '/api/auth/totp/enrol', { token: cookie });
  if (enrol.status !== 200) throw new Error(`enrol: ${enrol.status} ${enrol.text.slice(0, 300)}`);
  const verify = await api(s, 'POST', '/api/auth/totp/verify', { token: cookie, body: { code: totpCode(enrol.body.secret, Date.now()) } });
  if (verify.status !== 200 || !verify.body?.token) throw new Error(`verify: ${verify.status} ${verify.text.slice(0, 300)}`);
  return verify.body.token as string;
}

// ---------------------------------------------------------------------------------------------
// 2. kill -9 of the server under a burst of moves

interface CaseRow {
  id: number;
  ref: string;
  status: string;
  version: number;
  events: number;
}

async function readCases(d: Database, state: string, refs: readonly string[]): Promise<CaseRow[]> {
  return rows<CaseRow>(
    d.db,
    sql`SELECT c.id::int AS id, c.case_ref AS ref, c.status, c.version, (SELECT count(*)::int FROM case_events e WHERE e.case_id = c.id) AS events
          FROM cases c WHERE c.state_code = ${state} AND c.case_ref = ANY(${sql.param([...refs])}::text[]) ORDER BY c.id`,
  );
}

async function moveCycles(t: Target, o: FaultsOptions, r: FaultsResult): Promise<{ state: string; token: string }> {
  progress(`faults ${t.kind}: moves: pathways demo --persons ${o.persons}, pathways users add (state officer)`);
  const demo = await runCli([...t.args, 'demo', '--persons', String(o.persons), '--seed', String(o.seed)], t.env, 900);
  if (demo.code !== 0) throw new Error(`pathways demo failed: ${demo.out.slice(-1000)}`);
  const holdable = [...HOLDABLE_STAGES, 'on_hold'];
  const { state, refs } = await t.open(async (d) => {
    const [top] = await rows<{ s: string }>(
      d.db,
      sql`SELECT state_code AS s FROM cases WHERE status = ANY(${sql.param(holdable)}::text[]) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`,
    );
    const found = await rows<{ ref: string }>(
      d.db,
      sql`SELECT case_ref AS ref FROM cases WHERE state_code = ${top!.s} AND status = ANY(${sql.param(holdable)}::text[]) ORDER BY id`,
    );
    return { state: top!.s, refs: found.map((f) => f.ref) };
  });
  if (refs.length < o.concurrency) throw new Error(`only ${refs.length} holdable cases: raise --persons`);
  const added = await runCli(
    [
      ...t.args,
      'users',
      'add',
      '--username',
      USERNAME,
      '--name',
      'Faults bench',
      '--role',
      'state_officer',
      '--state',
      state,
      '--password-stdin',
    ],
    t.env,
    600,
    `${PASSWORD}\n`,
  );
  if (added.code !== 0) throw new Error(`pathways users add failed: ${added.out.slice(-1000)}`);

  const random = seeded(o.seed + (t.kind === 'pglite' ? 11 : 12));
  let token = '';
  let baseline = await t.open((d) => readCases(d, state, refs.slice(0, o.concurrency)));
  for (let cycle = 1; cycle <= o.cycles; cycle++) {
    const t0 = performance.now();
    const server = await startServe(t);
    const restartMs = performance.now() - t0;
    if (!token) token = await signIn(server);
    const killDelayMs = Math.round(1500 * random());
    const acks: Ack[] = [];
    let refused = 0;
    let stop = false;
    const subject = (ref: string) => `case:${state}:${ref}`;
    const workers = baseline.map(async (c, w) => {
      let { status, version } = c;
      for (let k = 0; k < 500 && !stop; k++) {
        const action = status === 'on_hold' ? 'resume' : 'hold';
        try {
          const res = await api(server, 'POST', `/api/states/${state}/cases/${encodeURIComponent(c.ref)}/transitions`, {
            token,
            body: action === 'hold' ? { action, reason: 'faults bench' } : { action },
            headers: { 'if-match': `"case-${c.id}-v${version}"`, 'idempotency-key': `faults-${t.kind}-${cycle}-${w}-${k}-${randomUUID()}` },
            timeoutMs: 15_000,
          });
          if (res.status >= 200 && res.status < 300) {
            acks.push({ caseId: c.id, subject: subject(c.ref), version: res.body.version, to: res.body.to });
            version = res.body.version;
            status = res.body.to;
          } else {
            refused++;
            return;
          }
        } catch {
          return; // the server is gone
        }
      }
    });
    // Mid-burst: a seeded moment after the first answer (waited for at most 60 s).
    const burstStart = performance.now();
    for (let i = 0; i < 600 && acks.length === 0 && refused < o.concurrency; i++) await Promise.race([Promise.all(workers), sleep(100)]);
    await Promise.race([Promise.all(workers), sleep(killDelayMs)]);
    const killAfterMs = performance.now() - burstStart;
    await kill9(server.child);
    stop = true;
    await Promise.all(workers);
    const staleLockTakenOver = staleLock(t);
    // The next cycle's cases: the next ones in the list (each case moves in a few cycles only).
    const nextRefs = Array.from({ length: o.concurrency }, (_, i) => refs[(cycle * o.concurrency + i) % refs.length]!);
    const checked = await t.open(async (d) => {
      const ids = baseline.map((b) => b.id);
      const events = await rows<{ id: number; tos: string[] }>(
        d.db,
        sql`SELECT case_id::int AS id, array_agg(to_status ORDER BY id) AS tos FROM case_events WHERE case_id = ANY(${sql.param(ids)}::bigint[]) GROUP BY case_id`,
      );
      const lines = await rows<{ k: string }>(
        d.db,
        sql`SELECT subject || '#' || (details->>'version') AS k FROM audit_log WHERE action = 'case.transition' AND subject = ANY(${sql.param(baseline.map((b) => subject(b.ref)))}::text[])`,
      );
      const lost = countLost(
        acks,
        new Map<number, Baseline>(baseline.map((b) => [b.id, { version: b.version, events: b.events }])),
        new Map(events.map((e) => [e.id, e.tos])),
        new Set(lines.map((l) => l.k)),
      );
      return { lost, auditOk: await auditIntact(d), next: await readCases(d, state, nextRefs) };
    });
    baseline = checked.next;
    const m: MoveCycle = { cycle, killAfterMs, ...checked.lost, refused, staleLockTakenOver, auditOk: checked.auditOk, restartMs };
    r.moves.push(m);
    progress(
      `faults ${t.kind}: server kill ${cycle}/${o.cycles} at ${fmtMs(killAfterMs)} into the burst (${fmtMs(killDelayMs)} after its first answer) (started in ${fmtMs(restartMs)}): ` +
        `${m.acknowledged} acknowledged, ${m.stored} stored, lost ${m.lostWrites} writes / ${m.lostAuditLines} audit lines, ` +
        `${m.unansweredButStored} committed unanswered, ${m.refused} refused${m.staleLockTakenOver ? ', stale lock taken over' : ''}, audit ${m.auditOk ? 'intact' : 'BROKEN'}`,
    );
    if (m.lostWrites) r.failures.push(`${t.kind}: server cycle ${cycle} lost ${m.lostWrites} acknowledged writes`);
    if (m.lostAuditLines) r.failures.push(`${t.kind}: server cycle ${cycle} lost ${m.lostAuditLines} audit lines`);
    if (!m.auditOk) r.failures.push(`${t.kind}: audit trail broken after server cycle ${cycle}`);
  }
  const verify = await runCli([...t.args, 'audit', 'verify'], t.env, 600);
  r.movesCliVerifyOk = verify.code === 0;
  if (!r.movesCliVerifyOk) r.failures.push(`${t.kind}: pathways audit verify after the server kills exited ${verify.code}`);
  progress(`faults ${t.kind}: moves: pathways audit verify exit ${verify.code}`);
  return { state, token };
}

// ---------------------------------------------------------------------------------------------
// 3. upload attacks, availability measured

/** Polls each path every `everyMs` on a fixed schedule (no waiting for the last answer), at most 200 in flight each. */
function startPolling(base: string, paths: readonly string[], everyMs: number) {
  const polls = new Map<string, Poll[]>(paths.map((p) => [p, []]));
  const inFlight = new Map<string, number>(paths.map((p) => [p, 0]));
  const pending = new Set<Promise<void>>();
  const timer = setInterval(() => {
    for (const path of paths) {
      const poll: Poll = { sentAt: performance.now(), ms: null };
      polls.get(path)!.push(poll);
      if (inFlight.get(path)! >= 200) continue; // counted as unanswered
      inFlight.set(path, inFlight.get(path)! + 1);
      const p = fetch(`${base}${path}`, { signal: AbortSignal.timeout(5000) })
        .then(async (res) => {
          await res.arrayBuffer();
          if (res.ok) poll.ms = performance.now() - poll.sentAt;
        })
        .catch(() => {})
        .finally(() => {
          inFlight.set(path, inFlight.get(path)! - 1);
          pending.delete(p);
        });
      pending.add(p);
    }
  }, everyMs);
  const start = performance.now();
  return {
    async stop(): Promise<Map<string, Availability>> {
      clearInterval(timer);
      const end = performance.now();
      await Promise.all(pending);
      return new Map([...polls].map(([path, ps]) => [path, availability(ps, start, end)]));
    },
  };
}

interface Attack {
  label: string;
  type: string;
  kind: 'persons' | 'cases';
  body: Uint8Array;
}

async function attacks(
  t: Target,
  o: FaultsOptions,
  state: string,
  token: string,
  files: { bomb: Uint8Array; wide: Uint8Array; csv100k: Uint8Array; max: Uint8Array },
  r: FaultsResult,
): Promise<void> {
  let server = await startServe(t);
  const POLLED = ['/health', '/api/openapi.json'];
  const POLL_MS = 20;
  const list: (Attack | null)[] = [
    null, // idle
    {
      label: `XLSX bomb (${fmtInt(o.bombRows)} rows)`,
      type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      kind: 'cases',
      body: files.bomb,
    },
    { label: 'CSV header of 100,000 columns', type: 'text/csv', kind: 'persons', body: files.wide },
    { label: 'CSV of 100,000 rows', type: 'text/csv', kind: 'persons', body: files.csv100k },
    {
      label: `largest upload allowed (${(files.max.length / 2 ** 20).toFixed(2)} MiB CSV)`,
      type: 'text/csv',
      kind: 'persons',
      body: files.max,
    },
  ];
  try {
    // Warm-up: the first answers of a fresh process (JIT, the OpenAPI document built) are not its idle state.
    for (let i = 0; i < 20; i++)
      for (const path of POLLED)
        await fetch(`${server.base}${path}`, { signal: AbortSignal.timeout(10_000) }).then(
          (x) => x.arrayBuffer(),
          () => null,
        );
    for (const attack of list) {
      const label = attack?.label ?? 'idle (no upload)';
      progress(`faults ${t.kind}: attack: ${label}`);
      const polling = startPolling(server.base, POLLED, POLL_MS);
      const t0 = performance.now();
      let answer = '–';
      if (attack) {
        try {
          const res = await fetch(`${server.base}/api/imports?kind=${attack.kind}&state=${state}`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': attack.type,
              'idempotency-key': randomUUID(),
              'content-disposition': 'attachment; filename="faults"',
            },
            body: attack.body as unknown as BodyInit,
            signal: AbortSignal.timeout(o.attackSeconds * 1000),
          });
          await res.arrayBuffer();
          answer = String(res.status);
        } catch (e) {
          const err = e as Error & { cause?: { code?: string } };
          answer = err.name === 'TimeoutError' ? `no answer in ${o.attackSeconds} s` : `failed: ${err.cause?.code ?? err.message}`;
        }
      } else await sleep(5000);
      const uploadMs = performance.now() - t0;
      await sleep(1000);
      const stats = await polling.stop();
      // Survived: still running and answering /health within 20 s (5 s a try).
      let verdict = 'survived';
      if (!alive(server)) {
        const e = await server.child.exited;
        verdict = `died (${e.signal ?? `exit ${e.code}`})`;
      } else {
        const t1 = performance.now();
        let ok = false;
        while (!ok && performance.now() - t1 < 20_000 && alive(server)) {
          ok = await fetch(`${server.base}/health`, { signal: AbortSignal.timeout(5000) }).then(
            (x) => x.ok,
            () => false,
          );
          if (!ok) await sleep(200);
        }
        if (!ok) verdict = alive(server) ? `stalled ${((performance.now() - t0) / 1000).toFixed(0)} s+ (killed)` : 'died';
      }
      const a: AttackResult = {
        label,
        uploadBytes: attack?.body.length ?? 0,
        answer,
        uploadMs,
        health: stats.get('/health')!,
        openapi: stats.get('/api/openapi.json')!,
        server: verdict,
      };
      r.attacks.push(a);
      progress(
        `faults ${t.kind}: ${label}: answer ${answer} in ${fmtMs(uploadMs)}; /health ${fmtPct(a.health.share)} answered, p99 ${a.health.p99Ms?.toFixed(1) ?? '–'} ms, ` +
          `longest gap ${fmtMs(a.health.longestGapMs)}; openapi ${fmtPct(a.openapi.share)}; server ${verdict}`,
      );
      if (verdict !== 'survived') {
        await kill9(server.child);
        server = await startServe(t);
      }
    }
    r.finalRestartOk = alive(server);
  } finally {
    await kill9(server.child);
  }
}

// ---------------------------------------------------------------------------------------------

export async function faultsBenchmark(o: FaultsOptions): Promise<FaultsResult[]> {
  const results: FaultsResult[] = [];
  try {
    await withTempDir('faults-files', async (dir) => {
      progress(`faults: writing ${fmtInt(o.rows)} demo persons as the import file`);
      const basePath = join(dir, 'base.csv');
      await writeDemoCsv(basePath, o.rows, o.seed);
      const baseCsv = readFileSync(basePath, 'utf8');
      progress(`faults: building the XLSX bomb (${fmtInt(o.bombRows)} rows)`);
      const bomb = buildXlsxBomb(o.bombRows, [...PERSON_COLUMNS]);
      progress(
        `faults: XLSX bomb ${(bomb.bytes.length / 2 ** 20).toFixed(2)} MiB, ${(bomb.sheetXmlBytes / 2 ** 20).toFixed(0)} MiB of sheet XML`,
      );
      const enc = new TextEncoder();
      const uploadsFor = (state: string) => {
        const [header, ...lines] = baseCsv.trimEnd().split('\n');
        const stateCol = PERSON_COLUMNS.indexOf('member_state');
        // Every row for the officer's state (a household's members all in it), so the rows are ordinary.
        const ours = lines.map((l) => {
          const cells = l.split(',');
          cells[stateCol] = state;
          return cells.join(',');
        });
        // 100,000 rows whatever --rows is: the file's rows again under other case references where it has fewer.
        const hundredK = Array.from({ length: 100_000 }, (_, i) => `U${Math.floor(i / ours.length)}-${ours[i % ours.length]}`);
        const csv100k = enc.encode(`${header}\n${hundredK.join('\n')}\n`);
        let max = `${header}\n`;
        const bytes = (s: string) => Buffer.byteLength(s);
        let size = bytes(max);
        const out: string[] = [max];
        for (let j = 0; size < UPLOAD_LIMIT; j++) {
          for (const l of ours) {
            const line = `M${j}-${l}\n`;
            const n = bytes(line);
            if (size + n > UPLOAD_LIMIT) {
              size = UPLOAD_LIMIT;
              break;
            }
            out.push(line);
            size += n;
          }
        }
        max = out.join('');
        return { bomb: bomb.bytes, wide: enc.encode(wideHeaderCsv(100_000)), csv100k, max: enc.encode(max) };
      };
      for (const kind of o.kinds) {
        const r: FaultsResult = {
          kind,
          importRows: o.rows,
          importFullMs: 0,
          startMs: 0,
          imports: [],
          finalImportOk: false,
          importCliVerifyOk: false,
          persons: o.persons,
          concurrency: o.concurrency,
          moves: [],
          movesCliVerifyOk: false,
          finalRestartOk: false,
          attacks: [],
          failures: [],
        };
        results.push(r);
        try {
          await withTarget(kind, o.adminUrl, (t) => importCycles(t, o, baseCsv, dir, r));
          await withTarget(kind, o.adminUrl, async (t) => {
            const { state, token } = await moveCycles(t, o, r);
            await attacks(t, o, state, token, uploadsFor(state), r);
          });
        } catch (e) {
          r.failures.push(`${kind}: the bench itself failed: ${(e as Error).message.slice(0, 500)}`);
          progress(`faults ${kind}: FAILED: ${(e as Error).stack}`);
        } finally {
          killAll();
        }
      }
    });
  } finally {
    killAll();
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Report

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const ms = (x: number | null) => (x === null ? '–' : fmtMs(x));

export function faultsReport(results: FaultsResult[]): string {
  if (results.length === 0) return '';
  const out: string[] = ['\n## Faults (issue 19): kill -9 during imports and under a burst of moves, upload attacks\n'];
  out.push(
    markdownTable(
      [
        'database',
        'import kills',
        'whole / none / partial',
        'stale locks taken over',
        'last import',
        'server kills',
        'acknowledged moves',
        'stored',
        'lost writes',
        'lost audit lines',
        'committed unanswered',
        'audit verify (each cycle / CLI)',
        'failures',
      ],
      results.map((r) => {
        const n = (o: ImportCycle['outcome']) => r.imports.filter((i) => i.outcome === o).length;
        const cyclesOk = [...r.imports, ...r.moves].every((c) => c.auditOk);
        return [
          r.kind,
          r.imports.length,
          `${n('whole')} / ${n('none')} / ${n('partial')}`,
          `${r.imports.filter((i) => i.staleLockTakenOver).length + r.moves.filter((m) => m.staleLockTakenOver).length}`,
          r.finalImportOk ? 'completed' : 'FAILED',
          r.moves.length,
          fmtInt(sum(r.moves.map((m) => m.acknowledged))),
          fmtInt(sum(r.moves.map((m) => m.stored))),
          sum(r.moves.map((m) => m.lostWrites)),
          sum(r.moves.map((m) => m.lostAuditLines)),
          sum(r.moves.map((m) => m.unansweredButStored)),
          `${cyclesOk ? 'intact' : 'BROKEN'} / ${r.importCliVerifyOk && r.movesCliVerifyOk ? 'exit 0' : 'FAILED'}`,
          r.failures.length,
        ];
      }),
    ),
  );
  out.push(
    '\nThe import file and the timing: ' +
      results
        .map(
          (r) =>
            `${r.kind} ${fmtInt(r.importRows)} rows, a whole import ${fmtMs(r.importFullMs)} from process start to exit (a command with no work: ${fmtMs(r.startMs)})`,
        )
        .join('; ') +
      '. Server restarts (process start to /health answering): ' +
      results
        .map((r) => {
          const s = r.moves.map((m) => m.restartMs).sort((a, b) => a - b);
          return s.length ? `${r.kind} median ${fmtMs(s[Math.floor(s.length / 2)]!)}, max ${fmtMs(s[s.length - 1]!)}` : `${r.kind} –`;
        })
        .join('; ') +
      '.\n',
  );
  out.push(
    '### Availability during upload attacks (/health and /api/openapi.json each polled every 20 ms, 5 s time-out each)\n',
    markdownTable(
      [
        'database',
        'upload',
        'size',
        'answer',
        'upload time',
        '/health answered',
        'p50',
        'p99',
        'max',
        'longest gap',
        '/api/openapi.json answered',
        'p99',
        'server',
      ],
      results.flatMap((r) =>
        r.attacks.map((a) => [
          r.kind,
          a.label,
          a.uploadBytes ? `${(a.uploadBytes / 2 ** 20).toFixed(2)} MiB` : '–',
          a.answer,
          a.uploadBytes ? fmtMs(a.uploadMs) : '–',
          `${fmtPct(a.health.share)} of ${fmtInt(a.health.sent)}`,
          ms(a.health.p50Ms),
          ms(a.health.p99Ms),
          ms(a.health.maxMs),
          fmtMs(a.health.longestGapMs),
          `${fmtPct(a.openapi.share)} of ${fmtInt(a.openapi.sent)}`,
          ms(a.openapi.p99Ms),
          a.server,
        ]),
      ),
    ),
  );
  const failures = results.flatMap((r) => r.failures);
  out.push(failures.length ? `\nFailures:\n${failures.map((f) => `- ${f}`).join('\n')}\n` : '\nNo write, audit line or file was lost.\n');
  return out.join('\n');
}

/** Lost writes or audit lines, a partial import, a broken trail, a bench that could not run: the run fails. */
export const faultsFailed = (results: FaultsResult[]) => results.some((r) => r.failures.length > 0);
