import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { recordAudit } from '../src/audit/audit-line.service.ts';
import { sealAudit, SEAL_CHAIN, verifyAudit, type ChainReport } from '../src/audit/audit.service.ts';
import { main } from '../src/cli/main.ts';
import { APP_ROLE, openDatabase, sql, type Database } from '../src/db/db.ts';
import { databaseKinds } from './databases.ts';
import { signInAs } from './factories.ts';
import { asOwner, asUnscopedApp, databaseRefusal } from './owner.ts';
import { prepareDataDir } from './template.ts';

/**
 * Issue 17: audit lines are written without a shared lock, each connection on its own chain, and a
 * sealer links the committed lines into chained batches in the order (transaction, line), never
 * skipping a line that commits late. These tests tamper as the owner who switches the triggers and
 * row-level security off — before the line is sealed and after.
 */
const OPERATOR = operator('audit-sealer-test');
const TAMPER_BEGIN = 'ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY; ALTER TABLE audit_log DISABLE TRIGGER audit_log_immutable;';
const TAMPER_END = 'ALTER TABLE audit_log ENABLE TRIGGER audit_log_immutable; ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;';

const verify = (database: Database) => inScope(database.db, OPERATOR, (tx) => verifyAudit(tx));
const seal = (database: Database) => inScope(database.db, OPERATOR, (tx) => sealAudit(tx));
const sealsOf = (reports: ChainReport[]) => reports.find((r) => r.chain === SEAL_CHAIN)!;
const problemsOf = (reports: ChainReport[]) => reports.filter((r) => r.problems.length > 0).map((r) => [r.chain, r.problems]);

/**
 * Seals until no committed line is left: a line waits while an older transaction of the database is
 * still running (never skipped, sealed by a later run).
 */
async function sealAll(database: Database, timeoutMs = 60_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  let sealed = 0;
  for (;;) {
    const r = await seal(database);
    sealed += r.lines;
    if (r.unsealed === 0) return sealed;
    if (Date.now() > until) throw new Error(`${r.unsealed} lines still unsealed after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** `n` lines of `state` in one transaction: one connection, so one chain, seq after seq. */
async function linesInOneTransaction(database: Database, state: string, tag: string, n: number) {
  await inScope(database.db, OPERATOR, async (tx) => {
    for (let i = 0; i < n; i++) await recordAudit(tx, { actor: OPERATOR, action: 'test.mark', subject: `${tag}:${i}`, stateCode: state });
  });
  return asOwner<{ id: number; chain: string; seq: number }>(
    database,
    `SELECT id::int AS id, chain, seq::int AS seq FROM audit_log WHERE subject LIKE $1 ORDER BY seq`,
    [`${tag}:%`],
  );
}

/** The owner re-hashes a whole chain after its change, and moves the head to match: the chain alone is consistent again. */
const rehashChain = (chain: string) => `${TAMPER_BEGIN}
  ALTER TABLE audit_chains NO FORCE ROW LEVEL SECURITY; ALTER TABLE audit_chains DISABLE TRIGGER USER;
  DO $$
  DECLARE r audit_log; prev text := ''; n bigint := 0;
  BEGIN
    FOR r IN SELECT * FROM audit_log WHERE chain = '${chain}' ORDER BY seq LOOP
      n := n + 1; r.seq := n; r.prev_hash := prev; r.hash := audit_entry_hash(r);
      UPDATE audit_log SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
      prev := r.hash;
    END LOOP;
    UPDATE audit_chains SET seq = n, hash = prev WHERE chain = '${chain}';
  END $$;
  ALTER TABLE audit_chains ENABLE TRIGGER USER; ALTER TABLE audit_chains FORCE ROW LEVEL SECURITY; ${TAMPER_END}`;

describe.each(databaseKinds)('the audit trail sealed ($name)', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
  }, 120_000);
  afterAll(async () => database?.close());

  it('seals every committed line once, in batches chained in the order (transaction, line), and reports the unsealed tail', async () => {
    await sealAll(database);
    const rolledBack = inScope(database.db, OPERATOR, async (tx) => {
      await recordAudit(tx, { actor: OPERATOR, action: 'test.mark', subject: 'rolled-back', stateCode: 'BE' });
      throw new Error('the action failed');
    });
    await expect(rolledBack).rejects.toThrow(/the action failed/);
    await linesInOneTransaction(database, 'BE', 'tail', 3);
    const before = sealsOf(await verify(database));
    expect(before.seals!.unsealed).toBe(3);
    expect(before.problems).toEqual([]);

    expect(await sealAll(database)).toBe(3);
    const after = await verify(database);
    expect(problemsOf(after)).toEqual([]);
    const lines = await asOwner<{ n: number }>(database, `SELECT count(*)::int AS n FROM audit_log`);
    expect(sealsOf(after).seals).toEqual({ batches: expect.any(Number), sealed: lines[0]!.n, unsealed: 0 });
    // The rolled-back action left no line, and no gap in its connection's chain.
    expect(await asOwner(database, `SELECT 1 FROM audit_log WHERE subject = 'rolled-back'`)).toEqual([]);
    // A second run finds nothing to seal.
    expect(await seal(database)).toEqual({ batches: 0, lines: 0, unsealed: 0 });
    // The seals' boundaries only move forward.
    const bounds = await asOwner<{ ok: boolean }>(
      database,
      `SELECT bool_and(ok) AS ok FROM (SELECT (last_xid, last_id) > (lag(last_xid) OVER w, lag(last_id) OVER w) IS NOT FALSE AS ok
         FROM audit_seals WINDOW w AS (ORDER BY seq)) x`,
    );
    expect(bounds).toEqual([{ ok: true }]);
  });

  it('finds a line changed or removed before it is sealed: its own hash, the next line of its chain, or its chain head', async () => {
    await sealAll(database);
    const changed = await linesInOneTransaction(database, 'NL', 'before-changed', 3);
    const middle = await linesInOneTransaction(database, 'NL', 'before-middle', 3);
    const tail = await linesInOneTransaction(database, 'NL', 'before-tail', 1);
    await asOwner(database, `${TAMPER_BEGIN} UPDATE audit_log SET actor = 'nobody' WHERE id = ${changed[1]!.id}; ${TAMPER_END}`);
    await asOwner(database, `${TAMPER_BEGIN} DELETE FROM audit_log WHERE id = ${middle[1]!.id}; ${TAMPER_END}`);
    const chainTail = await asOwner<{ id: number; seq: number }>(
      database,
      `SELECT id::int AS id, seq::int AS seq FROM audit_log WHERE chain = $1 ORDER BY seq DESC LIMIT 1`,
      [tail[0]!.chain],
    );
    await asOwner(database, `${TAMPER_BEGIN} DELETE FROM audit_log WHERE id = ${chainTail[0]!.id}; ${TAMPER_END}`);

    const reports = await verify(database);
    const problems = reports.flatMap((r) => r.problems.map((p) => ({ chain: r.chain, ...p })));
    expect(problems).toContainEqual({ chain: changed[1]!.chain, id: changed[1]!.id, seq: changed[1]!.seq, problem: 'hash' });
    expect(problems).toContainEqual({ chain: middle[2]!.chain, id: middle[2]!.id, seq: middle[2]!.seq, problem: 'link' });
    expect(problems).toContainEqual({ chain: tail[0]!.chain, id: null, seq: chainTail[0]!.seq, problem: 'head' });
    // Nothing was sealed yet: the seals themselves hold.
    expect(sealsOf(reports).problems).toEqual([]);
    // Sealing afterwards does not bless them: the lines' own checks still fail.
    await sealAll(database);
    const later = (await verify(database)).flatMap((r) => r.problems.map((p) => p.problem));
    expect(later).toEqual(expect.arrayContaining(['hash', 'link', 'head']));
  });
});

describe.each(databaseKinds)('a sealed line changed or removed ($name)', (kind) => {
  let database: Database;
  beforeAll(async () => {
    database = await kind.open();
    await sealAll(database);
  }, 120_000);
  afterAll(async () => database?.close());

  it('is found by its seal even when the owner re-hashed its chain to match', async () => {
    const lines = await linesInOneTransaction(database, 'DE', 'after', 4);
    await sealAll(database);
    expect(problemsOf(await verify(database))).toEqual([]);
    const batch = await asOwner<{ seq: number }>(
      database,
      `SELECT s.seq::int AS seq FROM audit_seals s, audit_log a WHERE a.id = $1 AND (a.xid, a.id) <= (s.last_xid, s.last_id) ORDER BY s.seq LIMIT 1`,
      [lines[1]!.id],
    );

    // Changed: its hash, and its batch's digest.
    await asOwner(database, `${TAMPER_BEGIN} UPDATE audit_log SET actor = 'nobody' WHERE id = ${lines[1]!.id}; ${TAMPER_END}`);
    expect(problemsOf(await verify(database))).toEqual([
      [lines[1]!.chain, [{ id: lines[1]!.id, seq: lines[1]!.seq, problem: 'hash' }]],
      [SEAL_CHAIN, [{ id: null, seq: batch[0]!.seq, problem: 'seal' }]],
    ]);
    // The owner re-hashes the chain and moves its head: the chain alone holds again, the seal does not.
    await asOwner(database, rehashChain(lines[1]!.chain));
    expect(problemsOf(await verify(database))).toEqual([[SEAL_CHAIN, [{ id: null, seq: batch[0]!.seq, problem: 'seal' }]]]);

    // Removed, and the chain re-numbered and re-hashed around the gap: the seal's count and digest.
    await asOwner(database, `${TAMPER_BEGIN} DELETE FROM audit_log WHERE id = ${lines[2]!.id}; ${TAMPER_END}`);
    await asOwner(database, rehashChain(lines[2]!.chain));
    const removed = await verify(database);
    expect(problemsOf(removed)).toEqual([[SEAL_CHAIN, [{ id: null, seq: batch[0]!.seq, problem: 'seal' }]]]);
  });

  it('refuses a change or removal of a seal, by the owner too, and the application role may neither read nor write the seals', async () => {
    for (const attack of [`UPDATE audit_seals SET lines = lines + 1`, `DELETE FROM audit_seals`, `TRUNCATE audit_seals`]) {
      const lifted = `ALTER TABLE audit_seals NO FORCE ROW LEVEL SECURITY; ${attack}; ALTER TABLE audit_seals FORCE ROW LEVEL SECURITY;`;
      await expect(asOwner(database, lifted), attack).rejects.toThrow(/never changed or removed/);
    }
    // The application's role has no right on the seals, nor on the sealer.
    await expect(asUnscopedApp(database, `SELECT * FROM audit_seals`)).rejects.toThrow(/permission denied/);
    await expect(asUnscopedApp(database, `SELECT * FROM audit_seal()`)).rejects.toThrow(/permission denied/);
    // The operator's role seals in the operator's scope only.
    const officer = await signInAs.officer(database, 'DE');
    expect(await databaseRefusal(inScope(database.db, officer.principal, (tx) => sealAudit(tx)))).toMatch(/operator's scope only/);
  });
});

/** The suite's database as `base`'s role (owner or application). */
const urlFor = (database: Database, base: string) => {
  const u = new URL(base);
  u.pathname = new URL(database.location).pathname;
  return u.toString();
};

describe.runIf(process.env.DATABASE_URL)('audited actions of one state from many connections (postgres)', () => {
  let database: Database;
  let app: Database;
  beforeAll(async () => {
    database = await databaseKinds.find((k) => k.name === 'postgres')!.open();
    // The application's own pool (eight connections, its role), as the server runs.
    app = await openDatabase({
      url: urlFor(database, process.env.DATABASE_URL!),
      appUrl: process.env.DATABASE_APP_URL ? urlFor(database, process.env.DATABASE_APP_URL) : undefined,
    });
    await sealAll(database);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('gives every action its line without waiting on the others, and seals them all in order while they run', async () => {
    const officer = await signInAs.officer(database, 'BE');
    const actions = 200;
    let sealing = true;
    const sealer = (async () => {
      let batches = 0;
      while (sealing) {
        batches += (await seal(database)).batches;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return batches;
    })();
    // Each action sleeps a little inside its transaction, so that they commit out of the order they began.
    await Promise.all(
      Array.from({ length: actions }, (_, i) =>
        inScope(app.db, officer.principal, async (tx) => {
          await recordAudit(tx, { actor: officer.principal, action: 'test.concurrent', subject: `concurrent:${i}`, stateCode: 'BE' });
          await tx.execute(sql`SELECT pg_sleep(${(i * 7) % 20} / 1000.0)`);
        }),
      ),
    );
    sealing = false;
    expect(await sealer).toBeGreaterThan(0);
    await sealAll(database);

    const got = await asOwner<{ n: number; subjects: number; chains: number }>(
      database,
      `SELECT count(*)::int AS n, count(DISTINCT subject)::int AS subjects, count(DISTINCT chain)::int AS chains FROM audit_log WHERE action = 'test.concurrent'`,
    );
    expect(got[0]!.n).toBe(actions);
    expect(got[0]!.subjects).toBe(actions);
    // One chain per connection of the pool that served them (up to eight), none shared.
    expect(got[0]!.chains).toBeGreaterThan(1);
    expect(got[0]!.chains).toBeLessThanOrEqual(8);
    const reports = await verify(database);
    expect(problemsOf(reports)).toEqual([]);
    const total = await asOwner<{ n: number }>(database, `SELECT count(*)::int AS n FROM audit_log`);
    expect(sealsOf(reports).seals).toMatchObject({ sealed: total[0]!.n, unsealed: 0 });
  }, 120_000);

  it('never skips a line that commits late: lines after a transaction still open wait for it, then all are sealed', async () => {
    const late = new pg.Client({
      connectionString: urlFor(database, process.env.DATABASE_APP_URL ?? process.env.DATABASE_URL!),
      ...(process.env.DATABASE_APP_URL ? {} : { options: `-c role=${APP_ROLE}` }),
    });
    await late.connect();
    try {
      await late.query('BEGIN');
      await late.query(`SELECT set_config('pathways.tenant', 'BE', true)`);
      await late.query(`INSERT INTO audit_log (actor, action, subject, state_code) VALUES ('late', 'test.late', 'late', 'BE')`);
      const [{ xid }] = (await late.query<{ xid: string }>(`SELECT pg_current_xact_id()::text AS xid`)).rows as [{ xid: string }];
      const officer = await signInAs.officer(database, 'BE');
      for (let i = 0; i < 5; i++)
        await inScope(app.db, officer.principal, (tx) =>
          recordAudit(tx, { actor: officer.principal, action: 'test.after-late', subject: `after:${i}`, stateCode: 'BE' }),
        );
      const first = await seal(database);
      // The five committed after the open transaction began wait behind it, not sealed past it.
      expect(first.unsealed).toBeGreaterThanOrEqual(5);
      const sealedPast = await asOwner<{ n: number }>(
        database,
        `SELECT count(*)::int AS n FROM audit_log a, (SELECT last_xid, last_id FROM audit_seals ORDER BY seq DESC LIMIT 1) s
          WHERE a.xid > $1::xid8 AND (a.xid, a.id) <= (s.last_xid, s.last_id)`,
        [xid],
      );
      expect(sealedPast).toEqual([{ n: 0 }]);
      await late.query('COMMIT');
    } finally {
      await late.end();
    }
    await sealAll(database);
    const reports = await verify(database);
    expect(problemsOf(reports)).toEqual([]);
    const lateLine = await asOwner<{ sealed: boolean }>(
      database,
      `SELECT EXISTS (SELECT 1 FROM audit_seals s WHERE (a.xid, a.id) <= (s.last_xid, s.last_id)) AS sealed FROM audit_log a WHERE subject = 'late'`,
    );
    expect(lateLine).toEqual([{ sealed: true }]);
  }, 180_000);

  it('loses no line when the server is killed (kill -9) between the insert and the seal: the next seal takes it', async () => {
    const officer = await signInAs.officer(database, 'BE');
    const data = mkdtempSync(join(tmpdir(), 'pathways-seal-kill-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: urlFor(database, process.env.DATABASE_URL!),
      PATHWAYS_DATA: data,
      // The server's sealer would not run before the kill.
      PATHWAYS_AUDIT_SEAL_MS: '3600000',
    };
    if (process.env.DATABASE_APP_URL) env.DATABASE_APP_URL = urlFor(database, process.env.DATABASE_APP_URL);
    const child = spawn(process.execPath, ['bin/pathways.js', 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'], env });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.once('exit', (c) => reject(new Error(`serve exited with ${c}`)));
        createInterface({ input: child.stdout! }).on('line', (l) => {
          const m = /running at (http:\/\/\S+)/.exec(l);
          if (m) resolve(m[1]!);
        });
      });
      const answered = 30;
      for (let i = 0; i < answered; i++) {
        const r = await fetch(`${url}/api/states/BE/cases?limit=1`, { headers: officer.headers });
        expect(r.status).toBe(200);
        await r.arrayBuffer();
      }
      const killed = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      child.kill('SIGKILL');
      expect(await killed).toBe('SIGKILL');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    const lines = await asOwner<{ n: number }>(
      database,
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'case.list' AND actor = $1`,
      [officer.principal.id],
    );
    expect(lines).toEqual([{ n: 30 }]);
    expect(sealsOf(await verify(database)).seals!.unsealed).toBeGreaterThanOrEqual(30);

    // The command line's seal takes them (the same as the next server's first run).
    const out: string[] = [];
    const code = await main(
      ['node', 'pathways', 'audit', 'seal'],
      { out: (s) => out.push(s), err: () => {}, tty: false },
      { DATABASE_URL: urlFor(database, process.env.DATABASE_URL!), PATHWAYS_DATA: data, PATHWAYS_ACTOR: 'seal-test' },
    );
    expect(code).toBe(0);
    expect(out.join('')).toMatch(/Sealed now: \d+ lines?/);
    await sealAll(database);
    const reports = await verify(database);
    expect(problemsOf(reports)).toEqual([]);
    const unsealedOfTheKilled = await asOwner<{ n: number }>(
      database,
      `SELECT count(*)::int AS n FROM audit_log a WHERE actor = $1
          AND NOT EXISTS (SELECT 1 FROM audit_seals s WHERE (a.xid, a.id) <= (s.last_xid, s.last_id))`,
      [officer.principal.id],
    );
    expect(unsealedOfTheKilled).toEqual([{ n: 0 }]);
    rmSync(data, { recursive: true, force: true });
  }, 180_000);
});

describe('the command line: audit seal and audit verify (embedded database)', () => {
  it('seals, and verify reports the lines sealed and the tail not sealed yet', async () => {
    const data = mkdtempSync(join(tmpdir(), 'pathways-seal-cli-'));
    await prepareDataDir(data);
    try {
      const cli = async (...args: string[]) => {
        const out: string[] = [];
        const code = await main(
          ['node', 'pathways', '--data', data, ...args],
          { out: (s) => out.push(s), err: () => {}, tty: false },
          { PATHWAYS_ACTOR: 'seal-cli-test' },
        );
        return { code, out: out.join('') };
      };
      const before = await cli('audit', 'verify');
      expect(before.code).toBe(0);
      expect(before.out).toMatch(/Seals: \d+ lines?, \d+ batch(es)?; not sealed yet: [1-9]\d* lines?/);
      const sealed = await cli('audit', 'seal');
      expect(sealed).toMatchObject({
        code: 0,
        out: expect.stringMatching(/Sealed now: [1-9]\d* lines?, 1 batch; not sealed yet: 0 lines/),
      });
      const after = await cli('audit', 'verify', '--format', 'json');
      const reports = JSON.parse(after.out) as ChainReport[];
      expect(sealsOf(reports)).toMatchObject({ problems: [], seals: { batches: 1, unsealed: 0 } });
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  }, 120_000);
});
