import { and, asc, desc, eq, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '../db/db.ts';
import { federationKeys, federationReturns, federationReturnsSent } from './federation.table.ts';
import type { ReturnPayload, StoredReturn } from './return.ts';

/** The SQL of the federation: keys, returns received (the Commission's instance), returns sent (a state's). */

export type KeyRow = typeof federationKeys.$inferSelect;
export type SentRow = typeof federationReturnsSent.$inferSelect;

const stored = {
  id: federationReturns.id,
  digest: federationReturns.digest,
  nonce: federationReturns.nonce,
  sentAt: federationReturns.sentAt,
};
/** Timestamps leave the database as ISO 8601 UTC, whatever the server's time zone and the driver. */
const iso = (v: string) => new Date(v).toISOString();
const storedOut = (r: StoredReturn): StoredReturn => ({ ...r, sentAt: iso(r.sentAt) });

export async function keyByFingerprint(db: Executor, fingerprint: string): Promise<KeyRow | null> {
  const [k] = await db.select().from(federationKeys).where(eq(federationKeys.fingerprint, fingerprint));
  return k ?? null;
}

export async function insertKey(
  db: Executor,
  row: { stateCode: string; publicKey: string; fingerprint: string; registeredBy: string },
): Promise<KeyRow | null> {
  const [k] = await db.insert(federationKeys).values(row).onConflictDoNothing().returning();
  return k ?? null;
}

export async function revokeKeyRow(db: Executor, fingerprint: string): Promise<KeyRow | null> {
  const [k] = await db
    .update(federationKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(federationKeys.fingerprint, fingerprint), isNull(federationKeys.revokedAt)))
    .returning();
  return k ?? null;
}

export async function allKeys(db: Executor): Promise<KeyRow[]> {
  return db.select().from(federationKeys).orderBy(asc(federationKeys.stateCode), asc(federationKeys.id));
}

export async function returnsOfDay(db: Executor, state: string, round: string, asOf: string): Promise<StoredReturn[]> {
  const r = await db
    .select(stored)
    .from(federationReturns)
    .where(and(eq(federationReturns.stateCode, state), eq(federationReturns.roundId, round), eq(federationReturns.asOf, asOf)));
  return r.map(storedOut);
}

export async function returnByNonce(db: Executor, nonce: string): Promise<StoredReturn | null> {
  const [r] = await db.select(stored).from(federationReturns).where(eq(federationReturns.nonce, nonce));
  return r ? storedOut(r) : null;
}

export interface ReceivedRow {
  id: number;
  stateCode: string;
  roundId: string;
  asOf: string;
  digest: string;
  sentAt: string;
  receivedAt: string;
}
const received = {
  id: federationReturns.id,
  stateCode: federationReturns.stateCode,
  roundId: federationReturns.roundId,
  asOf: federationReturns.asOf,
  digest: federationReturns.digest,
  sentAt: federationReturns.sentAt,
  receivedAt: federationReturns.receivedAt,
};
const receivedOut = (r: ReceivedRow): ReceivedRow => ({ ...r, sentAt: iso(r.sentAt), receivedAt: iso(r.receivedAt) });

/** Stores a verified return; null when its nonce or its content is already there (a concurrent twin). */
export async function insertReturn(
  db: Executor,
  row: { payload: ReturnPayload; digest: string; signature: string; keyId: number },
): Promise<ReceivedRow | null> {
  const p = row.payload;
  const [r] = await db
    .insert(federationReturns)
    .values({
      stateCode: p.state,
      roundId: p.round,
      asOf: p.asOf,
      nonce: p.nonce,
      sentAt: p.sentAt,
      digest: row.digest,
      payload: p,
      signature: row.signature,
      keyId: row.keyId,
    })
    .onConflictDoNothing()
    .returning(received);
  return r ? receivedOut(r) : null;
}

export async function receivedById(db: Executor, id: number): Promise<ReceivedRow | null> {
  const [r] = await db.select(received).from(federationReturns).where(eq(federationReturns.id, id));
  return r ? receivedOut(r) : null;
}

/** Every return received (of the scope), for the matrix of who reported for which day. */
export async function receivedList(db: Executor, round?: string): Promise<(ReceivedRow & { key: string })[]> {
  const r = await db
    .select({ ...received, key: federationKeys.fingerprint })
    .from(federationReturns)
    .innerJoin(federationKeys, eq(federationKeys.id, federationReturns.keyId))
    .where(round === undefined ? undefined : eq(federationReturns.roundId, round))
    .orderBy(asc(federationReturns.stateCode), asc(federationReturns.asOf), asc(federationReturns.sentAt));
  return r.map((x) => ({ ...receivedOut(x), key: x.key }));
}

/** Per state, the last-sent return of the round whose day is on or before `asOf`. */
export async function latestReturns(db: Executor, round: string, asOf: string): Promise<(ReceivedRow & { payload: ReturnPayload })[]> {
  const r = await db
    .selectDistinctOn([federationReturns.stateCode], { ...received, payload: federationReturns.payload })
    .from(federationReturns)
    .where(and(eq(federationReturns.roundId, round), lte(federationReturns.asOf, asOf)))
    .orderBy(asc(federationReturns.stateCode), desc(federationReturns.asOf), desc(federationReturns.sentAt));
  return r.map((x) => ({ ...receivedOut(x), payload: x.payload as ReturnPayload }));
}

export async function insertSent(db: Executor, row: Omit<typeof federationReturnsSent.$inferInsert, 'id' | 'sentAt'>): Promise<SentRow> {
  const [r] = await db.insert(federationReturnsSent).values(row).returning();
  return { ...r!, sentAt: iso(r!.sentAt) };
}

export async function sentList(db: Executor, state?: string): Promise<SentRow[]> {
  const r = await db
    .select()
    .from(federationReturnsSent)
    .where(state === undefined ? undefined : eq(federationReturnsSent.stateCode, state))
    .orderBy(desc(federationReturnsSent.sentAt), desc(federationReturnsSent.id));
  return r.map((x) => ({ ...x, sentAt: iso(x.sentAt) }));
}
