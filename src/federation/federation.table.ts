import { sql } from 'drizzle-orm';
import { check, date, integer, jsonb, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The Commission's instance: each Member State's public keys (Ed25519), registered by the
 * Commission, and the returns received — aggregates of points 26 and 27, never a person — each
 * verified against its state's key on receipt.
 */
export const federationKeys = pgTable(
  'federation_keys',
  {
    id: serial('id').primaryKey(),
    stateCode: text('state_code').notNull(),
    /** SPKI PEM of an Ed25519 public key. */
    publicKey: text('public_key').notNull(),
    /** SHA-256 of the key's DER, hex: how a return names the key it was signed with. */
    fingerprint: text('fingerprint').notNull(),
    registeredAt: timestamp('registered_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    registeredBy: text('registered_by').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [uniqueIndex('federation_keys_fingerprint').on(t.fingerprint)],
);

export const federationReturns = pgTable(
  'federation_returns',
  {
    id: serial('id').primaryKey(),
    stateCode: text('state_code').notNull(),
    roundId: text('round_id').notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    /** The sender's unique token of this sending, signed with it: a replayed message is recognised by it. */
    nonce: text('nonce').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'string' }).notNull(),
    /** SHA-256 of the signed bytes, hex: the receipt names it. */
    digest: text('digest').notNull(),
    /** The return as signed (aggregates only; its schema has no person-level field). */
    payload: jsonb('payload').notNull(),
    signature: text('signature').notNull(),
    keyId: integer('key_id')
      .notNull()
      .references(() => federationKeys.id),
    receivedAt: timestamp('received_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('federation_returns_nonce').on(t.nonce),
    uniqueIndex('federation_returns_content').on(t.stateCode, t.roundId, t.asOf, t.digest),
  ],
);

/** A Member State's instance: each return sent, where to, and the receipt that came back. */
export const federationReturnsSent = pgTable(
  'federation_returns_sent',
  {
    id: serial('id').primaryKey(),
    stateCode: text('state_code').notNull(),
    roundId: text('round_id').notNull(),
    asOf: date('as_of', { mode: 'string' }).notNull(),
    nonce: text('nonce').notNull(),
    digest: text('digest').notNull(),
    toUrl: text('to_url').notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    sentBy: text('sent_by').notNull(),
    /** 'accepted', 'duplicate' (the same return was already received) or 'refused'. */
    outcome: text('outcome').notNull(),
    receipt: jsonb('receipt'),
    error: text('error'),
  },
  (t) => [check('federation_returns_sent_outcome', sql`${t.outcome} IN ('accepted', 'duplicate', 'refused')`)],
);
