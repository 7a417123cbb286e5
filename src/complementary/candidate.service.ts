import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import { findCaseWithPerson } from '../cases/case-lookup.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { findProgramme as selectProgramme } from '../programmes/programme.service.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import {
  candidateMoves,
  isCandidatePathway,
  moveCandidate,
  supportRefusal,
  type CandidatePathway,
  type CandidateStatus,
  type Support,
} from './candidate.ts';
import {
  appendCandidateSupport,
  insertCandidate,
  insertCandidateCreatedEvent,
  insertCandidateMoveEvent,
  selectCandidate,
  selectCandidateEvents,
  selectCandidates,
  updateCandidateStatus,
} from './candidate.repository.ts';
import { occupationsOf, skillsProfile, type SkillsProfile } from './skills.ts';

/**
 * Candidates of education and labour programmes (P 19–21): a member of a case of that pathway,
 * their skills profile, where the candidacy stands and its history. Personal data: every read and
 * write is audited in its transaction. A candidacy never touches its case: the household keeps its
 * pathway, its protection categories and its stage (P 21, "zonder dat dit afbreuk doet aan hun
 * recht op bescherming").
 */

export interface Candidate {
  id: number;
  stateCode: string;
  programme: string;
  pathway: CandidatePathway;
  caseRef: string;
  personRef: string;
  skills: SkillsProfile;
  occupations: string[];
  status: CandidateStatus;
  statusOn: string | null;
  support: Support[];
  version: number;
  /** The statuses it may move to now. */
  moves: CandidateStatus[];
}

export interface CandidateEvent {
  fromStatus: CandidateStatus | null;
  toStatus: CandidateStatus;
  on: string;
  reason: string | null;
  actor: string;
}

const withMoves = (c: Omit<Candidate, 'moves'>): Candidate => ({
  ...c,
  skills: skillsProfile.parse(c.skills ?? {}),
  moves: candidateMoves(c.pathway, c.status),
});

const today = () => new Date().toISOString().slice(0, 10);
function checkDay(on: string, now: string) {
  if (!isValidIsoDate(on)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: on });
  if (on > now) throw appError(ErrorCode.BadInput, 'dateFuture', { p1: on, p2: now });
}

async function audit(
  db: Executor,
  actor: Actor,
  action: string,
  c: { stateCode: string; caseRef: string; personRef: string; id: number }[],
  stateCode: string,
  fields: string[],
  details: Record<string, unknown> = {},
) {
  await recordAudit(db, {
    actor,
    action,
    purpose: 'complementary pathways: candidates',
    subject: c.length === 1 ? `candidate:${stateCode}:${c[0]!.id}` : `state:${stateCode}`,
    stateCode,
    recordIds: c.flatMap((x) => [`case:${x.caseRef}`, `person:${x.personRef}`]),
    fields,
    details,
  });
}

/** A member of a case applies to one of its state's education or labour programmes of the case's pathway. */
export async function createCandidate(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  programme: string;
  caseRef: string;
  personRef: string;
  skills?: unknown;
  on?: string;
  today?: string;
}): Promise<Candidate> {
  const { db, actor, stateCode } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const on = opts.on ?? opts.today ?? today();
  checkDay(on, opts.today ?? today());
  const parsed = skillsProfile.safeParse(opts.skills ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `skills.${i.path.join('.')}: ${i.message}`);
    throw appError(ErrorCode.BadInput, 'skillsInvalid', { p1: problems.join('; ') }, { problems });
  }
  const p = await selectProgramme(db, opts.programme);
  if (!p) throw appError(ErrorCode.NotFound, 'programmeNotFound', { p1: opts.programme });
  if (p.stateCode !== stateCode || !isCandidatePathway(p.pathway))
    throw appError(ErrorCode.BadInput, 'candidateProgramme', { p1: p.code, p2: stateCode });
  const c = await findCaseWithPerson(db, stateCode, opts.caseRef, opts.personRef);
  if (!c) throw appError(ErrorCode.NotFound, 'caseNotFoundIn', { p1: opts.caseRef, p2: stateCode });
  if (c.pathway !== p.pathway)
    throw appError(ErrorCode.BadInput, 'programmePathway', { p1: p.code, p2: p.pathway, p3: opts.caseRef, p4: c.pathway });
  if (c.person === null) throw appError(ErrorCode.BadInput, 'candidatePerson', { p1: opts.caseRef });
  const id = await insertCandidate(db, {
    stateCode,
    programmeId: p.id,
    caseId: c.id,
    personRef: opts.personRef,
    skills: parsed.data,
    occupations: occupationsOf(parsed.data),
    on,
  });
  if (id === null) throw appError(ErrorCode.Conflict, 'candidateExists', { p1: opts.caseRef, p2: p.code });
  await insertCandidateCreatedEvent(db, id, stateCode, on, actor.id);
  const created = await one(db, stateCode, id);
  await audit(db, actor, 'candidate.create', [created], stateCode, ['programme', 'skills', 'status'], { programme: p.code });
  return created;
}

async function one(db: Executor, stateCode: string, id: number, lock = false): Promise<Candidate> {
  const c = await selectCandidate(db, stateCode, id, lock);
  if (!c) throw appError(ErrorCode.NotFound, 'candidateNotFound', { p1: id, p2: stateCode });
  return withMoves(c);
}

export async function listCandidates(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  status?: CandidateStatus;
  programme?: string;
}): Promise<Candidate[]> {
  const { db, actor, stateCode } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const list = (await selectCandidates(db, stateCode, { status: opts.status, programme: opts.programme })).map(withMoves);
  await audit(db, actor, 'candidate.list', list, stateCode, ['programme', 'caseRef', 'personRef', 'occupations', 'status', 'support'], {
    rows: list.length,
  });
  return list;
}

export async function getCandidate(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  id: number;
}): Promise<Candidate & { history: CandidateEvent[] }> {
  const { db, actor, stateCode, id } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const c = await one(db, stateCode, id);
  const history = await selectCandidateEvents(db, id);
  await audit(db, actor, 'candidate.read', [c], stateCode, ['programme', 'caseRef', 'personRef', 'skills', 'status', 'support', 'history']);
  return { ...c, history };
}

/** Moves a candidacy (the pure `moveCandidate` decides); a line in its history, an audit line. */
export async function transitionCandidate(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  id: number;
  expectedVersion: number;
  to: CandidateStatus;
  on?: string;
  reason?: string | null;
  today?: string;
}): Promise<Candidate> {
  const { db, actor, stateCode, id, to } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const now = opts.today ?? today();
  const on = opts.on ?? now;
  checkDay(on, now);
  const c = await one(db, stateCode, id, true);
  if (c.version !== opts.expectedVersion)
    throw appError(ErrorCode.PreconditionFailed, 'candidateStale', { p1: id, p2: opts.expectedVersion, p3: c.version });
  if (c.statusOn && on < c.statusOn)
    throw appError(ErrorCode.BadInput, 'candidateMoveBefore', { p1: id, p2: c.status, p3: c.statusOn, p4: on });
  const d = moveCandidate(c.pathway, c.status, to, opts.reason);
  if (!d.ok) {
    throw appError(
      ErrorCode.BadInput,
      d.refusal === 'reason_required' ? 'candidateReason' : 'candidateMove',
      { p1: c.status, p2: to, p3: d.allowed.join(', ') || '–' },
      { refusal: d.refusal, allowed: d.allowed },
    );
  }
  await updateCandidateStatus(db, id, to, on);
  await insertCandidateMoveEvent(db, { id, stateCode, from: c.status, to, on, reason: opts.reason ?? null, actor: actor.id });
  await audit(db, actor, 'candidate.transition', [c], stateCode, ['status'], { from: c.status, to, on, reason: opts.reason ?? null });
  return one(db, stateCode, id);
}

/** Records support given (P 20): a scholarship, a language course, flexible admission; counselling and job search after graduation. */
export async function addSupport(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  id: number;
  expectedVersion: number;
  support: Support;
}): Promise<Candidate> {
  const { db, actor, stateCode, id, support } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const c = await one(db, stateCode, id, true);
  if (c.version !== opts.expectedVersion)
    throw appError(ErrorCode.PreconditionFailed, 'candidateStale', { p1: id, p2: opts.expectedVersion, p3: c.version });
  const refusal = supportRefusal(c.pathway, c.status, support);
  if (refusal)
    throw appError(ErrorCode.BadInput, refusal === 'graduates_only' ? 'supportGraduatesOnly' : 'supportEducationOnly', {
      p1: support,
      p2: c.status,
    });
  if (!c.support.includes(support)) {
    await appendCandidateSupport(db, id, support);
  }
  await audit(db, actor, 'candidate.support', [c], stateCode, ['support'], { support });
  return one(db, stateCode, id);
}
