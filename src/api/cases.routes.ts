import { createRoute, z } from '@hono/zod-openapi';
import { caseFieldsFor, presentCase, shownFields } from '../access/fields.ts';
import { authorize, policies, readsEveryCaseOf } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { inScope } from '../access/scope.ts';
import { advanceCase, parseAction } from '../cases/advance-case.ts';
import { CASE_SORTS, caseHistory, caseResource, listCasePage, listHouseholds, listReferrals } from '../cases/case-views.service.ts';
import { getCase } from '../cases/case.service.ts';
import { holdCases, resumeCases } from '../cases/hold-cases.ts';
import { NEEDS } from '../cases/person-row.ts';
import { STAGES } from '../cases/stage.ts';
import type { Database, Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { PATHWAYS } from '../rounds/round.ts';
import { errorResponses } from './errors.ts';
import { caseEtag, caseVersionOf, etagHeader, ifMatchHeader, requireIfMatch } from './etag.ts';
import { idempotency, idempotencyHeader, inIdempotentScope } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { CaseEvent, CaseSummary, CaseView, caseRefParam, category, isoDate, modality, priority, stateParam, status } from './schemas.ts';

const stateOnly = z.object({ state: stateParam });
const oneCase = z.object({ state: stateParam, ref: caseRefParam });
const iso3 = z.string().regex(/^[A-Z]{3}$/, { message: 'iso3' });
const q = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });

const CasePage = z
  .object({
    cases: z.array(CaseSummary),
    nextCursor: z.string().nullable().openapi({ description: 'Pass as `cursor` for the next page; null on the last.' }),
    total: z.number().int().openapi({ description: 'How many cases the filters find, over all pages.' }),
  })
  .openapi('CasePage');

const ViewPage = z.object({ cases: z.array(CaseView), nextCursor: z.string().nullable() }).openapi('CaseViewPage');

const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).openapi(q('limit', 'Cases per page (1–500, default 50).')),
  cursor: z.string().max(400).optional().openapi(q('cursor', 'Where the previous page ended (its `nextCursor`).')),
};

const listRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/cases',
  operationId: 'listCases',
  tags: ['cases'],
  summary: "A state's cases, page by page",
  description:
    'Filtered and sorted; keyset pagination (`nextCursor`), so cases added meanwhile neither repeat nor go missing. Reading the list is audited (the cases returned).',
  request: {
    params: stateOnly,
    query: z.object({
      ...pageQuery,
      status: status.optional().openapi(q('status', 'Only cases in this status.')),
      priority: priority.optional().openapi(q('priority', 'Only cases of this priority.')),
      category: category.optional().openapi(q('category', 'Only cases with this submission category (primary or secondary).')),
      departure: iso3.optional().openapi(q('departure', 'Only cases departing from this country (ISO 3166-1 alpha-3).')),
      modality: modality.optional().openapi(q('modality', 'Only cases reviewed this way.')),
      pathway: z.enum(PATHWAYS).optional().openapi(q('pathway', 'Only cases on this pathway.')),
      needs: z.enum(NEEDS).optional().openapi(q('needs', 'Only cases with a member who has a specific need of this type.')),
      ref: z.string().trim().min(1).max(64).optional().openapi(q('ref', 'Only cases whose reference contains this (any case).')),
      sort: z
        .enum(CASE_SORTS)
        .default('case_ref')
        .openapi(q('sort', 'Order: by reference (natural: H147 before H1459), status date or priority; `-` for descending.')),
    }),
  },
  responses: { 200: { description: 'A page of cases.', content: { 'application/json': { schema: CasePage } } }, ...errorResponses() },
});

const getRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/cases/{ref}',
  operationId: 'getCase',
  tags: ['cases'],
  summary: 'One case: household, needs, history',
  description: 'In the fields the caller’s role sees (a Member State officer: all). Reading it is audited.',
  request: { params: oneCase },
  responses: {
    200: { description: 'The case.', headers: etagHeader, content: { 'application/json': { schema: CaseView } } },
    ...errorResponses(404),
  },
});

const historyRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/cases/{ref}/history',
  operationId: 'getCaseHistory',
  tags: ['cases'],
  summary: 'The history of a case: every move, who made it, when and why',
  request: { params: oneCase },
  responses: {
    200: {
      description: 'Oldest first.',
      headers: etagHeader,
      content: { 'application/json': { schema: z.object({ history: z.array(CaseEvent) }).openapi('CaseHistory') } },
    },
    ...errorResponses(404),
  },
});

const Transition = z
  .object({
    action: z.enum([...STAGES, 'hold', 'resume', 'withdraw']).openapi({ description: 'A stage to advance to, or hold, resume, withdraw.' }),
    on: isoDate.optional().openapi({ description: 'The day it happened; default today.' }),
    reason: z.string().min(1).max(2000).optional().openapi({ description: 'Why (needed to reject, defer, hold or withdraw).' }),
    modality: modality.optional().openapi({ description: 'How the case was reviewed, or the pre-departure orientation held.' }),
    members: z
      .array(z.string().min(1).max(64))
      .min(1)
      .max(100)
      .optional()
      .openapi({ description: 'A split decision: the members accepted (person references); the others are not.' }),
  })
  .strict()
  .openapi('Transition');

const TransitionResult = z
  .object({
    from: status,
    to: status,
    version: z.number().int(),
    arrived: z.number().int().openapi({ description: 'Persons whose arrival this move recorded.' }),
  })
  .openapi('TransitionResult');

const transitionRoute = createRoute({
  method: 'post',
  path: '/api/states/{state}/cases/{ref}/transitions',
  operationId: 'transitionCase',
  tags: ['cases'],
  summary: 'Move a case: to a stage, or hold, resume, withdraw',
  description:
    'The stage rules decide (a refused move: 400 with what is possible now). If-Match: the case’s ETag as read; a case changed since: 412.',
  request: {
    params: oneCase,
    headers: z.object({ 'Idempotency-Key': idempotencyHeader, 'If-Match': ifMatchHeader }),
    body: { required: true, content: { 'application/json': { schema: Transition } } },
  },
  responses: {
    200: {
      description: 'The move made; the case’s new ETag.',
      headers: etagHeader,
      content: { 'application/json': { schema: TransitionResult } },
    },
    ...errorResponses(404, 409, 412, 422, 428),
  },
});

const BulkBody = (reasonRequired: boolean) =>
  z
    .object({
      reason: reasonRequired ? z.string().min(1).max(2000) : z.string().min(1).max(2000).optional(),
      on: isoDate.optional().openapi({ description: 'The day it happened; default today.' }),
      countryOfDeparture: iso3.optional().openapi({ description: 'Only the cases departing from this country (ISO 3166-1 alpha-3).' }),
    })
    .strict();

const BulkResult = z
  .object({ byState: z.record(z.string(), z.number().int()), total: z.number().int() })
  .openapi('BulkResult', { description: 'Cases moved, per state and in all.' });

const bulkRoute = (action: 'hold' | 'resume') =>
  createRoute({
    method: 'post',
    path: `/api/states/{state}/cases/${action}`,
    operationId: action === 'hold' ? 'holdCases' : 'resumeCases',
    tags: ['cases'],
    summary:
      action === 'hold'
        ? "Put a state's cases on hold (before departure)"
        : "Resume a state's cases on hold, each at the stage it was held from",
    description:
      'Acts on every case of the scope as it stands (each gets a line in its history and a new version), so it takes no If-Match; the Idempotency-Key makes a retry safe.',
    request: {
      params: stateOnly,
      headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
      body: {
        required: true,
        content: { 'application/json': { schema: BulkBody(action === 'hold').openapi(action === 'hold' ? 'HoldCases' : 'ResumeCases') } },
      },
    },
    responses: {
      200: { description: 'Cases moved.', content: { 'application/json': { schema: BulkResult } } },
      ...errorResponses(409, 422),
    },
  });
const holdRoute = bulkRoute('hold');
const resumeRoute = bulkRoute('resume');

const referralsRoute = createRoute({
  method: 'get',
  path: '/api/referrals',
  operationId: 'listReferrals',
  tags: ['partners'],
  summary: "A referral partner's referrals: where each stands",
  request: { query: z.object(pageQuery) },
  responses: {
    200: {
      description: 'A page of referrals, in the fields a referral partner sees.',
      content: { 'application/json': { schema: ViewPage } },
    },
    ...errorResponses(),
  },
});

const householdsRoute = createRoute({
  method: 'get',
  path: '/api/households',
  operationId: 'listHouseholds',
  tags: ['partners'],
  summary: 'The households a sponsor supports',
  description: 'Each in the fields of the phases the sponsor supports it in (`phases`).',
  request: { query: z.object(pageQuery) },
  responses: { 200: { description: 'A page of households.', content: { 'application/json': { schema: ViewPage } } }, ...errorResponses() },
});

/** The API's answer where a state has no case of that reference. */
const caseNotFound = (stateCode: string, caseRef: string) => appError(ErrorCode.NotFound, 'caseNotFoundIn', { p1: caseRef, p2: stateCode });

/** The case a path names, as the caller's scope sees it, after the `readCase` policy; 404 where none. */
async function readableCase(db: Executor, p: Principal, stateCode: string, caseRef: string) {
  const resource = await caseResource(db, stateCode, caseRef);
  if (!resource) throw caseNotFound(stateCode, caseRef);
  authorize(policies.readCase, p, resource);
  const phases = resource.supporters.find((s) => s.organisation === p.organisation)?.phases ?? [];
  return { ...resource, phases };
}

export function casesRoutes(database: Database) {
  const app = router();

  app.openapi(listRoute, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    authorize(policies.listCases, p, { stateCode: state });
    const { limit, cursor, sort, departure, ...filters } = c.req.valid('query');
    const page = await inScope(database.db, p, (tx) =>
      listCasePage({ db: tx, actor: p, stateCode: state, limit, cursor, sort, filters: { ...filters, countryOfDeparture: departure } }),
    );
    return c.json(page, 200);
  });

  app.openapi(getRoute, async (c) => {
    const p = principalOf(c);
    const { state, ref } = c.req.valid('param');
    const { view, etag } = await inScope(database.db, p, async (tx) => {
      // The operator and the state's officers may read every case of the state, in every field
      // (`readsEveryCaseOf`): for them the case is read at once, by its reference, with no lookup before
      // (one round trip fewer). Others have it looked up first, for the `readCase` policy and their phases.
      const r = readsEveryCaseOf(p, state) ? null : await readableCase(tx, p, state, ref);
      const phases = r?.phases ?? [];
      const detail = await getCase({
        db: tx,
        actor: p,
        stateCode: state,
        caseRef: ref,
        ...(r ? { caseId: r.id } : {}),
        shown: shownFields(caseFieldsFor(p, phases), true),
        notFound: () => caseNotFound(state, ref),
      });
      return { view: presentCase(p, detail, phases), etag: caseEtag(detail.id, detail.version) };
    });
    c.header('etag', etag);
    return c.json(view, 200);
  });

  app.openapi(historyRoute, async (c) => {
    const p = principalOf(c);
    const { state, ref } = c.req.valid('param');
    const { history, etag } = await inScope(database.db, p, async (tx) => {
      // As for the case itself: the operator and the state's officers need no lookup before the read.
      // Their case (for the ETag) and its history go out together; a missing case undoes the line.
      const looked = readsEveryCaseOf(p, state) ? null : await readableCase(tx, p, state, ref);
      if (looked && !caseFieldsFor(p, looked.phases).history)
        throw appError(ErrorCode.Forbidden, 'forbidden', { policy: 'readCaseHistory', role: p.role });
      const [r, rows] = await Promise.all([
        looked ?? caseResource(tx, state, ref),
        caseHistory({ db: tx, actor: p, stateCode: state, caseRef: ref, ...(looked ? { caseId: looked.id } : {}) }),
      ]);
      if (!r) throw caseNotFound(state, ref);
      return { history: rows, etag: caseEtag(r.id, r.version) };
    });
    c.header('etag', etag);
    return c.json({ history }, 200);
  });

  // The key is claimed, the case moved and the answer kept in one transaction (issue 17).
  app.openapi({ ...transitionRoute, middleware: [idempotency(database, { inChange: true })] }, async (c) => {
    const p = principalOf(c);
    const { state, ref } = c.req.valid('param');
    authorize(policies.changeCase, p, { stateCode: state });
    const tags = requireIfMatch(c);
    const body = c.req.valid('json');
    // The route's 200 answer, as JSON text: the copy kept for a replay is the one sent (a replay, or
    // the key's 409 or 422, is answered from there too).
    const answer = await inIdempotentScope(c, database, p, async (tx) => {
      const { caseId, ...moved } = await advanceCase({
        db: tx,
        actor: p,
        stateCode: state,
        caseRef: ref,
        action: parseAction(body.action),
        reason: body.reason ?? null,
        modality: body.modality ?? null,
        on: body.on,
        expectedVersion: (id) => caseVersionOf(tags, id),
        ...(body.members ? { acceptedMembers: body.members } : {}),
      });
      return {
        status: 200,
        body: JSON.stringify(moved),
        headers: { 'content-type': 'application/json', etag: caseEtag(caseId, moved.version) },
      };
    });
    return answer as never;
  });

  for (const [route, action] of [
    [holdRoute, 'hold'],
    [resumeRoute, 'resume'],
  ] as const) {
    app.openapi({ ...route, middleware: [idempotency(database)] }, async (c) => {
      const p = principalOf(c);
      const { state } = c.req.valid('param');
      const body = c.req.valid('json');
      const on = body.on ?? new Date().toISOString().slice(0, 10);
      const scope = { stateCode: state, countryOfDeparture: body.countryOfDeparture };
      const result = await inScope(database.db, p, (tx) =>
        action === 'hold'
          ? holdCases({ db: tx, actor: p, scope, reason: body.reason ?? '', on })
          : resumeCases({ db: tx, actor: p, scope, reason: body.reason, on }),
      );
      return c.json(result, 200);
    });
  }

  app.openapi(referralsRoute, async (c) => {
    const p = principalOf(c);
    const { limit, cursor } = c.req.valid('query');
    return c.json(await inScope(database.db, p, (tx) => listReferrals({ db: tx, actor: p, limit, cursor })), 200);
  });

  app.openapi(householdsRoute, async (c) => {
    const p = principalOf(c);
    const { limit, cursor } = c.req.valid('query');
    return c.json(await inScope(database.db, p, (tx) => listHouseholds({ db: tx, actor: p, limit, cursor })), 200);
  });

  return app;
}
