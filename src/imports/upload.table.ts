import { bigserial, customType, index, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => 'bytea' });

/**
 * A file uploaded through the API, kept until it is committed or dropped: upload → validation
 * report (a dry run of the import, rolled back) → commit (the import for real). It holds personal
 * data, so it belongs to a state and row-level security applies.
 */
export const importUploads = pgTable(
  'import_uploads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code').notNull(),
    /** persons, cases, events, pledges. */
    kind: text('kind').notNull(),
    filename: text('filename').notNull(),
    content: bytea('content').notNull(),
    sha256: text('sha256').notNull(),
    /** uploaded, valid, invalid, committed, dropped. */
    status: text('status').notNull().default('uploaded'),
    /** The validation report: rows read, problems row by row. */
    report: jsonb('report').$type<Record<string, unknown>>(),
    roundId: text('round_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    committedAt: timestamp('committed_at', { withTimezone: true, mode: 'string' }),
    importId: integer('import_id'),
  },
  (t) => [index('import_uploads_state').on(t.stateCode, t.id)],
);
