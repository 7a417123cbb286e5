import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, RESULT_UNREAD, rows, type Database } from './db.ts';
import { openPgliteCopy } from '../../test/template.ts';

/** The longest the event loop went without a turn while `work` ran, and how long `work` took. */
async function heldWhile(work: () => Promise<unknown>): Promise<{ longestGapMs: number; workMs: number }> {
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  const t0 = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return { longestGapMs: Math.max(longest, performance.now() - last), workMs: performance.now() - t0 };
}

/** A statement PGlite needs about a second for, whatever it runs on: a sum over enough rows. */
const LONG = sql`SELECT sum(g)::text AS s FROM generate_series(1, 4000000) g`;

describe('the embedded database in its own thread (issue 19, finding 3)', () => {
  let threaded: Database;
  let inThread: Database;
  beforeAll(async () => {
    threaded = await openPgliteCopy({ dataDir: 'memory://', scope: '*' });
    inThread = await openPgliteCopy({ dataDir: 'memory://', scope: '*', thread: false });
  }, 120_000);
  afterAll(async () => {
    await threaded?.close();
    await inThread?.close();
  });

  it("leaves the event loop free during a long statement, which in the event loop's thread holds it for the statement's length", async () => {
    const own = await heldWhile(() => rows(threaded.db, LONG));
    const baseline = await heldWhile(() => rows(inThread.db, LONG));
    // The same statement, the same answer; the baseline shows the test can tell the two apart.
    expect(await rows(threaded.db, LONG)).toEqual(await rows(inThread.db, LONG));
    expect(baseline.longestGapMs).toBeGreaterThan(baseline.workMs * 0.8);
    expect(own.workMs).toBeGreaterThan(200);
    expect(own.longestGapMs).toBeLessThan(Math.min(150, own.workMs / 2));
  });

  it('runs a statement marked RESULT_UNREAD with the next message, in order, and fails the whole transaction with it', async () => {
    const db = threaded.db;
    await db.execute(sql`CREATE TEMP TABLE later_t (v int PRIMARY KEY)`);
    // Run before the statement that follows it in the same transaction: that statement sees its row.
    const seen = await db.transaction(async (tx) => {
      await tx.execute(sql`${RESULT_UNREAD}INSERT INTO later_t VALUES (1)`);
      return rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM later_t`);
    });
    expect(seen).toEqual([{ n: 1 }]);
    // Waiting for the COMMIT: its failure is the commit's, and nothing of the transaction stays.
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO later_t VALUES (2)`);
        await tx.execute(sql`${RESULT_UNREAD}INSERT INTO later_t VALUES (1)`);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    // Rolled back with the transaction, the statement never runs.
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`${RESULT_UNREAD}INSERT INTO later_t VALUES (3)`);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await rows(db, sql`SELECT v FROM later_t ORDER BY v`)).toEqual([{ v: 1 }]);
    // And the same in this thread, where the mark changes nothing.
    await inThread.db.execute(sql`CREATE TEMP TABLE later_t (v int PRIMARY KEY)`);
    await inThread.db.transaction((tx) => tx.execute(sql`${RESULT_UNREAD}INSERT INTO later_t VALUES (1)`));
    expect(await rows(inThread.db, sql`SELECT v FROM later_t`)).toEqual([{ v: 1 }]);
  });

  it('returns the same rows, types and errors as PGlite in this thread', async () => {
    const q = sql`SELECT 1::int AS i, 'x'::text AS t, '2020-01-02'::date AS d, '2020-01-02 03:04:05+00'::timestamptz AS ts,
                         '\\x0102'::bytea AS b, ARRAY['a','b'] AS arr, '{"k":[1]}'::jsonb AS j, 12345678901::bigint AS big, NULL::text AS n`;
    expect(await rows(threaded.db, q)).toEqual(await rows(inThread.db, q));
    const failure = async (d: Database) => {
      const e = (await rows(d.db, sql`SELECT 1/0`).catch((x: unknown) => x)) as { cause?: { code?: string; message?: string } };
      return { code: e.cause?.code, message: e.cause?.message };
    };
    expect(await failure(threaded)).toEqual(await failure(inThread));
    expect((await failure(threaded)).code).toBe('22012');
  });

  it('commits, rolls back on a throw, keeps savepoints, and queues a second transaction behind an open one', async () => {
    const db = threaded.db;
    await db.execute(sql`CREATE TEMP TABLE t (v int PRIMARY KEY)`);
    await db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO t VALUES (1)`);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO t VALUES (2)`);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    await db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO t VALUES (3)`);
      await expect(tx.transaction(async (sp) => sp.execute(sql`INSERT INTO t VALUES (3)`))).rejects.toMatchObject({
        cause: { code: '23505' },
      });
      await tx.execute(sql`INSERT INTO t VALUES (4)`);
    });
    // Two transactions at once: the second waits for the first, as on PGlite's one connection.
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = db.transaction(async (tx) => {
      order.push('first begins');
      await tx.execute(sql`INSERT INTO t VALUES (5)`);
      await held;
      order.push('first ends');
    });
    await new Promise((r) => setTimeout(r, 50));
    const second = db.transaction(async (tx) => {
      order.push('second begins');
      await tx.execute(sql`INSERT INTO t VALUES (6)`);
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(order).toEqual(['first begins']);
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first begins', 'first ends', 'second begins']);
    expect((await rows<{ v: number }>(db, sql`SELECT v FROM t ORDER BY v`)).map((r) => r.v)).toEqual([1, 3, 4, 5, 6]);
  });

  it('refuses every call once closed, and says so', async () => {
    const d = await openDatabase({ dataDir: 'memory://' });
    await d.close();
    await expect(rows(d.db, sql`SELECT 1`)).rejects.toMatchObject({ cause: { message: 'the embedded database is closed' } });
  }, 60_000);
});
