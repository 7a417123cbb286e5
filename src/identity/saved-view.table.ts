import { bigint, bigserial, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { users } from './identity.table.ts';

/**
 * A user's saved views of a page of the web interface: a name and the page's filters (search
 * parameters: status, priority, …; never a person's data). Kept on the server, per account, because
 * the interface keeps nothing in browser storage.
 */
export const savedViews = pgTable(
  'saved_views',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    area: text('area').notNull(),
    name: text('name').notNull(),
    params: jsonb('params').$type<Record<string, string>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('saved_views_name').on(t.userId, t.area, t.name)],
);
