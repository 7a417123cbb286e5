import type { Principal } from '../access/principal.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { deleteOwnView, selectViews, upsertView, type SavedViewRow } from './saved-view.repository.ts';

/** The pages whose filters can be saved as views. */
export const VIEW_AREAS = ['cases', 'audit', 'state-of-play', 'dashboard'] as const;
export type ViewArea = (typeof VIEW_AREAS)[number];

export interface SavedView {
  id: number;
  area: ViewArea;
  name: string;
  params: Record<string, string>;
}

/** An account's own views only: the operator of the command line has no account and no views. */
function ownerOf(p: Principal): number {
  if (p.userId === null || p.userId === undefined) throw appError(ErrorCode.Forbidden, 'forbidden', { policy: 'savedViews', role: p.role });
  return p.userId;
}

const viewOf = (r: SavedViewRow): SavedView => ({ id: r.id, area: r.area as ViewArea, name: r.name, params: r.params });

export async function listViews(db: Executor, p: Principal, area: ViewArea): Promise<SavedView[]> {
  const found = await selectViews(db, ownerOf(p), area);
  return found.map(viewOf);
}

/** Saves a view under its name (a view of the same name is replaced). */
export async function saveView(db: Executor, p: Principal, view: Omit<SavedView, 'id'>): Promise<SavedView> {
  const userId = ownerOf(p);
  const row = await upsertView(db, { userId, area: view.area, name: view.name, params: view.params });
  return viewOf(row);
}

export async function deleteView(db: Executor, p: Principal, id: number): Promise<void> {
  if (!(await deleteOwnView(db, ownerOf(p), id))) throw appError(ErrorCode.NotFound, 'viewNotFound', { id });
}
