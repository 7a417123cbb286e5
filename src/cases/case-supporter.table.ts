import { bigint, pgTable, text, timestamp, primaryKey } from 'drizzle-orm/pg-core';
import { cases } from './case.table.ts';

/**
 * Which sponsor supports which household, and in which phases (point 15): selection,
 * pre_departure, reception, housing, integration, finance. A sponsor sees a household only through
 * a row here, and only the fields its phases need (src/access/fields.ts).
 */
export const caseSupporters = pgTable(
  'case_supporters',
  {
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    stateCode: text('state_code').notNull(),
    organisation: text('organisation').notNull(),
    phases: text('phases').array().notNull(),
    since: timestamp('since', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    /** When the support ended (completed, or broken down into the safety net): the sponsor no longer sees the household. */
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.organisation] })],
);
