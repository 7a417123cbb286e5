import { endCaseSupport, grantCaseSupport } from '../cases/case-supporter.service.ts';
import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import { lockHouseholdForMatch } from '../cases/case-lookup.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { sponsorPhasesOf, type Roles } from './criteria.ts';
import { schemeInForce } from './scheme.service.ts';
import { canBeMatched } from './sponsor.ts';
import { applyMove, sponsorForMatch } from './sponsor.service.ts';
import { matchProblems, safetyNetTasks, tasksFor, type MatchProblem, type SponsorshipStatus } from './sponsorship.ts';
import {
  countActiveSponsorships,
  insertMessage,
  insertSponsorship,
  insertSponsorshipTasks,
  lockSponsorshipRow,
  markTaskDone,
  selectBreakdowns,
  selectConversation,
  selectMessage,
  selectMessages,
  selectPortalSponsor,
  selectPortalSponsorships,
  selectPortalTask,
  selectPortalTasks,
  selectSchemeVersionRoles,
  selectSponsorshipStatistics,
  selectSponsorshipSummaries,
  selectSponsorshipSummary,
  selectSupportKept,
  selectTasksOf,
  updateSponsorshipEnd,
} from './sponsorship.repository.ts';

/**
 * Sponsorships: a sponsor matched by hand to a household under a scheme (its access to the
 * household through `case_supporters`, the tasks of its phases), ended or broken down (the safety
 * net: the state takes over, the sponsor loses sight of the household at once), the messages of
 * both sides, and the sponsor's own portal.
 */

/** The pathways a household may be sponsored on (P 13–14; R 28: humanitarian corridors). */
export const SPONSORED_PATHWAYS = ['community_sponsorship', 'resettlement', 'humanitarian_admission'] as const;
/** A case in one of these no longer takes a sponsor. */
const CLOSED = ['rejected', 'withdrawn', 'closed'];

export interface SponsorshipTask {
  id: number;
  phase: string;
  task: string;
  holder: 'sponsor' | 'state';
  doneAt: string | null;
  doneBy: string | null;
}

export interface SponsorshipSummary {
  id: number;
  stateCode: string;
  sponsorId: number;
  sponsorName: string;
  organisation: string;
  caseRef: string;
  schemeId: number | null;
  schemeVersion: number | null;
  phases: string[];
  status: SponsorshipStatus;
  matchedOn: string;
  endedOn: string | null;
  endReason: string | null;
  safetyNet: { phases: string[]; note?: string } | null;
  version: number;
}

export interface SponsorshipDetail extends SponsorshipSummary {
  /** Who does what in each phase, from the scheme version it was matched under (shown to both sides). */
  roles: Roles | null;
  tasks: SponsorshipTask[];
}

export const sponsorshipEtag = (id: number, version: number): string => `"sponsorship-${id}-v${version}"`;

const today = () => new Date().toISOString().slice(0, 10);

const problemText = (p: MatchProblem) =>
  p.code === 'householdTooLarge' ? `household of ${p.params.size}, at most ${p.params.max}` : `needs not supported: ${p.params.needs}`;

/**
 * Matches a sponsor (approved or active) to a household of its state under a scheme: the
 * sponsorship, the sponsor's access to the household (its phases), the tasks; the sponsor becomes
 * active. A household larger than the sponsor can take, or with needs it did not say it supports,
 * is refused with why (409), unless the officer overrides with a reason (recorded).
 */
export async function matchSponsorship(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  sponsorId: number;
  caseRef: string;
  schemeId: number;
  override?: { reason: string } | undefined;
}): Promise<SponsorshipDetail> {
  const { db, actor, stateCode } = opts;
  authorize(policies.manageSponsorship, actor, { stateCode });
  const sponsor = await sponsorForMatch(db, actor, opts.sponsorId);
  if (sponsor.stateCode !== stateCode) throw appError(ErrorCode.NotFound, 'sponsorNotFound', { id: opts.sponsorId });
  if (!canBeMatched(sponsor.status)) throw appError(ErrorCode.Conflict, 'sponsorNotApproved', { id: sponsor.id, status: sponsor.status });
  const household = await lockHouseholdForMatch(db, stateCode, opts.caseRef);
  if (!household) throw appError(ErrorCode.NotFound, 'caseNotFoundIn', { p1: opts.caseRef, p2: stateCode });
  if (!(SPONSORED_PATHWAYS as readonly string[]).includes(household.pathway))
    throw appError(ErrorCode.Conflict, 'matchPathway', { ref: opts.caseRef, pathway: household.pathway });
  if (CLOSED.includes(household.status))
    throw appError(ErrorCode.Conflict, 'matchCaseClosed', { ref: opts.caseRef, status: household.status });
  const scheme = await schemeInForce(db, opts.schemeId, stateCode);
  if (!scheme) throw appError(ErrorCode.NotFound, 'schemeNotFound', { id: opts.schemeId });
  const phases = sponsorPhasesOf(scheme.roles);
  if (phases.length === 0) throw appError(ErrorCode.Conflict, 'schemeNoSponsorPhases', { id: scheme.id });
  const problems = matchProblems(sponsor, household);
  if (problems.length > 0 && !opts.override?.reason.trim()) {
    throw appError(ErrorCode.Conflict, 'matchRefused', { problems: problems.map(problemText).join('; ') }, { problems });
  }
  if ((await countActiveSponsorships(db, household.id, sponsor.id)) > 0)
    throw appError(ErrorCode.Conflict, 'matchExists', { ref: opts.caseRef });

  const sponsorshipId = await insertSponsorship(db, {
    stateCode,
    sponsorId: sponsor.id,
    caseId: household.id,
    schemeId: scheme.id,
    schemeVersion: scheme.version,
    phases,
    matchedOn: today(),
    matchedBy: actor.id,
  });
  await grantCaseSupport(db, { caseId: household.id, stateCode, organisation: sponsor.organisation, phases });
  await insertSponsorshipTasks(
    db,
    tasksFor(phases, scheme.roles).map((t) => ({ ...t, sponsorshipId, stateCode, organisation: sponsor.organisation })),
  );
  const matchDetails = {
    sponsorshipId,
    caseRef: opts.caseRef,
    ...(problems.length > 0 ? { override: opts.override!.reason.trim(), problems: problems.map((p) => p.code) } : {}),
  };
  if (sponsor.status === 'approved') await applyMove(db, actor, sponsor, 'active', `matched to household ${opts.caseRef}`, matchDetails);
  await recordAudit(db, {
    actor,
    action: 'sponsorship.match',
    purpose: 'community sponsorship: matching a sponsor to a household',
    subject: `case:${stateCode}:${opts.caseRef}`,
    stateCode,
    recordIds: [`case:${opts.caseRef}`, `sponsor:${sponsor.id}`],
    fields: ['phases'],
    details: { ...matchDetails, phases, scheme: scheme.id, schemeVersion: scheme.version },
  });
  return readSponsorship(db, sponsorshipId);
}

async function readSponsorship(db: Executor, id: number): Promise<SponsorshipDetail> {
  const s = await selectSponsorshipSummary(db, id);
  if (!s) throw appError(ErrorCode.NotFound, 'sponsorshipNotFound', { id });
  const roles = s.schemeId !== null ? await selectSchemeVersionRoles(db, s.schemeId, s.schemeVersion) : null;
  return { ...s, roles, tasks: await tasksOf(db, [id]) };
}

async function tasksOf(db: Executor, ids: number[]): Promise<(SponsorshipTask & { sponsorshipId: number })[]> {
  if (ids.length === 0) return [];
  return selectTasksOf(db, ids);
}

export async function listSponsorships(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  status?: SponsorshipStatus | undefined;
  sponsorId?: number | undefined;
}): Promise<SponsorshipSummary[]> {
  const { db, actor, stateCode } = opts;
  authorize(policies.manageSponsorship, actor, { stateCode });
  const list = await selectSponsorshipSummaries(db, stateCode, { status: opts.status, sponsorId: opts.sponsorId });
  await recordAudit(db, {
    actor,
    action: 'sponsorship.list',
    purpose: 'community sponsorship: list of sponsorships',
    subject: `state:${stateCode}`,
    stateCode,
    recordIds: [...new Set(list.flatMap((s) => [`case:${s.caseRef}`, `sponsor:${s.sponsorId}`]))],
    fields: ['caseRef', 'sponsorName', 'phases', 'status'],
    details: { rows: list.length },
  });
  return list;
}

export async function getSponsorship(opts: { db: Executor; actor: Actor; id: number }): Promise<SponsorshipDetail> {
  const { db, actor, id } = opts;
  const s = await readSponsorship(db, id);
  authorize(policies.manageSponsorship, actor, { stateCode: s.stateCode });
  await recordAudit(db, {
    actor,
    action: 'sponsorship.read',
    purpose: 'community sponsorship: a sponsorship',
    subject: `case:${s.stateCode}:${s.caseRef}`,
    stateCode: s.stateCode,
    recordIds: [`case:${s.caseRef}`, `sponsor:${s.sponsorId}`],
    fields: ['phases', 'tasks', 'status'],
  });
  return s;
}

async function lockedSponsorship(db: Executor, actor: Actor, id: number, expectedVersion: number) {
  const row = await lockSponsorshipRow(db, id);
  if (!row) throw appError(ErrorCode.NotFound, 'sponsorshipNotFound', { id });
  authorize(policies.manageSponsorship, actor, { stateCode: row.stateCode });
  if (row.version !== expectedVersion) throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
  if (row.status !== 'active') throw appError(ErrorCode.Conflict, 'sponsorshipNotActive', { id, status: row.status });
  return readSponsorship(db, id);
}

/**
 * The safety net (P 15): a sponsorship that breaks down ends at once, its sponsor loses sight of
 * the household (row-level security reads `case_supporters.ended_at`), and its open tasks of the
 * phases the state takes over become the state's. The case keeps its stage: the state's care goes on.
 */
export async function breakDownSponsorship(opts: {
  db: Executor;
  actor: Actor;
  id: number;
  expectedVersion: number;
  reason: string;
  phases?: string[] | undefined;
  note?: string | undefined;
}): Promise<SponsorshipDetail> {
  const { db, actor, id } = opts;
  const s = await lockedSponsorship(db, actor, id, opts.expectedVersion);
  const phases = opts.phases ?? s.phases;
  const foreign = phases.filter((p) => !s.phases.includes(p));
  if (foreign.length > 0) throw appError(ErrorCode.BadInput, 'breakdownPhases', { phases: foreign.join(', ') }, { phases: foreign });
  const safetyNet = { phases, ...(opts.note ? { note: opts.note } : {}) };
  await finish(db, s, 'broken_down', opts.reason.trim(), safetyNet);
  const moved = safetyNetTasks(
    s.tasks.map((t) => ({ ...t, done: t.doneAt !== null })),
    phases,
  );
  if (moved.length > 0)
    await insertSponsorshipTasks(
      db,
      moved.map((t) => ({ ...t, sponsorshipId: id, stateCode: s.stateCode, organisation: s.organisation })),
    );
  await recordAudit(db, {
    actor,
    action: 'sponsorship.breakdown',
    purpose: 'community sponsorship: the safety net (P 15)',
    subject: `case:${s.stateCode}:${s.caseRef}`,
    stateCode: s.stateCode,
    recordIds: [`case:${s.caseRef}`, `sponsor:${s.sponsorId}`],
    fields: ['status', 'safetyNet'],
    details: { sponsorshipId: id, phases, tasksTakenOver: moved.length },
  });
  return readSponsorship(db, id);
}

/** Ends a sponsorship that ran its course: the sponsor no longer sees the household. */
export async function endSponsorship(opts: {
  db: Executor;
  actor: Actor;
  id: number;
  expectedVersion: number;
  reason: string;
}): Promise<SponsorshipDetail> {
  const { db, actor, id } = opts;
  const s = await lockedSponsorship(db, actor, id, opts.expectedVersion);
  await finish(db, s, 'ended', opts.reason.trim(), null);
  await recordAudit(db, {
    actor,
    action: 'sponsorship.end',
    purpose: 'community sponsorship: end of a sponsorship',
    subject: `case:${s.stateCode}:${s.caseRef}`,
    stateCode: s.stateCode,
    recordIds: [`case:${s.caseRef}`, `sponsor:${s.sponsorId}`],
    fields: ['status'],
  });
  return readSponsorship(db, id);
}

async function finish(db: Executor, s: SponsorshipDetail, status: SponsorshipStatus, reason: string, safetyNet: object | null) {
  await updateSponsorshipEnd(db, s.id, status, today(), reason, safetyNet);
  // Another active sponsorship of the same organisation for the same household keeps the access.
  const kept = await selectSupportKept(db, s.id, s.sponsorId);
  if (kept && !kept.otherActive) await endCaseSupport(db, { caseId: kept.caseId, stateCode: s.stateCode, organisation: s.organisation });
}

export interface BreakdownFigures {
  /** Per state: sponsorships in each status (from `statistics_sponsorships()`, counts only). */
  counts: { stateCode: string; active: number; ended: number; brokenDown: number }[];
  /** A state's officer: its own breakdowns with their reasons. The Commission: none. */
  breakdowns: SponsorshipSummary[];
}

/** Breakdowns: the counts per state (the Commission: every state's; an officer: its own), and an officer's own with reasons. */
export async function sponsorshipBreakdowns(opts: { db: Executor; actor: Actor }): Promise<BreakdownFigures> {
  const { db, actor } = opts;
  authorize(policies.readSponsorshipFigures, actor, undefined);
  const stats = await selectSponsorshipStatistics(db);
  const byState = new Map<string, BreakdownFigures['counts'][number]>();
  for (const r of stats) {
    const c = byState.get(r.state_code) ?? { stateCode: r.state_code, active: 0, ended: 0, brokenDown: 0 };
    if (r.status === 'active') c.active += r.sponsorships;
    else if (r.status === 'ended') c.ended += r.sponsorships;
    else if (r.status === 'broken_down') c.brokenDown += r.sponsorships;
    byState.set(r.state_code, c);
  }
  const own = actor.role === 'state_officer' && actor.stateCode ? actor.stateCode : null;
  const breakdowns = own ? await selectBreakdowns(db, own) : [];
  if (own) {
    await recordAudit(db, {
      actor,
      action: 'sponsorship.breakdowns',
      purpose: 'community sponsorship: breakdowns and the safety net',
      subject: `state:${own}`,
      stateCode: own,
      recordIds: breakdowns.map((b) => `case:${b.caseRef}`),
      fields: ['caseRef', 'endReason', 'safetyNet'],
      details: { rows: breakdowns.length },
    });
  }
  return { counts: [...byState.values()], breakdowns };
}

// ── Messages (both sides, P 17) ─────────────────────────────────────────────────────────────────

export interface SponsorshipMessage {
  id: number;
  side: 'sponsor' | 'state';
  author: string;
  body: string;
  at: string;
}

/** The sponsorship a conversation is about, as the caller's scope sees it, after the policy; a sponsor's only while active. */
async function conversation(db: Executor, actor: Actor, id: number) {
  const s = await selectConversation(db, id);
  if (!s || (actor.role === 'sponsor' && s.status !== 'active')) throw appError(ErrorCode.NotFound, 'sponsorshipNotFound', { id });
  authorize(policies.converseOnSponsorship, actor, s);
  return s;
}

export async function listMessages(opts: { db: Executor; actor: Actor; id: number }): Promise<SponsorshipMessage[]> {
  const { db, actor, id } = opts;
  const s = await conversation(db, actor, id);
  const list = await selectMessages(db, id);
  await recordAudit(db, {
    actor,
    action: 'sponsorship.messages.read',
    purpose: 'community sponsorship: messages (P 17)',
    subject: `sponsorship:${id}`,
    stateCode: s.stateCode,
    recordIds: [`sponsorship:${id}`],
    fields: ['messages'],
    details: { rows: list.length },
  });
  return list;
}

export async function sendMessage(opts: { db: Executor; actor: Actor; id: number; body: string }): Promise<SponsorshipMessage> {
  const { db, actor, id } = opts;
  const s = await conversation(db, actor, id);
  if (s.status !== 'active') throw appError(ErrorCode.Conflict, 'sponsorshipNotActive', { id, status: s.status });
  const side = actor.role === 'sponsor' ? 'sponsor' : 'state';
  const messageId = await insertMessage(db, {
    sponsorshipId: id,
    stateCode: s.stateCode,
    organisation: s.organisation,
    side,
    author: actor.username,
    body: opts.body.trim(),
  });
  await recordAudit(db, {
    actor,
    action: 'sponsorship.message',
    purpose: 'community sponsorship: messages (P 17)',
    subject: `sponsorship:${id}`,
    stateCode: s.stateCode,
    recordIds: [`sponsorship:${id}`],
    fields: ['body'],
  });
  return (await selectMessage(db, messageId))!;
}

// ── The sponsor's portal ────────────────────────────────────────────────────────────────────────

export interface SponsorPortal {
  sponsor: {
    id: number;
    name: string;
    kind: string;
    status: string;
    region: string;
    householdSize: number;
    needsSupported: string[];
    languages: string[];
  } | null;
  /** Its active sponsorships: the household's reference, its phases, who does what. */
  sponsorships: { id: number; stateCode: string; caseRef: string; phases: string[]; roles: Roles | null; matchedOn: string }[];
}

/** A sponsor's own record and its active sponsorships (a household it no longer supports is not shown). */
export async function sponsorPortal(opts: { db: Executor; actor: Actor }): Promise<SponsorPortal> {
  const { db, actor } = opts;
  authorize(policies.useSponsorPortal, actor, undefined);
  const sponsor = await selectPortalSponsor(db, actor.organisation, actor.stateCode);
  const list = sponsor ? await selectPortalSponsorships(db, sponsor.id) : [];
  for (const stateCode of [...new Set(list.map((s) => s.stateCode))]) {
    await recordAudit(db, {
      actor,
      action: 'sponsor.portal.read',
      purpose: 'community sponsorship: the sponsor’s own sponsorships',
      subject: `organisation:${actor.organisation}`,
      stateCode,
      recordIds: list.filter((s) => s.stateCode === stateCode).map((s) => `case:${s.caseRef}`),
      fields: ['caseRef', 'phases', 'roles'],
    });
  }
  return { sponsor: sponsor ?? null, sponsorships: list };
}

export interface PortalTask extends SponsorshipTask {
  sponsorshipId: number;
  caseRef: string;
}

/** The tasks of a sponsor's active sponsorships (its own and the state's, so both sides see who does what). */
export async function sponsorTasks(opts: { db: Executor; actor: Actor }): Promise<PortalTask[]> {
  const { db, actor } = opts;
  authorize(policies.useSponsorPortal, actor, undefined);
  const list = await selectPortalTasks(db, actor.organisation, actor.stateCode);
  for (const stateCode of [...new Set(list.map((t) => t.stateCode))]) {
    await recordAudit(db, {
      actor,
      action: 'sponsor.tasks.read',
      purpose: 'community sponsorship: the sponsor’s tasks',
      subject: `organisation:${actor.organisation}`,
      stateCode,
      recordIds: [...new Set(list.filter((t) => t.stateCode === stateCode).map((t) => `case:${t.caseRef}`))],
      fields: ['caseRef', 'tasks'],
    });
  }
  return list.map(({ stateCode: _, ...t }) => t);
}

/** A sponsor marks one of its tasks done (done stays done: a second call changes nothing). */
export async function completeTask(opts: { db: Executor; actor: Actor; taskId: number }): Promise<PortalTask> {
  const { db, actor, taskId } = opts;
  authorize(policies.useSponsorPortal, actor, undefined);
  const t = await selectPortalTask(db, taskId, actor.organisation, actor.stateCode);
  if (t?.status !== 'active' || t.caseRef === null) throw appError(ErrorCode.NotFound, 'taskNotFound', { id: taskId });
  if (t.holder !== 'sponsor') throw appError(ErrorCode.Forbidden, 'taskOfState', { id: taskId });
  await markTaskDone(db, taskId, actor.id);
  await recordAudit(db, {
    actor,
    action: 'sponsor.task.done',
    purpose: 'community sponsorship: a task done',
    subject: `organisation:${actor.organisation}`,
    stateCode: t.stateCode,
    recordIds: [`case:${t.caseRef}`],
    fields: ['doneAt'],
    details: { task: taskId },
  });
  const [out] = (await sponsorTasks({ db, actor })).filter((x) => x.id === taskId);
  return out!;
}
