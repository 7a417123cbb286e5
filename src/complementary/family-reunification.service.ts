import { z } from 'zod';
import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { findProgramme as selectProgramme } from '../programmes/programme.service.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import {
  closeProblem,
  daysTaken,
  familyReunificationReport,
  REQUEST_KINDS,
  type FamilyReunificationLine,
  type Outcome,
  type RequestKind,
} from './family-reunification.ts';
import {
  insertFamilyRequest,
  selectFamilyRequest,
  selectFamilyRequestFigures,
  selectFamilyRequests,
  updateFamilyRequestClosed,
} from './family-reunification.repository.ts';

/**
 * Family reunification support requests (P 12, R 31): a state records them, closes each with its
 * outcome, and reports the time they took. Personal data of a family: audited.
 */

export interface FamilyRequest {
  id: number;
  stateCode: string;
  reference: string;
  programme: string | null;
  kind: RequestKind;
  familyMembers: number;
  countryOfResidence: string | null;
  receivedOn: string;
  closedOn: string | null;
  outcome: 'open' | Outcome;
  note: string;
  version: number;
  /** Days from receipt to closure; null while open. */
  days: number | null;
}

const date = z.string().refine(isValidIsoDate, { message: 'date' });
export const familyRequestInput = z
  .object({
    reference: z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} ._/:#-]{0,63}$/u, { message: 'reference' }),
    kind: z.enum(REQUEST_KINDS),
    familyMembers: z.number().int().min(1).max(50).default(1),
    countryOfResidence: z
      .string()
      .regex(/^[A-Z]{3}$/, { message: 'iso3' })
      .nullable()
      .default(null),
    receivedOn: date,
    programme: z.string().min(1).max(64).nullable().default(null),
    note: z.string().max(2000).default(''),
  })
  .strict();

const withDays = (r: Omit<FamilyRequest, 'days'>): FamilyRequest => ({
  ...r,
  days: r.closedOn ? daysTaken(r.receivedOn, r.closedOn) : null,
});
const today = () => new Date().toISOString().slice(0, 10);

async function audit(
  db: Executor,
  actor: Actor,
  action: string,
  list: { reference: string }[],
  stateCode: string,
  details: Record<string, unknown> = {},
) {
  await recordAudit(db, {
    actor,
    action,
    purpose: 'complementary pathways: family reunification support',
    subject: list.length === 1 ? `family-request:${stateCode}:${list[0]!.reference}` : `state:${stateCode}`,
    stateCode,
    recordIds: list.map((r) => `family-request:${r.reference}`),
    fields: ['reference', 'kind', 'familyMembers', 'countryOfResidence', 'receivedOn', 'closedOn', 'outcome', 'note'],
    details,
  });
}

async function one(db: Executor, stateCode: string, id: number, lock = false): Promise<FamilyRequest> {
  const r = await selectFamilyRequest(db, stateCode, id, lock);
  if (!r) throw appError(ErrorCode.NotFound, 'familyRequestNotFound', { p1: id, p2: stateCode });
  return withDays(r);
}

export async function createFamilyRequest(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  input: unknown;
  today?: string;
}): Promise<FamilyRequest> {
  const { db, actor, stateCode } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const parsed = familyRequestInput.safeParse(opts.input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`);
    throw appError(ErrorCode.BadInput, 'familyRequestInvalid', { p1: problems.join('; ') }, { problems });
  }
  const r = parsed.data;
  const now = opts.today ?? today();
  if (r.receivedOn > now) throw appError(ErrorCode.BadInput, 'dateFuture', { p1: r.receivedOn, p2: now });
  let programmeId: number | null = null;
  if (r.programme !== null) {
    const p = await selectProgramme(db, r.programme);
    if (!p) throw appError(ErrorCode.NotFound, 'programmeNotFound', { p1: r.programme });
    if (p.stateCode !== stateCode || p.kind !== 'family_reunification_support')
      throw appError(ErrorCode.BadInput, 'familyRequestProgramme', { p1: p.code, p2: stateCode });
    programmeId = p.id;
  }
  const id = await insertFamilyRequest(db, {
    stateCode,
    reference: r.reference,
    programmeId,
    kind: r.kind,
    familyMembers: r.familyMembers,
    countryOfResidence: r.countryOfResidence,
    receivedOn: r.receivedOn,
    note: r.note,
  });
  if (id === null) throw appError(ErrorCode.Conflict, 'familyRequestExists', { p1: r.reference, p2: stateCode });
  await audit(db, actor, 'family-request.create', [r], stateCode, { kind: r.kind });
  return one(db, stateCode, id);
}

export async function listFamilyRequests(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  open?: boolean;
}): Promise<FamilyRequest[]> {
  const { db, actor, stateCode } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const list = (await selectFamilyRequests(db, stateCode, opts.open)).map(withDays);
  await audit(db, actor, 'family-request.list', list, stateCode, { rows: list.length });
  return list;
}

/** Closes a request with its outcome on a day; the days it took follow. */
export async function closeFamilyRequest(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  id: number;
  expectedVersion: number;
  outcome: Outcome;
  on?: string;
  note?: string;
  today?: string;
}): Promise<FamilyRequest> {
  const { db, actor, stateCode, id } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const now = opts.today ?? today();
  const on = opts.on ?? now;
  if (!isValidIsoDate(on)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: on });
  const r = await one(db, stateCode, id, true);
  if (r.version !== opts.expectedVersion)
    throw appError(ErrorCode.PreconditionFailed, 'familyRequestStale', { p1: r.reference, p2: opts.expectedVersion, p3: r.version });
  const problem = closeProblem(r, { outcome: opts.outcome, on }, now);
  if (problem)
    throw appError(ErrorCode.BadInput, `family.${problem}`, { p1: r.reference, p2: opts.outcome, p3: r.kind, p4: on, p5: r.receivedOn });
  await updateFamilyRequestClosed(db, id, opts.outcome, on, opts.note ?? r.note);
  await audit(db, actor, 'family-request.close', [r], stateCode, { outcome: opts.outcome, on });
  return one(db, stateCode, id);
}

/** A state's requests: how many, open, by kind and outcome, and the days the closed ones took (median, 90th percentile). */
export async function familyReunificationFigures(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  from?: string;
  to?: string;
}): Promise<FamilyReunificationLine> {
  const { db, actor, stateCode } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const list = await selectFamilyRequestFigures(db, stateCode, opts.from, opts.to);
  return (
    familyReunificationReport(list)[0] ?? {
      stateCode,
      requests: 0,
      familyMembers: 0,
      open: 0,
      byKind: {},
      byOutcome: {},
      days: { count: 0, median: null, p90: null },
    }
  );
}
