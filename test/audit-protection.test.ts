import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inOperatorScope, inScope } from '../src/access/scope.ts';
import { anchorFiles, anchorKey, readAnchors, writeAnchors, type AnchorFiles } from '../src/audit/anchor.ts';
import { verifyAudit } from '../src/audit/audit.service.ts';
import { recordAudit } from '../src/audit/audit-line.service.ts';
import { main } from '../src/cli/main.ts';
import { APP_ROLE, type Database } from '../src/db/db.ts';
import { openSeededDatabase } from '../src/seed/seed.ts';
import { databaseKinds } from './databases.ts';
import { openPgliteCopy } from './template.ts';
import { asOwner, databaseRefusal } from './owner.ts';

const OPERATOR = operator('audit-protection-test');
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'pathways-anchor-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * The attack of issue 19, finding 6, as the owner (the role that ran the migrations; on PostgreSQL not
 * a superuser): switch off the immutability triggers and row-level security, change one line, re-hash
 * every later line of its chain with audit_entry_hash, set the chain's head to the new last hash, and
 * switch everything back on. Nothing inside the database can tell afterwards.
 */
const rewriteChain = (id: number) => `
  ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY; ALTER TABLE audit_log DISABLE TRIGGER USER;
  ALTER TABLE audit_chains NO FORCE ROW LEVEL SECURITY; ALTER TABLE audit_chains DISABLE TRIGGER USER;
  DO $$
  DECLARE r audit_log; k text; prev text;
  BEGIN
    SELECT chain INTO k FROM audit_log WHERE id = ${id};
    UPDATE audit_log SET actor = 'nobody', details = '{"rewritten": true}' WHERE id = ${id};
    prev := NULL;
    FOR r IN SELECT * FROM audit_log WHERE chain = k ORDER BY seq LOOP
      IF prev IS NOT NULL THEN r.prev_hash := prev; END IF;
      r.hash := audit_entry_hash(r);
      UPDATE audit_log SET prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
      prev := r.hash;
    END LOOP;
    UPDATE audit_chains SET hash = prev WHERE chain = k;
  END $$;
  ALTER TABLE audit_chains ENABLE TRIGGER USER; ALTER TABLE audit_chains FORCE ROW LEVEL SECURITY;
  ALTER TABLE audit_log ENABLE TRIGGER USER; ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;`;

/** Lines in a few chains of state `state`. */
async function someLines(database: Database, state: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++)
    await inScope(database.db, OPERATOR, (tx) =>
      recordAudit(tx, { actor: OPERATOR, action: 'test.mark', subject: `test:${i}`, stateCode: state }),
    );
}

describe.each(databaseKinds)('the audit trail against its owner ($name)', (kind) => {
  let database: Database;
  let files: AnchorFiles;
  beforeAll(async () => {
    database = await kind.open();
    const dir = tempDir();
    files = { keyFile: join(dir, 'audit-anchor.key'), anchorFile: join(dir, 'audit-anchors.jsonl') };
    await someLines(database, 'BE', 6);
  }, 120_000);
  afterAll(async () => database?.close());

  const verify = (withAnchors: boolean) =>
    inScope(database.db, OPERATOR, (tx) =>
      verifyAudit(tx, withAnchors ? readAnchors(files.anchorFile, anchorKey(files.keyFile).publicKey) : {}),
    );
  const problems = (reports: Awaited<ReturnType<typeof verify>>) =>
    reports.filter((r) => r.problems.length > 0).map((r) => ({ chain: r.chain, problems: r.problems }));

  it('lets a chain head move only one step, to the line being inserted: the owner cannot set, move back or remove it', async () => {
    const [head] = await asOwner<{ chain: string; seq: number; hash: string }>(
      database,
      `SELECT chain, seq::int AS seq, hash FROM audit_chains WHERE chain LIKE 'BE.%' ORDER BY chain LIMIT 1`,
    );
    expect(head, 'the owner in the operator scope reads the heads').toBeDefined();
    for (const attack of [
      `UPDATE audit_chains SET hash = 'forged' WHERE chain = '${head!.chain}'`,
      `UPDATE audit_chains SET seq = seq - 1 WHERE chain = '${head!.chain}'`,
      `UPDATE audit_chains SET seq = seq + 1, hash = 'forged' WHERE chain = '${head!.chain}'`,
      `DELETE FROM audit_chains WHERE chain = '${head!.chain}'`,
      `INSERT INTO audit_chains (chain, seq, hash) VALUES ('XX.9', 5, 'forged')`,
      `TRUNCATE audit_chains`,
    ]) {
      // Row-level security alone leaves the owner's change without a row; with it lifted, the trigger refuses.
      await asOwner(database, attack).catch(() => {});
      const lifted = `ALTER TABLE audit_chains NO FORCE ROW LEVEL SECURITY; ${attack}; ALTER TABLE audit_chains FORCE ROW LEVEL SECURITY;`;
      expect(await databaseRefusal(asOwner(database, lifted)), attack).toMatch(/audit chain head moves only one step forward/);
    }
    const [forced] = await asOwner<{ forced: boolean }>(
      database,
      `SELECT relforcerowsecurity AS forced FROM pg_class WHERE relname = 'audit_chains'`,
    );
    expect(forced).toEqual({ forced: true });
    const [after] = await asOwner<{ seq: number; hash: string }>(
      database,
      `SELECT seq::int AS seq, hash FROM audit_chains WHERE chain = $1`,
      [head!.chain],
    );
    expect(after).toEqual({ seq: head!.seq, hash: head!.hash });
    // The application's role has no right on the heads at all, and lines still chain.
    await someLines(database, 'BE', 2);
    expect(problems(await verify(false))).toEqual([]);
  });

  it('finds, through the signed anchors, a chain rewritten and re-hashed consistently by its owner, which the chain alone cannot', async () => {
    const taken = await inOperatorScope(database, OPERATOR, (tx) => writeAnchors(tx, files));
    expect(taken.length).toBeGreaterThan(0);
    expect(readFileSync(files.anchorFile, 'utf8').trim().split('\n')).toHaveLength(taken.length);
    // Nothing moved: a second anchor writes nothing.
    expect(await inOperatorScope(database, OPERATOR, (tx) => writeAnchors(tx, files))).toEqual([]);
    expect(problems(await verify(true))).toEqual([]);

    const anchored = taken.find((a) => a.chain.startsWith('BE.') && a.seq >= 2)!;
    const [victim] = await asOwner<{ id: number }>(database, `SELECT id::int AS id FROM audit_log WHERE chain = $1 AND seq = 1`, [
      anchored.chain,
    ]);
    await asOwner(database, rewriteChain(victim!.id));
    const [changed] = await asOwner<{ actor: string }>(database, `SELECT actor FROM audit_log WHERE id = ${victim!.id}`);
    expect(changed!.actor, 'the attack went through').toBe('nobody');

    // The chain alone: consistent again, the attack is invisible …
    expect(problems(await verify(false))).toEqual([]);
    // … against the anchors it is found at the anchored head.
    expect(problems(await verify(true))).toEqual([
      { chain: anchored.chain, problems: [{ id: null, seq: anchored.seq, problem: 'anchor' }] },
    ]);

    // A forged anchor line (the attacker appending its own heads) does not hold without the key.
    const forged = { ...anchored, hash: '0'.repeat(64) };
    writeFileSync(files.anchorFile, `${readFileSync(files.anchorFile, 'utf8')}${JSON.stringify(forged)}\n`);
    expect(problems(await verify(true)).find((p) => p.chain === anchored.chain)!.problems).toContainEqual({
      id: null,
      seq: taken.length + 1,
      problem: 'signature',
    });
  });

  it("does not let the application's role widen its scope to every state ('*'), in any way it can connect", async () => {
    const probe = `SELECT (SELECT count(*)::int FROM cases) AS cases, (SELECT count(*)::int FROM audit_log) AS lines, (SELECT count(*)::int FROM audit_chains_heads()) AS heads`;
    const [truth] = await asOwner<{ cases: number; lines: number; heads: number }>(database, probe);
    expect(truth!.lines).toBeGreaterThan(0);
    expect(truth!.heads).toBeGreaterThan(0);
    const seen = await asAppWithStar(database, probe);
    for (const s of seen) expect(s).toEqual({ cases: 0, lines: 0, heads: 0 });
    // Writing in the scope '*' is refused too (the audit line names no scope it may write).
    for (const refusal of await asAppWithStar(database, `INSERT INTO audit_log (actor, action, subject) VALUES ('x', 'x', 'x')`, true)) {
      expect(refusal).toMatch(/row-level security/);
    }
    // A state's scope still works for the application's role (its own trust boundary).
    const [own] = await asAppWithStar(database, `SELECT count(*)::int AS lines FROM audit_log`, false, 'BE');
    expect(own).toEqual({ lines: 0 }); // not an auditor: no line, yet no error
  });
});

/**
 * A connection of the application's role that sets pathways.tenant to `tenant` ('*') itself: on
 * PGlite the one connection switched to the role; on PostgreSQL its own login (DATABASE_APP_URL)
 * and the owner's login switched to it (`-c role=pathways_app`).
 */
async function asAppWithStar(database: Database, text: string, refusal = false, tenant = '*'): Promise<unknown[]> {
  const results: unknown[] = [];
  const run = async (query: (q: string) => Promise<unknown[]>) => {
    await query(`SELECT set_config('pathways.tenant', '${tenant}', false)`);
    try {
      const r = await query(text);
      results.push(refusal ? 'no refusal' : r[0]);
    } catch (e) {
      if (!refusal) throw e;
      results.push((e as Error).message);
    }
  };
  if (database.kind === 'pglite') {
    const client = (database.db as unknown as { $client: PGlite }).$client;
    const [{ role, before }] = (
      await client.query<{ role: string; before: string }>(
        `SELECT current_user AS role, coalesce(current_setting('pathways.tenant', true), '') AS before`,
      )
    ).rows as [{ role: string; before: string }];
    await client.exec(`SET ROLE ${APP_ROLE}`);
    try {
      await run(async (q) => (await client.query(q)).rows);
    } finally {
      await client.exec(`SET ROLE ${role}`);
      await client.query(`SELECT set_config('pathways.tenant', $1, false)`, [before]);
    }
    return results;
  }
  const urlFor = (base: string) => {
    const u = new URL(base);
    u.pathname = new URL(database.location).pathname;
    return u.toString();
  };
  const clients = [new pg.Client({ connectionString: urlFor(process.env.DATABASE_URL!), options: `-c role=${APP_ROLE}` })];
  if (process.env.DATABASE_APP_URL) clients.push(new pg.Client({ connectionString: urlFor(process.env.DATABASE_APP_URL) }));
  for (const c of clients) {
    await c.connect();
    try {
      await run(async (q) => (await c.query(q)).rows);
    } finally {
      await c.end();
    }
  }
  return results;
}

describe('the command line: audit anchor and audit verify (embedded database)', () => {
  it('anchors the heads, and after the owner rewrites a chain verify exits 1 naming the anchor', async () => {
    const data = tempDir();
    const cli = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(
        ['node', 'pathways', '--data', data, ...args],
        { out: (s) => out.push(s), err: (s) => err.push(s), tty: false },
        { PATHWAYS_ACTOR: 'anchor-test' },
      );
      return { code, out: out.join(''), err: err.join('') };
    };
    const database = await openPgliteCopy({ dataDir: data, scope: '*' });
    try {
      await someLines(database, 'NL', 4);
    } finally {
      await database.close();
    }
    const anchored = await cli('audit', 'anchor');
    expect(anchored).toMatchObject({ code: 0, out: expect.stringMatching(/chain heads? signed and appended/) });
    const files = anchorFiles({ PATHWAYS_DATA: data });
    expect((await import('node:fs')).statSync(files.keyFile).mode & 0o777).toBe(0o600);
    expect(await cli('audit', 'verify')).toMatchObject({
      code: 0,
      out: expect.stringMatching(/intact[\s\S]*Checked against \d+ signed anchors?/),
    });

    const again = await openSeededDatabase({ dataDir: data, scope: '*' });
    try {
      const [victim] = await asOwner<{ id: number }>(
        again,
        `SELECT id::int AS id FROM audit_log WHERE state_code = 'NL' AND seq = 1 LIMIT 1`,
      );
      await asOwner(again, rewriteChain(victim!.id));
    } finally {
      await again.close();
    }
    const verified = await cli('audit', 'verify');
    expect(verified.code).toBe(1);
    expect(verified.out).toMatch(/anchor@\d+/);
  }, 120_000);
});

describe.runIf(process.env.DATABASE_URL)('the application on PostgreSQL and its roles', () => {
  it('refuses to serve as the owner in production (no DATABASE_APP_URL), before touching the database', async () => {
    const err: string[] = [];
    const code = await main(
      ['node', 'pathways', 'serve', '--port', '0'],
      { out: () => {}, err: (s) => err.push(s), tty: false },
      {
        DATABASE_URL: 'postgres://nobody:nothing@127.0.0.1:1/none',
        NODE_ENV: 'production',
      },
    );
    expect(code).not.toBe(0);
    expect(err.join('')).toMatch(/NODE_ENV=production[\s\S]*DATABASE_APP_URL/);
  });

  it('says what to run when the owner may not switch to an existing pathways_app (a shared cluster; finding 11)', async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    const suffix = randomBytes(4).toString('hex');
    const role = `pathways_owner_${suffix}`;
    const name = `pathways_shared_${suffix}`;
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'x' NOCREATEROLE`);
      await admin.query(`GRANT ${role} TO CURRENT_USER`);
      await admin.query(`CREATE DATABASE ${name} OWNER ${role}`);
      const url = new URL(process.env.DATABASE_URL!);
      url.username = role;
      url.password = 'x';
      url.pathname = `/${name}`;
      const refusal = await openSeededDatabase({ url: url.toString() }).then(
        async (d) => {
          await d.close();
          return 'opened';
        },
        (e: Error) => e.message,
      );
      expect(refusal).toMatch(new RegExp(`may not switch to the role pathways_app[\\s\\S]*GRANT pathways_app TO ${role};`));
      expect(refusal).not.toMatch(/outside what your role may see/);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      await admin.end();
    }
  }, 60_000);
});
