import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '../db/db.ts';
import { savedViews } from './saved-view.table.ts';

/** The SQL of saved views: an account's named filters per page. */

export type SavedViewRow = typeof savedViews.$inferSelect;

export async function selectViews(db: Executor, userId: number, area: string): Promise<SavedViewRow[]> {
  return db
    .select()
    .from(savedViews)
    .where(and(eq(savedViews.userId, userId), eq(savedViews.area, area)))
    .orderBy(asc(savedViews.name));
}

/** Inserts a view, or replaces the params of the account's view of the same area and name. */
export async function upsertView(
  db: Executor,
  view: { userId: number; area: string; name: string; params: Record<string, string> },
): Promise<SavedViewRow> {
  const [row] = await db
    .insert(savedViews)
    .values(view)
    .onConflictDoUpdate({ target: [savedViews.userId, savedViews.area, savedViews.name], set: { params: view.params } })
    .returning();
  return row!;
}

/** Deletes an account's view; false when it has none of that id. */
export async function deleteOwnView(db: Executor, userId: number, id: number): Promise<boolean> {
  const gone = await db
    .delete(savedViews)
    .where(and(eq(savedViews.id, id), eq(savedViews.userId, userId)))
    .returning({ id: savedViews.id });
  return gone.length > 0;
}
