/**
 * An upload's cost to everyone else (issue 19, finding 3): the latency of `GET /health` while a
 * state officer uploads a 100,000-row person CSV through the API (the dry run: parsed in a worker
 * thread, validated and written in a rolled-back savepoint), against the same probe with the server
 * idle. The probe is sequential, one request at a time, every 10 ms. On PGlite it runs twice: with
 * the embedded database in its own thread (as the platform opens it) and, as the baseline, in the
 * event loop's thread, where each statement over the file's rows holds every other request.
 */
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { PERSON_COLUMNS } from '../src/cases/person-row.ts';
import { demoRecords } from '../src/demo/demo.ts';
import { createSession } from '../src/identity/session.ts';
import { createUser } from '../src/identity/user.service.ts';
import { startServer } from '../src/server/server.ts';
import { fmtInt, progress, withFreshDatabase, type DbKind } from './harness.ts';

export interface UploadsResult {
  kind: DbKind;
  /** PGlite: whether it ran in its own thread (the platform's way) or in the event loop's (the baseline). */
  pgliteThread: boolean | null;
  rows: number;
  bytes: number;
  uploadMs: number;
  valid: boolean;
  idle: { n: number; p50Ms: number; p99Ms: number; maxMs: number };
  during: { n: number; p50Ms: number; p99Ms: number; maxMs: number };
}

const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};
const summary = (xs: number[]) => ({ n: xs.length, p50Ms: quantile(xs, 0.5), p99Ms: quantile(xs, 0.99), maxMs: Math.max(0, ...xs) });

/** The demo persons of every state as one state's file: each case's reference keeps its state, so households stay whole. */
function demoCsv(rows: number, stateCode: string): string {
  const lines = [PERSON_COLUMNS.join(',')];
  for (const rec of demoRecords({ persons: rows, seed: 19 })) {
    const v: Record<string, string> = {
      ...rec.values,
      case_ref: `${rec.values.member_state}-${rec.values.case_ref}`,
      member_state: stateCode,
    };
    lines.push(PERSON_COLUMNS.map((c) => field(v[c] ?? '')).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** GET /health one at a time until `stop` resolves (or `ms` pass): each latency in ms. */
async function probe(url: string, until: Promise<unknown> | number): Promise<number[]> {
  const out: number[] = [];
  let done = false;
  if (typeof until === 'number') setTimeout(() => (done = true), until);
  else void until.finally(() => (done = true));
  while (!done) {
    const t = performance.now();
    // A probe the server did not answer at all (the baseline can hold it past fetch's connect
    // time-out) counts with the time it waited: a latency at least that long.
    await fetch(`${url}/health`).then(
      (r) => r.arrayBuffer(),
      () => null,
    );
    out.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  return out;
}

export async function uploadsBenchmark(opts: {
  kind: DbKind;
  adminUrl: string | undefined;
  rows: number;
  pgliteThread?: boolean;
}): Promise<UploadsResult> {
  const { kind } = opts;
  const pgliteThread = kind === 'pglite' ? (opts.pgliteThread ?? true) : null;
  const label = pgliteThread === null ? kind : `${kind} (${pgliteThread ? 'own thread' : "event loop's thread"})`;
  return withFreshDatabase(
    kind,
    opts.adminUrl,
    async ({ database }) => {
      const op = operator('bench');
      const token = await inScope(database.db, op, async (tx) => {
        const { id } = await createUser(tx, op, {
          username: 'bench-officer',
          displayName: 'Bench',
          role: 'state_officer',
          stateCode: 'NL',
        });
        return (await createSession(tx, id, { mfaPassed: true })).token;
      });
      const body = demoCsv(opts.rows, 'NL');
      const server = await startServer({ database, port: 0, host: '127.0.0.1' });
      try {
        progress(`uploads ${label}: /health idle, 3 s`);
        const idle = summary(await probe(server.url, 3000));
        progress(`uploads ${label}: uploading ${fmtInt(opts.rows)} rows (${(body.length / 2 ** 20).toFixed(1)} MiB) while probing /health`);
        const started = performance.now();
        const upload = fetch(`${server.url}/api/imports?kind=persons&state=NL`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'idempotency-key': 'bench-upload' },
          body,
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { status?: string; report?: { valid: boolean; message: string | null } },
        }));
        const during = summary(await probe(server.url, upload));
        const answer = await upload;
        const uploadMs = performance.now() - started;
        if (answer.status !== 201 && answer.status !== 200)
          throw new Error(`the upload answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
        const r: UploadsResult = {
          kind,
          pgliteThread,
          rows: opts.rows,
          bytes: body.length,
          uploadMs,
          valid: answer.body.report?.valid ?? false,
          idle,
          during,
        };
        progress(
          `uploads ${label}: upload ${Math.round(uploadMs)} ms (${r.valid ? 'valid' : `invalid: ${answer.body.report?.message}`}); /health p99 idle ${idle.p99Ms.toFixed(1)} ms, during ${during.p99Ms.toFixed(1)} ms (max ${during.maxMs.toFixed(1)} ms, ${during.n} probes)`,
        );
        return r;
      } finally {
        await server.close();
      }
    },
    { pgliteThread: pgliteThread ?? undefined },
  );
}
