import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { settleUnread, type Executor } from './db.ts';

/**
 * Lines of PostgreSQL's COPY text format into a table, in the caller's transaction: the fastest way
 * either database takes rows in. On PostgreSQL `COPY … FROM STDIN` on the transaction's own
 * connection, streamed with back-pressure; on PGlite `COPY … FROM '/dev/blob'`, the lines gathered
 * into blobs of `PGLITE_BLOB_BYTES`, one blob written while the next is gathered.
 */
export interface CopyWriter {
  /** One or more whole lines, each ending in `\n`. Resolves when the writer can take more. */
  write(lines: string): Promise<void>;
  /** Sends what is left and waits for the server to take it all; rejects with the server's error. */
  end(): Promise<void>;
  /** Gives up: nothing more is sent (the caller rolls its transaction back). */
  abort(): Promise<void>;
}

/** Text gathered before a write to the PostgreSQL stream: fewer, larger messages. */
const PG_BUFFER = 1 << 16;
/** Bytes of one PGlite COPY (its /dev/blob is read whole into the database's memory). */
export const PGLITE_BLOB_BYTES = 32 << 20;

/** What the drizzle session of a transaction holds: a pg client (PostgreSQL) or a PGlite (transaction). */
type DriverClient = pg.PoolClient | pg.Client | pg.Pool | PGlite | Transaction;

function driverClient(db: Executor): DriverClient {
  const client = (db as unknown as { session?: { client?: DriverClient } }).session?.client;
  if (!client) throw new Error('COPY needs a database handle or transaction of drizzle');
  return client;
}

/**
 * Starts `COPY table (columns) FROM …` in `tx` (a transaction: the rows are the transaction's, and
 * on PostgreSQL COPY needs one connection). The table is the caller's (a TEMP staging table).
 */
export async function copyInto(tx: Executor, table: string, columns: readonly string[]): Promise<CopyWriter> {
  const client = driverClient(tx);
  const target = `${table} (${columns.join(', ')})`;
  if ('totalCount' in client) throw new Error('COPY runs in a transaction (one connection), not on the pool');
  if (isPgClient(client)) return pgCopy(client, `COPY ${target} FROM STDIN`);
  return pgliteCopy(client as PGlite | Transaction, `COPY ${target} FROM '/dev/blob'`);
}

function isPgClient(c: DriverClient): c is pg.PoolClient | pg.Client {
  // pg's clients have a connection; PGlite and its transactions do not.
  return typeof (c as { connection?: unknown }).connection === 'object';
}

async function pgCopy(client: pg.PoolClient | pg.Client, statement: string): Promise<CopyWriter> {
  // The statements sent before it and not waited for (RESULT_UNREAD), answered first.
  await settleUnread(client);
  const stream: Writable = client.query(copyFrom(statement));
  let failure: Error | null = null;
  const failed = new Promise<never>((_, reject) =>
    stream.on('error', (e) => {
      failure = e;
      reject(e);
    }),
  );
  failed.catch(() => {}); // read through `failure` and the awaits below
  let buffer = '';
  const flush = async () => {
    if (failure) throw failure;
    const text = buffer;
    buffer = '';
    if (!stream.write(text)) await Promise.race([once(stream, 'drain'), failed]);
  };
  return {
    async write(lines) {
      buffer += lines;
      if (buffer.length >= PG_BUFFER) await flush();
    },
    async end() {
      if (buffer.length > 0) await flush();
      const finished = once(stream, 'finish');
      stream.end();
      await Promise.race([finished, failed]);
    },
    async abort() {
      buffer = '';
      // Ending the COPY with a failure makes the server refuse it; the transaction is rolled back by the caller.
      stream.destroy(new Error('import abandoned'));
      await Promise.race([once(stream, 'close'), failed]).catch(() => {});
    },
  };
}

/**
 * PGlite's COPY reads `/dev/blob`, a file: the privilege of `pg_read_server_files`, which the
 * application's role does not hold. PGlite's session is its superuser's, so the statement runs with
 * the role set back to it for the COPY only (`SET LOCAL ROLE NONE`), then the caller's role again.
 */
async function pgliteCopy(client: PGlite | Transaction, statement: string): Promise<CopyWriter> {
  const role = (await client.query<{ r: string }>('SELECT current_user AS r')).rows[0]!.r;
  let parts: string[] = [];
  let size = 0;
  let inFlight: Promise<void> | null = null;
  const send = async (blob: Blob) => {
    await client.exec('SET LOCAL ROLE NONE');
    try {
      await client.query(statement, [], { blob });
    } finally {
      await client.exec(`SET LOCAL ROLE ${quoteIdent(role)}`);
    }
  };
  const flush = async () => {
    const blob = new Blob(parts);
    parts = [];
    size = 0;
    // One COPY in flight: the database takes a blob while the next is gathered.
    if (inFlight) await inFlight;
    inFlight = send(blob);
    inFlight.catch(() => {}); // awaited by the next flush or by end()
  };
  return {
    async write(lines) {
      parts.push(lines);
      size += lines.length;
      if (size >= PGLITE_BLOB_BYTES) await flush();
    },
    async end() {
      if (size > 0) await flush();
      if (inFlight) await inFlight;
      inFlight = null;
    },
    async abort() {
      parts = [];
      size = 0;
      if (inFlight) await inFlight.catch(() => {});
      inFlight = null;
    },
  };
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A value as a field of COPY's text format: `\N` for null, and the format's escapes for backslash, tab and line ends. */
export function copyField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '\\N';
  const s = typeof v === 'number' ? String(v) : v;
  return NEEDS_ESCAPE.test(s) ? s.replace(ESCAPES, (c) => ESCAPED[c]!) : s;
}

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES = /[\\\t\n\r]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
