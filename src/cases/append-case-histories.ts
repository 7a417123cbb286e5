import { sql } from 'drizzle-orm';
import { appError } from '../i18n/problem.ts';
import { recordAudit, type Actor } from '../audit/audit.ts';
import { rows, type Executor } from '../db/db.ts';
import { refreshIncentives } from '../incentives/incentive.service.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import { actionTo, transition, type CaseStatus, type Modality, type Stage, type Status } from './stage.ts';

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
  const current = await rows<{ id: number; s: string; r: string; status: Status; heldFrom: Stage | null; version: number }>(
    db,
    sql`SELECT c.id::int AS id, c.state_code AS s, c.case_ref AS r, c.status, c.held_from AS "heldFrom", c.version
          FROM unnest(${sql.param(items.map((i) => i.stateCode))}::text[], ${sql.param(items.map((i) => i.caseRef))}::text[]) AS u(s, r)
          JOIN cases c ON c.state_code = u.s AND c.case_ref = u.r
           FOR UPDATE OF c`,
  );
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
  await db.execute(sql`
    INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason, details)
    SELECT id, s, d, ${actor.id}, f, t, r, j::jsonb
      FROM unnest(${sql.param(ev.id)}::bigint[], ${sql.param(ev.state)}::text[], ${sql.param(ev.on)}::date[], ${sql.param(ev.from)}::text[],
                  ${sql.param(ev.to)}::text[], ${sql.param(ev.reason)}::text[], ${sql.param(ev.details)}::text[]) AS u(id, s, d, f, t, r, j)`);
  await db.execute(sql`
    UPDATE cases c SET status = u.st, held_from = u.hf, status_on = u.d, version = u.v, modality = coalesce(u.m, c.modality)
      FROM unnest(${sql.param(finals.id)}::bigint[], ${sql.param(finals.status)}::text[], ${sql.param(finals.heldFrom)}::text[],
                  ${sql.param(finals.on)}::date[], ${sql.param(finals.version)}::int[], ${sql.param(finals.modality)}::text[]) AS u(id, st, hf, d, v, m)
     WHERE c.id = u.id`);
  if (arrivals.id.length > 0) {
    await db.execute(sql`
      UPDATE persons p SET arrived_on = u.d, round_id = coalesce(p.round_id, c.round_id), country_of_departure = c.country_of_departure
        FROM unnest(${sql.param(arrivals.id)}::bigint[], ${sql.param(arrivals.on)}::date[]) AS u(id, d)
        JOIN cases c ON c.id = u.id
       WHERE p.case_id = u.id AND p.arrived_on IS NULL`);
    // Arrival earns the AMIF incentive, as a move to arrival does (src/cases/advance-case.ts).
    await refreshIncentives(db, actor, { caseIds: arrivals.id, reason: 'arrival' });
  }
  const perState = new Map<string, number>();
  for (const s of ev.state) perState.set(s, (perState.get(s) ?? 0) + 1);
  for (const [stateCode, moves] of perState)
    await recordAudit(db, { actor, action: 'case.history.append', subject: `state:${stateCode}`, stateCode, details: { moves } });
  return { cases: finals.id.length, moves: ev.id.length };
}
