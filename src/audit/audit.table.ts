import { bigserial, integer, jsonb, pgTable, text, timestamp, index } from 'drizzle-orm/pg-core';

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
  },
  (t) => [index('audit_log_state_at').on(t.stateCode, t.at)],
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
