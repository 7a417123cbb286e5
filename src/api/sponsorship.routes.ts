import { createRoute, z } from '@hono/zod-openapi';
import { SPONSOR_PHASES } from '../access/fields.ts';
import { inScope } from '../access/scope.ts';
import { NEEDS } from '../cases/person-row.ts';
import type { Database } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { STATES } from '../reference/state.ts';
import { CRITERION_FIELDS, OPERATORS, ROLE_HOLDERS } from '../sponsorship/criteria.ts';
import {
  createMemorandum,
  createScheme,
  listMemoranda,
  listSchemes,
  memorandumEtag,
  newMemorandumVersion,
  publishSchemeVersion,
  schemeEtag,
} from '../sponsorship/scheme.service.ts';
import { CHECK_RESULTS, CHECKS, SPONSOR_KINDS, SPONSOR_STATUSES } from '../sponsorship/sponsor.ts';
import {
  addSponsorMember,
  createSponsor,
  getSponsor,
  listSponsors,
  moveSponsor,
  recordSponsorCheck,
  sponsorEtag,
} from '../sponsorship/sponsor.service.ts';
import { SPONSORSHIP_STATUSES } from '../sponsorship/sponsorship.ts';
import {
  breakDownSponsorship,
  completeTask,
  endSponsorship,
  getSponsorship,
  listMessages,
  listSponsorships,
  matchSponsorship,
  sendMessage,
  sponsorPortal,
  sponsorshipBreakdowns,
  sponsorshipEtag,
  sponsorTasks,
} from '../sponsorship/sponsorship.service.ts';
import { errorResponses } from './errors.ts';
import { etagHeader, ifMatchHeader, requireIfMatch } from './etag.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { caseRefParam, isoDate, stateParam } from './schemas.ts';

/**
 * Community sponsorship and humanitarian corridors (P 13–18, R 26–30): the state's side (sponsors
 * and their screening, schemes, memoranda, matching, the safety net) and the sponsor's portal (its
 * own record, sponsorships, tasks; the households themselves are `listHouseholds`), with the
 * messages both sides write.
 */

const TAG = 'sponsorship';
const stateCode = z
  .enum(STATES.map((s) => s.code) as [string, ...string[]])
  .openapi({ description: 'The Member State (EU protocol code).', example: 'NL' });
const idParam = (description: string) =>
  z.object({
    id: z.coerce
      .number()
      .int()
      .positive()
      .openapi({ param: { name: 'id', in: 'path' }, description }),
  });
const q = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });
const text = (max: number) => z.string().trim().min(1).max(max);
const phase = z.enum(SPONSOR_PHASES);
const need = z.enum(NEEDS);
const changeHeaders = z.object({ 'Idempotency-Key': idempotencyHeader, 'If-Match': ifMatchHeader });
const postHeaders = z.object({ 'Idempotency-Key': idempotencyHeader });
const json = <T extends z.ZodType>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });
const ok = <T extends z.ZodType>(description: string, schema: T, withEtag = false) => ({
  description,
  ...(withEtag ? { headers: etagHeader } : {}),
  content: { 'application/json': { schema } },
});

/** The version an If-Match names for this resource; 412 when it names another resource or none. */
function versionOf(tags: string[], kind: string, id: number): number {
  for (const tag of tags) {
    const m = new RegExp(`^"${kind}-(\\d+)-v(\\d+)"$`).exec(tag);
    if (m && Number(m[1]) === id) return Number(m[2]);
  }
  throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
}

// ── Schemas ─────────────────────────────────────────────────────────────────────────────────────

const SponsorSummary = z
  .object({
    id: z.number().int(),
    stateCode: z.string(),
    organisation: z.string(),
    kind: z.enum(SPONSOR_KINDS),
    name: z.string(),
    region: z.string(),
    householdSize: z.number().int(),
    needsSupported: z.array(z.string()),
    languages: z.array(z.string()),
    status: z.enum(SPONSOR_STATUSES),
    statusReason: z.string().nullable(),
    version: z.number().int(),
  })
  .openapi('SponsorSummary');
const CheckRecord = z
  .object({ check: z.enum(CHECKS), memberId: z.number().int().nullable(), result: z.enum(CHECK_RESULTS), on: z.string() })
  .openapi('SponsorCheck');
const Sponsor = SponsorSummary.extend({
  contact: z.object({ email: z.string().optional(), phone: z.string().optional(), address: z.string().optional() }),
  members: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      role: z.string(),
      screening: z.enum(['pending', 'cleared', 'refused']),
      screenedOn: z.string().nullable(),
    }),
  ),
  checks: z.array(CheckRecord),
  history: z.array(
    z.object({
      id: z.number().int(),
      kind: z.string(),
      fromStatus: z.string().nullable(),
      toStatus: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
      reason: z.string().nullable(),
      actor: z.string(),
      at: z.string(),
    }),
  ),
}).openapi('Sponsor');

const NewSponsor = z
  .object({
    state: stateCode,
    organisation: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, { message: 'organisation' })
      .openapi({ description: 'The code its portal accounts carry (unique).', example: 'sponsor-utrecht' }),
    kind: z.enum(SPONSOR_KINDS),
    name: text(200),
    contact: z
      .object({ email: z.string().max(200).optional(), phone: z.string().max(50).optional(), address: z.string().max(400).optional() })
      .strict()
      .default({}),
    region: z.string().trim().max(200).default(''),
    householdSize: z.number().int().min(1).max(30),
    needsSupported: z.array(need).max(NEEDS.length).default([]),
    languages: z
      .array(z.string().regex(/^[a-z]{2,3}$/, { message: 'language' }))
      .max(20)
      .default([]),
  })
  .strict()
  .openapi('NewSponsor');

const NewMember = z
  .object({ name: text(200), role: z.string().trim().min(1).max(60).default('member') })
  .strict()
  .openapi('NewSponsorMember');
const NewCheck = z
  .object({
    check: z.enum(CHECKS),
    memberId: z.number().int().positive().nullable().default(null),
    result: z.enum(CHECK_RESULTS),
    on: isoDate,
    note: z.string().max(1000).optional(),
  })
  .strict()
  .openapi('NewSponsorCheck');
const SponsorMove = z
  .object({ to: z.enum(SPONSOR_STATUSES), reason: z.string().trim().max(2000).optional() })
  .strict()
  .openapi('SponsorMove');

const Criterion = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, { message: 'code' })
      .openapi({ example: 'size' }),
    label: text(300),
    field: z.enum(CRITERION_FIELDS).optional(),
    operator: z.enum(OPERATORS).optional(),
    value: z.union([z.string().max(200), z.number(), z.array(z.union([z.string().max(200), z.number()])).max(50)]).optional(),
  })
  .strict()
  .openapi('SchemeCriterion');
const Roles = z
  .object(
    Object.fromEntries(SPONSOR_PHASES.map((p) => [p, z.enum(ROLE_HOLDERS)])) as Record<
      (typeof SPONSOR_PHASES)[number],
      z.ZodEnum<{ state: 'state'; sponsor: 'sponsor'; shared: 'shared' }>
    >,
  )
  .strict()
  .openapi('SchemeRoles');
const SchemeVersion = z
  .object({ version: z.number().int(), criteria: z.array(Criterion), roles: Roles, publishedAt: z.string(), publishedBy: z.string() })
  .openapi('SchemeVersion');
const Scheme = z
  .object({
    id: z.number().int(),
    stateCode: z.string(),
    programmeId: z.number().int().nullable(),
    code: z.string(),
    title: z.string(),
    version: z.number().int(),
    versions: z.array(SchemeVersion),
  })
  .openapi('Scheme');
const NewScheme = z
  .object({
    state: stateCode,
    code: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, { message: 'code' })
      .openapi({ example: 'CS-2026' }),
    title: text(200),
    programmeId: z.number().int().positive().nullable().default(null),
    criteria: z.array(Criterion).max(50),
    roles: Roles,
  })
  .strict()
  .openapi('NewScheme');
const NewSchemeVersion = z
  .object({ criteria: z.array(Criterion).max(50), roles: Roles })
  .strict()
  .openapi('NewSchemeVersion');
const MemorandumBody = {
  title: text(200),
  schemeId: z.number().int().positive().nullable().default(null),
  parties: z
    .array(
      z
        .object({ name: text(200), role: z.enum(['state', 'sponsor', 'other']), sponsorId: z.number().int().positive().optional() })
        .strict(),
    )
    .min(1)
    .max(50),
  signedOn: isoDate.nullable().default(null),
  validFrom: isoDate,
  validTo: isoDate.nullable().default(null),
  places: z.number().int().min(0).nullable().default(null),
  costsBorne: z
    .array(
      z
        .object({
          item: z.enum(['travel', 'reception', 'housing', 'subsistence', 'integration', 'language', 'health', 'other']),
          note: z.string().max(300).optional(),
        })
        .strict(),
    )
    .max(20)
    .default([]),
  note: z.string().max(2000).default(''),
};
const NewMemorandum = z
  .object({
    state: stateCode,
    code: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, { message: 'code' })
      .openapi({ example: 'HC-2026' }),
    ...MemorandumBody,
  })
  .strict()
  .openapi('NewMemorandum');
const NewMemorandumVersion = z.object(MemorandumBody).strict().openapi('NewMemorandumVersion');
const MemorandumVersion = z
  .object({
    id: z.number().int(),
    version: z.number().int(),
    title: z.string(),
    schemeId: z.number().int().nullable(),
    parties: z.array(z.object({ name: z.string(), role: z.string(), sponsorId: z.number().int().optional() })),
    signedOn: z.string().nullable(),
    validFrom: z.string(),
    validTo: z.string().nullable(),
    places: z.number().int().nullable(),
    costsBorne: z.array(z.object({ item: z.string(), note: z.string().optional() })),
    note: z.string(),
    recordedBy: z.string(),
    recordedAt: z.string(),
    changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
  })
  .openapi('MemorandumVersion');
const Memorandum = z.object({ code: z.string(), stateCode: z.string(), versions: z.array(MemorandumVersion) }).openapi('Memorandum');

const Task = z
  .object({
    id: z.number().int(),
    phase: z.string(),
    task: z.string(),
    holder: z.enum(['sponsor', 'state']),
    doneAt: z.string().nullable(),
    doneBy: z.string().nullable(),
  })
  .openapi('SponsorshipTask');
const SponsorshipSummary = z
  .object({
    id: z.number().int(),
    stateCode: z.string(),
    sponsorId: z.number().int(),
    sponsorName: z.string(),
    organisation: z.string(),
    caseRef: z.string(),
    schemeId: z.number().int().nullable(),
    schemeVersion: z.number().int().nullable(),
    phases: z.array(z.string()),
    status: z.enum(SPONSORSHIP_STATUSES),
    matchedOn: z.string(),
    endedOn: z.string().nullable(),
    endReason: z.string().nullable(),
    safetyNet: z.object({ phases: z.array(z.string()), note: z.string().optional() }).nullable(),
    version: z.number().int(),
  })
  .openapi('SponsorshipSummary');
const Sponsorship = SponsorshipSummary.extend({ roles: Roles.nullable(), tasks: z.array(Task) }).openapi('Sponsorship');
const NewSponsorship = z
  .object({
    state: stateCode,
    sponsorId: z.number().int().positive(),
    caseRef: caseRefParam.openapi({ param: undefined, description: 'The household (case reference).', example: 'NL-2020-0042' }),
    schemeId: z.number().int().positive(),
    override: z
      .object({ reason: text(2000) })
      .strict()
      .optional()
      .openapi({ description: 'Match despite a household too large or needs not supported, for this reason (recorded).' }),
  })
  .strict()
  .openapi('NewSponsorship');
const Breakdown = z
  .object({
    reason: text(2000),
    phases: z
      .array(phase)
      .min(1)
      .max(SPONSOR_PHASES.length)
      .optional()
      .openapi({ description: 'The phases the state takes over; default all the sponsorship’s.' }),
    note: z.string().max(2000).optional(),
  })
  .strict()
  .openapi('SponsorshipBreakdown');
const EndBody = z
  .object({ reason: text(2000) })
  .strict()
  .openapi('SponsorshipEnd');
const Breakdowns = z
  .object({
    counts: z.array(z.object({ stateCode: z.string(), active: z.number().int(), ended: z.number().int(), brokenDown: z.number().int() })),
    breakdowns: z.array(SponsorshipSummary),
  })
  .openapi('SponsorshipBreakdowns');
const Message = z
  .object({ id: z.number().int(), side: z.enum(['sponsor', 'state']), author: z.string(), body: z.string(), at: z.string() })
  .openapi('SponsorshipMessage');
const NewMessage = z
  .object({ body: text(4000) })
  .strict()
  .openapi('NewSponsorshipMessage');
const Portal = z
  .object({
    sponsor: z
      .object({
        id: z.number().int(),
        name: z.string(),
        kind: z.string(),
        status: z.string(),
        region: z.string(),
        householdSize: z.number().int(),
        needsSupported: z.array(z.string()),
        languages: z.array(z.string()),
      })
      .nullable(),
    sponsorships: z.array(
      z.object({
        id: z.number().int(),
        stateCode: z.string(),
        caseRef: z.string(),
        phases: z.array(z.string()),
        roles: Roles.nullable(),
        matchedOn: z.string(),
      }),
    ),
  })
  .openapi('SponsorPortal');
const PortalTask = Task.extend({ sponsorshipId: z.number().int(), caseRef: z.string() }).openapi('SponsorPortalTask');

// ── Operations ──────────────────────────────────────────────────────────────────────────────────

const r = {
  listSponsors: createRoute({
    method: 'get',
    path: '/api/states/{state}/sponsors',
    operationId: 'listSponsors',
    tags: [TAG],
    summary: "A state's sponsors",
    request: {
      params: z.object({ state: stateParam }),
      query: z.object({ status: z.enum(SPONSOR_STATUSES).optional().openapi(q('status', 'Only sponsors in this status.')) }),
    },
    responses: {
      200: ok('By name. Reading the list is audited.', z.object({ sponsors: z.array(SponsorSummary) }).openapi('SponsorList')),
      ...errorResponses(),
    },
  }),
  createSponsor: createRoute({
    method: 'post',
    path: '/api/sponsors',
    operationId: 'createSponsor',
    tags: [TAG],
    summary: "Record a sponsor's application (status applied)",
    description: 'An individual, a group, a non-profit or a faith-based organisation (P 13, R 28).',
    request: { headers: postHeaders, body: json(NewSponsor) },
    responses: { 201: ok('The sponsor.', Sponsor, true), ...errorResponses(409, 422) },
  }),
  getSponsor: createRoute({
    method: 'get',
    path: '/api/sponsors/{id}',
    operationId: 'getSponsor',
    tags: [TAG],
    summary: 'A sponsor: members, checks, history',
    request: { params: idParam('The sponsor.') },
    responses: { 200: ok('The sponsor. Reading it is audited.', Sponsor, true), ...errorResponses(404) },
  }),
  addSponsorMember: createRoute({
    method: 'post',
    path: '/api/sponsors/{id}/roster',
    operationId: 'addSponsorMember',
    tags: [TAG],
    summary: 'Add a member to the sponsor’s roster, to be screened',
    request: { params: idParam('The sponsor.'), headers: changeHeaders, body: json(NewMember) },
    responses: { 200: ok('The sponsor.', Sponsor, true), ...errorResponses(404, 409, 412, 422, 428) },
  }),
  recordSponsorCheck: createRoute({
    method: 'post',
    path: '/api/sponsors/{id}/checks',
    operationId: 'recordSponsorCheck',
    tags: [TAG],
    summary: 'Record a check of the sponsor or of a member, with its result and date',
    description:
      'Identity, criminal record and safeguarding are checks of a member (`memberId`); financial capacity, housing and training of the sponsor (P 15, R 30).',
    request: { params: idParam('The sponsor.'), headers: changeHeaders, body: json(NewCheck) },
    responses: { 200: ok('The sponsor.', Sponsor, true), ...errorResponses(404, 409, 412, 422, 428) },
  }),
  moveSponsor: createRoute({
    method: 'post',
    path: '/api/sponsors/{id}/status',
    operationId: 'moveSponsor',
    tags: [TAG],
    summary: 'Move a sponsor: screened, approved, active, suspended, ended',
    description:
      'Screened needs every member screened; approved every member cleared and the checks passed; suspending or ending needs a reason. A refused move: 409 with why.',
    request: { params: idParam('The sponsor.'), headers: changeHeaders, body: json(SponsorMove) },
    responses: { 200: ok('The sponsor.', Sponsor, true), ...errorResponses(404, 409, 412, 422, 428) },
  }),
  listSchemes: createRoute({
    method: 'get',
    path: '/api/states/{state}/schemes',
    operationId: 'listSchemes',
    tags: [TAG],
    summary: "A state's sponsorship schemes, each with every published version",
    request: { params: z.object({ state: stateParam }) },
    responses: { 200: ok('By code.', z.object({ schemes: z.array(Scheme) }).openapi('SchemeList')), ...errorResponses() },
  }),
  createScheme: createRoute({
    method: 'post',
    path: '/api/schemes',
    operationId: 'createScheme',
    tags: [TAG],
    summary: 'Publish a new scheme (version 1): its selection criteria and roles per phase',
    description:
      'A criterion that selects on a protected characteristic (Charter art. 21) is refused (422; `details.criteria`: each criterion, the characteristic, the article); every phase needs a role, and selection is never the sponsor’s alone.',
    request: { headers: postHeaders, body: json(NewScheme) },
    responses: { 201: ok('The scheme.', Scheme, true), ...errorResponses(409, 422) },
  }),
  publishSchemeVersion: createRoute({
    method: 'post',
    path: '/api/schemes/{id}/versions',
    operationId: 'publishSchemeVersion',
    tags: [TAG],
    summary: 'Publish a new version of a scheme (the old stay readable)',
    request: { params: idParam('The scheme.'), headers: changeHeaders, body: json(NewSchemeVersion) },
    responses: { 200: ok('The scheme.', Scheme, true), ...errorResponses(404, 409, 412, 422, 428) },
  }),
  listMemoranda: createRoute({
    method: 'get',
    path: '/api/states/{state}/memoranda',
    operationId: 'listMemoranda',
    tags: [TAG],
    summary: "A state's memoranda of understanding, with every version and what each changed",
    request: { params: z.object({ state: stateParam }) },
    responses: {
      200: ok('By code; versions newest first.', z.object({ memoranda: z.array(Memorandum) }).openapi('MemorandumList')),
      ...errorResponses(),
    },
  }),
  createMemorandum: createRoute({
    method: 'post',
    path: '/api/memoranda',
    operationId: 'createMemorandum',
    tags: [TAG],
    summary: 'Record a memorandum of understanding (version 1)',
    description: 'Humanitarian corridors (R 28): the parties, dates, places, the costs the sponsors bear.',
    request: { headers: postHeaders, body: json(NewMemorandum) },
    responses: { 201: ok('The memorandum.', Memorandum, true), ...errorResponses(409, 422) },
  }),
  newMemorandumVersion: createRoute({
    method: 'post',
    path: '/api/memoranda/{id}/versions',
    operationId: 'newMemorandumVersion',
    tags: [TAG],
    summary: 'Record a new version of a memorandum (the previous stay)',
    request: { params: idParam('The latest version of the memorandum.'), headers: changeHeaders, body: json(NewMemorandumVersion) },
    responses: { 200: ok('The memorandum, with what the version changed.', Memorandum, true), ...errorResponses(404, 409, 412, 422, 428) },
  }),
  matchSponsorship: createRoute({
    method: 'post',
    path: '/api/sponsorships',
    operationId: 'matchSponsorship',
    tags: [TAG],
    summary: 'Match a sponsor to a household',
    description:
      'The sponsor approved or active; the household of the state, on community sponsorship, resettlement or humanitarian admission; its phases from the scheme’s roles. A household larger than the sponsor can take, or with needs it does not support: 409 with why, unless `override` gives a reason.',
    request: { headers: postHeaders, body: json(NewSponsorship) },
    responses: { 201: ok('The sponsorship, with its tasks.', Sponsorship, true), ...errorResponses(404, 409, 422) },
  }),
  listSponsorships: createRoute({
    method: 'get',
    path: '/api/states/{state}/sponsorships',
    operationId: 'listSponsorships',
    tags: [TAG],
    summary: "A state's sponsorships",
    request: {
      params: z.object({ state: stateParam }),
      query: z.object({
        status: z.enum(SPONSORSHIP_STATUSES).optional().openapi(q('status', 'Only sponsorships in this status.')),
        sponsor: z.coerce.number().int().positive().optional().openapi(q('sponsor', 'Only this sponsor’s.')),
      }),
    },
    responses: {
      200: ok(
        'Newest first. Reading the list is audited.',
        z.object({ sponsorships: z.array(SponsorshipSummary) }).openapi('SponsorshipList'),
      ),
      ...errorResponses(),
    },
  }),
  sponsorshipBreakdowns: createRoute({
    method: 'get',
    path: '/api/sponsorships/breakdowns',
    operationId: 'sponsorshipBreakdowns',
    tags: [TAG],
    summary: 'Sponsorships that broke down: counts per state, and a state’s own with reasons',
    description:
      'A state’s officer: its own breakdowns with their reasons and its counts. The Commission: the counts of every state (no household).',
    responses: { 200: ok('Counts and breakdowns.', Breakdowns), ...errorResponses() },
  }),
  getSponsorship: createRoute({
    method: 'get',
    path: '/api/sponsorships/{id}',
    operationId: 'getSponsorship',
    tags: [TAG],
    summary: 'A sponsorship: phases, who does what, tasks',
    request: { params: idParam('The sponsorship.') },
    responses: { 200: ok('The sponsorship. Reading it is audited.', Sponsorship, true), ...errorResponses(404) },
  }),
  breakDownSponsorship: createRoute({
    method: 'post',
    path: '/api/sponsorships/{id}/breakdown',
    operationId: 'breakDownSponsorship',
    tags: [TAG],
    summary: 'Record a breakdown: the state takes over (safety net)',
    description:
      'The sponsor loses sight of the household at once; its open tasks of the phases taken over become the state’s; the case keeps its stage (P 15).',
    request: { params: idParam('The sponsorship.'), headers: changeHeaders, body: json(Breakdown) },
    responses: { 200: ok('The sponsorship.', Sponsorship, true), ...errorResponses(404, 409, 412, 422, 428) },
  }),
  endSponsorship: createRoute({
    method: 'post',
    path: '/api/sponsorships/{id}/end',
    operationId: 'endSponsorship',
    tags: [TAG],
    summary: 'End a sponsorship that ran its course',
    request: { params: idParam('The sponsorship.'), headers: changeHeaders, body: json(EndBody) },
    responses: { 200: ok('The sponsorship.', Sponsorship, true), ...errorResponses(404, 409, 412, 422, 428) },
  }),
  listSponsorshipMessages: createRoute({
    method: 'get',
    path: '/api/sponsorships/{id}/messages',
    operationId: 'listSponsorshipMessages',
    tags: [TAG],
    summary: 'The messages of a sponsorship (both sides, P 17)',
    request: { params: idParam('The sponsorship.') },
    responses: {
      200: ok('Oldest first.', z.object({ messages: z.array(Message) }).openapi('SponsorshipMessages')),
      ...errorResponses(404),
    },
  }),
  sendSponsorshipMessage: createRoute({
    method: 'post',
    path: '/api/sponsorships/{id}/messages',
    operationId: 'sendSponsorshipMessage',
    tags: [TAG],
    summary: 'Write a message on a sponsorship',
    description: 'Added to the thread (nothing is changed, so no If-Match).',
    request: { params: idParam('The sponsorship.'), headers: postHeaders, body: json(NewMessage) },
    responses: { 201: ok('The message.', Message), ...errorResponses(404, 409, 422) },
  }),
  sponsorPortal: createRoute({
    method: 'get',
    path: '/api/sponsor',
    operationId: 'sponsorPortal',
    tags: [TAG],
    summary: "A sponsor's own record and active sponsorships, with who does what",
    responses: { 200: ok('Its record (null if the state has not recorded it) and sponsorships.', Portal), ...errorResponses() },
  }),
  listSponsorTasks: createRoute({
    method: 'get',
    path: '/api/sponsor/tasks',
    operationId: 'listSponsorTasks',
    tags: [TAG],
    summary: "The tasks of a sponsor's active sponsorships",
    responses: {
      200: ok('Its own and the state’s.', z.object({ tasks: z.array(PortalTask) }).openapi('SponsorTasks')),
      ...errorResponses(),
    },
  }),
  completeSponsorTask: createRoute({
    method: 'post',
    path: '/api/sponsor/tasks/{id}/done',
    operationId: 'completeSponsorTask',
    tags: [TAG],
    summary: 'Mark one of its tasks done',
    description: 'Done stays done: sending it again changes nothing (so no If-Match).',
    request: { params: idParam('The task.'), headers: postHeaders },
    responses: { 200: ok('The task.', PortalTask), ...errorResponses(404, 409, 422) },
  }),
};

export function sponsorshipRoutes(database: Database) {
  const app = router();
  const run = <T>(c: Parameters<typeof principalOf>[0], work: Parameters<typeof inScope<T>>[2]) =>
    inScope(database.db, principalOf(c), work);
  const write = { middleware: [idempotency(database)] };

  app.openapi(r.listSponsors, async (c) => {
    const { state } = c.req.valid('param');
    const sponsors = await run(c, (tx) =>
      listSponsors({ db: tx, actor: principalOf(c), stateCode: state, status: c.req.valid('query').status }),
    );
    return c.json({ sponsors }, 200);
  });
  app.openapi({ ...r.createSponsor, ...write }, async (c) => {
    const { state, ...input } = c.req.valid('json');
    const s = await run(c, (tx) => createSponsor({ db: tx, actor: principalOf(c), stateCode: state, input }));
    c.header('etag', sponsorEtag(s.id, s.version));
    return c.json(s, 201);
  });
  app.openapi(r.getSponsor, async (c) => {
    const s = await run(c, (tx) => getSponsor({ db: tx, actor: principalOf(c), id: c.req.valid('param').id }));
    c.header('etag', sponsorEtag(s.id, s.version));
    return c.json(s, 200);
  });
  app.openapi({ ...r.addSponsorMember, ...write }, async (c) => {
    const { id } = c.req.valid('param');
    const expectedVersion = versionOf(requireIfMatch(c), 'sponsor', id);
    const s = await run(c, (tx) => addSponsorMember({ db: tx, actor: principalOf(c), id, expectedVersion, ...c.req.valid('json') }));
    c.header('etag', sponsorEtag(s.id, s.version));
    return c.json(s, 200);
  });
  app.openapi({ ...r.recordSponsorCheck, ...write }, async (c) => {
    const { id } = c.req.valid('param');
    const expectedVersion = versionOf(requireIfMatch(c), 'sponsor', id);
    const s = await run(c, (tx) => recordSponsorCheck({ db: tx, actor: principalOf(c), id, expectedVersion, ...c.req.valid('json') }));
    c.header('etag', sponsorEtag(s.id, s.version));
    return c.json(s, 200);
  });
  app.openapi({ ...r.moveSponsor, ...write }, async (c) => {
    const { id } = c.req.valid('param');
    const expectedVersion = versionOf(requireIfMatch(c), 'sponsor', id);
    const { to, reason } = c.req.valid('json');
    const s = await run(c, (tx) => moveSponsor({ db: tx, actor: principalOf(c), id, expectedVersion, to, reason: reason ?? null }));
    c.header('etag', sponsorEtag(s.id, s.version));
    return c.json(s, 200);
  });

  app.openapi(r.listSchemes, async (c) => {
    const schemes = await run(c, (tx) => listSchemes({ db: tx, actor: principalOf(c), stateCode: c.req.valid('param').state }));
    return c.json({ schemes }, 200);
  });
  app.openapi({ ...r.createScheme, ...write }, async (c) => {
    const { state, ...body } = c.req.valid('json');
    const s = await run(c, (tx) => createScheme({ db: tx, actor: principalOf(c), stateCode: state, ...body }));
    c.header('etag', schemeEtag(s.id, s.version));
    return c.json(s, 201);
  });
  app.openapi({ ...r.publishSchemeVersion, ...write }, async (c) => {
    const { id } = c.req.valid('param');
    const expectedVersion = versionOf(requireIfMatch(c), 'scheme', id);
    const s = await run(c, (tx) => publishSchemeVersion({ db: tx, actor: principalOf(c), id, expectedVersion, ...c.req.valid('json') }));
    c.header('etag', schemeEtag(s.id, s.version));
    return c.json(s, 200);
  });

  app.openapi(r.listMemoranda, async (c) => {
    const memoranda = await run(c, (tx) => listMemoranda({ db: tx, actor: principalOf(c), stateCode: c.req.valid('param').state }));
    return c.json({ memoranda }, 200);
  });
  app.openapi({ ...r.createMemorandum, ...write }, async (c) => {
    const { state, code, ...input } = c.req.valid('json');
    const m = await run(c, (tx) => createMemorandum({ db: tx, actor: principalOf(c), stateCode: state, code, input }));
    c.header('etag', memorandumEtag(m.versions[0]!.id, m.versions[0]!.version));
    return c.json(m, 201);
  });
  app.openapi({ ...r.newMemorandumVersion, ...write }, async (c) => {
    const { id } = c.req.valid('param');
    const expectedVersion = versionOf(requireIfMatch(c), 'memorandum', id);
    const m = await run(c, (tx) =>
      newMemorandumVersion({ db: tx, actor: principalOf(c), id, expectedVersion, input: c.req.valid('json') }),
    );
    c.header('etag', memorandumEtag(m.versions[0]!.id, m.versions[0]!.version));
    return c.json(m, 200);
  });

  app.openapi({ ...r.matchSponsorship, ...write }, async (c) => {
    const { state, ...body } = c.req.valid('json');
    const s = await run(c, (tx) => matchSponsorship({ db: tx, actor: principalOf(c), stateCode: state, ...body }));
    c.header('etag', sponsorshipEtag(s.id, s.version));
    return c.json(s, 201);
  });
  app.openapi(r.listSponsorships, async (c) => {
    const { status, sponsor } = c.req.valid('query');
    const sponsorships = await run(c, (tx) =>
      listSponsorships({ db: tx, actor: principalOf(c), stateCode: c.req.valid('param').state, status, sponsorId: sponsor }),
    );
    return c.json({ sponsorships }, 200);
  });
  // Before `/api/sponsorships/{id}`: "breakdowns" is not an id.
  app.openapi(r.sponsorshipBreakdowns, async (c) =>
    c.json(await run(c, (tx) => sponsorshipBreakdowns({ db: tx, actor: principalOf(c) })), 200),
  );
  app.openapi(r.getSponsorship, async (c) => {
    const s = await run(c, (tx) => getSponsorship({ db: tx, actor: principalOf(c), id: c.req.valid('param').id }));
    c.header('etag', sponsorshipEtag(s.id, s.version));
    return c.json(s, 200);
  });
  app.openapi({ ...r.breakDownSponsorship, ...write }, async (c) => {
    const { id } = c.req.valid('param');
    const expectedVersion = versionOf(requireIfMatch(c), 'sponsorship', id);
    const s = await run(c, (tx) => breakDownSponsorship({ db: tx, actor: principalOf(c), id, expectedVersion, ...c.req.valid('json') }));
    c.header('etag', sponsorshipEtag(s.id, s.version));
    return c.json(s, 200);
  });
  app.openapi({ ...r.endSponsorship, ...write }, async (c) => {
    const { id } = c.req.valid('param');
    const expectedVersion = versionOf(requireIfMatch(c), 'sponsorship', id);
    const s = await run(c, (tx) =>
      endSponsorship({ db: tx, actor: principalOf(c), id, expectedVersion, reason: c.req.valid('json').reason }),
    );
    c.header('etag', sponsorshipEtag(s.id, s.version));
    return c.json(s, 200);
  });
  app.openapi(r.listSponsorshipMessages, async (c) => {
    const messages = await run(c, (tx) => listMessages({ db: tx, actor: principalOf(c), id: c.req.valid('param').id }));
    return c.json({ messages }, 200);
  });
  app.openapi({ ...r.sendSponsorshipMessage, ...write }, async (c) => {
    const m = await run(c, (tx) =>
      sendMessage({ db: tx, actor: principalOf(c), id: c.req.valid('param').id, body: c.req.valid('json').body }),
    );
    return c.json(m, 201);
  });

  app.openapi(r.sponsorPortal, async (c) => c.json(await run(c, (tx) => sponsorPortal({ db: tx, actor: principalOf(c) })), 200));
  app.openapi(r.listSponsorTasks, async (c) =>
    c.json({ tasks: await run(c, (tx) => sponsorTasks({ db: tx, actor: principalOf(c) })) }, 200),
  );
  app.openapi({ ...r.completeSponsorTask, ...write }, async (c) => {
    const t = await run(c, (tx) => completeTask({ db: tx, actor: principalOf(c), taskId: c.req.valid('param').id }));
    return c.json(t, 200);
  });
  return app;
}
