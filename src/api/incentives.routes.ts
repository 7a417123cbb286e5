import { createRoute, z } from '@hono/zod-openapi';
import { inScope } from '../access/scope.ts';
import type { Database } from '../db/db.ts';
import { authorize, policies } from '../access/policy.ts';
import { caseResource } from '../cases/case-views.service.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { translator } from '../i18n/i18n.ts';
import { appError } from '../i18n/problem.ts';
import { VULNERABLE_GROUPS } from '../incentives/incentive.ts';
import { caseIncentives, recordVulnerableGroups } from '../cases/case-incentives.service.ts';
import { incentiveReport, listClaims, makeClaim, roundBudget } from '../incentives/incentive.service.ts';
import { errorResponses, langOf } from './errors.ts';
import { caseEtag, caseVersionOf, etagHeader, ifMatchHeader, requireIfMatch } from './etag.ts';
import { idempotency, idempotencyHeader } from './idempotency.ts';
import { principalOf, router } from './router.ts';
import { caseRefParam, isoDate, roundParam, stateParam } from './schemas.ts';

/**
 * The AMIF incentives (Recommendation (EU) 2020/1364 R 16; Regulation (EU) 2021/1147 art. 19 as
 * replaced by Regulation (EU) 2024/1350 art. 14(2)): a round's report (per person for the state's
 * officers, totals for the Commission), a case's incentives with their history, the vulnerable
 * groups a state records, claims per period, and the budget. Person references never appear in a
 * path or a query: a member is named in the body.
 */
const state = z.string().regex(/^[A-Z]{2}$/, { message: 'state' });
const q = (name: string, description: string) => ({ param: { name, in: 'query' as const }, description });

const Evidence = z
  .object({
    pathway: z.string(),
    countryOfDeparture: z.string(),
    priorityRegion: z.string().nullable(),
    vulnerableGroups: z.array(z.object({ group: z.string(), from: z.string() })),
  })
  .openapi('IncentiveEvidence', {
    description: "What decided the rate: the pathway, the departure's priority region, each vulnerable group with what shows it.",
  });

const RateTotal = z.object({ stateCode: z.string(), rateId: z.string().nullable(), persons: z.number().int(), amount: z.number() });

const Report = z
  .object({
    round: z.string(),
    title: z.string(),
    currency: z.string(),
    state: z.string().nullable(),
    rates: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        amount: z.number(),
        pathway: z.string().nullable(),
        source: z.string().nullable(),
        locator: z.string().nullable(),
        note: z.string().nullable(),
      }),
    ),
    byRate: z.array(RateTotal),
    states: z.array(z.object({ stateCode: z.string(), persons: z.number().int(), amount: z.number() })),
    total: z.object({ persons: z.number().int(), amount: z.number() }),
    persons: z
      .array(
        z.object({
          stateCode: z.string(),
          caseRef: z.string(),
          personRef: z.string(),
          arrivedOn: isoDate,
          countryOfDeparture: z.string(),
          rateId: z.string().nullable(),
          amount: z.number(),
          evidence: Evidence,
          explanation: z.string(),
        }),
      )
      .nullable()
      .openapi({ description: "Per person (pseudonymous references): a state's officers only; null for the Commission." }),
  })
  .openapi('IncentiveReport');

const Change = z.object({
  revision: z.number().int(),
  rateBefore: z.string().nullable(),
  amountBefore: z.number().nullable(),
  rateAfter: z.string().nullable(),
  amountAfter: z.number(),
  evidenceBefore: Evidence.nullable(),
  evidenceAfter: Evidence,
  reason: z.string().openapi({ description: 'arrival, evidence or rates' }),
  actor: z.string(),
  at: z.string(),
});

const Member = z.object({
  personRef: z.string(),
  vulnerableGroups: z.array(z.string()),
  incentive: z
    .object({
      roundId: z.string(),
      arrivedOn: isoDate,
      rateId: z.string().nullable(),
      amount: z.number(),
      currency: z.string(),
      evidence: Evidence,
      explanation: z.string(),
      revision: z.number().int(),
    })
    .nullable(),
  history: z.array(Change),
});

const CaseIncentives = z.object({ members: z.array(Member) }).openapi('CaseIncentives');

const GroupsBody = z
  .object({
    member: z.string().min(1).max(64).openapi({ description: "The member's reference in the case." }),
    groups: z
      .array(z.enum(VULNERABLE_GROUPS))
      .max(VULNERABLE_GROUPS.length)
      .openapi({ description: 'Every group the state records for the member (replaces what was recorded).' }),
  })
  .strict()
  .openapi('VulnerableGroups');

const Claim = z
  .object({
    id: z.number().int(),
    stateCode: z.string(),
    roundId: z.string(),
    from: isoDate,
    to: isoDate,
    persons: z.number().int(),
    amount: z.number(),
    currency: z.string(),
    byRate: z.record(z.string(), z.object({ persons: z.number().int(), amount: z.number() })),
    status: z.string(),
    madeBy: z.string(),
    madeAt: z.string(),
  })
  .openapi('IncentiveClaim');

const NewClaim = z
  .object({ state: state.openapi({ example: 'NL' }), from: isoDate, to: isoDate })
  .strict()
  .openapi('NewIncentiveClaim');

const Budget = z
  .object({
    round: z.string(),
    currency: z.string(),
    budget: z
      .object({
        value: z.number(),
        qualifier: z.string(),
        currency: z.string(),
        source: z.string().optional(),
        locator: z.string().optional(),
      })
      .nullable()
      .openapi({ description: "The document's figure as stated, with its qualifier (e.g. about EUR 300 million)." }),
    committed: z.number(),
    persons: z.number().int(),
    remaining: z.number().nullable(),
  })
  .openapi('RoundBudget');

const oneCase = z.object({ state: stateParam, ref: caseRefParam });

const reportRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/incentives',
  operationId: 'getRoundIncentives',
  tags: ['incentives'],
  summary: "A round's AMIF incentives: totals per state and rate; per person for a state's officers",
  description:
    "The Commission: totals per state and rate, never a person. A state's officer: their state's persons, rate, amount and evidence, with totals computed from them (audited).",
  request: {
    params: z.object({ round: roundParam }),
    query: z.object({
      state: stateParam.optional().openapi(q('state', "Only this Member State (a state's officer: their own, the default).")),
    }),
  },
  responses: { 200: { description: 'The report.', content: { 'application/json': { schema: Report } } }, ...errorResponses(404) },
});

const caseRoute = createRoute({
  method: 'get',
  path: '/api/states/{state}/cases/{ref}/incentives',
  operationId: 'getCaseIncentives',
  tags: ['incentives'],
  summary: "The incentives of a case's members, each with its history (why each change)",
  description: "The state's officers. Audited. The ETag is the case's: send it as If-Match when recording vulnerable groups.",
  request: { params: oneCase },
  responses: {
    200: { description: 'Per member.', headers: etagHeader, content: { 'application/json': { schema: CaseIncentives } } },
    ...errorResponses(404),
  },
});

const groupsRoute = createRoute({
  method: 'put',
  path: '/api/states/{state}/cases/{ref}/vulnerable-groups',
  operationId: 'recordVulnerableGroups',
  tags: ['incentives'],
  summary: "Record the vulnerable groups of a case's member, and recompute their incentive",
  description:
    'If-Match: the case’s ETag as read; a case changed since: 412. The change is audited and the incentive’s history says why it changed.',
  request: {
    params: oneCase,
    headers: z.object({ 'If-Match': ifMatchHeader }),
    body: { required: true, content: { 'application/json': { schema: GroupsBody } } },
  },
  responses: {
    200: {
      description: 'The member with their incentive; the case’s new ETag.',
      headers: etagHeader,
      content: { 'application/json': { schema: Member } },
    },
    ...errorResponses(404, 412, 428),
  },
});

const claimsRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/incentives/claims',
  operationId: 'listIncentiveClaims',
  tags: ['incentives'],
  summary: "A state's claims of incentives in a round",
  request: { params: z.object({ round: roundParam }), query: z.object({ state: stateParam.openapi(q('state', 'The Member State.')) }) },
  responses: {
    200: {
      description: 'By period.',
      content: { 'application/json': { schema: z.object({ claims: z.array(Claim) }).openapi('IncentiveClaims') } },
    },
    ...errorResponses(404),
  },
});

const claimRoute = createRoute({
  method: 'post',
  path: '/api/rounds/{round}/incentives/claims',
  operationId: 'makeIncentiveClaim',
  tags: ['incentives'],
  summary: 'Claim the incentives of the persons arrived in a period',
  description: 'Sums, per rate, the incentives of the state’s persons arrived in the period. A period overlapping an earlier claim: 409.',
  request: {
    params: z.object({ round: roundParam }),
    headers: z.object({ 'Idempotency-Key': idempotencyHeader }),
    body: { required: true, content: { 'application/json': { schema: NewClaim } } },
  },
  responses: { 201: { description: 'The claim.', content: { 'application/json': { schema: Claim } } }, ...errorResponses(404, 409, 422) },
});

const budgetRoute = createRoute({
  method: 'get',
  path: '/api/rounds/{round}/budget',
  operationId: 'getRoundBudget',
  tags: ['incentives'],
  summary: "The round's budget, what the incentives of every state commit, and what remains",
  request: { params: z.object({ round: roundParam }) },
  responses: { 200: { description: 'Figures only.', content: { 'application/json': { schema: Budget } } }, ...errorResponses(404) },
});

export function incentivesRoutes(database: Database) {
  const app = router();

  app.openapi(reportRoute, async (c) => {
    const p = principalOf(c);
    const { round } = c.req.valid('param');
    const report = await inScope(database.db, p, (tx) =>
      incentiveReport(tx, p, { roundId: round, stateCode: c.req.valid('query').state ?? null, t: translator(langOf(c)) }),
    );
    return c.json(report, 200);
  });

  app.openapi(caseRoute, async (c) => {
    const p = principalOf(c);
    const { state: s, ref } = c.req.valid('param');
    const read = await inScope(database.db, p, (tx) => caseIncentives(tx, p, { stateCode: s, caseRef: ref, t: translator(langOf(c)) }));
    c.header('etag', caseEtag(read.caseId, read.version));
    return c.json({ members: read.members }, 200);
  });

  app.openapi(groupsRoute, async (c) => {
    const p = principalOf(c);
    const { state: s, ref } = c.req.valid('param');
    const tags = requireIfMatch(c);
    const body = c.req.valid('json');
    authorize(policies.changeCase, p, { stateCode: s });
    const { caseId, result } = await inScope(database.db, p, async (tx) => {
      const r = await caseResource(tx, s, ref);
      if (!r) throw appError(ErrorCode.NotFound, 'caseNotFoundIn', { p1: ref, p2: s });
      const expectedVersion = caseVersionOf(tags, r.id);
      const result = await recordVulnerableGroups(tx, p, {
        stateCode: s,
        caseRef: ref,
        personRef: body.member,
        groups: body.groups,
        expectedVersion,
        t: translator(langOf(c)),
      });
      return { caseId: r.id, result };
    });
    c.header('etag', caseEtag(caseId, result.version));
    return c.json(result.member, 200);
  });

  app.openapi(claimsRoute, async (c) => {
    const p = principalOf(c);
    const { round } = c.req.valid('param');
    const claims = await inScope(database.db, p, (tx) => listClaims(tx, p, { roundId: round, stateCode: c.req.valid('query').state }));
    return c.json({ claims }, 200);
  });

  app.openapi({ ...claimRoute, middleware: [idempotency(database)] }, async (c) => {
    const p = principalOf(c);
    const { round } = c.req.valid('param');
    const body = c.req.valid('json');
    const claim = await inScope(database.db, p, (tx) =>
      makeClaim(tx, p, { roundId: round, stateCode: body.state, from: body.from, to: body.to }),
    );
    return c.json(claim, 201);
  });

  app.openapi(budgetRoute, async (c) => {
    const p = principalOf(c);
    const budget = await inScope(database.db, p, (tx) => roundBudget(tx, p, c.req.valid('param').round));
    return c.json(budget, 200);
  });

  return app;
}
