import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/db.ts';
import { startServer } from '../src/server/server.ts';
import { databaseKinds } from './databases.ts';
import { signIn } from './sessions.ts';

/**
 * Issue 19, finding 11 (parts), through a real server on a free port: a JSON body that is not UTF-8
 * is refused, not read with U+FFFD in place of its bytes; every answer says Strict-Transport-Security.
 */
describe.each(databaseKinds)('requests and answers of the server on $name', (kind) => {
  let database: Database;
  let server: Awaited<ReturnType<typeof startServer>>;
  let auth: Record<string, string>;
  const url = (path: string) => `${server.url}${path}`;

  beforeAll(async () => {
    database = await kind.open();
    auth = { authorization: `Bearer ${(await signIn(database, { role: 'state_officer', stateCode: 'NL' })).token}` };
    server = await startServer({ database, port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  /** A save of NL's pledges with these bytes as its body, against the ETag of now (in a round still open: an ended round is read-only). */
  const savePledges = async (body: Uint8Array<ArrayBuffer>, lang = 'en') => {
    const read = await fetch(url('/api/rounds/2026-2027/pledges/NL'), { headers: auth });
    return fetch(url('/api/rounds/2026-2027/pledges/NL'), {
      method: 'POST',
      headers: {
        ...auth,
        'content-type': 'application/json',
        'accept-language': lang,
        'idempotency-key': randomUUID(),
        'if-match': read.headers.get('etag')!,
      },
      body,
    });
  };
  const notes = async (): Promise<string[]> =>
    (
      (await (await fetch(url('/api/rounds/2026-2027/pledges/NL'), { headers: auth })).json()) as { pledges: { note: string }[] }
    ).pledges.map((p) => p.note);
  const bodyWith = (note: Uint8Array): Uint8Array<ArrayBuffer> => {
    const enc = new TextEncoder();
    const [head, tail] = ['{"pledges":[{"pathway":"humanitarian_admission","places":7,"countryOfDeparture":"LBN","note":"', '"}]}'].map(
      (s) => enc.encode(s),
    );
    return Uint8Array.from([...head!, ...note, ...tail!]);
  };

  it('refuses a JSON body with bytes that are not UTF-8 (400, said plainly in the language asked), and stores nothing', async () => {
    const before = await notes();
    // A Latin-1 "é", an overlong "/", a surrogate encoded in UTF-8, a byte that is never UTF-8.
    for (const bad of [[0x63, 0x61, 0x66, 0xe9], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff]]) {
      const r = await savePledges(bodyWith(Uint8Array.from(bad)));
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(await r.json()).toMatchObject({
        code: 'bad_input',
        message: 'The body is not valid UTF-8: a JSON body must be encoded in UTF-8.',
      });
    }
    const nl = await savePledges(bodyWith(Uint8Array.from([0xff])), 'nl');
    expect(await nl.json()).toMatchObject({ code: 'bad_input', message: expect.stringMatching(/^De inhoud is geen geldige UTF-8/) });
    const after = await notes();
    expect(after).toEqual(before);
    expect(after.some((n) => n.includes('\ufffd'))).toBe(false);
  });

  it('takes a JSON body in UTF-8 as it is, non-ASCII included', async () => {
    const note = 'café — Ελλάδα 🇪🇺';
    const r = await savePledges(bodyWith(new TextEncoder().encode(note)));
    expect(r.status, await r.clone().text()).toBe(200);
    expect(await notes()).toContain(note);
  });

  it('sends Strict-Transport-Security on every answer: health, the API, its errors, the pages', async () => {
    const answers = await Promise.all([
      fetch(url('/health')),
      fetch(url('/api/openapi.json')),
      fetch(url('/api/rounds'), { headers: auth }),
      fetch(url('/api/rounds')), // 401: no session
      fetch(url('/api/no-such-thing'), { headers: auth }), // 404
      fetch(url('/'), { headers: { accept: 'text/html' } }),
      fetch(url('/cases/NL'), { headers: { accept: 'text/html' } }),
      savePledges(bodyWith(Uint8Array.from([0xff]))), // 400
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 401, 404, expect.any(Number), expect.any(Number), 400]);
    for (const a of answers) expect(a.headers.get('strict-transport-security'), a.url).toBe('max-age=31536000; includeSubDomains');
  });
});
