// The embedded database's thread (issue 19, finding 3). PGlite runs PostgreSQL compiled to
// WebAssembly, synchronously: a statement over 100,000 rows holds whichever thread runs it for
// seconds. Here it holds this one, and the process's event loop stays free for /health, pages and
// every request that does not wait on the database. Plain JavaScript, so the thread starts without
// a loader. The protocol is src/db/pglite-thread.ts's.
import { PGlite } from '@electric-sql/pglite';
import { parentPort, workerData } from 'node:worker_threads';

/** A parser PGlite is given for each type of these: the value as the server wrote it (dates and times stay text). */
const keep = (v) => v;

/** @type {{ dataDir: string, keepText: number[], loadDataDir?: Uint8Array }} */
const { dataDir, keepText, loadDataDir } = workerData;

/** Transactions open, by id: the PGlite transaction and how to end it. */
const open = new Map();

/** An error as a plain object that crosses threads with PostgreSQL's fields (code, detail, constraint…). */
function plainError(e) {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const out = { name: e.name, message: e.message, stack: e.stack };
  for (const [k, v] of Object.entries(e)) {
    if (v === undefined || typeof v === 'function') continue;
    try {
      structuredClone(v);
      out[k] = v;
    } catch {
      // a field that cannot cross (a query's parsers) is left behind
    }
  }
  return out;
}

/** The options of a query with its parsers: each one named is the identity (the only kind the proxy sends). */
function queryOptions(o) {
  if (!o) return undefined;
  const { keepText: oids, ...rest } = o;
  return oids ? { ...rest, parsers: Object.fromEntries(oids.map((oid) => [oid, keep])) } : rest;
}

const pg = await PGlite.create(dataDir, {
  parsers: Object.fromEntries(keepText.map((oid) => [oid, keep])),
  // A dump of a data folder to start from (OpenOptions.loadDataDir: the tests' copies of one template).
  ...(loadDataDir ? { loadDataDir: new Blob([loadDataDir]) } : {}),
});

/** An open transaction's PGlite handle, once its BEGIN has run (messages arrive in order: 'begin' first). */
async function opened(id) {
  const entry = open.get(id);
  if (!entry) throw new Error(`transaction ${id} is not open`);
  await entry.began;
  return entry.tx;
}

/** The statements of a transaction that waited for this message (src/db/pglite-thread.ts, LATER_MARK), in order. */
async function runBefore(on, before) {
  for (const b of before ?? []) await on.query(b.sql, b.params, queryOptions(b.options));
}

async function handle(m) {
  switch (m.op) {
    case 'query': {
      const on = m.tx ? await opened(m.tx) : pg;
      await runBefore(on, m.before);
      return await on.query(m.sql, m.params, queryOptions(m.options));
    }
    case 'exec': {
      const on = m.tx ? await opened(m.tx) : pg;
      await runBefore(on, m.before);
      return await on.exec(m.sql, queryOptions(m.options));
    }
    case 'begin': {
      // PGlite's own transaction (its lock, BEGIN, COMMIT or ROLLBACK): it stays open until the
      // calling thread says how it ends. The answer is sent once BEGIN has run.
      let started;
      const began = new Promise((resolve) => (started = resolve));
      const entry = {};
      entry.done = pg
        .transaction(
          (tx) =>
            new Promise((resolve, reject) => {
              entry.tx = tx;
              entry.commit = resolve;
              entry.rollback = reject;
              started();
            }),
        )
        .finally(() => open.delete(m.tx));
      entry.done.catch(() => {}); // awaited by 'commit' or 'rollback'
      // The calling thread does not wait for BEGIN (issue 17): its first statement may already be on
      // its way, and waits here, in order, for BEGIN to have run (opened).
      entry.began = Promise.race([began, entry.done]);
      entry.began.catch(() => {});
      open.set(m.tx, entry);
      await entry.began;
      return null;
    }
    case 'commit': {
      const entry = open.get(m.tx);
      if (!entry) throw new Error(`transaction ${m.tx} is not open`);
      await entry.began;
      try {
        await runBefore(entry.tx, m.before);
      } catch (e) {
        // The transaction fails with the statement that waited for its COMMIT: nothing of it stays.
        entry.rollback(e);
        await entry.done.catch(() => {});
        throw e;
      }
      entry.commit();
      await entry.done;
      return null;
    }
    case 'rollback': {
      const entry = open.get(m.tx);
      if (!entry) return null;
      await entry.began.catch(() => {});
      const reason = new Error('rolled back');
      entry.rollback(reason);
      await entry.done.catch((e) => {
        if (e !== reason) throw e;
      });
      return null;
    }
    case 'close':
      await pg.close();
      return null;
    default:
      throw new Error(`unknown operation ${m.op}`);
  }
}

parentPort.on('message', (m) => {
  handle(m).then(
    (result) => {
      parentPort.postMessage({ id: m.id, result });
      if (m.op === 'close') parentPort.close();
    },
    (e) => parentPort.postMessage({ id: m.id, error: plainError(e) }),
  );
});
parentPort.postMessage({ id: 0, result: 'ready' });
