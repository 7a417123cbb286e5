import { createRoute, z } from '@hono/zod-openapi';
import { inScope } from '../access/scope.ts';
import { CANDIDATE_STATUSES, SUPPORT } from '../complementary/candidate.ts';
import { addSupport, createCandidate, getCandidate, listCandidates, transitionCandidate } from '../complementary/candidate.service.ts';
import { OUTCOMES } from '../complementary/family-reunification.ts';
import {
  closeFamilyRequest,
  createFamilyRequest,
  familyReunificationFigures,
  familyRequestInput,
  listFamilyRequests,
} from '../complementary/family-reunification.service.ts';
import { skillsProfile } from '../complementary/skills.ts';
import type { Database } from '../db/db.ts';
import { CODE } from '../programmes/programme.ts';
import { errorResponses } from './errors.ts';
import { etagHeader, ifMatchHeader, requireIfMatch } from './etag.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { rowEtag, rowVersionOf } from './programmes.routes.ts';
import { principalOf, router } from './router.ts';
import { isoDate, stateParam } from './schemas.ts';

/**
 * Complementary pathways (P 12, P 19–21): candidates of education and labour programmes, and
 * family reunification support requests. A state's personal data: its officers only, audited.
 */

const q = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });
const idParam = z.coerce
  .number()
  .int()
  .positive()
  .openapi({ param: { name: 'id', in: 'path' }, example: 1 });
const stateOnly = z.object({ state: stateParam });
const oneRecord = z.object({ state: stateParam, id: idParam });
const changeHeaders = z.object({ 'Idempotency-Key': idempotencyHeader, 'If-Match': ifMatchHeader });

const P21 =
  'A candidacy is without prejudice to the right to protection (P 21): admission under a labour or education scheme changes only the candidacy; the case keeps its pathway, its protection categories and its stage.';

const status = z.enum(CANDIDATE_STATUSES);
const Candidate = z
  .object({
    id: z.number().int(),
    stateCode: z.string(),
    programme: z.string(),
    pathway: z.enum(['education', 'labour']),
    caseRef: z.string(),
    personRef: z.string(),
    skills: skillsProfile,
    occupations: z.array(z.string()),
    status,
    statusOn: isoDate.nullable(),
    support: z.array(z.enum(SUPPORT)),
    version: z.number().int(),
    moves: z.array(status),
  })
  .openapi('Candidate', {
    description:
      'A candidate of an education or labour programme, with the skills profile of the EU Skills Profile Tool (occupations in ESCO or ISCO-08).',
  });
const CandidateEvent = z.object({
  fromStatus: status.nullable(),
  toStatus: status,
  on: isoDate,
  reason: z.string().nullable(),
  actor: z.string(),
});
const candidateAnswer = (description: string) => ({
  200: { description, headers: etagHeader, content: { 'application/json': { schema: Candidate } } },
});

const listCandidatesRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/candidates',
  operationId: 'listCandidates',
  tags: ['complementary'],
  summary: 'A state’s candidates of education and labour programmes',
  description: `Audited. ${P21}`,
  request: {
    params: stateOnly,
    query: z.object({
      status: status.optional().openapi(q('status', 'Only candidates in this status.')),
      programme: z.string().regex(CODE).optional().openapi(q('programme', 'Only candidates of this programme.')),
    }),
  },
  responses: {
    200: {
      description: 'Oldest first.',
      content: { 'application/json': { schema: z.object({ candidates: z.array(Candidate) }).openapi('Candidates') } },
    },
    ...errorResponses(),
  },
});

const getCandidateRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/candidates/{id}',
  operationId: 'getCandidate',
  tags: ['complementary'],
  summary: 'One candidate: skills profile, status, support, history',
  description: 'Audited.',
  request: { params: oneRecord },
  responses: {
    200: {
      description: 'The candidate; its ETag for If-Match.',
      headers: etagHeader,
      content: { 'application/json': { schema: Candidate.extend({ history: z.array(CandidateEvent) }).openapi('CandidateDetail') } },
    },
    ...errorResponses(404),
  },
});

const createCandidateRoute = createRoute({
  method: 'post',
  path: '/api/states/{state}/candidates',
  operationId: 'createCandidate',
  tags: ['complementary'],
  summary: 'A member of a case applies to one of the state’s education or labour programmes',
  description: `The case must be of the programme’s pathway, the person one of its members. ${P21}`,
  request: {
    params: stateOnly,
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              programme: z.string().regex(CODE),
              caseRef: z.string().min(1).max(64),
              personRef: z.string().min(1).max(64),
              skills: skillsProfile.optional(),
              on: isoDate.optional(),
            })
            .strict()
            .openapi('NewCandidate'),
        },
      },
    },
  },
  responses: {
    201: { description: 'The candidate, applied.', headers: etagHeader, content: { 'application/json': { schema: Candidate } } },
    ...errorResponses(404, 409, 422),
  },
});

const moveCandidateRoute = createRoute({
  method: 'post',
  path: '/api/states/{state}/candidates/{id}/transitions',
  operationId: 'moveCandidate',
  tags: ['complementary'],
  summary: 'Move a candidacy: shortlisted, admitted, refused, withdrawn, arrived, graduated, placed',
  description: `A refusal or withdrawal says why. ${P21}`,
  request: {
    params: oneRecord,
    headers: changeHeaders,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ to: status, on: isoDate.optional(), reason: z.string().min(1).max(2000).optional() })
            .strict()
            .openapi('CandidateMove'),
        },
      },
    },
  },
  responses: { ...candidateAnswer('The candidate in its new status.'), ...errorResponses(404, 412, 422, 428) },
});

const supportRoute = createRoute({
  method: 'post',
  path: '/api/states/{state}/candidates/{id}/support',
  operationId: 'addCandidateSupport',
  tags: ['complementary'],
  summary: 'Record support given: scholarship, language course, flexible admission; counselling and job search after graduation (P 20)',
  request: {
    params: oneRecord,
    headers: changeHeaders,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ support: z.enum(SUPPORT) })
            .strict()
            .openapi('CandidateSupport'),
        },
      },
    },
  },
  responses: { ...candidateAnswer('The candidate with the support recorded.'), ...errorResponses(404, 412, 422, 428) },
});

const FamilyRequest = z
  .object({
    id: z.number().int(),
    stateCode: z.string(),
    reference: z.string(),
    programme: z.string().nullable(),
    kind: z.enum(['information', 'visa_assistance']),
    familyMembers: z.number().int(),
    countryOfResidence: z.string().nullable(),
    receivedOn: isoDate,
    closedOn: isoDate.nullable(),
    outcome: z.enum(['open', ...OUTCOMES]),
    note: z.string(),
    version: z.number().int(),
    days: z.number().int().nullable().openapi({ description: 'Days from receipt to closure; null while open.' }),
  })
  .openapi('FamilyReunificationRequest', {
    description: 'A request for family reunification support (P 12): information, or help with the visa procedure.',
  });

const listFamilyRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/family-reunification',
  operationId: 'listFamilyRequests',
  tags: ['complementary'],
  summary: 'A state’s family reunification support requests',
  description: 'Newest first; audited.',
  request: {
    params: stateOnly,
    query: z.object({ open: z.enum(['true', 'false']).optional().openapi(q('open', 'Only the open (true) or the closed (false) ones.')) }),
  },
  responses: {
    200: {
      description: 'The requests.',
      content: { 'application/json': { schema: z.object({ requests: z.array(FamilyRequest) }).openapi('FamilyReunificationRequests') } },
    },
    ...errorResponses(),
  },
});

const createFamilyRoute = createRoute({
  method: 'post',
  path: '/api/states/{state}/family-reunification',
  operationId: 'createFamilyRequest',
  tags: ['complementary'],
  summary: 'Record a family reunification support request',
  request: {
    params: stateOnly,
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: { required: true, content: { 'application/json': { schema: familyRequestInput } } },
  },
  responses: {
    201: { description: 'The request, open.', headers: etagHeader, content: { 'application/json': { schema: FamilyRequest } } },
    ...errorResponses(404, 409, 422),
  },
});

const closeFamilyRoute = createRoute({
  method: 'post',
  path: '/api/states/{state}/family-reunification/{id}/close',
  operationId: 'closeFamilyRequest',
  tags: ['complementary'],
  summary: 'Close a request with its outcome; the days it took follow',
  request: {
    params: oneRecord,
    headers: changeHeaders,
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ outcome: z.enum(OUTCOMES), on: isoDate.optional(), note: z.string().max(2000).optional() })
            .strict()
            .openapi('FamilyRequestClosure'),
        },
      },
    },
  },
  responses: {
    200: { description: 'The request, closed.', headers: etagHeader, content: { 'application/json': { schema: FamilyRequest } } },
    ...errorResponses(404, 412, 422, 428),
  },
});

const figuresRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/family-reunification/figures',
  operationId: 'familyReunificationFigures',
  tags: ['complementary'],
  summary: 'A state’s family reunification support: requests, outcomes, days taken (median, 90th percentile)',
  request: {
    params: stateOnly,
    query: z.object({
      from: isoDate.optional().openapi(q('from', 'Requests received from this day.')),
      to: isoDate.optional().openapi(q('to', 'Requests received up to this day.')),
    }),
  },
  responses: {
    200: {
      description: 'The figures.',
      content: {
        'application/json': {
          schema: z
            .object({
              stateCode: z.string(),
              requests: z.number().int(),
              familyMembers: z.number().int(),
              open: z.number().int(),
              byKind: z.record(z.string(), z.number().int()),
              byOutcome: z.record(z.string(), z.number().int()),
              days: z.object({ count: z.number().int(), median: z.number().nullable(), p90: z.number().nullable() }),
            })
            .openapi('FamilyReunificationFigures'),
        },
      },
    },
    ...errorResponses(),
  },
});

export function complementaryRoutes(database: Database) {
  const app = router();

  app.openapi(listCandidatesRoute, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    const candidates = await inScope(database.db, p, (tx) =>
      listCandidates({ db: tx, actor: p, stateCode: state, ...c.req.valid('query') }),
    );
    return c.json({ candidates }, 200);
  });

  app.openapi(getCandidateRoute, async (c) => {
    const p = principalOf(c);
    const { state, id } = c.req.valid('param');
    const candidate = await inScope(database.db, p, (tx) => getCandidate({ db: tx, actor: p, stateCode: state, id }));
    c.header('etag', rowEtag('candidate', candidate));
    return c.json(candidate, 200);
  });

  app.openapi({ ...createCandidateRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    const body = c.req.valid('json');
    const candidate = await inScope(database.db, p, (tx) => createCandidate({ db: tx, actor: p, stateCode: state, ...body }));
    c.header('etag', rowEtag('candidate', candidate));
    return c.json(candidate, 201);
  });

  app.openapi({ ...moveCandidateRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { state, id } = c.req.valid('param');
    const tags = requireIfMatch(c);
    const body = c.req.valid('json');
    const candidate = await inScope(database.db, p, (tx) =>
      transitionCandidate({
        db: tx,
        actor: p,
        stateCode: state,
        id,
        expectedVersion: rowVersionOf('candidate', tags, id),
        to: body.to,
        on: body.on,
        reason: body.reason ?? null,
      }),
    );
    c.header('etag', rowEtag('candidate', candidate));
    return c.json(candidate, 200);
  });

  app.openapi({ ...supportRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { state, id } = c.req.valid('param');
    const tags = requireIfMatch(c);
    const candidate = await inScope(database.db, p, (tx) =>
      addSupport({
        db: tx,
        actor: p,
        stateCode: state,
        id,
        expectedVersion: rowVersionOf('candidate', tags, id),
        support: c.req.valid('json').support,
      }),
    );
    c.header('etag', rowEtag('candidate', candidate));
    return c.json(candidate, 200);
  });

  app.openapi(listFamilyRoute, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    const { open } = c.req.valid('query');
    const requests = await inScope(database.db, p, (tx) =>
      listFamilyRequests({ db: tx, actor: p, stateCode: state, ...(open !== undefined && { open: open === 'true' }) }),
    );
    return c.json({ requests }, 200);
  });

  app.openapi({ ...createFamilyRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    const request = await inScope(database.db, p, (tx) =>
      createFamilyRequest({ db: tx, actor: p, stateCode: state, input: c.req.valid('json') }),
    );
    c.header('etag', rowEtag('family-request', request));
    return c.json(request, 201);
  });

  app.openapi({ ...closeFamilyRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { state, id } = c.req.valid('param');
    const tags = requireIfMatch(c);
    const body = c.req.valid('json');
    const request = await inScope(database.db, p, (tx) =>
      closeFamilyRequest({
        db: tx,
        actor: p,
        stateCode: state,
        id,
        expectedVersion: rowVersionOf('family-request', tags, id),
        outcome: body.outcome,
        on: body.on,
        note: body.note,
      }),
    );
    c.header('etag', rowEtag('family-request', request));
    return c.json(request, 200);
  });

  app.openapi(figuresRoute, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    const { from, to } = c.req.valid('query');
    return c.json(await inScope(database.db, p, (tx) => familyReunificationFigures({ db: tx, actor: p, stateCode: state, from, to })), 200);
  });

  return app;
}
