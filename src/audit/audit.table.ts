import { sql } from 'drizzle-orm';
import { bigint, bigserial, customType, integer, jsonb, pgTable, text, timestamp, index, uniqueIndex } from 'drizzle-orm/pg-core';

/** PostgreSQL's 64-bit transaction id (`pg_current_xact_id()`), read as text. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * One line per read or write of personal data, and per change of the ledger, written in the
 * same transaction as the change it records. `stateCode` is the tenant the line belongs to.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    stateCode: text('state_code'),
    subject: text('subject').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    /** The actor's role and the scope the transaction ran in (a state, EU, or * for the operator). */
    role: text('role'),
    tenant: text('tenant'),
    /** Why the data was touched (GDPR art. 5(1)(b)): the operation that did it. */
    purpose: text('purpose'),
    /** The records read or written (case and person references) and the fields shown or changed. */
    recordIds: text('record_ids').array().notNull().default(sql`'{}'::text[]`),
    fields: text('fields').array().notNull().default(sql`'{}'::text[]`),
    /**
     * The hash chain, set by a trigger: one chain per tenant and database connection, so that no two
     * connections share a chain's head (migration 0014); see `audit verify`.
     */
    chain: text('chain'),
    seq: bigint('seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
    /** The inserting transaction (`pg_current_xact_id()`): the sealer seals a line once every transaction before it has ended. */
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
  },
  (t) => [
    index('audit_log_state_at').on(t.stateCode, t.at),
    uniqueIndex('audit_log_chain_seq').on(t.chain, t.seq),
    index('audit_log_xid_id').on(t.xid, t.id),
  ],
);

/**
 * The seals of the audit trail (migration 0014): batch after batch of committed lines in the order of
 * (xid, id), each with the SHA-256 of its lines' hashes in that order, chained to the batch before.
 * Only `audit_seal()` writes it; nothing changes or removes a seal.
 */
export const auditSeals = pgTable('audit_seals', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  /** The last line of the batch in the seal order; the batch runs from the previous batch's last line. */
  lastXid: xid8('last_xid').notNull(),
  lastId: bigint('last_id', { mode: 'number' }).notNull(),
  lines: integer('lines').notNull(),
  digest: text('digest').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
  sealedAt: timestamp('sealed_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A file (or demo batch) taken in: what it was, who brought it, what it changed. */
export const imports = pgTable('imports', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  kind: text('kind').notNull(),
  source: text('source').notNull(),
  sha256: text('sha256'),
  actor: text('actor').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  rows: integer('rows').notNull().default(0),
  added: integer('added').notNull().default(0),
  updated: integer('updated').notNull().default(0),
  unchanged: integer('unchanged').notNull().default(0),
});

/** The head of each audit chain: its last sequence number and hash. Only the chaining trigger writes it. */
export const auditChains = pgTable('audit_chains', {
  chain: text('chain').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});
