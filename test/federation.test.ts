import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { openPgliteCopy } from './template.ts';
import { buildStateReturn } from '../src/federation/federation.service.ts';
import {
  buildReturn,
  canonicalJson,
  decideReceipt,
  digestOf,
  fingerprintOf,
  ReturnPayload,
  SENT_AT_WINDOW_MS,
  signatureHolds,
  signReturn,
  type StoredReturn,
} from '../src/federation/return.ts';
import { createApp, startServer } from '../src/server/server.ts';
import { cliRunner } from './cli-run.ts';
import { databaseKinds } from './databases.ts';
import { signIn, type Session } from './sessions.ts';

// ── The contract, pure ────────────────────────────────────────────────────────────────────────
const SAMPLE = { arrived: 7, byDeparture: { TUR: 4, LBN: 3 }, byMonth: { '2021-01': 2, '2021-02': 5 } };
const sample = (over: { sentAt?: Date; nonce?: string; key: string; asOf?: string; state?: string; arrived?: number }) =>
  buildReturn({
    state: over.state ?? 'NL',
    round: '2020-2021',
    asOf: over.asOf ?? '2021-06-30',
    sentAt: over.sentAt ?? new Date(),
    nonce: over.nonce ?? randomBytes(16).toString('hex'),
    key: over.key,
    pathways: ['resettlement'],
    stateOfPlay: {
      ...SAMPLE,
      arrived: over.arrived ?? SAMPLE.arrived,
      byDeparture: { ...SAMPLE.byDeparture, TUR: (over.arrived ?? SAMPLE.arrived) - 3 },
    },
    admissions: null,
  });

/** The field names a return may carry, and the maps whose keys are codes (checked against their patterns). */
const ALLOWED_KEYS = [
  'schema',
  'state',
  'round',
  'asOf',
  'sentAt',
  'nonce',
  'key',
  'resettlement',
  'arrived',
  'byDeparture',
  'byMonth',
  'pathways',
  'admissions',
  'pathway',
  'programme',
  'persons',
  'familyReunificationSupport',
  'requests',
  'familyMembers',
  'byOutcome',
  'candidatesAdmitted',
].sort();
const CODE_MAPS: Record<string, RegExp> = {
  byDeparture: /^[A-Z]{3}$/,
  byMonth: /^\d{4}-\d{2}$/,
  byOutcome: /^[a-z_]+$/,
  candidatesAdmitted: /^[a-z_]+$/,
};

function schemaKeys(s: z.ZodType, into = new Set<string>()): Set<string> {
  const def = (
    s as unknown as {
      def: { type: string; innerType?: z.ZodType; element?: z.ZodType; valueType?: z.ZodType; shape?: Record<string, z.ZodType> };
    }
  ).def;
  if (def.type === 'object')
    for (const [k, v] of Object.entries(def.shape!)) {
      into.add(k);
      schemaKeys(v, into);
    }
  else if (def.type === 'optional' || def.type === 'nullable') schemaKeys(def.innerType!, into);
  else if (def.type === 'array') schemaKeys(def.element!, into);
  else if (def.type === 'record') schemaKeys(def.valueType!, into);
  return into;
}

function jsonKeys(v: unknown, into = new Set<string>(), parent = ''): Set<string> {
  if (Array.isArray(v)) for (const x of v) jsonKeys(x, into, parent);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (CODE_MAPS[parent]) expect(k, `${parent} key`).toMatch(CODE_MAPS[parent]!);
      else into.add(k);
      jsonKeys(x, into, k);
    }
  return into;
}

function stringsOf(v: unknown, into = new Set<string>()): Set<string> {
  if (typeof v === 'string') into.add(v);
  else if (Array.isArray(v)) for (const x of v) stringsOf(x, into);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      into.add(k);
      stringsOf(x, into);
    }
  return into;
}

describe('a return: canonical bytes, signature, schema (pure)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const fp = fingerprintOf(publicKey);

  it('writes canonical JSON: keys sorted at every level, no spaces, integers only', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 'x'], c: null } })).toBe('{"a":{"c":null,"d":[2,"x"]},"b":1}');
    expect(canonicalJson({ a: { c: null, d: [2, 'x'] }, b: 1 })).toBe(canonicalJson({ b: 1, a: { d: [2, 'x'], c: null } }));
    expect(() => canonicalJson({ share: 0.5 })).toThrow(/integers only/);
    expect(() => canonicalJson({ n: Number.MAX_SAFE_INTEGER + 1 })).toThrow();
  });

  it('names the key by the SHA-256 of its SPKI DER', () => {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    expect(fp).toBe(createHash('sha256').update(der).digest('hex'));
  });

  it('verifies a signed return, and not one whose figure changed after signing, nor one signed by another key', () => {
    const env = signReturn(sample({ key: fp }), privateKey);
    expect(signatureHolds(env, publicKey)).toBe(true);
    const tampered = {
      ...env,
      payload: { ...env.payload, resettlement: { ...env.payload.resettlement, arrived: env.payload.resettlement.arrived + 1 } },
    };
    expect(signatureHolds(tampered, publicKey)).toBe(false);
    expect(signatureHolds(env, generateKeyPairSync('ed25519').publicKey)).toBe(false);
    // The digest is of the canonical bytes: the same content in another key order has the same digest.
    expect(digestOf(JSON.parse(JSON.stringify(env.payload)))).toBe(digestOf(env.payload));
  });

  it('declares exactly the allowed fields, and refuses any other (a name, an id, a birth date, a case reference)', () => {
    expect([...schemaKeys(ReturnPayload)].sort()).toEqual(ALLOWED_KEYS);
    const good = sample({ key: fp });
    for (const extra of [{ name: 'Amal' }, { personId: 12 }, { birthDate: '1990-01-01' }, { caseRef: 'NL-1' }]) {
      expect(ReturnPayload.safeParse({ ...good, ...extra }).success, JSON.stringify(extra)).toBe(false);
      expect(ReturnPayload.safeParse({ ...good, resettlement: { ...good.resettlement, ...extra } }).success).toBe(false);
    }
    expect(ReturnPayload.safeParse({ ...good, resettlement: { ...good.resettlement, byDeparture: { 'Amal Haddad': 1 } } }).success).toBe(
      false,
    );
    expect(ReturnPayload.safeParse({ ...good, resettlement: { ...good.resettlement, arrived: 1.5 } }).success).toBe(false);
  });

  describe('decides what a verified return is, given what is stored', () => {
    const now = new Date('2026-03-01T12:00:00.000Z');
    const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);
    const p = sample({ key: fp, sentAt: at(-1), nonce: 'a'.repeat(32) });
    const d = digestOf(p);
    const row = (id: number, digest: string, sentAt: Date, nonce = randomBytes(16).toString('hex')): StoredReturn => ({
      id,
      digest,
      nonce,
      sentAt: sentAt.toISOString(),
    });
    it.each([
      ['nothing stored: accepted', { sameDay: [], sameNonce: null, now }, { outcome: 'accept' }],
      [
        'the same bytes stored: a duplicate of that row',
        { sameDay: [row(1, d, at(-1))], sameNonce: row(1, d, at(-1)), now },
        { outcome: 'duplicate', of: { id: 1 } },
      ],
      [
        'the same bytes, but a later return of the day replaced them: refused',
        { sameDay: [row(1, d, at(-1)), row(2, 'f'.repeat(64), at(0))], sameNonce: null, now },
        { outcome: 'refuse', reason: 'superseded' },
      ],
      [
        'an earlier return of the day stored: accepted (a correction)',
        { sameDay: [row(1, 'e'.repeat(64), at(-5))], sameNonce: null, now },
        { outcome: 'accept' },
      ],
      [
        'a later return of the day stored: refused',
        { sameDay: [row(1, 'e'.repeat(64), at(0))], sameNonce: null, now },
        { outcome: 'refuse', reason: 'superseded' },
      ],
      [
        'its nonce stored with other bytes: refused',
        { sameDay: [], sameNonce: row(9, 'e'.repeat(64), at(-30)), now },
        { outcome: 'refuse', reason: 'nonceReused' },
      ],
      [
        `signed more than ${SENT_AT_WINDOW_MS / 60_000} minutes ago: refused`,
        { sameDay: [], sameNonce: null, now: at(10) },
        { outcome: 'refuse', reason: 'outsideWindow' },
      ],
      [
        'signed "in the future" beyond the window: refused',
        { sameDay: [], sameNonce: null, now: at(-12) },
        { outcome: 'refuse', reason: 'outsideWindow' },
      ],
      ['signed just within the window: accepted', { sameDay: [], sameNonce: null, now: at(9) }, { outcome: 'accept' }],
    ] as const)('%s', (_name, input, expected) => {
      expect(decideReceipt({ payload: p, digest: d, ...input, sameDay: [...input.sameDay] })).toMatchObject(expected);
    });
  });
});

// ── Two instances on loopback ─────────────────────────────────────────────────────────────────
const ROUND = '2020-2021';
const AS_OF = '2021-12-31';
const PERSONS = 1000;

/** The state's instance: an embedded database folder with the demo, used only through the command line (and read by the test). */
let stateDir: string;
let keyDir: string;
let stateCli: ReturnType<typeof cliRunner>;
let state: string;
let keyFile: string;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'pathways-state-'));
  keyDir = mkdtempSync(join(tmpdir(), 'pathways-keys-'));
  // The suite opens the folder itself between commands: each command opens and closes it.
  stateCli = cliRunner(stateDir, 'state-operator', { keepOpen: false });
  const demo = await stateCli('demo', '--persons', String(PERSONS));
  expect(demo.code, demo.err).toBe(0);
  const sop = await stateCli('report', 'state-of-play', '--round', ROUND, '--as-of', AS_OF, '--format', 'json');
  const rowsOf = (JSON.parse(sop.out) as { states: { code: string; arrived: number }[] }).states;
  state = rowsOf.reduce((a, b) => (b.arrived > a.arrived ? b : a)).code;
  keyFile = join(keyDir, `${state}.pem`);
}, 300_000);
afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

async function withStateDb<T>(work: (d: Database) => Promise<T>): Promise<T> {
  const d = await openPgliteCopy({ dataDir: stateDir, scope: '*' });
  try {
    return await work(d);
  } finally {
    await d.close();
  }
}

describe.each(databaseKinds)(
  'the federation of returns: a state and the Commission, each with its own database (Commission on $name)',
  (kind) => {
    let commission: Database;
    let server: { url: string; close: () => Promise<void> };
    let analyst: Session;
    let publicPem: string;
    let privateKey: KeyObject;
    const keyFileOfKind = () => `${keyFile}.${kind.name}`;

    const call = async (method: string, path: string, body?: unknown, who?: Session) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          ...(who?.headers ?? {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(who && method === 'POST' ? { 'idempotency-key': randomBytes(8).toString('hex') } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    const post = (envelope: unknown) => call('POST', '/api/federation/returns', envelope);
    const stored = () =>
      inScope(commission.db, operator('test'), (tx) =>
        rows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM federation_returns`),
      ).then((r) => r[0]!.n);
    const newKey = async (forState: string) => {
      const pair = generateKeyPairSync('ed25519');
      const r = await call(
        'POST',
        '/api/federation/keys',
        { state: forState, publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() },
        analyst,
      );
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return { ...pair, fp: r.body.fingerprint as string };
    };

    beforeAll(async () => {
      commission = await kind.open();
      server = await startServer({ database: commission, port: 0, host: '127.0.0.1' });
      analyst = await signIn(commission, { role: 'commission_analyst' });
      const keygen = await stateCli('returns', 'keygen', '--out', keyFileOfKind());
      expect(keygen.code, keygen.err).toBe(0);
      publicPem = keygen.out.slice(keygen.out.indexOf('-----BEGIN PUBLIC KEY-----'));
      privateKey = createPrivateKey(readFileSync(keyFileOfKind(), 'utf8'));
    }, 120_000);
    afterAll(async () => {
      await server?.close();
      await commission?.close();
    });

    it('makes a private key readable by its owner only, and never overwrites one', async () => {
      expect(statSync(keyFileOfKind()).mode & 0o777).toBe(0o600);
      const again = await stateCli('returns', 'keygen', '--out', keyFileOfKind());
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/already exists/);
    });

    it("sends the state's return through the command line; the receipt comes back, is checked and recorded; the Commission's state of play from returns equals the state's own", async () => {
      const reg = await call('POST', '/api/federation/keys', { state, publicKey: publicPem }, analyst);
      expect(reg.status, JSON.stringify(reg.body)).toBe(201);
      expect(reg.body.fingerprint).toBe(fingerprintOf(createPublicKey(privateKey)));

      const sent = await stateCli(
        'returns',
        'send',
        '--to',
        server.url,
        '--round',
        ROUND,
        '--state',
        state,
        '--as-of',
        AS_OF,
        '--key',
        keyFileOfKind(),
        '--format',
        'json',
      );
      expect(sent.code, sent.err).toBe(0);
      const result = JSON.parse(sent.out);
      expect(result).toMatchObject({
        state,
        round: ROUND,
        asOf: AS_OF,
        outcome: 'accepted',
        receipt: { state, round: ROUND, asOf: AS_OF, outcome: 'accepted' },
      });
      expect(result.receipt.digest).toBe(result.digest);

      // Recorded on the state's side, with the receipt.
      const list = await stateCli('returns', 'list', '--format', 'json');
      const mine = (JSON.parse(list.out).sent as { digest: string; outcome: string; receipt: { id: number } }[]).find(
        (s) => s.digest === result.digest,
      );
      expect(mine).toMatchObject({ outcome: 'accepted', receipt: { id: result.receipt.id } });

      // The Commission's side: the matrix names the state for the day, every other state not reported.
      const matrix = await call('GET', `/api/federation/returns?round=${ROUND}`, undefined, analyst);
      expect(matrix.status).toBe(200);
      expect(matrix.body.dates).toEqual([AS_OF]);
      const reported = (matrix.body.states as { state: string; reported: Record<string, { digest: string }> }[]).filter(
        (s) => Object.keys(s.reported).length,
      );
      expect(reported.map((s) => s.state)).toEqual([state]);
      expect(reported[0]!.reported[AS_OF]!.digest).toBe(result.digest);

      // The state of play from returns, against the state's own, both computed.
      const own = JSON.parse((await stateCli('report', 'state-of-play', '--round', ROUND, '--as-of', AS_OF, '--format', 'json')).out);
      const ownRow = own.states.find((s: { code: string }) => s.code === state);
      expect(ownRow.arrived).toBeGreaterThan(0);
      const fromReturns = await call('GET', `/api/federation/rounds/${ROUND}/state-of-play?asOf=${AS_OF}`, undefined, analyst);
      expect(fromReturns.status, JSON.stringify(fromReturns.body)).toBe(200);
      const row = fromReturns.body.states.find((s: { code: string }) => s.code === state);
      expect({ arrived: row.arrived, byDeparture: row.byDeparture, byMonth: row.byMonth, pledged: row.pledged }).toEqual({
        arrived: ownRow.arrived,
        byDeparture: ownRow.byDeparture,
        byMonth: ownRow.byMonth,
        pledged: ownRow.pledged,
      });
      expect(row.reported).toMatchObject({ asOf: AS_OF, digest: result.digest });
      // A state that sent nothing is not reported, not zero — though the state's own ledger has its arrivals.
      const other = own.states.find((s: { code: string; arrived: number }) => s.code !== state && s.arrived > 0);
      expect(other).toBeDefined();
      expect(fromReturns.body.states.find((s: { code: string }) => s.code === other.code)).toMatchObject({ arrived: null, reported: null });
      expect(fromReturns.body.totals.arrived).toBe(ownRow.arrived);
      // The total's share delivered is of the places the reporting state pledged, not of every state's pledges.
      expect(fromReturns.body.totals.deliveredShare).toBeCloseTo(ownRow.arrived / ownRow.pledged, 12);
    }, 120_000);

    it('refuses a tampered return, and one signed by an unregistered key, by a key of another state or by a revoked key; nothing is stored', async () => {
      const before = await stored();
      const fp = fingerprintOf(createPublicKey(privateKey));
      const env = signReturn(sample({ key: fp, state, asOf: '2021-03-31' }), privateKey);
      const tampered = {
        ...env,
        payload: { ...env.payload, resettlement: { ...env.payload.resettlement, arrived: env.payload.resettlement.arrived + 100 } },
      };
      expect(await post(tampered)).toMatchObject({
        status: 401,
        body: { code: 'unauthenticated', message: expect.stringMatching(/changed after signing/) },
      });

      const stranger = generateKeyPairSync('ed25519');
      const unregistered = signReturn(sample({ key: fingerprintOf(stranger.publicKey), state, asOf: '2021-03-31' }), stranger.privateKey);
      expect(await post(unregistered)).toMatchObject({ status: 401, body: { message: expect.stringMatching(/not registered/) } });

      const otherState = state === 'DE' ? 'FR' : 'DE';
      const theirs = await newKey(otherState);
      const forged = signReturn(sample({ key: theirs.fp, state, asOf: '2021-03-31' }), theirs.privateKey);
      expect(await post(forged)).toMatchObject({ status: 401, body: { message: expect.stringContaining(`registered for ${otherState}`) } });

      const old = await newKey(state);
      expect((await call('POST', `/api/federation/keys/${old.fp}/revoke`, undefined, analyst)).status).toBe(200);
      const revoked = signReturn(sample({ key: old.fp, state, asOf: '2021-03-31' }), old.privateKey);
      expect(await post(revoked)).toMatchObject({ status: 401, body: { message: expect.stringMatching(/revoked/) } });

      // A field outside the schema is refused before any key is looked at.
      const extra = { ...env, payload: { ...env.payload, caseRef: 'X-1' } };
      expect((await post(extra)).status).toBe(400);
      expect(await stored()).toBe(before);
      // The untouched envelope is accepted: the refusals were for what was wrong with each.
      expect((await post(env)).status).toBe(201);
    });

    it('answers the same envelope twice with the one receipt; accepts a correction, then refuses the older return replayed; refuses a stale message and a reused nonce', async () => {
      const fp = fingerprintOf(createPublicKey(privateKey));
      const first = signReturn(
        sample({ key: fp, state, asOf: '2021-09-30', arrived: 10, sentAt: new Date(Date.now() - 60_000) }),
        privateKey,
      );
      const a = await post(first);
      expect(a.status).toBe(201);
      const before = await stored();
      const b = await post(first);
      expect(b).toMatchObject({ status: 200, body: { ...a.body, outcome: 'duplicate' } });
      expect(await stored()).toBe(before);

      const correction = signReturn(sample({ key: fp, state, asOf: '2021-09-30', arrived: 12 }), privateKey);
      expect((await post(correction)).status).toBe(201);
      expect(await post(first)).toMatchObject({ status: 422, body: { details: { reason: 'superseded' } } });
      // Signed before the correction but never sent: refused too.
      const late = signReturn(
        sample({ key: fp, state, asOf: '2021-09-30', arrived: 11, sentAt: new Date(Date.now() - 30_000) }),
        privateKey,
      );
      expect(await post(late)).toMatchObject({ status: 422, body: { details: { reason: 'superseded' } } });

      const stale = signReturn(
        sample({ key: fp, state, asOf: '2021-10-31', sentAt: new Date(Date.now() - SENT_AT_WINDOW_MS - 60_000) }),
        privateKey,
      );
      expect(await post(stale)).toMatchObject({ status: 422, body: { details: { reason: 'outsideWindow' } } });

      const reused = signReturn(sample({ key: fp, state, asOf: '2021-10-31', nonce: first.payload.nonce }), privateKey);
      expect(await post(reused)).toMatchObject({ status: 422, body: { details: { reason: 'nonceReused' } } });
      expect(await stored()).toBe(before + 1);

      // The Commission's state of play takes the correction (the latest return on or before the day).
      const sop = await call('GET', `/api/federation/rounds/${ROUND}/state-of-play?asOf=2021-09-30`, undefined, analyst);
      expect(sop.body.states.find((s: { code: string }) => s.code === state).arrived).toBe(12);
    });

    it('refuses the receiving of a body over its limit, and the Commission-only views to a state officer', async () => {
      // In process: over a socket the server closes the connection while the client still writes.
      const big = await createApp(commission).request('/api/federation/returns', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payload: { pad: 'x'.repeat(300 * 1024) }, signature: '' }),
      });
      expect(big.status).toBe(413);
      const officer = await signIn(commission, { role: 'state_officer', stateCode: state });
      expect((await call('GET', `/api/federation/rounds/${ROUND}/state-of-play`, undefined, officer)).status).toBe(403);
      expect((await call('GET', '/api/federation/keys', undefined, officer)).status).toBe(403);
      const own = await call('GET', '/api/federation/returns', undefined, officer);
      expect(own.status).toBe(200);
      expect(own.body.states.map((s: { state: string }) => s.state)).toEqual([state]);
    });
  },
);

describe('no person in a return', () => {
  it(`builds a return from demo data (${PERSONS} persons) that carries none of their references or birth years, and only the allowed fields`, async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const { payload, refs } = await withStateDb(async (d) => {
      const payload = await buildStateReturn({
        db: d.db,
        actor: operator('test'),
        stateCode: state,
        roundId: ROUND,
        asOf: AS_OF,
        key: privateKey,
      });
      const refs = await inScope(d.db, operator('test'), (tx) =>
        rows<{ id: number; case_ref: string; person_ref: string; birth_year: number | null; partner_ref: string | null }>(
          tx,
          sql`SELECT p.id, c.case_ref, p.person_ref, p.birth_year, c.partner_ref FROM persons p JOIN cases c ON c.id = p.case_id WHERE p.state_code = ${state}`,
        ),
      );
      return { payload, refs };
    });
    expect(refs.length).toBeGreaterThan(50);
    expect(payload.resettlement.arrived).toBeGreaterThan(0);
    const serialized = JSON.stringify(payload);
    const strings = stringsOf(payload);
    for (const r of refs) {
      expect(serialized.includes(r.case_ref), r.case_ref).toBe(false);
      expect(strings.has(`${r.case_ref}/${r.person_ref}`) || strings.has(r.person_ref), r.person_ref).toBe(false);
      if (r.birth_year !== null) expect(strings.has(String(r.birth_year)), String(r.birth_year)).toBe(false);
      if (r.partner_ref) expect(serialized.includes(r.partner_ref)).toBe(false);
      expect(strings.has(String(r.id))).toBe(false);
    }
    expect([...jsonKeys(payload)].filter((k) => !ALLOWED_KEYS.includes(k))).toEqual([]);
    expect(ReturnPayload.parse(payload)).toEqual(payload);
  }, 120_000);
});
