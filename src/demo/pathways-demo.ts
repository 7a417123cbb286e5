import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inScope } from '../access/scope.ts';
import type { Actor } from '../audit/audit-line.service.ts';
import { getCase } from '../cases/case.service.ts';
import { importPersons } from '../cases/person.import.ts';
import { joinProgramme } from '../cases/join-programme.ts';
import { CASE_OPTIONAL_COLUMNS } from '../cases/person-row.ts';
import { createCandidate, transitionCandidate } from '../complementary/candidate.service.ts';
import type { CandidateStatus } from '../complementary/candidate.ts';
import { closeFamilyRequest, createFamilyRequest } from '../complementary/family-reunification.service.ts';
import type { Outcome } from '../complementary/family-reunification.ts';
import type { Db, Executor } from '../db/db.ts';
import { listKeys, receiveReturn, registerKey } from '../federation/federation.service.ts';
import { sendReturn } from '../federation/send-return.ts';
import type { CsvRecord } from '../files/csv-source.ts';
import { PLACEABLE } from '../placement/households.ts';
import { decide, getRun, importPlaces, startRun } from '../placement/placement.service.ts';
import type { PlaceInput } from '../placement/places.ts';
import { createProgramme, getProgramme, listProgrammes, moveProgramme } from '../programmes/programme.service.ts';
import type { ProgrammeKind } from '../programmes/programme.ts';
import {
  createMemorandum,
  createScheme,
  newMemorandumVersion,
  publishSchemeVersion,
  type MemorandumInput,
} from '../sponsorship/scheme.service.ts';
import type { Roles } from '../sponsorship/criteria.ts';
import {
  addSponsorMember,
  createSponsor,
  getSponsor,
  moveSponsor,
  recordSponsorCheck,
  type SponsorDetail,
} from '../sponsorship/sponsor.service.ts';
import { MEMBER_CHECKS, SPONSOR_CHECKS } from '../sponsorship/sponsor.ts';
import { breakDownSponsorship, matchSponsorship, sendMessage } from '../sponsorship/sponsorship.service.ts';
import { makeClaim } from '../incentives/incentive.service.ts';
import { importStatistics } from '../statistics/statistics.service.ts';
import { demoCaseHistories } from './case-histories.ts';
import { drawHousehold, rng } from './demo.ts';

/**
 * The rest of `pathways demo`: every other pathway and area filled, seeded, through each feature's
 * own services (one owner per table) — programmes of several states and kinds with admissions that
 * count in the returns of point 27; community sponsorship (sponsors through screening, a scheme
 * and a memorandum of two versions each, sponsorships, one broken down: the safety net);
 * candidates of education and labour programmes with skills profiles; family reunification
 * support requests; receiving places and a confirmed placement by the optimiser; UNHCR's figures
 * from the shipped fixture; two states' signed returns to the Commission, received in-process.
 * Run after the resettlement households; a second run with the same seed adds nothing.
 */

export const DEMO_ROUND = '2020-2021';
/** The day of the returns to the Commission: the round's last. */
export const RETURNS_AS_OF = '2021-12-31';
/** The states whose returns the demo sends. */
export const RETURNING_STATES = ['DE', 'NL'] as const;
export const UNHCR_FIXTURE = new URL('../../data/unhcr/unhcr-resettlement-arrivals-by-origin-2015-2024.csv', import.meta.url);

export interface PathwaysDemoSummary {
  programmes: number;
  admittedPersons: number;
  sponsors: number;
  sponsorships: number;
  breakdowns: number;
  candidates: number;
  familyRequests: number;
  places: number;
  placements: number;
  datasets: number;
  returns: number;
}

interface ProgrammeSpec {
  suffix: string;
  state: string;
  kind: ProgrammeKind;
  title: string;
  places: number;
  details?: Record<string, unknown>;
  partner?: string;
  criteria?: string;
  /** Households admitted under it (arrived across the round). */
  households: number;
  /** Its status at the end: active unless said. */
  end?: 'planned' | 'suspended' | 'closed';
}

const PROGRAMMES: readonly ProgrammeSpec[] = [
  {
    suffix: 'HAP',
    state: 'DE',
    kind: 'national_humanitarian_admission',
    title: 'Humanitarian admission programme for Syrian refugees in Türkiye, Lebanon and Jordan',
    places: 500,
    households: 14,
    criteria: 'Persons in need of protection with family ties in Germany',
  },
  {
    suffix: 'CS',
    state: 'DE',
    kind: 'community_sponsorship',
    title: 'Neustart im Team (NesT): community sponsorship',
    places: 200,
    households: 6,
    partner: 'Zivilgesellschaftliche Kontaktstelle',
  },
  {
    suffix: 'HC',
    state: 'IT',
    kind: 'humanitarian_corridor',
    title: 'Humanitarian corridor from Lebanon',
    places: 100,
    households: 5,
    details: { organisations: ['Community of Sant’Egidio', 'Federation of Evangelical Churches in Italy'], costsBorneBySponsor: true },
  },
  {
    suffix: 'HAP',
    state: 'FR',
    kind: 'national_humanitarian_admission',
    title: 'Admission humanitaire depuis le Niger',
    places: 150,
    households: 6,
    end: 'closed',
  },
  {
    suffix: 'EDU',
    state: 'NL',
    kind: 'education',
    title: 'Scholarships for refugee students',
    places: 40,
    households: 0,
    details: {
      institution: 'University of Amsterdam',
      scholarships: 20,
      languageCourses: true,
      flexibleAdmission: true,
      graduateSupport: true,
    },
  },
  {
    suffix: 'LAB',
    state: 'SE',
    kind: 'labour',
    title: 'Labour mobility for refugees: care and engineering',
    places: 30,
    households: 0,
    details: { employer: 'Region Västra Götaland', socialPartners: ['Kommunal'], occupations: ['2221', '2144'] },
  },
  {
    suffix: 'FRS',
    state: 'NL',
    kind: 'family_reunification_support',
    title: 'Family reunification support desk',
    places: 300,
    households: 0,
    details: { information: true, visaAssistance: true },
  },
  {
    suffix: 'EDU',
    state: 'IE',
    kind: 'education',
    title: 'Third-level scholarships for refugees',
    places: 20,
    households: 0,
    end: 'planned',
    details: { scholarships: 10 },
  },
  {
    suffix: 'HAP',
    state: 'SE',
    kind: 'national_humanitarian_admission',
    title: 'Humanitarian admission of women at risk',
    places: 60,
    households: 4,
    end: 'suspended',
  },
];

const codeOf = (seed: number, p: { state: string; suffix: string }) => `${p.state}-D${seed}-${p.suffix}`;
const pad = (n: number) => String(n).padStart(2, '0');
/** A day of 2020–2021 outside the suspension, the `i`-th of `n` spread over the round. */
const dayOfRound = (i: number, n: number, r: number): string => {
  const start = Date.UTC(2020, 0, 6);
  const span = Date.UTC(2021, 11, 20) - start;
  let t = start + Math.floor(((i + r) / Math.max(1, n)) * span);
  if (t >= Date.UTC(2020, 2, 17) && t < Date.UTC(2020, 5, 18)) t += Date.UTC(2020, 5, 18) - Date.UTC(2020, 2, 17);
  return new Date(Math.min(t, Date.UTC(2021, 11, 20))).toISOString().slice(0, 10);
};
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

interface DemoCase {
  state: string;
  caseRef: string;
  pathway: string;
  programme: string | null;
  arrivedOn: string;
  size: number;
  /** The candidate's final status, for education and labour cases. */
  candidate?: CandidateStatus;
}

const EDUCATION_ENDS: CandidateStatus[] = [
  'applied',
  'shortlisted',
  'refused',
  'withdrawn',
  'admitted',
  'arrived',
  'arrived',
  'graduated',
  'graduated',
  'placed',
];
const LABOUR_ENDS: CandidateStatus[] = ['applied', 'shortlisted', 'refused', 'admitted', 'arrived', 'arrived', 'placed', 'placed'];
const ARRIVED: readonly CandidateStatus[] = ['arrived', 'graduated', 'placed'];

/** The households of the other pathways, drawn from their own stream of the seed (the resettlement households stay as they were). */
export function demoPathwayCases(seed: number): DemoCase[] {
  const random = rng(seed * 7919 + 17);
  const out: DemoCase[] = [];
  let n = 0;
  for (const p of PROGRAMMES.filter((x) => x.households > 0)) {
    for (let i = 0; i < p.households; i++) {
      const { size } = drawHousehold(random, 8);
      out.push({
        state: p.state,
        caseRef: `DEMO-${seed}-P${++n}`,
        pathway: p.kind === 'national_humanitarian_admission' ? 'humanitarian_admission' : 'community_sponsorship',
        programme: codeOf(seed, p),
        arrivedOn: dayOfRound(i, p.households, random()),
        size: p.kind === 'community_sponsorship' ? Math.min(size, 5) : size,
      });
    }
  }
  for (const [state, pathway, ends, programme] of [
    ['NL', 'education', EDUCATION_ENDS, 'EDU'],
    ['SE', 'labour', LABOUR_ENDS, 'LAB'],
  ] as const) {
    for (const [i, end] of ends.entries()) {
      drawHousehold(random, 1);
      out.push({
        state,
        caseRef: `DEMO-${seed}-P${++n}`,
        pathway,
        programme: codeOf(seed, { state, suffix: programme }),
        arrivedOn: ARRIVED.includes(end) ? dayOfRound(i, ends.length, random()) : '',
        size: 1,
        candidate: end,
      });
    }
  }
  return out;
}

function* caseRecords(seed: number, cases: readonly DemoCase[]): Generator<CsvRecord> {
  const random = rng(seed * 104_729 + 3);
  let row = 1;
  for (const c of cases) {
    const { departure, citizenship, citizenshipOf } = drawHousehold(random, c.size);
    const year = c.arrivedOn ? Number(c.arrivedOn.slice(0, 4)) : 2021;
    const principal = 20 + Math.floor(random() * 30);
    for (let i = 0; i < c.size; i++) {
      const values: Record<string, string> = Object.fromEntries(CASE_OPTIONAL_COLUMNS.map((k) => [k, '']));
      const age = i === 0 ? principal : i === 1 ? Math.max(18, principal - 3 + Math.floor(random() * 6)) : Math.floor(random() * 17);
      Object.assign(values, {
        case_ref: c.caseRef,
        person_ref: `P${i + 1}`,
        member_state: c.state,
        pathway: c.pathway,
        round: c.arrivedOn ? '' : DEMO_ROUND,
        citizenship: random() < 0.03 ? citizenshipOf(random()) : citizenship,
        sex: random() < 0.5 ? 'F' : 'M',
        birth_year: String(year - age),
        country_of_departure: departure,
        arrived_on: c.arrivedOn,
        relationship: i === 0 ? 'principal' : '',
      });
      yield { row: ++row, values };
    }
  }
}

async function* asAsync<T>(it: Iterable<T>): AsyncGenerator<T> {
  yield* it;
}

const ROLES_V1: Roles = {
  selection: 'state',
  pre_departure: 'shared',
  reception: 'sponsor',
  housing: 'sponsor',
  integration: 'shared',
  finance: 'state',
};
const ROLES_V2: Roles = { ...ROLES_V1, finance: 'shared' };

/** What the demo's steps report as they go: a fraction of the whole (0–1) and a label. */
export type PathwaysProgress = (fraction: number) => void;

/** Programmes, admissions, sponsorship, candidates, family reunification, statistics: one transaction. */
async function fillRecords(
  tx: Executor,
  actor: Actor,
  seed: number,
  progress: PathwaysProgress,
): Promise<Omit<PathwaysDemoSummary, 'places' | 'placements' | 'returns'>> {
  // Programmes, activated at the round's start.
  const codes = new Map<string, number>();
  for (const p of PROGRAMMES) {
    const created = await createProgramme({
      db: tx,
      actor,
      input: {
        code: codeOf(seed, p),
        state: p.state,
        kind: p.kind,
        round: DEMO_ROUND,
        title: p.title,
        criteria: p.criteria ?? '',
        places: p.places,
        startDate: '2020-01-01',
        endDate: '2021-12-31',
        partner: p.partner ?? null,
        details: p.details ?? {},
        source: 'pathways demo (synthetic)',
      },
    });
    codes.set(created.code, created.id);
    if (p.end !== 'planned') await moveProgramme({ db: tx, actor, code: created.code, expectedVersion: created.version, to: 'active' });
  }
  progress(0.1);

  // The households of these programmes, through the importer; each joins its programme.
  const cases = demoPathwayCases(seed);
  const imported = await importPersons({
    db: tx,
    actor,
    records: asAsync(caseRecords(seed, cases)),
    source: `demo:pathways,seed=${seed}`,
    fraction: () => null,
  });
  for (const c of cases) {
    const found = await getCase({ db: tx, actor, stateCode: c.state, caseRef: c.caseRef, shown: ['version'] });
    if (c.pathway === 'humanitarian_admission' || c.pathway === 'community_sponsorship') {
      await joinProgramme({
        db: tx,
        actor,
        stateCode: c.state,
        caseRef: c.caseRef,
        programme: c.programme,
        expectedVersion: found.version,
      });
    }
  }
  // A programme that ran its course, one suspended.
  for (const p of PROGRAMMES.filter((x) => x.end === 'closed' || x.end === 'suspended')) {
    const g = await getProgramme({ db: tx, actor, code: codeOf(seed, p) });
    await moveProgramme({
      db: tx,
      actor,
      code: g.code,
      expectedVersion: g.version,
      to: p.end!,
      reason: p.end === 'closed' ? 'Places used; the programme ended' : 'Selection missions paused',
    });
  }
  progress(0.3);

  // Community sponsorship in Germany: a scheme and its memorandum, sponsors through screening.
  const state = 'DE';
  const csProgramme = codes.get(codeOf(seed, { state, suffix: 'CS' }))!;
  let scheme = await createScheme({
    db: tx,
    actor,
    stateCode: state,
    code: `D${seed}-NEST`,
    title: 'NesT community sponsorship scheme',
    programmeId: csProgramme,
    roles: ROLES_V1,
    criteria: [
      { id: 'size', label: 'Household of at most 5 persons', field: 'householdSize', operator: 'lte', value: 5 },
      { id: 'wrar', label: 'Women and girls at risk' },
    ],
  });
  const memo = (places: number, validTo: string, sponsorId: number, note: string): MemorandumInput => ({
    title: 'Memorandum of understanding on the NesT scheme',
    schemeId: scheme.id,
    parties: [
      { name: 'Federal Office for Migration and Refugees', role: 'state' },
      { name: 'Zivilgesellschaftliche Kontaktstelle', role: 'coordinator' },
      { name: 'Willkommen Rheinland e.V.', role: 'sponsor', sponsorId },
    ],
    signedOn: '2020-01-15',
    validFrom: '2020-02-01',
    validTo,
    places,
    costsBorne: [{ item: 'housing', note: 'two years of rent' }, { item: 'integration support' }],
    note,
  });
  const sponsorNames = [
    ['Willkommen Rheinland e.V.', 'non_profit', 'Köln'],
    ['Gemeinde St. Martin', 'faith_based', 'Münster'],
    ['Nachbarschaftskreis Lindenau', 'group', 'Leipzig'],
    ['Familie Hoffmann', 'individual', 'Freiburg'],
    ['Bürgerinitiative Ankommen', 'group', 'Hamburg'],
    ['Evangelische Kirchengemeinde Nord', 'faith_based', 'Kiel'],
  ] as const;
  const sponsors: SponsorDetail[] = [];
  for (const [i, [organisation, kind, region]] of sponsorNames.entries()) {
    let s = await createSponsor({
      db: tx,
      actor,
      stateCode: state,
      input: {
        organisation,
        kind,
        name: organisation,
        contact: { email: `contact${i + 1}@sponsor.example` },
        region,
        householdSize: 6,
        needsSupported: ['medical'],
        languages: ['de', 'en', 'ar'],
      },
    });
    sponsors.push(s);
    if (i === 0) continue; // applied: nothing screened yet
    for (const name of ['Anna Keller', 'Yusuf Demir'].slice(0, kind === 'individual' ? 1 : 2))
      s = await addSponsorMember({ db: tx, actor, id: s.id, expectedVersion: s.version, name, role: 'member' });
    for (const m of s.members) {
      for (const check of MEMBER_CHECKS)
        s = await recordSponsorCheck({
          db: tx,
          actor,
          id: s.id,
          expectedVersion: s.version,
          check,
          memberId: m.id,
          result: 'passed',
          on: '2020-01-10',
        });
    }
    s = await moveSponsor({ db: tx, actor, id: s.id, expectedVersion: s.version, to: 'screened', reason: null });
    if (i === 1) {
      sponsors[i] = s;
      continue;
    } // screened
    for (const check of SPONSOR_CHECKS)
      s = await recordSponsorCheck({
        db: tx,
        actor,
        id: s.id,
        expectedVersion: s.version,
        check,
        memberId: null,
        result: 'passed',
        on: '2020-01-20',
      });
    s = await moveSponsor({ db: tx, actor, id: s.id, expectedVersion: s.version, to: 'approved', reason: null });
    sponsors[i] = s;
  }
  // The first memorandum names the first sponsor, still applying; the second version more places and a year more.
  const m1 = await createMemorandum({
    db: tx,
    actor,
    stateCode: state,
    code: `D${seed}-NEST-MOU`,
    input: memo(100, '2021-06-30', sponsors[0]!.id, ''),
  });
  // Sponsorships: approved sponsors matched to the programme's households (they become active), under the scheme in force.
  const csCases = cases.filter((c) => c.programme === codeOf(seed, { state, suffix: 'CS' }));
  const matched = [];
  for (const [k, sponsorIndex] of [3, 4, 5].entries()) {
    if (k === 1) {
      scheme = await publishSchemeVersion({
        db: tx,
        actor,
        id: scheme.id,
        expectedVersion: scheme.version,
        roles: ROLES_V2,
        criteria: [
          { id: 'size', label: 'Household of at most 6 persons', field: 'householdSize', operator: 'lte', value: 6 },
          { id: 'wrar', label: 'Women and girls at risk' },
          { id: 'lbn', label: 'Refugees in Lebanon (country of first asylum)' },
        ],
      });
      await newMemorandumVersion({
        db: tx,
        actor,
        id: m1.versions[0]!.id,
        expectedVersion: 1,
        input: memo(150, '2022-12-31', sponsors[0]!.id, 'Second version: more places, a year longer, finance shared'),
      });
    }
    matched.push(
      await matchSponsorship({
        db: tx,
        actor,
        stateCode: state,
        sponsorId: sponsors[sponsorIndex]!.id,
        caseRef: csCases[k]!.caseRef,
        schemeId: scheme.id,
      }),
    );
  }
  // The state writes to the sponsors it works with: each sponsorship has its conversation started.
  for (const s of matched) {
    await sendMessage({
      db: tx,
      actor,
      id: s.id,
      body: 'Welcome to the NesT programme. The household arrives next week; the reception plan is in your tasks. Write here with any question.',
    });
  }
  // The safety net: the third sponsorship breaks down, the state takes over; its sponsor is suspended.
  const broken = matched[2]!;
  const safetyNet = await breakDownSponsorship({
    db: tx,
    actor,
    id: broken.id,
    expectedVersion: broken.version,
    reason: 'The sponsor group could no longer provide housing',
    phases: ['reception', 'housing'],
    note: 'Municipal housing found by the state',
  });
  const susp = await getSponsor({ db: tx, actor, id: sponsors[5]!.id });
  await moveSponsor({
    db: tx,
    actor,
    id: susp.id,
    expectedVersion: susp.version,
    to: 'suspended',
    reason: 'Sponsorship broke down; review of the group before any new match',
  });
  progress(0.5);

  // Candidates of the education and labour programmes, at every status.
  let candidates = 0;
  const skillsRandom = rng(seed * 31 + 5);
  for (const c of cases.filter((x) => x.candidate)) {
    const education = c.pathway === 'education';
    const years = 1 + Math.floor(skillsRandom() * 10);
    const skills = education
      ? {
          education: [
            { level: 'upper_secondary', country: 'SYR', completed: true },
            {
              level: 'bachelor',
              field: ['Civil engineering', 'Pharmacy', 'Computer science'][candidates % 3],
              completed: skillsRandom() < 0.5,
            },
          ],
          languages: [
            { language: 'ar', level: 'native' },
            { language: 'en', level: ['B1', 'B2', 'C1'][candidates % 3] },
          ],
          work: [],
          other: ['Volunteer teacher'],
        }
      : {
          education: [{ level: 'vocational', field: candidates % 2 ? 'Nursing' : 'Mechanical engineering', completed: true }],
          languages: [
            { language: 'ar', level: 'native' },
            { language: 'en', level: 'B1' },
          ],
          work: [
            { occupation: candidates % 2 ? 'Nursing professional' : 'Mechanical engineer', esco: candidates % 2 ? '2221' : '2144', years },
          ],
          other: [],
        };
    const applied = c.arrivedOn ? addDays(c.arrivedOn, -150) : dayOfRound(candidates % 10, 10, 0.5);
    let cand = await createCandidate({
      db: tx,
      actor,
      stateCode: c.state,
      programme: c.programme!,
      caseRef: c.caseRef,
      personRef: 'P1',
      skills,
      on: applied,
    });
    candidates++;
    const path: [CandidateStatus, string, string?][] = [];
    const end = c.candidate!;
    if (end === 'withdrawn') path.push(['withdrawn', addDays(applied, 20), 'Accepted a place elsewhere']);
    else if (end !== 'applied') {
      path.push(['shortlisted', addDays(applied, 30)]);
      if (end === 'refused')
        path.push(['refused', addDays(applied, 60), education ? 'Academic requirements not met' : 'No matching vacancy']);
      else if (end !== 'shortlisted') {
        path.push(['admitted', addDays(applied, 75)]);
        if (ARRIVED.includes(end)) path.push(['arrived', c.arrivedOn]);
        if (end === 'graduated' || (end === 'placed' && education)) path.push(['graduated', addDays(c.arrivedOn, 20)]);
        if (end === 'placed') path.push(['placed', addDays(c.arrivedOn, 40)]);
      }
    }
    for (const [to, on, reason] of path)
      cand = await transitionCandidate({
        db: tx,
        actor,
        stateCode: c.state,
        id: cand.id,
        expectedVersion: cand.version,
        to,
        on,
        reason: reason ?? null,
      });
  }
  progress(0.6);

  // Family reunification support in the Netherlands: requests received over the round, most closed.
  const frRandom = rng(seed * 37 + 11);
  const requests = 16;
  for (let i = 0; i < requests; i++) {
    const kind = i % 3 === 0 ? 'visa_assistance' : 'information';
    const receivedOn = dayOfRound(i, requests, frRandom());
    const r = await createFamilyRequest({
      db: tx,
      actor,
      stateCode: 'NL',
      input: {
        reference: `D${seed}-FR-${pad(i + 1)}`,
        kind,
        familyMembers: 1 + Math.floor(frRandom() * 5),
        countryOfResidence: ['SYR', 'ERI', 'AFG', 'SOM'][i % 4],
        receivedOn,
        programme: codeOf(seed, { state: 'NL', suffix: 'FRS' }),
      },
    });
    if (i % 4 === 3) continue; // still open
    const outcome: Outcome = kind === 'information' ? (i % 5 === 0 ? 'referred' : 'informed') : i % 2 ? 'visa_refused' : 'visa_issued';
    const days = kind === 'information' ? 3 + Math.floor(frRandom() * 25) : 40 + Math.floor(frRandom() * 120);
    await closeFamilyRequest({
      db: tx,
      actor,
      stateCode: 'NL',
      id: r.id,
      expectedVersion: r.version,
      outcome,
      on: addDays(receivedOn, days),
    });
  }
  progress(0.65);

  // The AMIF incentives claimed by the two states that report: the round's first year.
  for (const stateCode of RETURNING_STATES)
    await makeClaim(tx, actor, { roundId: DEMO_ROUND, stateCode, from: '2020-01-01', to: '2020-12-31' });

  // UNHCR's figures, from the fixture shipped with the project (CC BY 4.0, credited in its README).
  const unhcr = await importStatistics({
    db: tx,
    actor,
    source: 'unhcr',
    file: { name: 'unhcr-resettlement-arrivals-by-origin-2015-2024.csv', bytes: readFileSync(UNHCR_FIXTURE) },
    extractedOn: '2025-12-01',
  });
  progress(0.7);
  return {
    programmes: codes.size,
    admittedPersons: imported.added === 0 ? 0 : cases.filter((c) => c.arrivedOn).reduce((n, c) => n + c.size, 0),
    sponsors: sponsors.length,
    sponsorships: matched.length,
    breakdowns: safetyNet.status === 'broken_down' ? 1 : 0,
    candidates,
    familyRequests: requests,
    datasets: unhcr.duplicate ? 0 : 1,
  };
}

/**
 * The state whose still-open resettlement households the placement demo places: the one with the
 * fewest (at least three), so the run stays fast; in a small demo (a few hundred persons) where no
 * state has three, the one with the most, so the placement page is never left empty.
 */
export function placementState(persons: number, seed: number): { state: string; households: number; persons: number } | null {
  const by = new Map<string, { households: number; persons: number }>();
  for (const h of demoCaseHistories({ persons, seed })) {
    if (!(PLACEABLE as readonly string[]).includes(h.events.at(-1)!.status)) continue;
    const s = by.get(h.memberState) ?? { households: 0, persons: 0 };
    s.households++;
    s.persons += h.members.length;
    by.set(h.memberState, s);
  }
  const pick =
    [...by.entries()]
      .filter(([, s]) => s.households >= 3)
      .sort((a, b) => a[1].households - b[1].households || a[0].localeCompare(b[0]))[0] ??
    [...by.entries()].sort((a, b) => b[1].households - a[1].households || a[0].localeCompare(b[0]))[0];
  return pick ? { state: pick[0], ...pick[1] } : null;
}

/** Receiving places for the state's open households, a run of the optimiser, its proposal confirmed. */
async function placeHouseholds(db: Db, actor: Actor, persons: number, seed: number): Promise<{ places: number; placements: number }> {
  const target = placementState(persons, seed);
  if (!target) return { places: 0, placements: 0 };
  const { state } = target;
  const share = Math.ceil(target.persons / 2) + 6;
  const places: PlaceInput[] = [
    {
      code: `D${seed}-MUN-A`,
      name: 'Municipality A',
      kind: 'municipality',
      capacity: { persons: share, housingUnits: target.households, schoolPlaces: share, medicalSlots: 4, languageSupport: share },
      profile: { employmentRate: 0.72, languages: ['en'], communities: ['ar'] },
    },
    {
      code: `D${seed}-MUN-B`,
      name: 'Municipality B',
      kind: 'municipality',
      capacity: { persons: share, housingUnits: target.households, schoolPlaces: share, medicalSlots: 2, languageSupport: share },
      profile: { employmentRate: 0.64, languages: ['en', 'fr'] },
    },
    {
      code: `D${seed}-RC`,
      name: 'Reception centre',
      kind: 'reception_centre',
      capacity: { persons: share, housingUnits: target.households, schoolPlaces: share, medicalSlots: 6, languageSupport: share },
      profile: { employmentRate: 0.55, languages: ['en'] },
    },
  ];
  await inScope(db, actor, (tx) => importPlaces({ db: tx, actor, stateCode: state, places, source: `demo:seed=${seed}` }));
  const { done } = await startRun({ db, actor, stateCode: state, roundId: DEMO_ROUND, timeLimitSeconds: 10, year: 2021 });
  const ended = await done;
  if (ended.status !== 'done') return { places: places.length, placements: 0 };
  const placed = await inScope(db, actor, async (tx) => {
    const run = await getRun({ db: tx, actor, stateCode: state, id: ended.id });
    const decisions = Object.entries(run.result?.assignment ?? {}).flatMap(([caseRef, place]) =>
      place ? [{ caseRef, place, reason: null }] : [],
    );
    return decisions.length ? (await decide({ db: tx, actor, stateCode: state, runId: ended.id, decisions })).placements.length : 0;
  });
  return { places: places.length, placements: placed };
}

/** A state's demo signing key: Ed25519 from 32 bytes of the seed, so the same seed gives the same key. */
export function demoSigningKey(seed: number, state: string): KeyObject {
  const random = rng(seed * 1_000_003 + state.charCodeAt(0) * 256 + state.charCodeAt(1));
  const raw = Buffer.from(Array.from({ length: 32 }, () => Math.floor(random() * 256)));
  return createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw]),
    format: 'der',
    type: 'pkcs8',
  });
}

/** Two states' returns: each key registered with the Commission, each return built, signed and received in-process (no network). */
async function sendReturns(db: Db, actor: Actor, seed: number): Promise<number> {
  let sent = 0;
  for (const state of RETURNING_STATES) {
    const key = demoSigningKey(seed, state);
    const publicKey = createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString();
    const known = await inScope(db, actor, (tx) => listKeys({ db: tx, actor }));
    if (!known.some((k) => k.state === state && k.publicKey === publicKey && !k.revokedAt)) {
      await inScope(db, actor, (tx) => registerKey({ db: tx, actor, stateCode: state, publicKey }));
    }
    // The Commission's endpoint, called in-process: the same service the API's route calls.
    const local: typeof fetch = async (_url, init) => {
      try {
        const receipt = await receiveReturn({ db, body: JSON.parse(String(init?.body)) });
        return new Response(JSON.stringify(receipt), { status: 200, headers: { 'content-type': 'application/json' } });
      } catch (e) {
        const err = e as { status?: number; code?: string; message?: string };
        return new Response(JSON.stringify({ code: err.code ?? 'error', message: err.message ?? String(e) }), {
          status: err.status ?? 500,
          headers: { 'content-type': 'application/json' },
        });
      }
    };
    const r = await sendReturn({
      db,
      actor,
      to: 'http://commission.demo.invalid',
      stateCode: state,
      roundId: DEMO_ROUND,
      asOf: RETURNS_AS_OF,
      key,
      fetch: local,
    });
    if (r.outcome === 'accepted' || r.outcome === 'duplicate') sent++;
  }
  return sent;
}

/**
 * Fills every area beyond the resettlement households. Skipped (all zeros but the returns'
 * check) when the seed's programmes exist already: the same seed a second time adds nothing.
 */
export async function loadPathwaysDemo(opts: {
  db: Db;
  actor: Actor;
  persons: number;
  seed: number;
  onProgress?: PathwaysProgress;
}): Promise<PathwaysDemoSummary> {
  const { db, actor, persons, seed } = opts;
  const progress = opts.onProgress ?? (() => undefined);
  const existing = await inScope(db, actor, (tx) => listProgrammes({ db: tx, actor, filters: { state: 'DE', round: DEMO_ROUND } }));
  const first = codeOf(seed, PROGRAMMES[0]!);
  const empty: PathwaysDemoSummary = {
    programmes: 0,
    admittedPersons: 0,
    sponsors: 0,
    sponsorships: 0,
    breakdowns: 0,
    candidates: 0,
    familyRequests: 0,
    places: 0,
    placements: 0,
    datasets: 0,
    returns: 0,
  };
  if (existing.some((p) => p.code === first)) {
    progress(1);
    return empty;
  }
  const records = await inScope(db, actor, (tx) => fillRecords(tx, actor, seed, progress));
  const placement = await placeHouseholds(db, actor, persons, seed);
  progress(0.9);
  const returns = await sendReturns(db, actor, seed);
  progress(1);
  return { ...records, ...placement, returns };
}
