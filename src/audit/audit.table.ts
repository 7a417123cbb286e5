import { sql } from 'drizzle-orm';
import { bigint, bigserial, integer, jsonb, pgTable, text, timestamp, index, uniqueIndex } from 'drizzle-orm/pg-core';

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
    /** The hash chain (one chain per tenant), set by a trigger: see the migrations and `audit verify`. */
    chain: text('chain'),
    seq: bigint('seq', { mode: 'number' }),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [index('audit_log_state_at').on(t.stateCode, t.at), uniqueIndex('audit_log_chain_seq').on(t.chain, t.seq)],
);

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
