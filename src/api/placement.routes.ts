import { createRoute, z } from '@hono/zod-openapi';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { PLACE_KINDS_DB, checkPlaces, jsonPlaceRecords } from '../placement/places.ts';
import {
  changePlace,
  decide,
  getRun,
  importPlaces,
  listPlacements,
  listPlaces,
  listRuns,
  prepareSolver,
  startRun,
} from '../placement/placement.service.ts';
import { TIME_LIMIT } from '../placement/decision.ts';
import { errorResponses } from './errors.ts';
import { etagHeader, ifMatchHeader, requireIfMatch } from './etag.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { rowEtag, rowVersionOf } from './programmes.routes.ts';
import { principalOf, router } from './router.ts';
import { roundId, stateParam } from './schemas.ts';

/**
 * Placement (issue 8): a state's receiving places, the optimiser's runs as jobs (202, then progress
 * and result by GET), the caseworker's decisions on a proposal and the current placements. A state's
 * officers only (`planPlacement`); reads and writes of households audited.
 */
const tags = ['placement'];
const idParam = z.coerce
  .number()
  .int()
  .positive()
  .openapi({ param: { name: 'id', in: 'path' }, example: 1 });
const stateOnly = z.object({ state: stateParam });
const oneRecord = z.object({ state: stateParam, id: idParam });
const dims = z.object({
  persons: z.number(),
  housingUnits: z.number(),
  schoolPlaces: z.number(),
  medicalSlots: z.number(),
  languageSupport: z.number(),
});

const Place = z
  .object({
    id: z.number().int(),
    stateCode: z.string(),
    code: z.string(),
    name: z.string(),
    kind: z.enum(PLACE_KINDS_DB),
    capacity: dims,
    profile: z.object({
      employmentRate: z.number(),
      languages: z.array(z.string()),
      communities: z.array(z.string()).optional(),
      sponsor: z.string().optional(),
    }),
    version: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('PlacementPlace', { description: 'A receiving place: capacity per dimension and the profile the score model reads.' });

const PlaceValues = z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string()), z.record(z.string(), z.unknown())]));

const Progress = z
  .object({ phase: z.string(), message: z.string(), seconds: z.number(), objective: z.number().optional(), bound: z.number().optional() })
  .openapi('PlacementProgress');
const Alternative = z.object({
  place: z.string(),
  score: z.number(),
  by: z.enum(['tie', 'link', 'capacity', 'price']),
  dimension: z.string().optional(),
  free: z.number().optional(),
  need: z.number().optional(),
  pricedValue: z.number().optional(),
});
const Result = z
  .object({
    dimensions: z.array(z.string()),
    places: z.array(
      z.object({ id: z.number().int(), code: z.string(), name: z.string(), kind: z.string(), capacity: z.array(z.number()) }),
    ),
    households: z.array(
      z.object({
        ref: z.string(),
        caseId: z.number().int(),
        size: z.array(z.number()),
        penalty: z.number(),
        links: z.array(z.string()),
        tie: z.string().nullable(),
        scores: z.record(z.string(), z.number()),
      }),
    ),
    assignment: z.record(z.string(), z.string().nullable()),
    objective: z.number(),
    bound: z.number(),
    gap: z.number(),
    optimal: z.boolean(),
    prices: z.array(z.number()),
    certificate: z.object({ valid: z.boolean(), feasible: z.boolean(), provenBound: z.number(), violations: z.array(z.string()) }),
    binding: z.array(z.object({ place: z.string(), dimension: z.string(), used: z.number(), capacity: z.number(), price: z.number() })),
    explanations: z.array(
      z.object({
        household: z.string(),
        place: z.string().nullable(),
        value: z.number(),
        tied: z.boolean(),
        linkedWith: z.array(z.string()),
        alternatives: z.array(Alternative),
        incompatible: z.number().int(),
      }),
    ),
    unplaced: z.array(z.object({ ref: z.string(), penalty: z.number() })),
    ms: z.number(),
  })
  .openapi('PlacementResult', {
    description:
      'The proposal with the instance it was solved on, its LP bound and gap (checked by the certificate), the binding capacities and each household’s why.',
  });
const Run = z
  .object({
    id: z.number().int(),
    stateCode: z.string(),
    roundId: z.string(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    timeLimitSeconds: z.number().int(),
    progress: Progress.nullable(),
    result: Result.nullable(),
    error: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('PlacementRun');
const Placement = z
  .object({
    id: z.number().int(),
    caseRef: z.string(),
    placeId: z.number().int(),
    placeCode: z.string(),
    placeName: z.string(),
    runId: z.number().int().nullable(),
    proposedPlaceCode: z.string().nullable(),
    score: z.number().nullable(),
    costOfChange: z.number().nullable(),
    reason: z.string().nullable(),
    decidedBy: z.string(),
    decidedAt: z.string(),
  })
  .openapi('Placement', {
    description: 'A confirmed placement: who decided, the place proposed, the cost of a change against the proposal.',
  });

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { 'application/json': { schema } } });

const listPlacesRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/placement/places',
  operationId: 'listPlacementPlaces',
  tags,
  summary: 'A state’s receiving places with their capacities',
  request: { params: stateOnly },
  responses: { 200: json(z.object({ places: z.array(Place) }).openapi('PlacementPlaces'), 'By code.'), ...errorResponses() },
});

const importPlacesRoute = createRoute({
  method: 'post',
  path: '/api/states/{state}/placement/places',
  operationId: 'importPlacementPlaces',
  tags,
  summary: 'Add or change receiving places by code, all or none',
  description:
    'Each place: code, name, kind, the five capacities (persons, housingUnits, schoolPlaces, medicalSlots, languageSupport) and optionally employmentRate, languages, communities, sponsor (a sponsor group’s approved or active sponsor). A problem in any row refuses them all (400, row by row).',
  request: {
    params: stateOnly,
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({ places: z.array(PlaceValues).min(1).max(5000) })
            .strict()
            .openapi('PlacementPlacesIn'),
        },
      },
    },
  },
  responses: {
    200: json(
      z.object({ created: z.number().int(), changed: z.number().int() }).openapi('PlacementPlacesImported'),
      'How many were added and changed.',
    ),
    ...errorResponses(409, 422),
  },
});

const changePlaceRoute = createRoute({
  method: 'put',
  path: '/api/states/{state}/placement/places/{id}',
  operationId: 'changePlacementPlace',
  tags,
  summary: 'Change a receiving place (name, kind, capacities, profile); its code stays',
  request: {
    params: oneRecord,
    headers: z.object({ 'If-Match': ifMatchHeader }),
    body: { required: true, content: { 'application/json': { schema: PlaceValues.openapi('PlacementPlaceChange') } } },
  },
  responses: { 200: { ...json(Place, 'The place as changed.'), headers: etagHeader }, ...errorResponses(404, 412, 422, 428) },
});

const listRunsRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/placement/runs',
  operationId: 'listPlacementRuns',
  tags,
  summary: 'A state’s latest placement runs (without their results)',
  request: { params: stateOnly },
  responses: { 200: json(z.object({ runs: z.array(Run) }).openapi('PlacementRuns'), 'Newest first.'), ...errorResponses() },
});

const startRunRoute = createRoute({
  method: 'post',
  path: '/api/states/{state}/placement/runs',
  operationId: 'startPlacementRun',
  tags,
  summary: 'Start the optimiser on a round’s accepted households not yet placed (a job)',
  description:
    'Answers 202 at once; the solve runs in a worker thread within the time limit. Read the run for its progress and, when done, its proposal. One run at a time per state (409).',
  request: {
    params: stateOnly,
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              round: roundId,
              timeLimitSeconds: z.number().int().min(TIME_LIMIT.min).max(TIME_LIMIT.max).default(TIME_LIMIT.default),
            })
            .strict()
            .openapi('PlacementRunStart'),
        },
      },
    },
  },
  responses: { 202: json(Run, 'The run, started.'), ...errorResponses(404, 409, 422) },
});

const getRunRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/placement/runs/{id}',
  operationId: 'getPlacementRun',
  tags,
  summary: 'A placement run: status, progress, and its proposal with the certificate',
  description: 'Audited when it carries a proposal.',
  request: { params: oneRecord },
  responses: { 200: json(Run, 'The run.'), ...errorResponses(404) },
});

const decideRoute = createRoute({
  method: 'post',
  path: '/api/states/{state}/placement/runs/{id}/decisions',
  operationId: 'decidePlacements',
  tags,
  summary: 'Confirm households at the proposed place or another; each change carries its cost against the proposal',
  description:
    'All or none. Refused (422) when the placements would break a capacity, a link, a tie or compatibility. A new decision ends the household’s previous one.',
  request: {
    params: oneRecord,
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z
            .object({
              decisions: z
                .array(
                  z
                    .object({
                      caseRef: z.string().min(1).max(64),
                      place: z.string().min(1).max(64),
                      reason: z.string().max(2000).optional(),
                    })
                    .strict(),
                )
                .min(1)
                .max(10000),
            })
            .strict()
            .openapi('PlacementDecisions'),
        },
      },
    },
  },
  responses: {
    200: json(
      z.object({ placements: z.array(Placement), cost: z.number() }).openapi('PlacementsDecided'),
      'The placements recorded and the objective given up against the proposal.',
    ),
    ...errorResponses(404, 409, 422),
  },
});

const listPlacementsRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/placement/placements',
  operationId: 'listPlacements',
  tags,
  summary: 'A state’s current placements, with who decided',
  description: 'Audited.',
  request: { params: stateOnly },
  responses: { 200: json(z.object({ placements: z.array(Placement) }).openapi('Placements'), 'By case reference.'), ...errorResponses() },
});

export function placementRoutes(database: Database) {
  const app = router();
  app.openapi(listPlacesRoute, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    const places = await inScope(database.db, p, (tx) => listPlaces({ db: tx, actor: p, stateCode: state }));
    return c.json({ places: places as z.infer<typeof Place>[] }, 200);
  });
  app.openapi({ ...importPlacesRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    const { places, problems } = checkPlaces(jsonPlaceRecords(c.req.valid('json').places) ?? []);
    if (problems.length) throw appError(ErrorCode.BadInput, 'placesInvalid', { p1: 'places', p2: problems.length }, problems);
    return c.json(await inScope(database.db, p, (tx) => importPlaces({ db: tx, actor: p, stateCode: state, places, source: 'api' })), 200);
  });
  app.openapi(changePlaceRoute, async (c) => {
    const p = principalOf(c);
    const { state, id } = c.req.valid('param');
    const tags = requireIfMatch(c);
    const place = await inScope(database.db, p, (tx) =>
      changePlace({
        db: tx,
        actor: p,
        stateCode: state,
        id,
        expectedVersion: rowVersionOf('place', tags, id),
        values: c.req.valid('json'),
      }),
    );
    c.header('etag', rowEtag('place', place));
    return c.json(place as z.infer<typeof Place>, 200);
  });
  app.openapi(listRunsRoute, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    const runs = await inScope(database.db, p, (tx) => listRuns({ db: tx, actor: p, stateCode: state }));
    // Whoever lists the runs is about to start one: the solver's threads start now.
    prepareSolver();
    return c.json({ runs }, 200);
  });
  app.openapi({ ...startRunRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    const body = c.req.valid('json');
    const { run, done } = await startRun({
      db: database.db,
      actor: p,
      stateCode: state,
      roundId: body.round,
      timeLimitSeconds: body.timeLimitSeconds,
    });
    done.catch((e: unknown) => console.error(`placement run ${run.id}: ${String(e)}`)); // the run records its own failure; this is the record failing
    return c.json(run, 202);
  });
  app.openapi(getRunRoute, async (c) => {
    const p = principalOf(c);
    const { state, id } = c.req.valid('param');
    return c.json(await inScope(database.db, p, (tx) => getRun({ db: tx, actor: p, stateCode: state, id })), 200);
  });
  app.openapi({ ...decideRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { state, id } = c.req.valid('param');
    return c.json(
      await inScope(database.db, p, (tx) =>
        decide({ db: tx, actor: p, stateCode: state, runId: id, decisions: c.req.valid('json').decisions }),
      ),
      200,
    );
  });
  app.openapi(listPlacementsRoute, async (c) => {
    const p = principalOf(c);
    const { state } = c.req.valid('param');
    return c.json({ placements: await inScope(database.db, p, (tx) => listPlacements({ db: tx, actor: p, stateCode: state })) }, 200);
  });
  return app;
}
