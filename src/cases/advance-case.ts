import { appError } from '../i18n/problem.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { translator } from '../i18n/i18n.ts';
import { refreshIncentives } from '../incentives/incentive.service.ts';
import { listRounds } from '../rounds/round.service.ts';
import { isValidIsoDate, roundForDate } from '../rounds/round.ts';
import { checkCaseVersion } from './case-changes.service.ts';
import { excludeMembers, moveCase, recordMembersArrival, selectCaseToMove, selectMemberRefs } from './case.repository.ts';
import { isStage, MODALITIES, transition, type Action, type Modality, type Status } from './stage.ts';

const en = translator('en');

export interface AdvanceResult {
  from: Status;
  to: Status;
  version: number;
  /** Persons whose arrival this move recorded. */
  arrived: number;
  /** The case's id (for its ETag); not part of the API's answer (MoveAnswer). */
  caseId: number;
}

/** A move as the API answers it. */
export type MoveAnswer = Omit<AdvanceResult, 'caseId'>;

/**
 * Moves one case: advance to a stage, hold, resume or withdraw. The pure `transition` decides; this
 * writes the new status, raises the version, adds a line to the history and to the audit trail,
 * and on arrival records each member's arrival so the state of play counts them — all in the
 * caller's transaction. A change made against an older version than the case's is refused.
 */
export async function advanceCase(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  caseRef: string;
  action: Action;
  reason?: string | null;
  modality?: Modality | null;
  /** The day it happened; default today. */
  on?: string;
  /**
   * The version the user saw; when given and stale, the change is refused. A function of the case's
   * id where the version comes from an If-Match that names the case by id (412 when none does).
   */
  expectedVersion?: number | ((caseId: number) => number);
  /**
   * A split decision: on acceptance, the members accepted (by person_ref); the others are excluded
   * with the move's reason, and neither travel nor count on arrival.
   */
  acceptedMembers?: string[];
  today?: string;
}): Promise<AdvanceResult> {
  const { db, actor, stateCode, caseRef, action } = opts;
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const on = opts.on ?? today;
  if (!isValidIsoDate(on)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: on });
  if (on > today) throw appError(ErrorCode.BadInput, 'dateFuture', { p1: on, p2: today });
  if (opts.modality != null && !MODALITIES.includes(opts.modality))
    throw appError(ErrorCode.BadInput, 'modality', { p1: MODALITIES.join(', ') });

  const c = await selectCaseToMove(db, stateCode, caseRef);
  if (!c) throw appError(ErrorCode.NotFound, 'caseNotFoundIn', { p1: caseRef, p2: stateCode });
  checkCaseVersion(caseRef, typeof opts.expectedVersion === 'function' ? opts.expectedVersion(c.id) : opts.expectedVersion, c.version);
  if (c.statusOn && on < c.statusOn) {
    throw appError(ErrorCode.BadInput, 'moveBeforeStatus', { p1: caseRef, p2: c.status, p3: c.statusOn, p4: on });
  }
  const result = transition({ status: c.status, heldFrom: c.heldFrom }, action, opts.reason);
  if (!result.ok) {
    const to = action.type === 'advance' ? action.to : action.type;
    throw new AppError(
      ErrorCode.BadInput,
      en(`transition.${result.refusal}`, { ref: caseRef, from: c.status, to, allowed: result.allowed.join(', ') || '–' }),
      {
        refusal: result.refusal,
        allowed: result.allowed,
      },
    );
  }
  const next = result.next;
  const version = c.version + 1;
  // The case's modality is how it was reviewed (R 19); a modality given with another move (the
  // pre-departure orientation, in person or remote: P 8) stays with that move in the history.
  const reviewModality = opts.modality && ['under_review', 'accepted', 'rejected', 'deferred'].includes(next.status) ? opts.modality : null;
  let excluded: string[] = [];
  if (opts.acceptedMembers !== undefined) {
    if (next.status !== 'accepted') throw appError(ErrorCode.BadInput, 'membersOnAcceptance');
    const members = await selectMemberRefs(db, c.id);
    const unknown = opts.acceptedMembers.filter((m) => !members.includes(m));
    if (unknown.length > 0)
      throw appError(ErrorCode.BadInput, 'memberUnknown', { p1: caseRef, p2: unknown.join(', '), p3: members.join(', ') });
    if (opts.acceptedMembers.length === 0) throw appError(ErrorCode.BadInput, 'splitNone');
    excluded = members.filter((m) => !opts.acceptedMembers!.includes(m));
    if (excluded.length > 0 && !opts.reason?.trim()) throw appError(ErrorCode.BadInput, 'splitReason', { p1: excluded.join(', ') });
    if (excluded.length > 0) await excludeMembers(db, c.id, excluded, opts.reason!);
  }
  // The case is locked since it was read (FOR UPDATE): its version cannot have moved in between (the
  // statement fails the transaction if it had).
  await moveCase(db, {
    id: c.id,
    stateCode,
    fromVersion: c.version,
    from: c.status,
    status: next.status,
    heldFrom: next.heldFrom,
    on,
    version,
    modality: reviewModality,
    actor: actor.id,
    reason: opts.reason ?? null,
    details: { ...(opts.modality ? { modality: opts.modality } : {}), ...(excluded.length ? { excluded } : {}) },
  });

  let arrived = 0;
  if (next.status === 'arrived') {
    // Arrival counts each member who has not arrived yet, in the round the case names or else the
    // round whose period holds the day, against the case's country of departure.
    const roundId = c.roundId ?? roundForDate(await listRounds(db), on);
    arrived = await recordMembersArrival(db, c.id, on, roundId);
    if (arrived > 0) await refreshIncentives(db, actor, { caseIds: [c.id], reason: 'arrival' });
  }
  await recordAudit(db, {
    actor,
    action: 'case.transition',
    subject: `case:${stateCode}:${caseRef}`,
    stateCode,
    details: {
      from: c.status,
      to: next.status,
      on,
      reason: opts.reason ?? null,
      version,
      arrived,
      ...(excluded.length ? { excluded } : {}),
    },
  });
  return { from: c.status, to: next.status, version, arrived, caseId: c.id };
}

/** Reads an action from the words of the CLI or API: a stage, or hold, resume, withdraw. */
export function parseAction(to: string): Action {
  if (to === 'hold' || to === 'on_hold') return { type: 'hold' };
  if (to === 'resume') return { type: 'resume' };
  if (to === 'withdraw' || to === 'withdrawn') return { type: 'withdraw' };
  if (isStage(to)) return { type: 'advance', to };
  throw appError(ErrorCode.BadInput, 'notStageOrAction', { p1: to });
}
