import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyField, copyInto } from './copy.ts';
import pg from 'pg';
import { missingPipelineParts, RESULT_UNREAD, rows, type Database } from './db.ts';
import { databaseKinds } from '../../test/databases.ts';
import { asOwner } from '../../test/owner.ts';

/**
 * A statement marked RESULT_UNREAD (an audit line, a kept answer) is not waited for inside a
 * transaction (issue 17): on PostgreSQL the next statement follows it on the wire (pipeline mode),
 * on the embedded database it goes with the next message to the database's thread. Either way it
 * runs in order, its failure fails the transaction, and nothing of it outlives a rollback.
 */
describe.each(databaseKinds)('statements whose result nobody reads ($name)', (kind) => {
  let database: Database;
  /** The PostgreSQL error code of a failure, wrapped by drizzle or not. */
  const codeOf = (e: unknown) => (e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code;
  const count = async (v: number) =>
    (await rows<{ n: number }>(database.db, sql`SELECT count(*)::int AS n FROM unread_t WHERE v = ${v}`))[0]!.n;
  beforeAll(async () => {
    database = await kind.open();
    await asOwner(database, 'CREATE TABLE unread_t (v int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())');
    await asOwner(database, 'GRANT SELECT, INSERT, DELETE ON unread_t TO pathways_app, pathways_operator');
  }, 120_000);
  afterAll(async () => database?.close());

  it('runs in order before the statement that follows it, which sees its row', async () => {
    const seen = await database.db.transaction(async (tx) => {
      await tx.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (1)`);
      await tx.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (2)`);
      return rows<{ v: number }>(tx, sql`SELECT v FROM unread_t WHERE v IN (1, 2) ORDER BY v`);
    });
    expect(seen).toEqual([{ v: 1 }, { v: 2 }]);
    expect([await count(1), await count(2)]).toEqual([1, 1]);
  });

  it('is not waited for: the caller goes on while it runs, and the next statement waits for it', async () => {
    // A statement of 300 ms whose result is not read returns at once; the COMMIT after it gets its answer after it.
    const t0 = performance.now();
    let returnedMs = 0;
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`${RESULT_UNREAD}SELECT pg_sleep(0.3), ${'x'}::text`);
      returnedMs = performance.now() - t0;
    });
    const committedMs = performance.now() - t0;
    expect(returnedMs).toBeLessThan(150);
    expect(committedMs).toBeGreaterThanOrEqual(290);
  });

  it('fails the transaction where it fails, with its own error, and leaves nothing of it', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO unread_t (v) VALUES (10)`);
        await tx.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (1)`);
      }),
    ).rejects.toSatisfy((e) => codeOf(e) === '23505');
    // Failing before a statement whose result is read: that statement fails with the unread one's error.
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (1)`);
        await rows(tx, sql`SELECT v FROM unread_t WHERE v = ${1}`);
        await tx.execute(sql`INSERT INTO unread_t (v) VALUES (11)`);
      }),
    ).rejects.toSatisfy((e) => codeOf(e) === '23505');
    expect([await count(10), await count(11)]).toEqual([0, 0]);
    // The connections are as good as before: the next transactions run on them.
    const n = await database.db.transaction((tx) => rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM unread_t`));
    expect(n).toEqual([{ n: 2 }]);
  });

  it("fails its transaction through a check of its own (pathways_assert, migration 0017), with the check's message", async () => {
    const failure = await database.db
      .transaction(async (tx) => {
        await tx.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (50)`);
        await tx.execute(sql`${RESULT_UNREAD}SELECT pathways_assert((SELECT count(*) FROM unread_t WHERE v = 50) = 2, ${'not two'})`);
      })
      .catch((e: unknown) => e);
    expect(codeOf(failure)).toBe('P0004');
    expect(String((failure as { cause?: unknown }).cause ?? failure)).toContain('not two');
    expect(await count(50)).toBe(0);
    // The same check passing lets the transaction through.
    await database.db.transaction((tx) => tx.execute(sql`${RESULT_UNREAD}SELECT pathways_assert(${true}, ${'fine'})`));
  });

  it('is rolled back with its transaction, or with its savepoint', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (20)`);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    // A savepoint whose unread statement failed is undone alone; the transaction goes on and commits.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO unread_t (v) VALUES (21)`);
      await expect(
        tx.transaction(async (inner) => {
          await inner.execute(sql`INSERT INTO unread_t (v) VALUES (22)`);
          await inner.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (1)`);
        }),
      ).rejects.toSatisfy((e) => codeOf(e) === '23505');
      await expect(
        tx.transaction(async (inner) => {
          await inner.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (23)`);
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await tx.execute(sql`INSERT INTO unread_t (v) VALUES (24)`);
    });
    expect(await Promise.all([20, 21, 22, 23, 24].map(count))).toEqual([0, 1, 0, 0, 1]);
  });

  it('outside a transaction is waited for, its error thrown where it is sent', async () => {
    await expect(database.db.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (1)`)).rejects.toSatisfy(
      (e) => codeOf(e) === '23505',
    );
    await database.db.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (30)`);
    expect(await count(30)).toBe(1);
  });

  it('is followed by a COPY in the same transaction', async () => {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`CREATE TEMP TABLE unread_copy (v int) ON COMMIT DROP`);
      await tx.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (40)`);
      const w = await copyInto(tx, 'unread_copy', ['v']);
      await w.write(`${copyField(41)}\n${copyField(42)}\n`);
      await w.end();
      await tx.execute(sql`INSERT INTO unread_t (v) SELECT v FROM unread_copy`);
    });
    expect(await Promise.all([40, 41, 42].map(count))).toEqual([1, 1, 1]);
  });

  it('gives statements sent together in a transaction each its own answer, and fails them together', async () => {
    const answers = await database.db.transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO unread_t (v) VALUES (60), (61)`);
      return Promise.all([
        rows<{ v: number }>(tx, sql`SELECT v FROM unread_t WHERE v = ${60}`),
        rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM unread_t WHERE v IN (60, 61)`),
        rows<{ v: number }>(tx, sql`SELECT v FROM unread_t WHERE v = ${61}`),
        rows<{ s: string }>(tx, sql`SELECT ${'a'}::text || ${'b'}::text AS s`),
      ]);
    });
    expect(answers).toEqual([[{ v: 60 }], [{ n: 2 }], [{ v: 61 }], [{ s: 'ab' }]]);
    // One of them failing fails the transaction: nothing of it stays, and the connections serve the next one.
    const failure = await database.db
      .transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO unread_t (v) VALUES (62)`);
        await Promise.all([
          rows(tx, sql`SELECT v FROM unread_t WHERE v = ${62}`),
          tx.execute(sql`INSERT INTO unread_t (v) VALUES (${60})`),
          rows(tx, sql`SELECT v FROM unread_t WHERE v = ${61}`),
        ]);
      })
      .catch((e: unknown) => e);
    expect(codeOf(failure)).toBe('23505');
    expect(await Promise.all([60, 61, 62].map(count))).toEqual([1, 1, 0]);
  });

  it('keeps every transaction apart when many run at once on the pool', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => 100 + i);
    const seen = await Promise.all(
      ids.map((v) =>
        database.db
          .transaction(async (tx) => {
            await tx.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (${v})`);
            // Every third one fails after its unread statement: a duplicate of its own row.
            if (v % 3 === 0) await tx.execute(sql`${RESULT_UNREAD}INSERT INTO unread_t (v) VALUES (${v})`);
            const [r] = await rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM unread_t WHERE v = ${v}`);
            return r!.n;
          })
          .catch(codeOf),
      ),
    );
    expect(seen).toEqual(ids.map((v) => (v % 3 === 0 ? '23505' : 1)));
    expect(await Promise.all(ids.map(count))).toEqual(ids.map((v) => (v % 3 === 0 ? 0 : 1)));
  });
});

describe.runIf(process.env.DATABASE_URL)('pg, as package.json pins it', () => {
  it('has every part of its client that the pipeline reads, and a client without them is named for each', async () => {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      expect(missingPipelineParts(client)).toEqual([]);
    } finally {
      await client.end();
    }
    // Another pg, whose client keeps its queues elsewhere: each part it lacks is named.
    expect(missingPipelineParts({ pipeline: false, _queryQueue: [], connection: { stream: {} } })).toEqual([
      '_sentQueryQueue',
      '_activeQuery',
      'connection.stream.cork',
    ]);
  });
});
