import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/db.ts';
import { ErrorCode } from '../src/errors/app-error.ts';
import {
  apiFixture,
  operationsOf,
  requestFor,
  sample,
  type ApiFixture,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
} from './api-fixture.ts';
import { databaseKinds } from './databases.ts';

/**
 * Property-based fuzzing of every operation of the OpenAPI document (fast-check): parameters,
 * headers and bodies drawn from the schemas' shapes and far outside them. For every input: no 5xx,
 * and every refusal in the one error shape, with a message for the user. The count of inputs tried
 * is printed.
 */
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 40);
const ERROR_CODES = new Set<string>(Object.values(ErrorCode));

/** Values of a parameter: valid-looking, hostile, or nonsense. */
const paramValue = (doc: OpenApiDocument, schema: JsonSchema | undefined) =>
  fc.oneof(
    fc.constant(String(sample(doc, schema))),
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.integer().map(String),
    fc.constantFrom(
      '',
      ' ',
      '-1',
      '0',
      '1e309',
      'NaN',
      '../../etc/passwd',
      "' OR 1=1 --",
      '%00',
      '\u0000',
      'null',
      '[]',
      '{}',
      'A'.repeat(5000),
      '2021-02-30',
      '9999-99-99',
    ),
  );

/** Bodies: the schema's sample with fields replaced or added, or any JSON, or not JSON at all. */
const bodyValue = (doc: OpenApiDocument, schema: JsonSchema | undefined) => {
  const base = sample(doc, schema);
  const mutated = fc
    .tuple(
      fc.dictionary(fc.constantFrom(...Object.keys((base as object) ?? {}), 'extra', '__proto__', 'constructor'), fc.jsonValue(), {
        maxKeys: 3,
      }),
    )
    .map(([over]) => JSON.stringify({ ...(base as object), ...over }));
  return fc.oneof(
    mutated,
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.string({ maxLength: 200 }),
    fc.constantFrom('', '{', '{"a":', 'null', '[]', '"x"', '1', JSON.stringify({ a: 'x'.repeat(2_000_000) })),
  );
};

describe.each(databaseKinds)('fuzzing the API from its schemas ($name)', (kind) => {
  let database: Database;
  let fx: ApiFixture;
  let doc: OpenApiDocument;
  let ops: Operation[];
  let tried = 0;
  const failures: string[] = [];

  beforeAll(async () => {
    database = await kind.open();
    fx = await apiFixture(database, 120);
    doc = (await (await fx.app.request('/api/openapi.json')).json()) as OpenApiDocument;
    ops = operationsOf(doc);
  }, 120_000);
  afterAll(async () => {
    console.info(`fuzzing (${kind.name}): ${tried} inputs over ${ops?.length ?? 0} operations, ${failures.length} failures`);
    await database?.close();
  });

  it('answers every input to every operation without a 5xx, in the one error shape', async () => {
    const officer = fx.principals.find((p) => p.role === 'state_officer')!;
    for (const op of ops) {
      const arbitraries = {
        params: fc.record(Object.fromEntries(op.parameters.map((p) => [p.name, fc.option(paramValue(doc, p.schema), { nil: undefined })]))),
        body: bodyValue(doc, op.requestBody?.content['application/json']?.schema),
        contentType: fc.constantFrom(
          'application/json',
          'text/csv',
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
        ),
      };
      await fc
        .assert(
          fc.asyncProperty(arbitraries.params, arbitraries.body, arbitraries.contentType, async (params, body, contentType) => {
            tried++;
            const { url, init } = requestFor(doc, op, fx, fx.a, officer.headers);
            const u = new URL(url);
            let path = op.path;
            for (const p of op.parameters) {
              const v = params[p.name];
              if (p.in === 'path') path = path.replace(`{${p.name}}`, encodeURIComponent(v ?? String(sample(doc, p.schema))));
              else if (p.in === 'query' && v !== undefined) u.searchParams.set(p.name, v);
              else if (p.in === 'header' && v !== undefined && /^[\x20-\x7e]*$/.test(v))
                (init.headers as Record<string, string>)[p.name.toLowerCase()] = v;
            }
            // Path parameters left as drawn replace the fixture's; the rest keep the request well-aimed.
            if (!op.parameters.some((p) => p.in === 'path' && params[p.name] !== undefined)) path = new URL(url).pathname;
            const headers = { ...(init.headers as Record<string, string>) };
            if (op.method !== 'GET') headers['content-type'] = contentType;
            const res = await fx.app.request(`${path}?${u.searchParams}`, {
              method: op.method,
              headers,
              ...(op.method !== 'GET' ? { body } : {}),
            });
            const text = await res.text();
            if (res.status >= 500) {
              failures.push(
                `${op.operationId} ${res.status}: ${text.slice(0, 200)} ← ${JSON.stringify({ params, body: body.slice(0, 200) })}`,
              );
              return false;
            }
            if (res.status >= 400) {
              const error = JSON.parse(text) as { code?: string; message?: string; details?: unknown };
              expect(ERROR_CODES.has(error.code ?? ''), text).toBe(true);
              expect(typeof error.message === 'string' && error.message.length > 0).toBe(true);
              expect(typeof error.details === 'object' && error.details !== null).toBe(true);
              expect(text).not.toMatch(/\n\s+at |node_modules|Failed query|SELECT |INSERT /);
            }
            return true;
          }),
          { numRuns: RUNS_PER_OPERATION, seed: 20261128, endOnFailure: true },
        )
        .catch((e: Error) => {
          failures.push(`${op.operationId}: ${e.message.split('\n').slice(0, 6).join(' | ')}`);
        });
    }
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(ops.length * RUNS_PER_OPERATION);
  }, 600_000);
});
