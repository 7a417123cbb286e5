import { createRoute, z } from '@hono/zod-openapi';
import { inScope } from '../access/scope.ts';
import { caseResource } from '../cases/case-views.service.ts';
import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import type { Database, Tx } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { CODE, PROGRAMME_KINDS, PROGRAMME_STATUSES, programmeChange, programmeInput } from '../programmes/programme.ts';
import { joinProgramme } from '../cases/join-programme.ts';
import {
  changeProgramme,
  createProgramme,
  getProgramme,
  listProgrammes,
  moveProgramme,
  recordCondition,
  type Programme as ProgrammeRecord,
} from '../programmes/programme.service.ts';
import { admissionsReport } from '../programmes/returns.service.ts';
import { PATHWAYS } from '../rounds/round.ts';
import { STATES } from '../reference/state.ts';
import { errorResponses } from './errors.ts';
import { caseEtag, caseVersionOf, etagHeader, ifMatchHeader, requireIfMatch } from './etag.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { caseRefParam, isoDate, roundId, stateParam } from './schemas.ts';

/**
 * Programmes (humanitarian admission, family sponsorship, community sponsorship, humanitarian
 * corridors, the EU-Turkey VHAS, the Union Plan's emergency admission, education, labour, family
 * reunification support), a case joining one, and the returns of point 27.
 */

const STATE_CODES = STATES.map((s) => s.code) as [string, ...string[]];
const q = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });

const codeParam = z
  .string()
  .regex(CODE, { message: 'programmeCode' })
  .openapi({ param: { name: 'code', in: 'path' }, description: 'The programme’s code.', example: 'EU-VHAS' });
const oneProgramme = z.object({ code: codeParam });

const Condition = z
  .object({
    id: z.string(),
    label: z.string(),
    met: z.boolean(),
    source: z.string().optional(),
    metOn: isoDate.nullable().optional(),
    assessedOn: isoDate.nullable().optional(),
    evidence: z.string().nullable().optional(),
  })
  .openapi('ActivationCondition', {
    description: 'A condition of activation (the VHAS: P 5(a)), met or not, with the day and evidence of the last finding.',
  });

const Programme = z
  .object({
    id: z.number().int(),
    code: z.string(),
    stateCode: z.string().nullable().openapi({ description: 'null: the EU’s own programme.' }),
    kind: z.enum(PROGRAMME_KINDS),
    pathway: z.enum(PATHWAYS).openapi({ description: 'The pathway its admissions count under in the returns of point 27.' }),
    roundId: z.string().nullable(),
    title: z.string(),
    criteria: z.string(),
    targetGroups: z.array(z.string()),
    places: z.number().int().nullable(),
    startDate: isoDate.nullable(),
    endDate: isoDate.nullable(),
    status: z.enum(PROGRAMME_STATUSES),
    activation: z.array(Condition),
    partner: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
    source: z.string().nullable(),
    version: z.number().int(),
    moves: z.array(z.enum(PROGRAMME_STATUSES)).openapi({ description: 'The statuses it may move to now.' }),
  })
  .openapi('Programme');

/**
 * ETags of the rows of programmes and complementary pathways: the row's kind, id and version
 * (`"programme-3-v2"`), as a case's (src/api/etag.ts); the services check the version again under
 * the row's lock.
 */
export const rowEtag = (kind: string, r: { id: number; version: number }): string => `"${kind}-${r.id}-v${r.version}"`;

/** The version of the row an If-Match names; 412 when it names another row or none. */
export function rowVersionOf(kind: string, tags: string[], id: number): number {
  const prefix = `"${kind}-${id}-v`;
  for (const tag of tags) {
    if (tag.startsWith(prefix) && /^\d+"$/.test(tag.slice(prefix.length))) return Number(tag.slice(prefix.length, -1));
  }
  throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
}
const programmeEtag = (p: Pick<ProgrammeRecord, 'id' | 'version'>) => rowEtag('programme', p);

/** The version the If-Match names of the programme `code` (the service checks it again under the row's lock). */
async function versionIn(tx: Tx, p: Principal, code: string, tags: string[]): Promise<number> {
  return rowVersionOf('programme', tags, (await getProgramme({ db: tx, actor: p, code })).id);
}

const changeHeaders = z.object({ 'Idempotency-Key': idempotencyHeader, 'If-Match': ifMatchHeader });
const answer = (description: string) => ({
  200: { description, headers: etagHeader, content: { 'application/json': { schema: Programme } } },
});

const listRoute = createRoute({
  method: 'get',
  path: '/api/programmes',
  operationId: 'listProgrammes',
  tags: ['programmes'],
  summary: 'Programmes: the states’ and the EU’s own',
  description: 'Programmes carry no person: every signed-in principal reads them.',
  request: {
    query: z.object({
      state: z
        .enum([...STATE_CODES, 'EU'])
        .optional()
        .openapi(q('state', 'A Member State’s programmes, or EU for the EU’s own.')),
      kind: z.enum(PROGRAMME_KINDS).optional().openapi(q('kind', 'Only programmes of this kind.')),
      status: z.enum(PROGRAMME_STATUSES).optional().openapi(q('status', 'Only programmes in this status.')),
      round: roundId.optional().openapi(q('round', 'Only programmes of this round or Union Plan.')),
    }),
  },
  responses: {
    200: {
      description: 'The EU’s first, then by state and code.',
      content: { 'application/json': { schema: z.object({ programmes: z.array(Programme) }).openapi('Programmes') } },
    },
    ...errorResponses(),
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/programmes/{code}',
  operationId: 'getProgramme',
  tags: ['programmes'],
  summary: 'One programme: criteria, places, target groups, status and its conditions',
  request: { params: oneProgramme },
  responses: { ...answer('The programme; its ETag for If-Match.'), ...errorResponses(404) },
});

const createRouteDef = createRoute({
  method: 'post',
  path: '/api/programmes',
  operationId: 'createProgramme',
  tags: ['programmes'],
  summary: 'Add a programme (a state’s officer for its state; the Commission for the EU’s own)',
  description: 'It starts planned. Its pathway follows from its kind. Every problem of it is reported at once (400).',
  request: {
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: { required: true, content: { 'application/json': { schema: programmeInput } } },
  },
  responses: {
    201: { description: 'The programme as added.', headers: etagHeader, content: { 'application/json': { schema: Programme } } },
    ...errorResponses(409, 422),
  },
});

const changeRoute = createRoute({
  method: 'patch',
  path: '/api/programmes/{code}',
  operationId: 'changeProgramme',
  tags: ['programmes'],
  summary: 'Change what a programme offers (not its kind, state or status)',
  request: {
    params: oneProgramme,
    headers: z.object({ 'If-Match': ifMatchHeader }),
    body: { required: true, content: { 'application/json': { schema: programmeChange } } },
  },
  responses: { ...answer('The programme as changed.'), ...errorResponses(404, 412, 428) },
});

const moveRoute = createRoute({
  method: 'post',
  path: '/api/programmes/{code}/status',
  operationId: 'moveProgramme',
  tags: ['programmes'],
  summary: 'Move a programme: planned → active → suspended ↔ active → closed',
  description:
    'A programme with conditions of activation (the VHAS, P 5(a)) becomes active only when every one is met; the refusal (400) names the unmet ones.',
  request: {
    params: oneProgramme,
    headers: changeHeaders,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ to: z.enum(PROGRAMME_STATUSES), reason: z.string().min(1).max(2000).optional() })
            .strict()
            .openapi('ProgrammeMove'),
        },
      },
    },
  },
  responses: { ...answer('The programme in its new status.'), ...errorResponses(404, 412, 422, 428) },
});

const conditionRoute = createRoute({
  method: 'post',
  path: '/api/programmes/{code}/conditions/{condition}',
  operationId: 'recordProgrammeCondition',
  tags: ['programmes'],
  summary: 'Record a finding on a condition of activation: met or not, on a day, on what evidence',
  request: {
    params: z.object({
      code: codeParam,
      condition: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,40}$/)
        .openapi({ param: { name: 'condition', in: 'path' }, example: 'preconditions_met' }),
    }),
    headers: changeHeaders,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ met: z.boolean(), on: isoDate, evidence: z.string().trim().min(1).max(2000) })
            .strict()
            .openapi('ConditionFinding'),
        },
      },
    },
  },
  responses: { ...answer('The programme with the finding recorded.'), ...errorResponses(404, 412, 422, 428) },
});

const joinRoute = createRoute({
  method: 'put',
  path: '/api/states/{state}/cases/{ref}/programme',
  operationId: 'setCaseProgramme',
  tags: ['programmes'],
  summary: 'A case joins a programme (or leaves it: null)',
  description:
    'The programme must be the state’s or the EU’s, active, and of the case’s pathway; its arrivals then count under it in the returns of point 27. If-Match: the case’s ETag; the case gets a new one. Audited.',
  request: {
    params: z.object({ state: stateParam, ref: caseRefParam }),
    headers: z.object({ 'If-Match': ifMatchHeader }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ programme: z.string().regex(CODE).nullable() })
            .strict()
            .openapi('CaseProgramme'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'The case’s programme; the case’s new ETag.',
      headers: etagHeader,
      content: {
        'application/json': {
          schema: z
            .object({ caseRef: z.string(), programme: z.string().nullable(), version: z.number().int() })
            .openapi('CaseProgrammeResult'),
        },
      },
    },
    ...errorResponses(404, 412, 428),
  },
});

const count = z.number().int();
const support = z.object({ requests: count, familyMembers: count, byOutcome: z.record(z.string(), count) });
const AdmissionReturns = z
  .object({
    from: isoDate,
    to: isoDate,
    round: z.string().nullable(),
    pathways: z.array(z.string()),
    states: z.array(
      z.object({
        stateCode: z.string(),
        byPathway: z.record(z.string(), count),
        total: count,
        programmes: z.array(z.object({ code: z.string().nullable(), kind: z.string().nullable(), pathway: z.string(), persons: count })),
        familyReunification: support,
        candidatesAdmitted: z.record(z.string(), count),
      }),
    ),
    totals: z.object({
      byPathway: z.record(z.string(), count),
      total: count,
      familyReunification: support,
      candidatesAdmitted: z.record(z.string(), count),
    }),
  })
  .openapi('AdmissionReturns', {
    description:
      'Persons admitted (arrived) under humanitarian admission and every complementary pathway, per state, pathway and programme, with totals (P 27). Counts only.',
  });

const returnsRoute = createRoute({
  method: 'get',
  path: '/api/reports/admissions',
  operationId: 'admissionsReport',
  tags: ['reports'],
  summary: 'The returns of point 27: admissions under humanitarian admission and complementary pathways',
  description:
    'For a round’s period, or from–to. The Commission gets every state’s counts, a state’s officer its own (with its family reunification support and candidates admitted). Counts only: no case or person is named.',
  request: {
    query: z.object({
      round: roundId.optional().openapi(q('round', 'The round or Union Plan whose period to count.')),
      from: isoDate.optional().openapi(q('from', 'The first day (with `to`, instead of `round`).')),
      to: isoDate.optional().openapi(q('to', 'The last day.')),
      state: z.enum(STATE_CODES).optional().openapi(q('state', 'One Member State only.')),
    }),
  },
  responses: {
    200: { description: 'The returns.', content: { 'application/json': { schema: AdmissionReturns } } },
    ...errorResponses(404),
  },
});

export function programmesRoutes(database: Database) {
  const app = router();

  app.openapi(listRoute, async (c) => {
    const p = principalOf(c);
    const programmes = await inScope(database.db, p, (tx) => listProgrammes({ db: tx, actor: p, filters: c.req.valid('query') }));
    return c.json({ programmes }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const p = principalOf(c);
    const programme = await inScope(database.db, p, (tx) => getProgramme({ db: tx, actor: p, code: c.req.valid('param').code }));
    c.header('etag', programmeEtag(programme));
    return c.json(programme, 200);
  });

  app.openapi({ ...createRouteDef, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const programme = await inScope(database.db, p, (tx) => createProgramme({ db: tx, actor: p, input: c.req.valid('json') }));
    c.header('etag', programmeEtag(programme));
    c.header('location', `/api/programmes/${encodeURIComponent(programme.code)}`);
    return c.json(programme, 201);
  });

  app.openapi(changeRoute, async (c) => {
    const p = principalOf(c);
    const { code } = c.req.valid('param');
    const tags = requireIfMatch(c);
    const programme = await inScope(database.db, p, async (tx) =>
      changeProgramme({ db: tx, actor: p, code, expectedVersion: await versionIn(tx, p, code, tags), change: c.req.valid('json') }),
    );
    c.header('etag', programmeEtag(programme));
    return c.json(programme, 200);
  });

  app.openapi({ ...moveRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { code } = c.req.valid('param');
    const tags = requireIfMatch(c);
    const body = c.req.valid('json');
    const programme = await inScope(database.db, p, async (tx) =>
      moveProgramme({
        db: tx,
        actor: p,
        code,
        expectedVersion: await versionIn(tx, p, code, tags),
        to: body.to,
        reason: body.reason ?? null,
      }),
    );
    c.header('etag', programmeEtag(programme));
    return c.json(programme, 200);
  });

  app.openapi({ ...conditionRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { code, condition } = c.req.valid('param');
    const tags = requireIfMatch(c);
    const body = c.req.valid('json');
    const programme = await inScope(database.db, p, async (tx) =>
      recordCondition({ db: tx, actor: p, code, expectedVersion: await versionIn(tx, p, code, tags), condition, ...body }),
    );
    c.header('etag', programmeEtag(programme));
    return c.json(programme, 200);
  });

  app.openapi(joinRoute, async (c) => {
    const p = principalOf(c);
    const { state, ref } = c.req.valid('param');
    authorize(policies.changeCase, p, { stateCode: state });
    const tags = requireIfMatch(c);
    const result = await inScope(database.db, p, async (tx) => {
      const r = await caseResource(tx, state, ref);
      if (!r) throw appError(ErrorCode.NotFound, 'caseNotFoundIn', { p1: ref, p2: state });
      const out = await joinProgramme({
        db: tx,
        actor: p,
        stateCode: state,
        caseRef: ref,
        programme: c.req.valid('json').programme,
        expectedVersion: caseVersionOf(tags, r.id),
      });
      return { ...out, id: r.id };
    });
    c.header('etag', caseEtag(result.id, result.version));
    return c.json({ caseRef: result.caseRef, programme: result.programme, version: result.version }, 200);
  });

  app.openapi(returnsRoute, async (c) => {
    const p = principalOf(c);
    const { round, from, to, state } = c.req.valid('query');
    const report = await inScope(database.db, p, (tx) =>
      admissionsReport({
        db: tx,
        actor: p,
        ...(round !== undefined && { round }),
        ...(from !== undefined && { from }),
        ...(to !== undefined && { to }),
        ...(state !== undefined && { stateCode: state }),
      }),
    );
    return c.json(report, 200);
  });

  return app;
}
