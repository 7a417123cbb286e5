import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit.ts';
import { rows, type Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { selectProgramme } from '../programmes/programme.repository.ts';
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

const COLUMNS = sql`r.id::int AS id, r.state_code AS "stateCode", r.reference, g.code AS programme, r.kind, r.family_members AS "familyMembers",
  r.country_of_residence AS "countryOfResidence", r.received_on::text AS "receivedOn", r.closed_on::text AS "closedOn", r.outcome, r.note, r.version`;
const FROM = sql`family_reunification_requests r LEFT JOIN programmes g ON g.id = r.programme_id`;
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
  const [r] = await rows<Omit<FamilyRequest, 'days'>>(
    db,
    sql`SELECT ${COLUMNS} FROM ${FROM} WHERE r.state_code = ${stateCode} AND r.id = ${id} ${lock ? sql`FOR UPDATE OF r` : sql``}`,
  );
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
  const [row] = await rows<{ id: number }>(
    db,
    sql`INSERT INTO family_reunification_requests (state_code, reference, programme_id, kind, family_members, country_of_residence, received_on, note)
        VALUES (${stateCode}, ${r.reference}, ${programmeId}, ${r.kind}, ${r.familyMembers}, ${r.countryOfResidence}, ${r.receivedOn}::date, ${r.note})
        ON CONFLICT (state_code, reference) DO NOTHING RETURNING id::int AS id`,
  );
  if (!row) throw appError(ErrorCode.Conflict, 'familyRequestExists', { p1: r.reference, p2: stateCode });
  await audit(db, actor, 'family-request.create', [r], stateCode, { kind: r.kind });
  return one(db, stateCode, row.id);
}

export async function listFamilyRequests(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  open?: boolean;
}): Promise<FamilyRequest[]> {
  const { db, actor, stateCode } = opts;
  authorize(policies.handleComplementary, actor, { stateCode });
  const list = (
    await rows<Omit<FamilyRequest, 'days'>>(
      db,
      sql`SELECT ${COLUMNS} FROM ${FROM} WHERE r.state_code = ${stateCode}
            ${opts.open === undefined ? sql`` : opts.open ? sql`AND r.outcome = 'open'` : sql`AND r.outcome <> 'open'`}
           ORDER BY r.received_on DESC, r.id DESC`,
    )
  ).map(withDays);
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
  await db.execute(
    sql`UPDATE family_reunification_requests SET outcome = ${opts.outcome}, closed_on = ${on}::date, note = ${opts.note ?? r.note}, version = version + 1 WHERE id = ${id}`,
  );
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
  const list = await rows<{
    stateCode: string;
    kind: RequestKind;
    familyMembers: number;
    receivedOn: string;
    closedOn: string | null;
    outcome: string;
  }>(
    db,
    sql`SELECT state_code AS "stateCode", kind, family_members AS "familyMembers", received_on::text AS "receivedOn", closed_on::text AS "closedOn", outcome
          FROM family_reunification_requests WHERE state_code = ${stateCode}
          ${opts.from ? sql`AND received_on >= ${opts.from}::date` : sql``} ${opts.to ? sql`AND received_on <= ${opts.to}::date` : sql``}`,
  );
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
