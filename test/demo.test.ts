import { afterAll, describe, expect, it } from 'vitest';
import { operator } from '../src/access/principal.ts';
import { inScope } from '../src/access/scope.ts';
import { listCandidates } from '../src/complementary/candidate.service.ts';
import { listFamilyRequests } from '../src/complementary/family-reunification.service.ts';
import type { Database } from '../src/db/db.ts';
import { loadDemo } from '../src/demo/load-demo.ts';
import { DEMO_ROUND, loadPathwaysDemo, placementState, RETURNING_STATES } from '../src/demo/pathways-demo.ts';
import { listSent, returnsMatrix } from '../src/federation/federation.service.ts';
import { listPlacements, listPlaces } from '../src/placement/placement.service.ts';
import { listProgrammes } from '../src/programmes/programme.service.ts';
import { admissionsReport } from '../src/programmes/returns.service.ts';
import { listMemoranda, listSchemes } from '../src/sponsorship/scheme.service.ts';
import { listSponsors } from '../src/sponsorship/sponsor.service.ts';
import { listSponsorships, sponsorshipBreakdowns } from '../src/sponsorship/sponsorship.service.ts';
import { listDatasets } from '../src/statistics/statistics.service.ts';
import { databaseKinds } from './databases.ts';

const OPERATOR = operator('demo-test');
const PERSONS = 500;
const SEED = 2020;

/** What each area shows after the demo, read through the services. */
async function areaCounts(database: Database) {
  const actor = OPERATOR;
  return inScope(database.db, actor, async (tx) => {
    const programmes = (await listProgrammes({ db: tx, actor, filters: { round: DEMO_ROUND } })).filter((p) => p.stateCode !== null);
    const returns = await admissionsReport({ db: tx, actor, round: DEMO_ROUND });
    const admitted = (pathway: string) => returns.totals.byPathway[pathway] ?? 0;
    const sponsors = await listSponsors({ db: tx, actor, stateCode: 'DE' });
    const breakdowns = await sponsorshipBreakdowns({ db: tx, actor });
    const place = placementState(PERSONS, SEED)!;
    const matrix = await returnsMatrix({ db: tx, actor, round: DEMO_ROUND });
    const schemes = await listSchemes({ db: tx, actor, stateCode: 'DE' });
    const memoranda = await listMemoranda({ db: tx, actor, stateCode: 'DE' });
    return {
      programmes: programmes.length,
      programmeStates: new Set(programmes.map((p) => p.stateCode)).size,
      programmeStatuses: [...new Set(programmes.map((p) => p.status))].sort(),
      humanitarianAdmissions: admitted('humanitarian_admission'),
      sponsorshipAdmissions: admitted('community_sponsorship'),
      sponsorStatuses: sponsors.map((s) => s.status).sort(),
      schemeVersions: schemes.map((s) => s.version),
      memorandumVersions: memoranda.map((m) => m.versions.length),
      sponsorships: (await listSponsorships({ db: tx, actor, stateCode: 'DE' })).length,
      brokenDown: breakdowns.counts.reduce((n, c) => n + c.brokenDown, 0),
      candidates: [
        ...(await listCandidates({ db: tx, actor, stateCode: 'NL' })),
        ...(await listCandidates({ db: tx, actor, stateCode: 'SE' })),
      ]
        .map((c) => c.status)
        .sort(),
      familyRequests: (await listFamilyRequests({ db: tx, actor, stateCode: 'NL' })).length,
      familyClosed: (await listFamilyRequests({ db: tx, actor, stateCode: 'NL' })).filter((r) => r.days !== null).length,
      places: (await listPlaces({ db: tx, actor, stateCode: place.state })).length,
      placements: (await listPlacements({ db: tx, actor, stateCode: place.state })).length,
      unhcrDatasets: (await listDatasets(tx, actor)).filter((d) => d.source === 'unhcr').length,
      returnsReceived: matrix.states
        .filter((s) => Object.keys(s.reported).length > 0)
        .map((s) => s.state)
        .sort(),
      returnsSent: (await listSent({ db: tx, actor })).filter((r) => r.outcome === 'accepted').length,
    };
  });
}

const seen: { kind: string; counts: Awaited<ReturnType<typeof areaCounts>> }[] = [];

describe.each(databaseKinds)('pathways demo on $name', (kind) => {
  let database: Database;
  afterAll(async () => database?.close());

  it('fills every area, and the same seed a second time adds nothing', async () => {
    database = await kind.open();
    const load = async () => {
      await loadDemo({ db: database.db, actor: OPERATOR, persons: PERSONS, seed: SEED });
      return loadPathwaysDemo({ db: database.db, actor: OPERATOR, persons: PERSONS, seed: SEED });
    };
    const first = await load();
    expect(first.returns).toBe(2);
    const counts = await areaCounts(database);
    expect(counts.programmes).toBeGreaterThanOrEqual(5);
    expect(counts.programmeStates).toBeGreaterThanOrEqual(2);
    expect(counts.programmeStatuses).toEqual(['active', 'closed', 'planned', 'suspended']);
    expect(counts.humanitarianAdmissions).toBeGreaterThan(0);
    expect(counts.sponsorshipAdmissions).toBeGreaterThan(0);
    expect(counts.sponsorStatuses).toEqual(['active', 'active', 'applied', 'approved', 'screened', 'suspended']);
    expect(counts.schemeVersions).toEqual([2]);
    expect(counts.memorandumVersions).toEqual([2]);
    expect(counts.sponsorships).toBeGreaterThan(0);
    expect(counts.brokenDown).toBe(1);
    expect(new Set(counts.candidates).size).toBeGreaterThanOrEqual(6);
    expect(counts.familyRequests).toBeGreaterThan(0);
    expect(counts.familyClosed).toBeGreaterThan(0);
    expect(counts.places).toBeGreaterThan(0);
    expect(counts.placements).toBeGreaterThan(0);
    expect(counts.unhcrDatasets).toBe(1);
    expect(counts.returnsReceived).toEqual([...RETURNING_STATES].sort());
    expect(counts.returnsSent).toBe(2);

    const again = await load();
    expect(again).toMatchObject({ programmes: 0, sponsors: 0, candidates: 0, placements: 0, returns: 0 });
    expect(await areaCounts(database)).toEqual(counts);
    seen.push({ kind: kind.name, counts });
  }, 600_000);
});

describe('the same seed', () => {
  it('gives the same counts in a fresh database', async () => {
    expect(seen.length).toBeGreaterThan(0);
    if (seen.length < 2) {
      const other = await databaseKinds[0]!.open();
      try {
        await loadDemo({ db: other.db, actor: OPERATOR, persons: PERSONS, seed: SEED });
        await loadPathwaysDemo({ db: other.db, actor: OPERATOR, persons: PERSONS, seed: SEED });
        seen.push({ kind: 'again', counts: await areaCounts(other) });
      } finally {
        await other.close();
      }
    }
    expect(seen[1]!.counts).toEqual(seen[0]!.counts);
  }, 600_000);
});
