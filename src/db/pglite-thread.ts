import type { PGlite, QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { Worker } from 'node:worker_threads';

/**
 * The embedded database in a thread of its own (issue 19, finding 3): PGlite runs its SQL
 * synchronously, so a statement over a large upload's rows held the server's event loop for tens
 * of seconds and nothing, not even `/health`, was answered. Here PGlite lives in a worker
 * (`pglite.worker.mjs`) and this object stands in for it with the part of PGlite's interface that
 * drizzle and the platform use — `query`, `exec`, `transaction`, `close`, `closed` — each call a
 * message. Ordering is PGlite's own: the worker runs each call against the one PGlite, whose lock
 * queues a call made while another caller's transaction is open, as it would in this thread.
 *
 * Only parsers that keep the server's text can be given (functions do not cross threads); drizzle's
 * and the platform's are all of that kind, and any other is refused rather than ignored.
 */
export interface ThreadedPglite {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(sql: string, options?: QueryOptions): Promise<Results[]>;
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** A statement of a transaction whose result nobody reads, sent with the transaction's next message. */
interface Later {
  sql: string;
  params: unknown[] | undefined;
  options: WireOptions | undefined;
}

type Op =
  | { op: 'query'; sql: string; params: unknown[] | undefined; options: WireOptions | undefined; tx: number | undefined; before?: Later[] }
  | { op: 'exec'; sql: string; options: WireOptions | undefined; tx: number | undefined; before?: Later[] }
  | { op: 'begin' | 'rollback'; tx: number }
  | { op: 'commit'; tx: number; before?: Later[] }
  | { op: 'close' };

/**
 * The mark of a statement whose result nobody reads and whose failure nobody catches apart (an audit
 * line, a kept answer: `RESULT_UNREAD` of src/db/db.ts). Inside a transaction it does not cross to the
 * thread on its own: it goes with the transaction's next message (a statement or the COMMIT), and
 * runs there first, in order; its error fails that message and the transaction with it (issue 17: a
 * round trip to the thread fewer each).
 */
export const LATER_MARK = '/*later*/ ';

interface WireOptions {
  rowMode?: 'array' | 'object';
  keepText?: number[];
  /** The file of `COPY … FROM '/dev/blob'` (a Blob crosses to the thread without a copy of its bytes). */
  blob?: Blob;
}

const PROBE = '\u0000probe';

/** Query options as they cross: the parsers become the list of types whose text is kept. */
function wireOptions(options: QueryOptions | undefined): WireOptions | undefined {
  if (!options) return undefined;
  const { rowMode, parsers, blob, ...rest } = options;
  const unsupported = Object.keys(rest).filter((k) => (rest as Record<string, unknown>)[k] !== undefined);
  if (unsupported.length > 0) throw new Error(`the embedded database's thread does not take the query options ${unsupported.join(', ')}`);
  const out: WireOptions = {};
  if (rowMode) out.rowMode = rowMode;
  if (blob) out.blob = blob;
  if (parsers) {
    out.keepText = Object.entries(parsers).map(([oid, parse]) => {
      if (parse(PROBE, Number(oid)) !== PROBE)
        throw new Error(`the embedded database's thread keeps a type's text or nothing (type ${oid})`);
      return Number(oid);
    });
  }
  return out;
}

/** An error of the worker, back as an Error with PostgreSQL's fields (code, detail, constraint…) where it had them. */
function revive(plain: Record<string, unknown>): Error {
  const e = new Error(String(plain.message ?? 'the embedded database failed'));
  for (const [k, v] of Object.entries(plain)) if (k !== 'message' && k !== 'stack') (e as unknown as Record<string, unknown>)[k] = v;
  if (typeof plain.name === 'string') e.name = plain.name;
  return e;
}

/**
 * Opens PGlite at `dataDir` in a worker thread; resolves once it is open. `keepText`: the types whose
 * text the parsers keep for every query; `loadDataDir`: a dump of a data folder to start from.
 */
export async function openThreadedPglite(
  dataDir: string,
  keepText: number[],
  loadDataDir?: Uint8Array<ArrayBuffer>,
): Promise<ThreadedPglite> {
  const worker = new Worker(new URL('./pglite.worker.mjs', import.meta.url), { workerData: { dataDir, keepText, loadDataDir } });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 1;
  let nextTx = 1;
  let openTransactions = 0;
  let closed = false;
  let closing = false;
  let failure: Error | null = null;
  let ready!: { resolve: (v: unknown) => void; reject: (e: Error) => void };
  const opened = new Promise((resolve, reject) => (ready = { resolve, reject }));
  pending.set(0, ready);

  const fail = (e: Error) => {
    if (closing) return; // closed on purpose: the thread's end is no failure
    failure = e;
    closed = true;
    for (const p of pending.values()) p.reject(failure);
    pending.clear();
  };
  // Like PGlite in this thread, an open database does not keep the process alive: the thread counts
  // only while a call waits on it (the opening's, here, first).
  worker.on('message', (m: { id: number; result?: unknown; error?: Record<string, unknown> }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.error) p.reject(revive(m.error));
    else p.resolve(m.result);
  });
  worker.on('error', (e) => fail(e));
  worker.on('exit', (code) => fail(new Error(`the embedded database's thread stopped (exit code ${code})`)));

  const call = <T>(m: Op): Promise<T> => {
    if (closed) return Promise.reject(failure ?? new Error('the embedded database is closed'));
    const id = next++;
    return new Promise<T>((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ ...m, id });
    });
  };
  await opened;

  const on = (tx: number | undefined) => ({
    query: <T>(sql: string, params?: unknown[], options?: QueryOptions) =>
      call<Results<T>>({ op: 'query', sql, params, options: wireOptions(options), tx }),
    exec: (sql: string, options?: QueryOptions) => call<Results[]>({ op: 'exec', sql, options: wireOptions(options), tx }),
  });

  return {
    ...on(undefined),
    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      const id = nextTx++;
      // Where no other transaction is open, BEGIN is not waited for (issue 17: a round trip to the
      // thread fewer): the thread takes the messages in order and runs the first statement once BEGIN
      // has (or fails it with BEGIN). Behind an open one, the work waits for its BEGIN, as it would on
      // PGlite's one connection in this thread.
      const begun = call({ op: 'begin', tx: id });
      begun.catch(() => {});
      if (openTransactions++ > 0)
        await begun.catch((e) => {
          openTransactions--;
          throw e;
        });
      let ended = false;
      let later: Later[] = [];
      const take = () => (later.length > 0 ? { before: later.splice(0) } : {});
      const check = () => {
        if (ended) throw new Error('Transaction is closed');
      };
      const tx = {
        query: async <R>(sql: string, params?: unknown[], options?: QueryOptions) => {
          check();
          if (sql.startsWith(LATER_MARK)) {
            later.push({ sql, params, options: wireOptions(options) });
            return { rows: [], fields: [] } as unknown as Results<R>;
          }
          return call<Results<R>>({ op: 'query', sql, params, options: wireOptions(options), tx: id, ...take() });
        },
        exec: async (sql: string, options?: QueryOptions) => {
          check();
          return call<Results[]>({ op: 'exec', sql, options: wireOptions(options), tx: id, ...take() });
        },
        sql: () => Promise.reject(new Error("tagged templates are not used with the embedded database's thread")),
        listen: () => Promise.reject(new Error("LISTEN is not used with the embedded database's thread")),
        rollback: async () => {
          check();
          ended = true;
          later = [];
          await call({ op: 'rollback', tx: id });
        },
        get closed() {
          return ended;
        },
      } as unknown as Transaction;
      try {
        const result = await work(tx);
        await begun;
        if (!ended) {
          ended = true;
          // What waits runs first; if it fails, the thread rolls the transaction back and says so.
          await call({ op: 'commit', tx: id, ...take() });
        }
        return result;
      } catch (e) {
        if (!ended) {
          ended = true;
          await call({ op: 'rollback', tx: id }).catch(() => {});
        }
        throw e;
      } finally {
        openTransactions--;
      }
    },
    async close() {
      if (closed) return;
      closing = true;
      try {
        await call({ op: 'close' });
      } finally {
        closed = true;
        await worker.terminate();
      }
    },
    get closed() {
      return closed;
    },
  };
}

/** The handle as drizzle's PGlite driver takes it: the calls it makes are the ones above. */
export const asPglite = (client: ThreadedPglite): PGlite => client as unknown as PGlite;
