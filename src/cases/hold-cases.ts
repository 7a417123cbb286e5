import { authorize, policies } from '../access/policy.ts';
import { appError } from '../i18n/problem.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import { holdCasesInScope, resumeCasesInScope, type CaseScopeFilter } from './case.repository.ts';
import { HOLDABLE_STAGES } from './stage.ts';

/** Which cases a hold or resume covers: one state's, one country of departure's, or all. */
export interface CaseScope {
  stateCode?: string;
  countryOfDeparture?: string;
  all?: boolean;
}

/** The cases of a scope that names something (a state, a country of departure, or all). */
function scopeFilter(scope: CaseScope): CaseScopeFilter {
  const n = Number(Boolean(scope.stateCode)) + Number(Boolean(scope.countryOfDeparture)) + Number(Boolean(scope.all));
  if (n === 0) throw appError(ErrorCode.BadInput, 'scopeMissing');
  return {
    ...(scope.stateCode ? { stateCode: scope.stateCode } : {}),
    ...(scope.countryOfDeparture ? { countryOfDeparture: scope.countryOfDeparture } : {}),
  };
}

export interface BulkResult {
  /** Cases moved, per state. */
  byState: Record<string, number>;
  total: number;
}

async function finish(
  db: Executor,
  actor: Actor,
  action: string,
  moved: { stateCode: string }[],
  details: Record<string, unknown>,
): Promise<BulkResult> {
  const byState: Record<string, number> = {};
  for (const m of moved) byState[m.stateCode] = (byState[m.stateCode] ?? 0) + 1;
  for (const [stateCode, n] of Object.entries(byState).sort()) {
    await recordAudit(db, { actor, action, subject: `state:${stateCode}`, stateCode, details: { ...details, cases: n } });
  }
  return { byState, total: moved.length };
}

/**
 * Puts on hold every case of the scope that may be held (the stages `transition` lets hold: before
 * departure), as in the worldwide suspension of mid-March 2020 (R 17). Each case keeps the stage
 * it returns to, and gets a line in its history.
 */
export async function holdCases(opts: { db: Executor; actor: Actor; scope: CaseScope; reason: string; on: string }): Promise<BulkResult> {
  const { db, actor, scope, reason, on } = opts;
  // Across every state (no state named): the operator only.
  authorize(policies.changeCase, actor, { stateCode: scope.stateCode ?? '*' });
  if (!reason.trim()) throw appError(ErrorCode.BadInput, 'holdReason');
  if (!isValidIsoDate(on)) throw appError(ErrorCode.BadInput, 'notADate', { p1: on });
  const moved = await holdCasesInScope(db, { scope: scopeFilter(scope), stages: HOLDABLE_STAGES, on, actor: actor.id, reason });
  return finish(db, actor, 'case.hold', moved, { reason, on, scope });
}

/** Resumes every case of the scope that is on hold, at the stage it was held from (as on 18 June 2020). */
export async function resumeCases(opts: {
  db: Executor;
  actor: Actor;
  scope: CaseScope;
  reason?: string;
  on: string;
}): Promise<BulkResult> {
  const { db, actor, scope, on } = opts;
  authorize(policies.changeCase, actor, { stateCode: scope.stateCode ?? '*' });
  if (!isValidIsoDate(on)) throw appError(ErrorCode.BadInput, 'notADate', { p1: on });
  const moved = await resumeCasesInScope(db, { scope: scopeFilter(scope), on, actor: actor.id, reason: opts.reason ?? null });
  return finish(db, actor, 'case.resume', moved, { on, scope });
}
