import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { findRound } from '../rounds/round.service.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import {
  insertProgramme,
  selectProgramme,
  selectProgrammes,
  updateProgramme,
  type ProgrammeFilters,
  type ProgrammeRow,
} from './programme.repository.ts';
import {
  allowedMoves,
  moveStatus,
  pathwayOfKind,
  programmeChange,
  programmeInput,
  programmeProblems,
  recordFinding,
  type ProgrammeStatus,
} from './programme.ts';

/**
 * Programmes: list, read, create, change, move through their statuses, record a finding on an
 * activation condition, and which programme a case may join (the joining is a change of the case:
 * src/cases/join-programme.ts). Programmes carry no person: reading them needs no audit line; every
 * change writes one.
 */

export interface Programme extends ProgrammeRow {
  /** The statuses it may move to now. */
  moves: ProgrammeStatus[];
}

const present = (p: ProgrammeRow): Programme => ({ ...p, moves: [...allowedMoves(p.status)] });

export async function listProgrammes(opts: { db: Executor; actor: Actor; filters?: ProgrammeFilters }): Promise<Programme[]> {
  authorize(policies.readProgrammes, opts.actor, undefined);
  return (await selectProgrammes(opts.db, opts.filters ?? {})).map(present);
}

export async function getProgramme(opts: { db: Executor; actor: Actor; code: string }): Promise<Programme> {
  authorize(policies.readProgrammes, opts.actor, undefined);
  return present(await found(opts.db, opts.code));
}

/** A programme by its code, or null: the read other folders use. */
export function findProgramme(db: Executor, code: string): Promise<ProgrammeRow | null> {
  return selectProgramme(db, code);
}

async function found(db: Executor, code: string, lock = false): Promise<ProgrammeRow> {
  const p = await selectProgramme(db, code, lock);
  if (!p) throw appError(ErrorCode.NotFound, 'programmeNotFound', { p1: code });
  return p;
}

function invalid(problems: string[]): never {
  throw appError(ErrorCode.BadInput, 'programmeInvalid', { p1: problems.join('; ') }, { problems });
}

const problemText = (p: ReturnType<typeof programmeProblems>[number]): string => {
  switch (p.code) {
    case 'euKind':
      return `a programme of kind ${p.kind} is the EU's own: it has no state`;
    case 'stateKind':
      return `a programme of kind ${p.kind} is a Member State's: name its state`;
    case 'codePrefix':
      return `its code must begin with ${p.prefix}`;
    case 'dates':
      return 'its start date is after its end date';
    case 'details':
      return `details.${p.field}: ${p.reason}`;
    case 'conditionRepeated':
      return `condition ${p.id} is given twice`;
  }
};

/** Adds a programme (a state's by its officers, an EU one by the Commission); every problem of it is reported at once. */
export async function createProgramme(opts: { db: Executor; actor: Actor; input: unknown }): Promise<Programme> {
  const { db, actor } = opts;
  const parsed = programmeInput.safeParse(opts.input);
  if (!parsed.success) invalid(parsed.error.issues.map((i) => `${i.path.join('.') || '(programme)'}: ${i.message}`));
  const p = parsed.data;
  authorize(policies.writeProgramme, actor, { stateCode: p.state });
  const problems = programmeProblems(p).map(problemText);
  if (p.round !== null && !(await findRound(db, p.round))) problems.push(`round: there is no round "${p.round}"`);
  if (problems.length > 0) invalid(problems);
  const row = await insertProgramme(db, {
    code: p.code,
    stateCode: p.state,
    kind: p.kind,
    pathway: pathwayOfKind(p.kind),
    roundId: p.round,
    title: p.title,
    criteria: p.criteria,
    targetGroups: p.targetGroups,
    places: p.places,
    startDate: p.startDate,
    endDate: p.endDate,
    status: 'planned',
    activation: p.conditions.map((c) => ({ ...c, met: false, metOn: null, assessedOn: null, evidence: null })),
    partner: p.partner,
    details: p.details,
    source: p.source,
  });
  if (!row) throw appError(ErrorCode.Conflict, 'programmeExists', { p1: p.code });
  await recordAudit(db, {
    actor,
    action: 'programme.create',
    subject: `programme:${row.code}`,
    stateCode: row.stateCode,
    details: { kind: row.kind, pathway: row.pathway },
  });
  return present(row);
}

/** The programme, locked, after its policy and the version the caller read (412 when stale). */
async function forChange(db: Executor, actor: Actor, code: string, expectedVersion: number): Promise<ProgrammeRow> {
  // Authorised before the lock: a row the scope may read but not change is not seen by FOR UPDATE (row-level security).
  authorize(policies.writeProgramme, actor, { stateCode: (await found(db, code)).stateCode });
  const p = await found(db, code, true);
  if (p.version !== expectedVersion)
    throw appError(ErrorCode.PreconditionFailed, 'programmeStale', { p1: code, p2: expectedVersion, p3: p.version });
  return p;
}

/** Changes what a programme offers (title, criteria, places, dates, target groups, details…); not its kind, state or status. */
export async function changeProgramme(opts: {
  db: Executor;
  actor: Actor;
  code: string;
  expectedVersion: number;
  change: unknown;
}): Promise<Programme> {
  const { db, actor, code } = opts;
  const parsed = programmeChange.safeParse(opts.change);
  if (!parsed.success) invalid(parsed.error.issues.map((i) => `${i.path.join('.') || '(change)'}: ${i.message}`));
  const p = await forChange(db, actor, code, opts.expectedVersion);
  const c = parsed.data;
  const next: ProgrammeRow = {
    ...p,
    ...(c.title !== undefined && { title: c.title }),
    ...(c.criteria !== undefined && { criteria: c.criteria }),
    ...(c.targetGroups !== undefined && { targetGroups: c.targetGroups }),
    ...(c.places !== undefined && { places: c.places }),
    ...(c.startDate !== undefined && { startDate: c.startDate }),
    ...(c.endDate !== undefined && { endDate: c.endDate }),
    ...(c.partner !== undefined && { partner: c.partner }),
    ...(c.details !== undefined && { details: c.details }),
    ...(c.source !== undefined && { source: c.source }),
    ...(c.round !== undefined && { roundId: c.round }),
  };
  const problems = programmeProblems({ ...next, state: next.stateCode, conditions: [] }).map(problemText);
  if (next.roundId !== null && next.roundId !== p.roundId && !(await findRound(db, next.roundId)))
    problems.push(`round: there is no round "${next.roundId}"`);
  if (problems.length > 0) invalid(problems);
  const row = await updateProgramme(db, next);
  await recordAudit(db, {
    actor,
    action: 'programme.change',
    subject: `programme:${code}`,
    stateCode: p.stateCode,
    fields: Object.keys(c),
    details: { version: row.version },
  });
  return present(row);
}

/** Moves a programme to another status; the VHAS becomes active only once every condition is met. */
export async function moveProgramme(opts: {
  db: Executor;
  actor: Actor;
  code: string;
  expectedVersion: number;
  to: ProgrammeStatus;
  reason?: string | null;
}): Promise<Programme> {
  const { db, actor, code, to } = opts;
  const p = await forChange(db, actor, code, opts.expectedVersion);
  const decision = moveStatus(p, to);
  if (!decision.ok && decision.refusal === 'conditions_unmet') {
    throw appError(
      ErrorCode.BadInput,
      'programmeConditionsUnmet',
      { p1: code, p2: decision.unmet.map((c) => `${c.id} (${c.label})`).join('; ') },
      {
        refusal: decision.refusal,
        unmet: decision.unmet.map((c) => c.id),
      },
    );
  }
  if (!decision.ok) {
    throw appError(
      ErrorCode.BadInput,
      'programmeMove',
      { p1: code, p2: p.status, p3: to, p4: decision.allowed.join(', ') || '–' },
      { refusal: decision.refusal, allowed: decision.allowed },
    );
  }
  const row = await updateProgramme(db, { ...p, status: decision.next });
  await recordAudit(db, {
    actor,
    action: 'programme.status',
    subject: `programme:${code}`,
    stateCode: p.stateCode,
    details: { from: p.status, to, reason: opts.reason ?? null, version: row.version },
  });
  return present(row);
}

/** Records a finding on one activation condition: met or not, on which day, on what evidence. */
export async function recordCondition(opts: {
  db: Executor;
  actor: Actor;
  code: string;
  expectedVersion: number;
  condition: string;
  met: boolean;
  on: string;
  evidence: string;
  today?: string;
}): Promise<Programme> {
  const { db, actor, code } = opts;
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  if (!isValidIsoDate(opts.on)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: opts.on });
  if (opts.on > today) throw appError(ErrorCode.BadInput, 'dateFuture', { p1: opts.on, p2: today });
  const p = await forChange(db, actor, code, opts.expectedVersion);
  const activation = recordFinding(p.activation, opts.condition, { met: opts.met, on: opts.on, evidence: opts.evidence });
  if (!activation)
    throw appError(ErrorCode.NotFound, 'programmeConditionUnknown', {
      p1: code,
      p2: opts.condition,
      p3: p.activation.map((c) => c.id).join(', ') || '–',
    });
  const row = await updateProgramme(db, { ...p, activation });
  await recordAudit(db, {
    actor,
    action: 'programme.condition',
    subject: `programme:${code}`,
    stateCode: p.stateCode,
    details: { condition: opts.condition, met: opts.met, on: opts.on, evidence: opts.evidence, version: row.version },
  });
  return present(row);
}

/**
 * The id of the programme `code` if a case of `stateCode` and `pathway` may join it: the programme
 * is the case's state's or an EU one, of the case's pathway, and active; otherwise the reason why
 * not (NotFound, BadInput). The rule src/cases/join-programme.ts asks before it assigns the case.
 */
export async function programmeForCase(
  db: Executor,
  c: { code: string; stateCode: string; caseRef: string; pathway: string },
): Promise<number> {
  const p = await found(db, c.code);
  if (p.stateCode !== null && p.stateCode !== c.stateCode)
    throw appError(ErrorCode.BadInput, 'programmeOtherState', { p1: p.code, p2: p.stateCode, p3: c.stateCode });
  if (p.pathway !== c.pathway)
    throw appError(ErrorCode.BadInput, 'programmePathway', { p1: p.code, p2: p.pathway, p3: c.caseRef, p4: c.pathway });
  if (p.status !== 'active') throw appError(ErrorCode.BadInput, 'programmeNotActive', { p1: p.code, p2: p.status });
  return p.id;
}

/** One of the EU's own programmes (no state), loaded with the platform's reference data (src/seed). */
export async function addShippedProgramme(db: Executor, programme: Parameters<typeof insertProgramme>[1]): Promise<void> {
  await insertProgramme(db, programme);
}
