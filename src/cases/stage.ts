/**
 * The stages of a resettlement case and the one pure function that says which moves are allowed
 * (RULES.md §3; Recommendation P 8, R 17–19). Everything that changes a case's stage asks `transition`.
 */
export const STAGES = [
  'referred',
  'under_review',
  'accepted',
  'rejected',
  'deferred',
  'checks',
  'pre_departure',
  'travel_arranged',
  'departed',
  'arrived',
  'post_arrival',
  'reception',
  'integration',
  'closed',
] as const;
export type Stage = (typeof STAGES)[number];

/** A case's status: a stage, or one of the two states outside the sequence. */
export const STATUSES = [...STAGES, 'on_hold', 'withdrawn'] as const;
export type Status = (typeof STATUSES)[number];

export const isStage = (s: string): s is Stage => (STAGES as readonly string[]).includes(s);
export const isStatus = (s: string): s is Status => (STATUSES as readonly string[]).includes(s);

/** How a case was reviewed (R 19: remote interviews and dossier-based resettlement). */
export const MODALITIES = ['in_person', 'remote', 'dossier'] as const;
export type Modality = (typeof MODALITIES)[number];

/** Where a case may go from each stage, in order of the process. */
const NEXT: Record<Stage, readonly Stage[]> = {
  referred: ['under_review'],
  under_review: ['accepted', 'rejected', 'deferred'],
  // A deferral is not a rejection: the case comes back for review, or is decided.
  deferred: ['under_review', 'accepted', 'rejected'],
  accepted: ['checks'],
  // A failed security or health check ends in rejection.
  checks: ['pre_departure', 'rejected'],
  pre_departure: ['travel_arranged'],
  travel_arranged: ['departed'],
  departed: ['arrived'],
  arrived: ['post_arrival'],
  post_arrival: ['reception'],
  reception: ['integration'],
  integration: ['closed'],
  rejected: ['closed'],
  closed: [],
};

/** Stages from which a case may be put on hold: before the household is on its way. */
export const HOLDABLE_STAGES: readonly Stage[] = [
  'referred',
  'under_review',
  'deferred',
  'accepted',
  'checks',
  'pre_departure',
  'travel_arranged',
];
const HOLDABLE: ReadonlySet<Stage> = new Set(HOLDABLE_STAGES);
/** Stages from which a case may be withdrawn: any before arrival (after arrival it is impossible). */
const WITHDRAWABLE: ReadonlySet<Stage> = new Set([...HOLDABLE, 'departed']);
/** Moves that must say why. */
const NEEDS_REASON: ReadonlySet<Status> = new Set(['rejected', 'deferred', 'on_hold', 'withdrawn']);

export type Action = { type: 'advance'; to: Stage } | { type: 'hold' } | { type: 'resume' } | { type: 'withdraw' };

export interface CaseStatus {
  status: Status;
  /** The stage a case on hold returns to when resumed. */
  heldFrom: Stage | null;
}

export type TransitionRefusal =
  | 'terminal' // the case is closed or withdrawn
  | 'not_next' // the stage does not follow the current one
  | 'held' // a case on hold can only be resumed or withdrawn
  | 'not_on_hold' // resume of a case that is not on hold
  | 'not_holdable' // hold after departure
  | 'after_arrival' // withdrawal after arrival
  | 'reason_required';

export type TransitionResult = { ok: true; next: CaseStatus } | { ok: false; refusal: TransitionRefusal; allowed: Status[] };

/** The moves open to a case now: what an interface offers. */
export function allowedMoves(current: CaseStatus): Status[] {
  if (current.status === 'withdrawn') return [];
  if (current.status === 'on_hold') return [current.heldFrom ?? 'referred', 'withdrawn'];
  const moves: Status[] = [...NEXT[current.status]];
  if (HOLDABLE.has(current.status)) moves.push('on_hold');
  if (WITHDRAWABLE.has(current.status)) moves.push('withdrawn');
  return moves;
}

export function transition(current: CaseStatus, action: Action, reason?: string | null): TransitionResult {
  const refuse = (refusal: TransitionRefusal): TransitionResult => ({ ok: false, refusal, allowed: allowedMoves(current) });
  const target: Status =
    action.type === 'advance'
      ? action.to
      : action.type === 'hold'
        ? 'on_hold'
        : action.type === 'withdraw'
          ? 'withdrawn'
          : (current.heldFrom ?? 'referred');
  const { status } = current;

  if (status === 'withdrawn' || status === 'closed') return refuse('terminal');
  if (status === 'on_hold') {
    if (action.type === 'resume') return { ok: true, next: { status: current.heldFrom ?? 'referred', heldFrom: null } };
    if (action.type === 'withdraw')
      return reasonGiven(target, reason) ? { ok: true, next: { status: 'withdrawn', heldFrom: null } } : refuse('reason_required');
    return refuse('held');
  }
  switch (action.type) {
    case 'resume':
      return refuse('not_on_hold');
    case 'hold':
      if (!HOLDABLE.has(status)) return refuse('not_holdable');
      if (!reasonGiven(target, reason)) return refuse('reason_required');
      return { ok: true, next: { status: 'on_hold', heldFrom: status } };
    case 'withdraw':
      if (!WITHDRAWABLE.has(status)) return refuse('after_arrival');
      if (!reasonGiven(target, reason)) return refuse('reason_required');
      return { ok: true, next: { status: 'withdrawn', heldFrom: null } };
    case 'advance':
      if (!NEXT[status].includes(action.to)) return refuse('not_next');
      if (!reasonGiven(target, reason)) return refuse('reason_required');
      return { ok: true, next: { status: action.to, heldFrom: null } };
  }
}

const reasonGiven = (target: Status, reason?: string | null) => !NEEDS_REASON.has(target) || Boolean(reason?.trim());

/** Stages in which a case still counts towards future arrivals (for the pipeline and forecast). */
export const PRE_ARRIVAL: readonly Stage[] = [
  'referred',
  'under_review',
  'deferred',
  'accepted',
  'checks',
  'pre_departure',
  'travel_arranged',
  'departed',
];
export const isArrivedOrLater = (s: Status) =>
  s === 'arrived' || s === 'post_arrival' || s === 'reception' || s === 'integration' || s === 'closed';

/** The action that takes a case from where it is to `to`: what a recorded history's next line says. */
export function actionTo(current: CaseStatus, to: Status): Action {
  if (to === 'on_hold') return { type: 'hold' };
  if (to === 'withdrawn') return { type: 'withdraw' };
  if (current.status === 'on_hold') return { type: 'resume' };
  return { type: 'advance', to: to as Stage };
}
