import { validate, compileErrors } from '@readme/openapi-parser';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApi, openApiDocument } from '../src/api/api.ts';
import { generateTypes, TYPES_FILE } from '../src/api/generate-types.ts';
import type { Database } from '../src/db/db.ts';

/**
 * The description of the API: a valid OpenAPI 3.1 document, every operation named, tagged and with
 * its error responses; the rules every POST and every change follow, read from the document; the
 * generated client types equal to what the document gives now; the reference page self-contained.
 * None of it needs a database: a handler that touched one would throw.
 */
const doc = openApiDocument() as unknown as {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string;
        tags?: string[];
        summary?: string;
        parameters?: { name: string; in: string; required?: boolean }[];
        responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
      }
    >
  >;
  components: { securitySchemes: Record<string, { type: string; scheme?: string; in?: string }> };
  security: Record<string, string[]>[];
};
const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
const noDatabase = new Proxy({} as Database, {
  get: () => {
    throw new Error('no database in this test');
  },
});

describe('the OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('describes every resource the platform has', () => {
    const ids = operations.map((o) => o.op.operationId).sort();
    expect(ids).toEqual(
      [
        'listRounds',
        'getRound',
        'createRound',
        'listPledges',
        'getStatePledges',
        'savePledges',
        'listCases',
        'getCase',
        'getCaseHistory',
        'transitionCase',
        'holdCases',
        'resumeCases',
        'listReferrals',
        'listHouseholds',
        'stateOfPlay',
        'pipeline',
        'processingTimes',
        'forecast',
        'uploadImport',
        'getImport',
        'commitImport',
        'listUsers',
        'createUser',
        'disableUser',
        'setUserPassword',
        'resetUserTotp',
        'listAudit',
        'getPledgeHistory',
        'listViews',
        'saveView',
        'deleteView',
        // AMIF incentives (issue 6)
        'getRoundIncentives',
        'getCaseIncentives',
        'recordVulnerableGroups',
        'listIncentiveClaims',
        'makeIncentiveClaim',
        'getRoundBudget',
        // community sponsorship (issue 6)
        'listSponsors',
        'createSponsor',
        'getSponsor',
        'addSponsorMember',
        'recordSponsorCheck',
        'moveSponsor',
        'listSchemes',
        'createScheme',
        'publishSchemeVersion',
        'listMemoranda',
        'createMemorandum',
        'newMemorandumVersion',
        'matchSponsorship',
        'listSponsorships',
        'sponsorshipBreakdowns',
        'getSponsorship',
        'breakDownSponsorship',
        'endSponsorship',
        'listSponsorshipMessages',
        'sendSponsorshipMessage',
        'sponsorPortal',
        'listSponsorTasks',
        'completeSponsorTask',
        // programmes, complementary pathways and the returns of point 27 (issue 6)
        'listProgrammes',
        'getProgramme',
        'createProgramme',
        'changeProgramme',
        'moveProgramme',
        'recordProgrammeCondition',
        'setCaseProgramme',
        'admissionsReport',
        'listCandidates',
        'getCandidate',
        'createCandidate',
        'moveCandidate',
        'addCandidateSupport',
        'listFamilyRequests',
        'createFamilyRequest',
        'closeFamilyRequest',
        'familyReunificationFigures',
        // the federation of returns (issue 7)
        'receiveReturn',
        'listFederationKeys',
        'registerFederationKey',
        'revokeFederationKey',
        'listReturnsReceived',
        'stateOfPlayFromReturns',
        'listReturnsSent',
        // exports and open data (issue 7)
        'exportReport',
        'listOpenDataRounds',
        'openData',
        'openDataFile',
        // reference statistics and the reconciliation (issue 7)
        'listStatisticsDatasets',
        'importStatisticsDataset',
        'deleteStatisticsDataset',
        'listStatisticsFigures',
        'getReconciliation',
        'getStatisticsContext',
        // placement (issue 8)
        'listPlacementPlaces',
        'importPlacementPlaces',
        'changePlacementPlace',
        'listPlacementRuns',
        'startPlacementRun',
        'getPlacementRun',
        'decidePlacements',
        'listPlacements',
      ].sort(),
    );
  });

  it('gives every operation an id, a tag, a summary, and its error responses in the one error shape', () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      expect(op.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.has(op.operationId!), `${name}: operationId repeated`).toBe(false);
      ids.add(op.operationId!);
      expect(op.tags?.length, name).toBeGreaterThan(0);
      expect(op.summary, name).toBeTruthy();
      for (const status of ['400', '401', '403', '500']) {
        expect(op.responses[status]?.content?.['application/json']?.schema?.$ref, `${name} ${status}`).toBe('#/components/schemas/Error');
      }
      expect(
        Object.keys(op.responses).some((s) => s.startsWith('2')),
        name,
      ).toBe(true);
    }
  });

  it('states patterns a client can use: each compiles as a regular expression, and matches the example beside it', () => {
    const found: { pattern: string; example?: unknown }[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (typeof o.pattern === 'string') found.push({ pattern: o.pattern, example: o.example });
        Object.values(o).forEach(walk);
      }
    };
    walk(doc);
    expect(found.length).toBeGreaterThan(5);
    for (const { pattern, example } of found) {
      const re = new RegExp(pattern, 'u');
      if (typeof example === 'string') expect(example, pattern).toMatch(re);
    }
    expect('NL/2020:7').toMatch(new RegExp(found.find((f) => f.example === 'NL-2020-0042')!.pattern, 'u'));
  });

  it('secures every operation with the bearer token or the session cookie', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      cookie: { type: 'apiKey', in: 'cookie' },
    });
    expect(doc.security).toEqual([{ bearer: [] }, { cookie: [] }]);
  });

  it('asks for Idempotency-Key on every POST, and If-Match on every change of an existing resource', () => {
    const header = (op: (typeof operations)[number]['op'], name: string) =>
      op.parameters?.find((p) => p.in === 'header' && p.name === name);
    // A Member State's return is idempotent by its content (digest) and authenticated by its signature: no session, no key of its own.
    const posts = operations.filter((o) => o.method === 'post' && o.op.operationId !== 'receiveReturn');
    expect(posts.length).toBeGreaterThan(5);
    for (const { path, op } of posts) {
      expect(header(op, 'Idempotency-Key'), path).toMatchObject({ required: true });
      expect(op.responses['422'], `${path}: 422 for a key reused`).toBeDefined();
    }
    // Changes of a resource that exists (a case, a state's pledges, an upload) name the version they were made against.
    // (A message added to a sponsorship's thread, and a sponsor's task marked done, change nothing that could be overwritten.)
    const changes = posts.filter(
      (o) =>
        /\{(ref|state|id|code)\}/.test(o.path) &&
        !/\/cases\/(hold|resume)$/.test(o.path) &&
        !/\/(messages|done)$/.test(o.path) &&
        // A new candidate or family reunification request is created, not changed.
        !/\/(candidates|family-reunification)$/.test(o.path) &&
        // Placement: a run is a new job; decisions are new rows, each ending the previous, checked against all current ones under a lock;
        // a places file is imported whole (a place is changed one by one with If-Match: changePlacementPlace, a PUT).
        !/\/placement\/(places|runs|runs\/\{id\}\/decisions)$/.test(o.path),
    );
    expect(changes.map((o) => o.op.operationId).sort()).toEqual(
      [
        'commitImport',
        'savePledges',
        'transitionCase',
        'addSponsorMember',
        'recordSponsorCheck',
        'moveSponsor',
        'publishSchemeVersion',
        'newMemorandumVersion',
        'breakDownSponsorship',
        'endSponsorship',
        'moveCandidate',
        'addCandidateSupport',
        'closeFamilyRequest',
        'moveProgramme',
        'recordProgrammeCondition',
      ].sort(),
    );
    for (const { path, op } of changes) {
      expect(header(op, 'If-Match'), path).toMatchObject({ required: true });
      expect(Object.keys(op.responses), path).toEqual(expect.arrayContaining(['412', '428']));
    }
  });

  it("never puts a resettled person's reference or particulars in a path or a query", () => {
    for (const { path, op } of operations) {
      expect(path, path).not.toMatch(/person|member/i);
      for (const p of op.parameters ?? []) {
        // A list of cases may be filtered by a type of need (a code from a closed list, e.g.
        // `disability`): a category to select by, not a particular of anyone. Free text never.
        const schema = (p as { schema?: { enum?: unknown[] } }).schema;
        if (p.name === 'needs' && op.operationId === 'listCases') {
          expect(schema?.enum?.length, `${path} needs: a closed list of codes`).toBeGreaterThan(1);
          continue;
        }
        expect(p.name, `${path} ${p.name}`).not.toMatch(/person|member|birth|citizen|sex|needs/i);
      }
    }
  });

  it('is served to anyone at /api/openapi.json, and the generated client types are what it gives now', async () => {
    const app = createApi(noDatabase, { identity: false });
    const res = await app.request('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    // `npm run api:types` writes this file; a change of the API without regenerating it fails here.
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await generateTypes());
  });
});

describe('the reference page', () => {
  it('renders every operation and schema on the server, with nothing loaded from elsewhere', async () => {
    const app = createApi(noDatabase, { identity: false });
    const res = await app.request('/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const { op } of operations) expect(html).toContain(`id="op-${op.operationId}"`);
    for (const name of ['Error', 'CaseSummary', 'Round', 'ImportUpload']) expect(html).toContain(`id="schema-${name}"`);
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\/(?!interoperable-europe\.ec\.europa\.eu)/);
    // Only its own inline style may apply: the policy names the style's hash.
    const csp = res.headers.get('content-security-policy')!;
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).toMatch(/default-src 'none'/);
    // Text from the document is escaped, not injected (the Error schema's description quotes JSON).
    expect(html).toContain('{&#34;places&#34;: [&#34;must be 0 or more&#34;]}');
    expect(html).not.toContain('{"places"');
  });
});
