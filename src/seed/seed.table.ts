import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Reference data sets already loaded, so that each loads once and a later edit is never overwritten. */
export const seedRuns = pgTable('seed_runs', {
  name: text('name').primaryKey(),
  appliedAt: timestamp('applied_at', { withTimezone: true }).notNull().defaultNow(),
});
