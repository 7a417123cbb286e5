import { appError } from '../i18n/problem.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { refreshIncentives } from '../incentives/incentive.service.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { insertCaseEvents, recordCasesArrival, selectCasesForUpdate, updateCaseStatuses } from './case.repository.ts';
import { actionTo, transition, type CaseStatus, type Modality, type Status } from './stage.ts';

export interface HistoryToAppend {
  stateCode: string;
  caseRef: string;
  /** How the case was reviewed, where it was. */
  modality?: Modality | null;
  /** The moves after the case's present status, in order. */
  events: { status: Status; on: string; reason?: string }[];
}

/**
 * Appends whole histories to many cases at once (demonstration data, migrations from another
 * system): every move is checked by `transition`, as one move at a time would be, and then written
 * set-based — the history lines, each case's final status and version, and on arrival the members'
 * arrival, counted in the state of play by its triggers. Nothing is written if any move is refused.
 */
export async function appendCaseHistories(opts: {
  db: Executor;
  actor: Actor;
  items: readonly HistoryToAppend[];
}): Promise<{ cases: number; moves: number }> {
  const { db, actor, items } = opts;
  if (items.length === 0) return { cases: 0, moves: 0 };
  const current = await selectCasesForUpdate(db, items);
  const byKey = new Map(current.map((c) => [`${c.s}\u0000${c.r}`, c]));
  const ev = {
    id: [] as number[],
    state: [] as string[],
    on: [] as string[],
    from: [] as string[],
    to: [] as string[],
    reason: [] as (string | null)[],
    details: [] as string[],
  };
  const finals = {
    id: [] as number[],
    status: [] as string[],
    heldFrom: [] as (string | null)[],
    on: [] as string[],
    version: [] as number[],
    modality: [] as (string | null)[],
  };
  const arrivals = { id: [] as number[], on: [] as string[] };
  for (const item of items) {
    const c = byKey.get(`${item.stateCode}\u0000${item.caseRef}`);
    if (!c) throw appError(ErrorCode.NotFound, 'caseNotFoundIn', { p1: item.caseRef, p2: item.stateCode });
    let at: CaseStatus = { status: c.status, heldFrom: c.heldFrom };
    for (const e of item.events) {
      const r = transition(at, actionTo(at, e.status), e.reason);
      if (!r.ok || r.next.status !== e.status) {
        throw new AppError(
          ErrorCode.BadInput,
          `Case ${item.caseRef}: ${at.status} → ${e.status} on ${e.on} is not a move the rules allow (${r.ok ? 'resumes elsewhere' : r.refusal}).`,
        );
      }
      ev.id.push(c.id);
      ev.state.push(item.stateCode);
      ev.on.push(e.on);
      ev.from.push(at.status);
      ev.to.push(e.status);
      ev.reason.push(e.reason ?? null);
      ev.details.push(e.status === 'under_review' && item.modality ? JSON.stringify({ modality: item.modality }) : '{}');
      if (e.status === 'arrived') {
        arrivals.id.push(c.id);
        arrivals.on.push(e.on);
      }
      at = r.next;
    }
    if (item.events.length === 0) continue;
    finals.id.push(c.id);
    finals.status.push(at.status);
    finals.heldFrom.push(at.heldFrom);
    finals.on.push(item.events[item.events.length - 1]!.on);
    finals.version.push(c.version + item.events.length);
    finals.modality.push(item.modality ?? null);
  }
  await insertCaseEvents(db, actor.id, ev);
  await updateCaseStatuses(db, finals);
  if (arrivals.id.length > 0) {
    await recordCasesArrival(db, arrivals);
    // Arrival earns the AMIF incentive, as a move to arrival does (src/cases/advance-case.ts).
    await refreshIncentives(db, actor, { caseIds: arrivals.id, reason: 'arrival' });
  }
  const perState = new Map<string, number>();
  for (const s of ev.state) perState.set(s, (perState.get(s) ?? 0) + 1);
  for (const [stateCode, moves] of perState)
    await recordAudit(db, { actor, action: 'case.history.append', subject: `state:${stateCode}`, stateCode, details: { moves } });
  return { cases: finals.id.length, moves: ev.id.length };
}
