import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { Roles } from './criteria.ts';
import type { SponsorshipStatus } from './sponsorship.ts';
import type { PortalTask, SponsorPortal, SponsorshipMessage, SponsorshipSummary, SponsorshipTask } from './sponsorship.service.ts';
import { sponsorshipMessages, sponsorships, sponsorshipTasks } from './sponsorship.table.ts';

/** The SQL of sponsorships, their tasks and messages, and the sponsor's portal. */

const SUMMARY = sql`s.id::int AS id, s.state_code AS "stateCode", s.sponsor_id::int AS "sponsorId", sp.name AS "sponsorName", sp.organisation,
  c.case_ref AS "caseRef", s.scheme_id::int AS "schemeId", s.scheme_version AS "schemeVersion", s.phases, s.status, s.matched_on::text AS "matchedOn",
  s.ended_on::text AS "endedOn", s.end_reason AS "endReason", s.safety_net AS "safetyNet", s.version`;
const FROM = sql`sponsorships s JOIN sponsors sp ON sp.id = s.sponsor_id JOIN cases c ON c.id = s.case_id`;

type TaskValues = Omit<typeof sponsorshipTasks.$inferInsert, 'id'>;

export async function countActiveSponsorships(db: Executor, caseId: number, sponsorId: number): Promise<number> {
  const [active] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM sponsorships WHERE case_id = ${caseId} AND sponsor_id = ${sponsorId} AND status = 'active'`,
  );
  return active!.n;
}

export async function insertSponsorship(
  db: Executor,
  values: {
    stateCode: string;
    sponsorId: number;
    caseId: number;
    schemeId: number;
    schemeVersion: number;
    phases: string[];
    matchedOn: string;
    matchedBy: string;
  },
): Promise<number> {
  const [s] = await db.insert(sponsorships).values(values).returning({ id: sponsorships.id });
  return s!.id;
}

export async function insertSponsorshipTasks(db: Executor, tasks: TaskValues[]): Promise<void> {
  await db.insert(sponsorshipTasks).values(tasks);
}

export async function selectSponsorshipSummary(db: Executor, id: number): Promise<SponsorshipSummary | null> {
  const [s] = await rows<SponsorshipSummary>(db, sql`SELECT ${SUMMARY} FROM ${FROM} WHERE s.id = ${id}`);
  return s ?? null;
}

export async function selectSchemeVersionRoles(db: Executor, schemeId: number, version: number | null): Promise<Roles | null> {
  const [v] = await rows<{ roles: Roles }>(
    db,
    sql`SELECT roles FROM sponsorship_scheme_versions WHERE scheme_id = ${schemeId} AND version = ${version}`,
  );
  return v?.roles ?? null;
}

export async function selectTasksOf(db: Executor, ids: number[]): Promise<(SponsorshipTask & { sponsorshipId: number })[]> {
  return rows(
    db,
    sql`SELECT id::int AS id, sponsorship_id::int AS "sponsorshipId", phase, task, holder,
               to_char(done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "doneAt", done_by AS "doneBy"
          FROM sponsorship_tasks WHERE sponsorship_id = ANY(${sql.param(ids)}::bigint[]) ORDER BY sponsorship_id, id`,
  );
}

export async function selectSponsorshipSummaries(
  db: Executor,
  stateCode: string,
  f: { status?: SponsorshipStatus | undefined; sponsorId?: number | undefined },
): Promise<SponsorshipSummary[]> {
  return rows<SponsorshipSummary>(
    db,
    sql`SELECT ${SUMMARY} FROM ${FROM} WHERE s.state_code = ${stateCode}
          ${f.status ? sql`AND s.status = ${f.status}` : sql``} ${f.sponsorId ? sql`AND s.sponsor_id = ${f.sponsorId}` : sql``}
        ORDER BY s.id DESC`,
  );
}

export async function lockSponsorshipRow(
  db: Executor,
  id: number,
): Promise<{ stateCode: string; status: SponsorshipStatus; version: number } | null> {
  const [row] = await rows<{ stateCode: string; status: SponsorshipStatus; version: number }>(
    db,
    sql`SELECT state_code AS "stateCode", status, version FROM sponsorships WHERE id = ${id} FOR UPDATE`,
  );
  return row ?? null;
}

export async function updateSponsorshipEnd(
  db: Executor,
  id: number,
  status: SponsorshipStatus,
  endedOn: string,
  reason: string,
  safetyNet: object | null,
): Promise<void> {
  await db.execute(
    sql`UPDATE sponsorships SET status = ${status}, ended_on = ${endedOn}, end_reason = ${reason}, safety_net = ${safetyNet ? JSON.stringify(safetyNet) : null}::jsonb, version = version + 1 WHERE id = ${id}`,
  );
}

/**
 * Whether the sponsorship's sponsor keeps access to its household: its case, and whether another
 * active sponsorship of the same sponsor for that household remains (then the access stays).
 */
export async function selectSupportKept(
  db: Executor,
  sponsorshipId: number,
  sponsorId: number,
): Promise<{ caseId: number; otherActive: boolean } | null> {
  const [r] = await rows<{ caseId: number; otherActive: boolean }>(
    db,
    sql`SELECT s.case_id::int AS "caseId",
               EXISTS (SELECT 1 FROM sponsorships o WHERE o.case_id = s.case_id AND o.sponsor_id = ${sponsorId} AND o.status = 'active') AS "otherActive"
          FROM sponsorships s WHERE s.id = ${sponsorshipId}`,
  );
  return r ?? null;
}

/** Counts per state and status, from the owner-run `statistics_sponsorships()` (counts only). */
export async function selectSponsorshipStatistics(db: Executor): Promise<{ state_code: string; status: string; sponsorships: number }[]> {
  return rows<{ state_code: string; status: string; sponsorships: number }>(
    db,
    sql`SELECT state_code, status, sponsorships FROM statistics_sponsorships() ORDER BY state_code`,
  );
}

export async function selectBreakdowns(db: Executor, stateCode: string): Promise<SponsorshipSummary[]> {
  return rows<SponsorshipSummary>(
    db,
    sql`SELECT ${SUMMARY} FROM ${FROM} WHERE s.state_code = ${stateCode} AND s.status = 'broken_down' ORDER BY s.ended_on DESC, s.id DESC`,
  );
}

export async function selectConversation(
  db: Executor,
  id: number,
): Promise<{ id: number; stateCode: string; organisation: string; status: string; caseId: number } | null> {
  const [s] = await rows<{ id: number; stateCode: string; organisation: string; status: string; caseId: number }>(
    db,
    sql`SELECT s.id::int AS id, s.state_code AS "stateCode", sp.organisation, s.status, s.case_id::int AS "caseId" FROM sponsorships s JOIN sponsors sp ON sp.id = s.sponsor_id WHERE s.id = ${id}`,
  );
  return s ?? null;
}

export async function selectMessages(db: Executor, sponsorshipId: number): Promise<SponsorshipMessage[]> {
  return rows<SponsorshipMessage>(
    db,
    sql`SELECT id::int AS id, side, author, body, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at FROM sponsorship_messages WHERE sponsorship_id = ${sponsorshipId} ORDER BY id`,
  );
}

export async function insertMessage(
  db: Executor,
  values: { sponsorshipId: number; stateCode: string; organisation: string; side: 'sponsor' | 'state'; author: string; body: string },
): Promise<number> {
  const [m] = await db.insert(sponsorshipMessages).values(values).returning({ id: sponsorshipMessages.id });
  return m!.id;
}

export async function selectMessage(db: Executor, id: number): Promise<SponsorshipMessage | null> {
  const [out] = await rows<SponsorshipMessage>(
    db,
    sql`SELECT id::int AS id, side, author, body, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at FROM sponsorship_messages WHERE id = ${id}`,
  );
  return out ?? null;
}

export async function selectPortalSponsor(
  db: Executor,
  organisation: string | null | undefined,
  stateCode: string | null | undefined,
): Promise<NonNullable<SponsorPortal['sponsor']> | null> {
  const [sponsor] = await rows<NonNullable<SponsorPortal['sponsor']>>(
    db,
    sql`SELECT id::int AS id, name, kind, status, region, household_size AS "householdSize", needs_supported AS "needsSupported", languages FROM sponsors WHERE organisation = ${organisation} AND state_code = ${stateCode}`,
  );
  return sponsor ?? null;
}

export async function selectPortalSponsorships(db: Executor, sponsorId: number): Promise<SponsorPortal['sponsorships']> {
  return rows<SponsorPortal['sponsorships'][number]>(
    db,
    sql`SELECT s.id::int AS id, s.state_code AS "stateCode", c.case_ref AS "caseRef", s.phases, v.roles, s.matched_on::text AS "matchedOn"
          FROM sponsorships s JOIN cases c ON c.id = s.case_id
          LEFT JOIN sponsorship_scheme_versions v ON v.scheme_id = s.scheme_id AND v.version = s.scheme_version
         WHERE s.sponsor_id = ${sponsorId} AND s.status = 'active' ORDER BY s.id`,
  );
}

export async function selectPortalTasks(
  db: Executor,
  organisation: string | null | undefined,
  stateCode: string | null | undefined,
): Promise<(PortalTask & { stateCode: string })[]> {
  return rows<PortalTask & { stateCode: string }>(
    db,
    sql`SELECT t.id::int AS id, t.sponsorship_id::int AS "sponsorshipId", c.case_ref AS "caseRef", c.state_code AS "stateCode", t.phase, t.task, t.holder,
               to_char(t.done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "doneAt", t.done_by AS "doneBy"
          FROM sponsorship_tasks t JOIN sponsorships s ON s.id = t.sponsorship_id JOIN cases c ON c.id = s.case_id
         WHERE t.organisation = ${organisation} AND t.state_code = ${stateCode} AND s.status = 'active' ORDER BY t.sponsorship_id, t.id`,
  );
}

export async function selectPortalTask(
  db: Executor,
  taskId: number,
  organisation: string | null | undefined,
  stateCode: string | null | undefined,
): Promise<{ holder: string; status: string; stateCode: string; caseRef: string | null } | null> {
  const [t] = await rows<{ holder: string; status: string; stateCode: string; caseRef: string | null }>(
    db,
    sql`SELECT t.holder, s.status, t.state_code AS "stateCode", c.case_ref AS "caseRef" FROM sponsorship_tasks t JOIN sponsorships s ON s.id = t.sponsorship_id
          LEFT JOIN cases c ON c.id = s.case_id WHERE t.id = ${taskId} AND t.organisation = ${organisation} AND t.state_code = ${stateCode}`,
  );
  return t ?? null;
}

/** Done stays done: a task already done is left as it is. */
export async function markTaskDone(db: Executor, taskId: number, by: string): Promise<void> {
  await db.execute(sql`UPDATE sponsorship_tasks SET done_at = now(), done_by = ${by} WHERE id = ${taskId} AND done_at IS NULL`);
}
