import { createRoute, z } from '@hono/zod-openapi';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { deleteView, listViews, saveView, VIEW_AREAS } from '../identity/saved-view.service.ts';
import { errorResponses } from './errors.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';

/**
 * Saved views of the web interface: a name and a page's filters, per account, on the server (the
 * interface keeps nothing in browser storage). Filters only: a parameter is a short code or date.
 */
const area = z.enum(VIEW_AREAS);
const paramName = z.string().regex(/^[a-z][A-Za-z]{0,30}$/, { message: 'parameter name' });
const params = z
  .record(
    paramName,
    z
      .string()
      .max(100)
      .regex(/^[\p{L}\p{N} ._:,-]*$/u, { message: 'a code, a date or a word' }),
  )
  .refine((o) => Object.keys(o).length <= 20, { message: 'at most 20 parameters' });

const SavedView = z.object({ id: z.number().int(), area, name: z.string(), params }).openapi('SavedView');
const NewView = z
  .object({ area, name: z.string().trim().min(1).max(80), params })
  .strict()
  .openapi('NewSavedView');

const listRoute = createRoute({
  method: 'get',
  path: '/api/views',
  operationId: 'listViews',
  tags: ['views'],
  summary: 'My saved views of a page',
  request: { query: z.object({ area: area.openapi({ param: { name: 'area', in: 'query' }, description: 'The page.' }) }) },
  responses: {
    200: {
      description: 'By name.',
      content: { 'application/json': { schema: z.object({ views: z.array(SavedView) }).openapi('SavedViews') } },
    },
    ...errorResponses(),
  },
});

const saveRoute = createRoute({
  method: 'post',
  path: '/api/views',
  operationId: 'saveView',
  tags: ['views'],
  summary: 'Save the filters of a page under a name (replacing a view of the same name)',
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: { required: true, content: { 'application/json': { schema: NewView } } },
  },
  responses: {
    200: { description: 'The view as saved.', content: { 'application/json': { schema: SavedView } } },
    ...errorResponses(409, 422),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/api/views/{id}',
  operationId: 'deleteView',
  tags: ['views'],
  summary: 'Delete one of my saved views',
  request: {
    params: z.object({
      id: z.coerce
        .number()
        .int()
        .positive()
        .openapi({ param: { name: 'id', in: 'path' } }),
    }),
  },
  responses: { 204: { description: 'Deleted.' }, ...errorResponses(404) },
});

export function viewsRoutes(database: Database) {
  const app = router();
  app.openapi(listRoute, async (c) => {
    const p = principalOf(c);
    const views = await inScope(database.db, p, (tx) => listViews(tx, p, c.req.valid('query').area));
    return c.json({ views }, 200);
  });
  app.openapi({ ...saveRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const view = await inScope(database.db, p, (tx) => saveView(tx, p, c.req.valid('json')));
    return c.json(view, 200);
  });
  app.openapi(deleteRoute, async (c) => {
    const p = principalOf(c);
    await inScope(database.db, p, (tx) => deleteView(tx, p, c.req.valid('param').id));
    return c.body(null, 204);
  });
  return app;
}
