import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operator, type Principal } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { setTransactionScope } from '../src/access/scope.repository.ts';
import { assertAuditIntact, verifyAudit } from '../src/audit/audit.service.ts';
import { recordAudit } from '../src/audit/audit-line.service.ts';
import { getCase, listCases } from '../src/cases/case.service.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { pipeline } from '../src/pipeline/pipeline.service.ts';
import { databaseKinds } from './databases.ts';
import { asOwner, asUnscopedApp, databaseRefusal } from './owner.ts';

const OPERATOR = operator('tenancy-test');
const who = (role: Principal['role'], stateCode: string | null = null, organisation: string | null = null): Principal => ({
  id: `test:${role}:${stateCode ?? organisation ?? ''}`,
  userId: null,
  username: role,
  role,
  stateCode,
  organisation,
});

describe.each(databaseKinds)('tenancy in the database ($name)', (kind) => {
  let database: Database;
  /** Rows per state in each table that holds a state's data, counted as the operator. */
  let truth: Map<string, Map<string, number>>;
  let stateTables: string[];

  beforeAll(async () => {
    database = await kind.open();
    await loadDemo({ db: database.db, actor: OPERATOR, persons: 400, seed: 11 });
    // A referral partner and a sponsor with something of their own.
    await inScope(database.db, OPERATOR, async (tx) => {
      await tx.execute(sql`UPDATE cases SET referring_partner = 'iom' WHERE id IN (SELECT id FROM cases ORDER BY id LIMIT 5)`);
      // The same organisation refers to a second state too (issue 19, finding 4).
      await tx.execute(sql`UPDATE cases SET referring_partner = 'iom'
                            WHERE id IN (SELECT id FROM cases WHERE state_code <> (SELECT state_code FROM cases ORDER BY id LIMIT 1) ORDER BY id LIMIT 5)`);
      await tx.execute(sql`INSERT INTO case_supporters (case_id, state_code, organisation, phases)
                           SELECT id, state_code, 'sponsor-a', ARRAY['reception'] FROM cases ORDER BY id DESC LIMIT 3`);
    });
    stateTables = (
      await rows<{ t: string }>(
        database.db,
        sql`SELECT c.table_name AS t FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
             WHERE c.table_schema = 'public' AND c.column_name = 'state_code' AND t.table_type = 'BASE TABLE' ORDER BY 1`,
      )
    ).map((r) => r.t);
    truth = new Map();
    await inScope(database.db, OPERATOR, async (tx) => {
      for (const t of stateTables) {
        const counts = await rows<{ s: string | null; n: number }>(
          tx,
          sql`SELECT state_code AS s, count(*)::int AS n FROM ${sql.identifier(t)} GROUP BY 1`,
        );
        truth.set(t, new Map(counts.map((c) => [c.s ?? '', c.n])));
      }
    });
  }, 120_000);
  afterAll(async () => database?.close());

  it('sets a scope whose values hold quotes, backslashes and dollar signs exactly as given, for the whole transaction and no longer', async () => {
    // On PostgreSQL the transaction's BEGIN and its scope go in one simple query, the values written as
    // literals (src/db/db.ts, FIRST_IN_TRANSACTION): a value must stay a value.
    const hostile = "x' OR '1'='1 \\' $1 $$ $2; SELECT 1; --";
    const read = sql`SELECT current_setting('pathways.organisation') AS o, current_setting('pathways.tenant') AS t`;
    const seen = await database.db.transaction(async (tx) => {
      await setTransactionScope(tx, { tenant: 'NL', organisation: hostile, auditor: false });
      // A setting local to the transaction (set_config(…, true)) outlives its statement only inside a transaction block.
      return rows<{ o: string; t: string }>(tx, read);
    });
    expect(seen).toEqual([{ o: hostile, t: 'NL' }]);
    // Rolled back, and in the next transaction, nothing of it is left; a transaction without a statement does nothing.
    await expect(
      database.db.transaction(async (tx) => {
        await setTransactionScope(tx, { tenant: 'BE', organisation: 'gone', auditor: false });
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await database.db.transaction(async () => {});
    const after = await database.db.transaction((tx) => rows<{ o: string; t: string }>(tx, read));
    // (The operator's connections start in the scope '*'.)
    expect(after).toEqual([{ o: '', t: '*' }]);
  });

  it('forces row-level security, with a policy, on every table that has a state column', async () => {
    expect(stateTables).toEqual(expect.arrayContaining(['cases', 'persons', 'case_events', 'pledges', 'audit_log', 'users']));
    const flags = await rows<{ t: string; rls: boolean; forced: boolean; policies: number }>(
      database.db,
      sql`SELECT c.relname AS t, c.relrowsecurity AS rls, c.relforcerowsecurity AS forced,
                 (SELECT count(*)::int FROM pg_policies p WHERE p.schemaname = 'public' AND p.tablename = c.relname) AS policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND c.relname = ANY(${sql.param(stateTables)}::text[]) ORDER BY 1`,
    );
    expect(flags.map((f) => f.t)).toEqual(stateTables);
    for (const f of flags) expect(f, f.t).toMatchObject({ rls: true, forced: true, policies: expect.any(Number) });
    for (const f of flags) expect(f.policies, f.t).toBeGreaterThan(0);
  });

  it('reads the scope once per statement in every policy (an InitPlan), never once per row (migration 0015)', async () => {
    const policies = await rows<{ name: string; qual: string | null; check: string | null }>(
      database.db,
      sql`SELECT tablename || '.' || policyname AS name, qual, with_check AS check FROM pg_policies WHERE schemaname = 'public'`,
    );
    const scoped = policies.filter((p) => /pathways_(tenant|organisation|organisation_state)\(\)/.test(`${p.qual} ${p.check}`));
    // The policies of the tenant tables and of the sponsors' and partners' scopes all name the scope.
    expect(scoped.length).toBeGreaterThan(20);
    const perRow = /(?<!SELECT )pathways_(tenant|organisation|organisation_state)\(\)/;
    for (const p of scoped) expect({ name: p.name, perRow: perRow.test(`${p.qual} ${p.check}`) }).toEqual({ name: p.name, perRow: false });
    // And the scope's function is inlined there (migration 0016): the plan reads the setting itself, no call.
    const plan = (await asUnscopedApp<{ 'QUERY PLAN': string }>(database, 'EXPLAIN (VERBOSE, COSTS OFF) SELECT count(*) FROM cases'))
      .map((r) => r['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain("current_setting('pathways.tenant'");
    expect(plan).not.toContain('pathways_tenant(');
  });

  it('runs the application as a role that owns nothing and cannot bypass the policies', async () => {
    const [me] = await asUnscopedApp<{ role: string; superuser: boolean; bypass: boolean; owned: number }>(
      database,
      `SELECT current_user AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypass,
              (SELECT count(*)::int FROM pg_class c WHERE pg_get_userbyid(c.relowner) = current_user) AS owned
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    expect(me).toEqual({ role: 'pathways_app', superuser: false, bypass: false, owned: 0 });
  });

  it('shows a connection that has set no scope nothing at all', async () => {
    for (const t of stateTables) {
      const total = [...truth.get(t)!.values()].reduce((a, b) => a + b, 0);
      const [seen] = await asUnscopedApp<{ n: number }>(database, `SELECT count(*)::int AS n FROM ${t}`);
      expect({ t, n: seen!.n }).toEqual({ t, n: 0 });
      if (['cases', 'persons', 'pledges'].includes(t)) expect(total, `${t} has rows to hide`).toBeGreaterThan(0);
    }
  });

  it("shows a state's scope exactly its own rows, and refuses to write another state's", async () => {
    const states = [...truth.get('cases')!.keys()].slice(0, 3);
    expect(states.length).toBeGreaterThan(1);
    for (const state of states) {
      await inScope(database.db, who('state_officer', state), async (tx) => {
        for (const t of ['cases', 'persons', 'case_events']) {
          const seen = await rows<{ s: string; n: number }>(
            tx,
            sql`SELECT state_code AS s, count(*)::int AS n FROM ${sql.identifier(t)} GROUP BY 1`,
          );
          expect(seen, `${t} in ${state}`).toEqual([{ s: state, n: truth.get(t)!.get(state) }]);
        }
      });
    }
    const [a, b] = states as [string, string];
    expect(
      await databaseRefusal(
        inScope(database.db, who('state_officer', a), (tx) =>
          tx.execute(
            sql`INSERT INTO cases (state_code, case_ref, pathway, country_of_departure) VALUES (${b}, 'X-1', 'resettlement', 'TUR')`,
          ),
        ),
      ),
    ).toMatch(/row-level security/);
    // An UPDATE aimed at another state's rows finds none.
    const moved = await inScope(database.db, who('state_officer', a), (tx) =>
      rows<{ id: number }>(tx, sql`UPDATE cases SET priority = 'urgent' WHERE state_code = ${b} RETURNING id`),
    );
    expect(moved).toEqual([]);
  });

  it("gives the Commission every state's figures and no person", async () => {
    const eu = who('commission_analyst');
    await inScope(database.db, eu, async (tx) => {
      for (const t of ['cases', 'persons', 'case_events', 'case_supporters', 'users']) {
        const [n] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM ${sql.identifier(t)}`);
        expect({ t, n: n!.n }).toEqual({ t, n: 0 });
      }
      const [pledges] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM pledges`);
      expect(pledges!.n).toBe([...truth.get('pledges')!.values()].reduce((x, y) => x + y, 0));
    });
    // The pipeline is built from every state's cases, as counts.
    const asEu = await inScope(database.db, eu, (tx) => pipeline({ db: tx, roundId: '2020-2021' }));
    const asOperator = await inScope(database.db, OPERATOR, (tx) => pipeline({ db: tx, roundId: '2020-2021' }));
    expect(asEu).toEqual(asOperator);
    expect(JSON.stringify(asEu)).not.toMatch(/DEMO-/);
  });

  it("lets a referral partner see only its referrals to its agreement's state and a sponsor only the households it supports", async () => {
    const perState = await inScope(database.db, OPERATOR, (tx) =>
      rows<{ s: string; n: number }>(
        tx,
        sql`SELECT state_code AS s, count(*)::int AS n FROM cases WHERE referring_partner = 'iom' GROUP BY 1 ORDER BY 1`,
      ),
    );
    expect(perState.length).toBeGreaterThanOrEqual(2);
    for (const { s, n } of perState) {
      const partnerSees = await inScope(database.db, who('referral_partner', s, 'iom'), (tx) =>
        rows<{ s: string; n: number }>(tx, sql`SELECT state_code AS s, count(*)::int AS n FROM cases GROUP BY 1`),
      );
      expect(partnerSees).toEqual([{ s, n }]);
      const partnerPersons = await inScope(database.db, who('referral_partner', s, 'iom'), (tx) =>
        rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM persons`),
      );
      expect(partnerPersons).toEqual([{ n: 0 }]);
    }
    // Without the state of an agreement, a partner's scope sees nothing at all.
    const stateless = await inScope(database.db, who('referral_partner', null, 'iom'), (tx) =>
      rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM cases`),
    );
    expect(stateless).toEqual([{ n: 0 }]);
    // A sponsor's account belongs to the state that registered it: its households there, none elsewhere.
    const supported = await inScope(database.db, OPERATOR, (tx) =>
      rows<{ s: string; n: number }>(
        tx,
        sql`SELECT state_code AS s, count(*)::int AS n FROM case_supporters WHERE organisation = 'sponsor-a' GROUP BY 1 ORDER BY 1`,
      ),
    );
    expect(supported.reduce((t, x) => t + x.n, 0)).toBe(3);
    for (const { s, n } of supported) {
      const sponsorSees = await inScope(database.db, who('sponsor', s, 'sponsor-a'), (tx) =>
        rows<{ s: string; n: number }>(tx, sql`SELECT state_code AS s, count(*)::int AS n FROM cases GROUP BY 1`),
      );
      expect(sponsorSees).toEqual([{ s, n }]);
    }
    const statelessSponsor = await inScope(database.db, who('sponsor', null, 'sponsor-a'), (tx) =>
      rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM cases`),
    );
    expect(statelessSponsor).toEqual([{ n: 0 }]);
    const otherSponsor = await inScope(database.db, who('sponsor', supported[0]!.s, 'sponsor-b'), (tx) =>
      rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM cases`),
    );
    expect(otherSponsor).toEqual([{ n: 0 }]);
  });
});

/** What it takes the tables' owner to change a line: lift the forced policies and the trigger first. */
const TAMPER_BEGIN = 'ALTER TABLE audit_log NO FORCE ROW LEVEL SECURITY; ALTER TABLE audit_log DISABLE TRIGGER audit_log_immutable;';
const TAMPER_END = 'ALTER TABLE audit_log ENABLE TRIGGER audit_log_immutable; ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;';

describe.each(databaseKinds)('the audit trail ($name)', (kind) => {
  let database: Database;
  let state: string;
  let caseRef: string;
  beforeAll(async () => {
    database = await kind.open();
    await loadDemo({ db: database.db, actor: OPERATOR, persons: 60, seed: 12 });
    const [c] = await inScope(database.db, OPERATOR, (tx) =>
      rows<{ s: string; r: string }>(tx, sql`SELECT state_code AS s, case_ref AS r FROM cases ORDER BY id LIMIT 1`),
    );
    state = c!.s;
    caseRef = c!.r;
  }, 120_000);
  afterAll(async () => database?.close());

  const lines = () =>
    inScope(database.db, OPERATOR, (tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM audit_log`)).then((r) => r[0]!.n);

  it('writes a line for every read of a case, with who, role, scope, purpose, records and fields', async () => {
    const officer = who('state_officer', state);
    const before = await lines();
    const detail = await inScope(database.db, officer, (tx) => getCase({ db: tx, actor: officer, stateCode: state, caseRef }));
    expect(await lines()).toBe(before + 1);
    const [line] = await inScope(database.db, OPERATOR, (tx) =>
      rows<Record<string, unknown>>(
        tx,
        sql`SELECT actor, role, tenant, action, purpose, state_code, record_ids, fields FROM audit_log ORDER BY id DESC LIMIT 1`,
      ),
    );
    expect(line).toMatchObject({ actor: officer.id, role: 'state_officer', tenant: state, action: 'case.read', state_code: state });
    expect(line!.record_ids).toEqual([`case:${caseRef}`, ...detail.members.map((m) => `person:${m.personRef}`)]);
    expect(line!.fields).toEqual(expect.arrayContaining(['caseRef', 'members.birthYear', 'history']));
    expect(String(line!.purpose)).not.toBe('');
  });

  it('refuses the read when its audit line cannot be written (fault injected into the audit insert)', async () => {
    const officer = who('state_officer', state);
    await asOwner(
      database,
      `CREATE FUNCTION audit_fault() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit store unavailable (injected)'; END $$;
       CREATE TRIGGER audit_fault BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_fault();`,
    );
    try {
      const before = await inScope(database.db, OPERATOR, (tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM case_events`));
      expect(
        await databaseRefusal(inScope(database.db, officer, (tx) => getCase({ db: tx, actor: officer, stateCode: state, caseRef }))),
      ).toMatch(/injected/);
      expect(await databaseRefusal(inScope(database.db, officer, (tx) => listCases({ db: tx, actor: officer, stateCode: state })))).toMatch(
        /injected/,
      );
      const after = await inScope(database.db, OPERATOR, (tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM case_events`));
      expect(after).toEqual(before);
    } finally {
      await asOwner(database, `DROP TRIGGER audit_fault ON audit_log; DROP FUNCTION audit_fault();`);
    }
  });

  it("refuses the application's role any change to a line, even in the operator's scope", async () => {
    expect(
      await databaseRefusal(inScope(database.db, OPERATOR, (tx) => tx.execute(sql`UPDATE audit_log SET actor = 'someone else'`))),
    ).toMatch(/permission denied/);
    expect(await databaseRefusal(inScope(database.db, OPERATOR, (tx) => tx.execute(sql`DELETE FROM audit_log`)))).toMatch(
      /permission denied/,
    );
    expect(await databaseRefusal(inScope(database.db, OPERATOR, (tx) => tx.execute(sql`UPDATE audit_chains SET seq = 0`)))).toMatch(
      /permission denied/,
    );
    // The owner is stopped too: by the forced policies (no line is visible to an UPDATE) or, for a
    // superuser, by the trigger.
    const outcome = await asOwner(database, `UPDATE audit_log SET actor = 'someone else' RETURNING id`).then(
      (changed) => `changed ${changed.length}`,
      (e: Error) => e.message,
    );
    expect(outcome).toMatch(/^changed 0$|never changed/);
    expect(
      await inScope(database.db, OPERATOR, (tx) =>
        rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM audit_log WHERE actor = 'someone else'`),
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('verifies intact chains, and finds an edited line and a removed one', async () => {
    await inScope(database.db, OPERATOR, (tx) =>
      recordAudit(tx, { actor: OPERATOR, action: 'test.mark', subject: 'test', stateCode: state }),
    );
    const intact = await inScope(database.db, OPERATOR, (tx) => verifyAudit(tx));
    expect(intact.length).toBeGreaterThan(0);
    expect(intact.flatMap((c) => c.problems)).toEqual([]);
    expect(intact.reduce((n, c) => n + c.entries, 0)).toBe(await lines());
    expect(() => assertAuditIntact(intact)).not.toThrow();

    const [victim] = await asOwner<{ id: number; seq: number; chain: string }>(
      database,
      `SELECT id::int AS id, seq::int AS seq, chain FROM audit_log WHERE state_code = $1 ORDER BY id LIMIT 1 OFFSET 1`,
      [state],
    );
    await asOwner(database, `${TAMPER_BEGIN} UPDATE audit_log SET actor = 'nobody' WHERE id = ${victim!.id}; ${TAMPER_END}`);
    const edited = await inScope(database.db, OPERATOR, (tx) => verifyAudit(tx));
    expect(edited.filter((c) => c.problems.length > 0).map((c) => [c.chain, c.problems])).toEqual([
      [victim!.chain, [{ id: victim!.id, seq: victim!.seq, problem: 'hash' }]],
    ]);
    expect(() => assertAuditIntact(edited)).toThrow(/tampered/);

    const [last] = await asOwner<{ id: number; seq: number; chain: string }>(
      database,
      `SELECT id::int AS id, seq::int AS seq, chain FROM audit_log a WHERE state_code = $1 AND seq = (SELECT max(seq) FROM audit_log b WHERE b.chain = a.chain) ORDER BY id DESC LIMIT 1`,
      [state],
    );
    await asOwner(database, `${TAMPER_BEGIN} DELETE FROM audit_log WHERE id = ${last!.id}; ${TAMPER_END}`);
    const removed = await inScope(database.db, OPERATOR, (tx) => verifyAudit(tx));
    expect(removed.find((c) => c.chain === last!.chain)!.problems).toContainEqual({ id: null, seq: last!.seq, problem: 'head' });
  });
});
