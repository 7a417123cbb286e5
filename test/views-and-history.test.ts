import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/db.ts';
import { createApp } from '../src/server/server.ts';
import { databaseKinds } from './databases.ts';
import { signInAs } from './factories.ts';

/**
 * What the web interface keeps on the server instead of in the browser (saved views, per account),
 * and the history of a state's pledges (written with each change, readable like the pledges).
 */
describe.each(databaseKinds)('saved views and pledge history on $name', (kind) => {
  let database: Database;
  let app: ReturnType<typeof createApp>;
  let nl: Record<string, string>;
  let nl2: Record<string, string>;
  let commission: Record<string, string>;

  beforeAll(async () => {
    database = await kind.open();
    app = createApp(database);
    nl = (await signInAs.officer(database, 'NL')).headers;
    nl2 = (await signInAs.officer(database, 'NL')).headers;
    commission = (await signInAs.analyst(database)).headers;
  });
  afterAll(async () => database?.close());

  const call = async (
    headers: Record<string, string>,
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ) => {
    const res = await app.request(path, {
      method,
      headers: {
        ...headers,
        ...(body !== undefined ? { 'content-type': 'application/json', 'idempotency-key': randomUUID() } : {}),
        ...extra,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };

  it('saves, lists, replaces by name and deletes views of one account only', async () => {
    const saved = await call(nl, 'POST', '/api/views', {
      area: 'cases',
      name: 'Urgent from Lebanon',
      params: { priority: 'urgent', departure: 'LBN' },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    await call(nl, 'POST', '/api/views', { area: 'cases', name: 'Urgent from Lebanon', params: { priority: 'urgent' } });
    const mine = await call(nl, 'GET', '/api/views?area=cases');
    expect(mine.body.views).toEqual([{ id: saved.body.id, area: 'cases', name: 'Urgent from Lebanon', params: { priority: 'urgent' } }]);
    // Another account of the same state sees none of them and cannot delete them.
    expect((await call(nl2, 'GET', '/api/views?area=cases')).body.views).toEqual([]);
    expect((await call(nl2, 'DELETE', `/api/views/${saved.body.id}`)).status).toBe(404);
    expect((await call(nl, 'DELETE', `/api/views/${saved.body.id}`)).status).toBe(204);
    expect((await call(nl, 'GET', '/api/views?area=cases')).body.views).toEqual([]);
  });

  it('refuses a view whose filters are not short codes (no free text with a person in it)', async () => {
    const r = await call(nl, 'POST', '/api/views', { area: 'cases', name: 'x', params: { note: 'Mr <script>' } });
    expect(r.status).toBe(400);
    expect((await call(nl, 'POST', '/api/views', { area: 'nowhere', name: 'x', params: {} })).status).toBe(400);
  });

  it('keeps the history of a state’s pledges: each change with its places before and after, readable by the Commission', async () => {
    const before = await call(nl, 'GET', '/api/rounds/2026-2027/pledges/NL/history');
    expect(before.status).toBe(200);
    const read = await call(nl, 'GET', '/api/rounds/2026-2027/pledges/NL');
    const pledge = { pathway: 'humanitarian_admission', places: 40, note: 'history test' };
    const first = await call(
      nl,
      'POST',
      '/api/rounds/2026-2027/pledges/NL',
      { pledges: [pledge] },
      { 'if-match': read.headers.get('etag')! },
    );
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await call(
      nl,
      'POST',
      '/api/rounds/2026-2027/pledges/NL',
      { pledges: [{ ...pledge, places: 55 }] },
      { 'if-match': first.headers.get('etag')! },
    );
    expect(second.status).toBe(200);
    const after = await call(commission, 'GET', '/api/rounds/2026-2027/pledges/NL/history');
    const added = after.body.changes.length - before.body.changes.length;
    expect(added).toBe(2);
    const [latest, earlier] = after.body.changes;
    expect(earlier).toMatchObject({ pathway: 'humanitarian_admission', placesBefore: null, placesAfter: 40, source: 'api' });
    expect(latest).toMatchObject({ pathway: 'humanitarian_admission', placesBefore: 40, placesAfter: 55 });
    expect(latest.actor).toMatch(/^user:\d+$/);
  });
});
