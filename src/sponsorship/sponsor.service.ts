import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import {
  isMemberCheck,
  memberScreening,
  sponsorMoveRefusal,
  type Check,
  type CheckRecord,
  type CheckResult,
  type SponsorKind,
  type SponsorStatus,
} from './sponsor.ts';
import {
  bumpSponsor,
  countSponsorsOfOrganisation,
  insertSponsor,
  insertSponsorEvent,
  insertSponsorMember,
  selectSponsorCheckEvents,
  selectSponsorEvents,
  selectSponsorMembers,
  selectSponsorSummaries,
  selectSponsorSummary,
  selectSponsorWithContact,
  sponsorMemberExists,
  updateMemberScreening,
  updateSponsorStatus,
} from './sponsor.repository.ts';

/**
 * Sponsors as the state records them (P 15, R 30): the application, its members, the checks, the
 * moves of its screening, each with its history. A sponsor that is an individual or a group is a
 * person's data: every read and write is audited in the same transaction.
 */

export interface SponsorInput {
  organisation: string;
  kind: SponsorKind;
  name: string;
  contact: { email?: string; phone?: string; address?: string };
  region: string;
  householdSize: number;
  needsSupported: string[];
  languages: string[];
}

export interface SponsorSummary {
  id: number;
  stateCode: string;
  organisation: string;
  kind: SponsorKind;
  name: string;
  region: string;
  householdSize: number;
  needsSupported: string[];
  languages: string[];
  status: SponsorStatus;
  statusReason: string | null;
  version: number;
}

export interface SponsorMember {
  id: number;
  name: string;
  role: string;
  screening: 'pending' | 'cleared' | 'refused';
  screenedOn: string | null;
}

export interface SponsorEvent {
  id: number;
  kind: string;
  fromStatus: string | null;
  toStatus: string | null;
  details: Record<string, unknown>;
  reason: string | null;
  actor: string;
  at: string;
}

export interface SponsorDetail extends SponsorSummary {
  contact: SponsorInput['contact'];
  members: SponsorMember[];
  checks: CheckRecord[];
  history: SponsorEvent[];
}

export const sponsorEtag = (id: number, version: number): string => `"sponsor-${id}-v${version}"`;

const subject = (id: number) => `sponsor:${id}`;

/** Records a sponsor's application (status applied), its first line of history. */
export async function createSponsor(opts: { db: Executor; actor: Actor; stateCode: string; input: SponsorInput }): Promise<SponsorDetail> {
  const { db, actor, stateCode, input } = opts;
  authorize(policies.manageSponsorship, actor, { stateCode });
  // Unique per state (issue 19, finding 11): another state's sponsor of the same code is neither seen nor told.
  if ((await countSponsorsOfOrganisation(db, stateCode, input.organisation)) > 0)
    throw appError(ErrorCode.Conflict, 'sponsorOrganisationTaken', { organisation: input.organisation });
  const id = await insertSponsor(db, { stateCode, ...input });
  await insertSponsorEvent(db, {
    sponsorId: id,
    stateCode,
    kind: 'status',
    fromStatus: null,
    toStatus: 'applied',
    reason: null,
    actor: actor.id,
  });
  await recordAudit(db, {
    actor,
    action: 'sponsor.create',
    purpose: 'community sponsorship: a sponsor applies',
    subject: subject(id),
    stateCode,
    recordIds: [subject(id)],
    fields: Object.keys(input),
  });
  return readSponsor(db, id);
}

/** A state's sponsors, by name; optionally of one status. */
export async function listSponsors(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  status?: SponsorStatus | undefined;
}): Promise<SponsorSummary[]> {
  const { db, actor, stateCode } = opts;
  authorize(policies.manageSponsorship, actor, { stateCode });
  const list = await selectSponsorSummaries(db, stateCode, opts.status);
  await recordAudit(db, {
    actor,
    action: 'sponsor.list',
    purpose: 'community sponsorship: list of sponsors',
    subject: `state:${stateCode}`,
    stateCode,
    recordIds: list.map((s) => subject(s.id)),
    fields: ['name', 'kind', 'region', 'status'],
    details: { status: opts.status ?? null, rows: list.length },
  });
  return list;
}

/** One sponsor with its members, checks and history, as its state's officer sees it. 404 where the scope sees none. */
export async function getSponsor(opts: { db: Executor; actor: Actor; id: number }): Promise<SponsorDetail> {
  const { db, actor, id } = opts;
  const s = await sponsorRow(db, id);
  authorize(policies.manageSponsorship, actor, { stateCode: s.stateCode });
  const detail = await readSponsor(db, id);
  await recordAudit(db, {
    actor,
    action: 'sponsor.read',
    purpose: 'community sponsorship: a sponsor',
    subject: subject(id),
    stateCode: s.stateCode,
    recordIds: [subject(id), ...detail.members.map((m) => `sponsor-member:${m.id}`)],
    fields: ['name', 'contact', 'members', 'checks', 'history'],
  });
  return detail;
}

async function sponsorRow(db: Executor, id: number, lock = false): Promise<SponsorSummary> {
  const s = await selectSponsorSummary(db, id, lock);
  if (!s) throw appError(ErrorCode.NotFound, 'sponsorNotFound', { id });
  return s;
}

async function readSponsor(db: Executor, id: number): Promise<SponsorDetail> {
  const s = await selectSponsorWithContact(db, id);
  if (!s) throw appError(ErrorCode.NotFound, 'sponsorNotFound', { id });
  const members = await selectSponsorMembers(db, id);
  const history = await selectSponsorEvents(db, id);
  return { ...s, members, checks: checksOf(history), history };
}

/** The checks recorded (a check whose details the end of retention blanked is no longer one to show). */
const checksOf = (history: SponsorEvent[]): CheckRecord[] =>
  history.filter((e) => e.kind === 'check' && Object.keys(e.details).length > 0).map((e) => e.details as unknown as CheckRecord);

/** Locks the sponsor, and refuses (412) a change made against another version than the current one. */
async function lockedSponsor(db: Executor, actor: Actor, id: number, expectedVersion: number): Promise<SponsorSummary> {
  const s = await sponsorRow(db, id, true);
  authorize(policies.manageSponsorship, actor, { stateCode: s.stateCode });
  if (s.version !== expectedVersion) throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
  return s;
}

/** Adds a member (a person acting for the sponsor), to be screened. */
export async function addSponsorMember(opts: {
  db: Executor;
  actor: Actor;
  id: number;
  expectedVersion: number;
  name: string;
  role: string;
}): Promise<SponsorDetail> {
  const { db, actor, id } = opts;
  const s = await lockedSponsor(db, actor, id, opts.expectedVersion);
  if (s.status === 'ended') throw appError(ErrorCode.Conflict, 'sponsorEnded', { id });
  const memberId = await insertSponsorMember(db, { sponsorId: id, stateCode: s.stateCode, name: opts.name, role: opts.role });
  await bumpSponsor(db, id);
  await recordAudit(db, {
    actor,
    action: 'sponsor.member.add',
    purpose: 'community sponsorship: a member of a sponsor',
    subject: subject(id),
    stateCode: s.stateCode,
    recordIds: [subject(id), `sponsor-member:${memberId}`],
    fields: ['name', 'role'],
  });
  return readSponsor(db, id);
}

/**
 * Records one check of the sponsor (financial capacity, housing, training) or of a member
 * (identity, criminal record, safeguarding), with its result and date; a member's screening follows
 * from its checks (`memberScreening`).
 */
export async function recordSponsorCheck(opts: {
  db: Executor;
  actor: Actor;
  id: number;
  expectedVersion: number;
  check: Check;
  memberId: number | null;
  result: CheckResult;
  on: string;
  note?: string | undefined;
}): Promise<SponsorDetail> {
  const { db, actor, id, check, memberId } = opts;
  const s = await lockedSponsor(db, actor, id, opts.expectedVersion);
  if (isMemberCheck(check) !== (memberId !== null))
    throw appError(ErrorCode.BadInput, isMemberCheck(check) ? 'checkNeedsMember' : 'checkOfSponsor', { check });
  if (memberId !== null) {
    if (!(await sponsorMemberExists(db, memberId, id)))
      throw appError(ErrorCode.NotFound, 'sponsorMemberNotFound', { member: memberId, id });
  }
  const record: CheckRecord = { check, memberId, result: opts.result, on: opts.on };
  await insertSponsorEvent(db, {
    sponsorId: id,
    stateCode: s.stateCode,
    kind: 'check',
    details: { ...record, ...(opts.note ? { note: opts.note } : {}) },
    actor: actor.id,
  });
  if (memberId !== null) {
    const history = await selectSponsorCheckEvents(db, id);
    const screening = memberScreening(memberId, checksOf(history));
    await updateMemberScreening(db, memberId, screening, screening === 'pending' ? null : opts.on);
  }
  await bumpSponsor(db, id);
  await recordAudit(db, {
    actor,
    action: 'sponsor.check',
    purpose: 'community sponsorship: screening of a sponsor (P 15, R 30)',
    subject: subject(id),
    stateCode: s.stateCode,
    recordIds: [subject(id), ...(memberId !== null ? [`sponsor-member:${memberId}`] : [])],
    fields: ['checks'],
    details: { check, result: opts.result },
  });
  return readSponsor(db, id);
}

/** Moves a sponsor (the screening's rules: `sponsorMoveRefusal`); a refusal says why (409). */
export async function moveSponsor(opts: {
  db: Executor;
  actor: Actor;
  id: number;
  expectedVersion: number;
  to: SponsorStatus;
  reason: string | null;
  details?: Record<string, unknown>;
}): Promise<SponsorDetail> {
  const { db, actor, id, to } = opts;
  const s = await lockedSponsor(db, actor, id, opts.expectedVersion);
  await applyMove(db, actor, s, to, opts.reason, opts.details ?? {});
  return readSponsor(db, id);
}

/** The move itself, on a sponsor already locked and authorised (matching a household uses it too). */
export async function applyMove(
  db: Executor,
  actor: Actor,
  s: SponsorSummary,
  to: SponsorStatus,
  reason: string | null,
  details: Record<string, unknown>,
): Promise<void> {
  const detail = await readSponsor(db, s.id);
  const refusal = sponsorMoveRefusal({ status: s.status, members: detail.members, checks: detail.checks }, to, reason);
  if (refusal) throw appError(ErrorCode.Conflict, refusal.code, refusal.params as Record<string, string>);
  await insertSponsorEvent(db, {
    sponsorId: s.id,
    stateCode: s.stateCode,
    kind: 'status',
    fromStatus: s.status,
    toStatus: to,
    reason: reason?.trim() || null,
    details,
    actor: actor.id,
  });
  await updateSponsorStatus(db, s.id, to, reason?.trim() || null);
  await recordAudit(db, {
    actor,
    action: 'sponsor.move',
    purpose: 'community sponsorship: screening of a sponsor (P 15, R 30)',
    subject: subject(s.id),
    stateCode: s.stateCode,
    recordIds: [subject(s.id)],
    fields: ['status'],
    details: { from: s.status, to },
  });
}

/** For matching: the sponsor locked, authorised for the state, with what a match needs of it. */
export async function sponsorForMatch(db: Executor, actor: Actor, id: number): Promise<SponsorSummary> {
  const s = await sponsorRow(db, id, true);
  authorize(policies.manageSponsorship, actor, { stateCode: s.stateCode });
  return s;
}
