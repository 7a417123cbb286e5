import { randomUUID } from 'node:crypto';
import { operator, type Principal, type Role } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { rows, sql, type Database } from '../src/db/db.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { uploadImport } from '../src/imports/upload.service.ts';
import { createApp } from '../src/server/server.ts';
import { signIn } from './sessions.ts';

/**
 * A database with two Member States' cases (A and B), a referral partner's referrals in A and B
 * (its account has its agreement with A), a sponsor's household in A, one upload and one spare user per state, and a signed-in principal of
 * every role: what the authorisation matrix and the fuzzing send their requests as.
 */
export const OPERATOR = operator('api-fixture');

export interface ApiFixture {
  app: ReturnType<typeof createApp>;
  a: string;
  b: string;
  caseOf: Record<string, string>;
  uploadOf: Record<string, number>;
  /** A user of each state that may be disabled (not one of the principals). */
  spareUserOf: Record<string, string>;
  principals: {
    name: string;
    role: Role;
    stateCode: string | null;
    organisation: string | null;
    principal: Principal;
    headers: Record<string, string>;
  }[];
  /**
   * The references of a state's cases, and of its persons where a reference says more than a
   * position in a household (the demo's `P1`, `P2`… are not identifying on their own).
   */
  refsOf: (state: string) => Promise<{ cases: string[]; persons: string[] }>;
  /** A fingerprint of everything a state holds: any write shows in it. */
  fingerprint: (state: string) => Promise<string>;
  /** State A's community sponsorship: a sponsor (organisation sponsor-a), a scheme, a memorandum, a sponsorship of one of its households and a task of it. */
  sponsorshipOf: Record<string, { sponsor: number; scheme: number; memorandum: number; sponsorship: number; task: number }>;
}

export async function apiFixture(database: Database, persons = 300): Promise<ApiFixture> {
  await loadDemo({ db: database.db, actor: OPERATOR, persons, seed: 31 });
  const op = <T>(work: Parameters<typeof inScope<T>>[2]) => inScope(database.db, OPERATOR, work);
  const byState = await op((tx) =>
    rows<{ s: string; n: number }>(tx, sql`SELECT state_code AS s, count(*)::int AS n FROM cases GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 2`),
  );
  const [a, b] = [byState[0]!.s, byState[1]!.s];
  const caseOf: Record<string, string> = {};
  const uploadOf: Record<string, number> = {};
  const spareUserOf: Record<string, string> = {};
  for (const s of [a, b]) {
    const [c] = await op((tx) =>
      rows<{ r: string }>(
        tx,
        sql`SELECT case_ref AS r FROM cases WHERE state_code = ${s} AND status NOT IN ('withdrawn', 'closed') ORDER BY id LIMIT 1`,
      ),
    );
    caseOf[s] = c!.r;
    const upload = await op((tx) =>
      uploadImport({
        db: tx,
        actor: OPERATOR,
        kind: 'persons',
        stateCode: s,
        roundId: null,
        filename: 'fixture.csv',
        bytes: Buffer.from('case_ref,person_ref\nX-1,P-1\n'),
      }),
    );
    uploadOf[s] = upload.id;
    const spare = await signIn(database, {
      role: 'state_officer',
      stateCode: s,
      username: `spare-${s.toLowerCase()}-${randomUUID().slice(0, 8)}`,
    });
    spareUserOf[s] = spare.principal.username;
  }
  await op(async (tx) => {
    await tx.execute(
      sql`UPDATE cases SET referring_partner = 'unhcr' WHERE id IN (SELECT id FROM cases WHERE state_code = ${a} ORDER BY id LIMIT 3)`,
    );
    await tx.execute(
      sql`UPDATE cases SET referring_partner = 'iom' WHERE id IN (SELECT id FROM cases WHERE state_code = ${b} ORDER BY id LIMIT 3)`,
    );
    // The same partner organisation refers to B too: its account, bound to its agreement with A, must not see them.
    await tx.execute(
      sql`UPDATE cases SET referring_partner = 'unhcr' WHERE id IN (SELECT id FROM cases WHERE state_code = ${b} ORDER BY id LIMIT 2 OFFSET 3)`,
    );
    await tx.execute(sql`INSERT INTO case_supporters (case_id, state_code, organisation, phases)
                         SELECT id, state_code, 'sponsor-a', ARRAY['reception'] FROM cases WHERE state_code = ${a} ORDER BY id DESC LIMIT 2`);
  });
  const [sp] = await op((tx) =>
    rows<{ sponsor: number; scheme: number; memorandum: number; sponsorship: number; task: number }>(
      tx,
      sql`WITH s AS (INSERT INTO sponsors (state_code, organisation, kind, name, household_size, status) VALUES (${a}, 'sponsor-a', 'group', 'Sponsor A', 6, 'active') RETURNING id),
               sc AS (INSERT INTO sponsorship_schemes (state_code, code, title) VALUES (${a}, 'CS-A', 'Scheme A') RETURNING id),
               v AS (INSERT INTO sponsorship_scheme_versions (scheme_id, version, state_code, criteria, roles, published_by)
                     SELECT id, 1, ${a}, '[]'::jsonb, '{"selection":"state","pre_departure":"state","reception":"sponsor","housing":"state","integration":"state","finance":"state"}'::jsonb, 'fixture' FROM sc),
               m AS (INSERT INTO memoranda (state_code, code, version, title, parties, valid_from, recorded_by) VALUES (${a}, 'MOU-A', 1, 'MoU A', '[{"name":"A","role":"state"}]'::jsonb, DATE '2026-01-01', 'fixture') RETURNING id),
               sh AS (INSERT INTO sponsorships (state_code, sponsor_id, case_id, scheme_id, scheme_version, phases, matched_on, matched_by)
                      SELECT ${a}, s.id, (SELECT case_id FROM case_supporters WHERE state_code = ${a} AND organisation = 'sponsor-a' ORDER BY case_id LIMIT 1), sc.id, 1, ARRAY['reception'], DATE '2026-01-05', 'fixture' FROM s, sc RETURNING id),
               t AS (INSERT INTO sponsorship_tasks (sponsorship_id, state_code, organisation, phase, task, holder) SELECT id, ${a}, 'sponsor-a', 'reception', 'meet_at_arrival', 'sponsor' FROM sh RETURNING id)
          SELECT s.id::int AS sponsor, sc.id::int AS scheme, m.id::int AS memorandum, sh.id::int AS sponsorship, t.id::int AS task FROM s, sc, m, sh, t`,
    ),
  );
  const roles: { name: string; role: Role; stateCode?: string; organisation?: string }[] = [
    { name: 'commission analyst', role: 'commission_analyst' },
    { name: `officer of ${a}`, role: 'state_officer', stateCode: a },
    { name: `administrator of ${a}`, role: 'state_admin', stateCode: a },
    { name: 'referral partner (unhcr)', role: 'referral_partner', stateCode: a, organisation: 'unhcr' },
    { name: 'sponsor (sponsor-a)', role: 'sponsor', stateCode: a, organisation: 'sponsor-a' },
    { name: `auditor of ${a}`, role: 'auditor', stateCode: a },
    { name: "the Commission's auditor", role: 'auditor' },
    { name: 'system administrator', role: 'system_admin' },
  ];
  const principals = [];
  for (const r of roles) {
    const s = await signIn(database, { role: r.role, stateCode: r.stateCode ?? null, organisation: r.organisation ?? null });
    principals.push({
      name: r.name,
      role: r.role,
      stateCode: r.stateCode ?? null,
      organisation: r.organisation ?? null,
      principal: s.principal,
      headers: s.headers,
    });
  }
  return {
    app: createApp(database),
    a,
    b,
    caseOf,
    uploadOf,
    spareUserOf,
    principals,
    sponsorshipOf: { [a]: sp! },
    refsOf: async (state) => {
      const cases = await op((tx) => rows<{ r: string }>(tx, sql`SELECT case_ref AS r FROM cases WHERE state_code = ${state}`));
      const people = await op((tx) =>
        rows<{ r: string }>(tx, sql`SELECT DISTINCT person_ref AS r FROM persons WHERE state_code = ${state}`),
      );
      return { cases: cases.map((c) => c.r), persons: people.map((p) => p.r).filter((r) => !/^P\d{1,2}$/.test(r)) };
    },
    fingerprint: async (state) => {
      const [f] = await op((tx) =>
        rows<Record<string, unknown>>(
          tx,
          sql`SELECT (SELECT count(*) || ':' || coalesce(sum(version), 0) || ':' || coalesce(string_agg(status, ',' ORDER BY id), '') FROM cases WHERE state_code = ${state}) AS cases,
                     (SELECT count(*) FROM case_events WHERE state_code = ${state}) AS events,
                     (SELECT count(*) || ':' || count(arrived_on) || ':' || count(excluded_reason) FROM persons WHERE state_code = ${state}) AS persons,
                     (SELECT count(*) || ':' || coalesce(sum(places), 0) FROM pledges WHERE state_code = ${state}) AS pledges,
                     (SELECT count(*) || ':' || coalesce(string_agg(status, ',' ORDER BY id), '') FROM import_uploads WHERE state_code = ${state}) AS uploads,
                     (SELECT count(*) || ':' || count(disabled_at) FROM users WHERE state_code = ${state}) AS users`,
        ),
      );
      return JSON.stringify(f);
    },
  };
}

// ── Requests generated from the OpenAPI document ─────────────────────────────────────────────

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: { name: string; in: 'path' | 'query' | 'header'; required?: boolean; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  example?: unknown;
  format?: string;
  minimum?: number;
  default?: unknown;
};

export interface OpenApiDocument {
  paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({ ...op, method: method.toUpperCase(), path, parameters: op.parameters ?? [] })),
  );
}

/** A value that satisfies the schema's shape (required fields, enums, formats), from its examples where it has them. */
export function sample(doc: OpenApiDocument, schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 8) return null;
  if (schema.$ref) return sample(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()!], depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const alt = schema.anyOf ?? schema.oneOf;
  if (alt) return sample(doc, alt.find((s) => s.type !== 'null') ?? alt[0], depth + 1);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(doc, s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries((schema.required ?? []).map((k) => [k, sample(doc, schema.properties?.[k], depth + 1)]));
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'string':
      return schema.format === 'date' ? '2021-01-05' : 'x';
    default:
      return null;
  }
}

/** The records of community sponsorship an `{id}` of these paths names. */
const SPONSORSHIP_IDS = [
  ['/api/sponsors/', 'sponsor'],
  ['/api/schemes/', 'scheme'],
  ['/api/memoranda/', 'memorandum'],
  ['/api/sponsorships/', 'sponsorship'],
  ['/api/sponsor/tasks/', 'task'],
] as const;

/** The request for an operation, aimed at `state` where it names one. */
export function requestFor(
  doc: OpenApiDocument,
  op: Operation,
  fx: ApiFixture,
  state: string,
  headers: Record<string, string>,
): { url: string; init: RequestInit } {
  let path = op.path;
  const query = new URLSearchParams();
  const h: Record<string, string> = { ...headers, 'accept-language': 'en' };
  for (const p of op.parameters) {
    const value =
      p.name === 'state'
        ? state
        : p.name === 'ref'
          ? fx.caseOf[state]!
          : p.name === 'round'
            ? '2020-2021'
            : p.name === 'id' && op.path.startsWith('/api/imports')
              ? String(fx.uploadOf[state])
              : p.name === 'username'
                ? fx.spareUserOf[state]!
                : p.name === 'id' && SPONSORSHIP_IDS.some(([prefix]) => op.path.startsWith(prefix)) && fx.sponsorshipOf[state]
                  ? String(fx.sponsorshipOf[state]![SPONSORSHIP_IDS.find(([prefix]) => op.path.startsWith(prefix))![1]])
                  : p.name === 'Idempotency-Key'
                    ? randomUUID()
                    : p.name === 'If-Match'
                      ? '*'
                      : String(sample(doc, p.schema));
    if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(value));
    else if (p.in === 'query' && (p.required || p.name === 'state')) query.set(p.name, value);
    else if (p.in === 'header' && (p.required || p.name === 'If-Match')) h[p.name.toLowerCase()] = value;
  }
  const init: RequestInit = { method: op.method, headers: h };
  const content = op.requestBody?.content ?? {};
  if (content['application/json']) {
    h['content-type'] = 'application/json';
    const body = sample(doc, content['application/json'].schema) as Record<string, unknown>;
    // A body that names an account names the target state's spare one.
    if (body && typeof body === 'object' && 'username' in body && op.method === 'POST' && op.path.startsWith('/api/users/'))
      body.username = fx.spareUserOf[state];
    // A sponsorship record created in a state names the target state.
    if (
      body &&
      typeof body === 'object' &&
      'state' in body &&
      ['/api/sponsors', '/api/schemes', '/api/memoranda', '/api/sponsorships'].includes(op.path)
    )
      body.state = state;
    init.body = JSON.stringify(body);
  } else if (content['text/csv']) {
    h['content-type'] = 'text/csv';
    init.body = 'case_ref,person_ref\nX-1,P-1\n';
  }
  const qs = query.toString();
  return { url: `http://pathways.test${path}${qs ? `?${qs}` : ''}`, init };
}

/** The keys of a response that name a person's data: none may reach a role that does not read personal data. */
export const PERSONAL_KEYS = [
  'personRef',
  'birthYear',
  'citizenship',
  'sex',
  'needs',
  'members',
  'caseRef',
  'partnerRef',
  'linkedRefs',
  'relationship',
  'excludedReason',
];

/** Every key of a JSON value, however deep. */
export function keysOf(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysOf(v, into);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      into.add(k);
      keysOf(v, into);
    }
  return into;
}

/** Every string of a JSON value, however deep. */
export function stringsOf(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) stringsOf(v, into);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsOf(v, into);
  return into;
}

/** A reference appears in a text: exactly, or as the record id of an audit line (`case:REF`, `person:REF`). */
export const mentions = (strings: Set<string>, ref: string) =>
  strings.has(ref) || strings.has(`case:${ref}`) || strings.has(`person:${ref}`);
