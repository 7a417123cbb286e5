import { sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { SponsorEvent, SponsorInput, SponsorMember, SponsorSummary } from './sponsor.service.ts';
import { sponsorEvents, sponsorMembers, sponsors } from './sponsorship.table.ts';

/** The SQL of sponsors, their members and their history (status moves and checks). */

const SUMMARY = sql`s.id::int AS id, s.state_code AS "stateCode", s.organisation, s.kind, s.name, s.region, s.household_size AS "householdSize",
  s.needs_supported AS "needsSupported", s.languages, s.status, s.status_reason AS "statusReason", s.version`;

type EventValues = Omit<typeof sponsorEvents.$inferInsert, 'id'>;

export async function countSponsorsOfOrganisation(db: Executor, stateCode: string, organisation: string): Promise<number> {
  const [taken] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM sponsors WHERE state_code = ${stateCode} AND organisation = ${organisation}`,
  );
  return taken!.n;
}

export async function insertSponsor(db: Executor, values: SponsorInput & { stateCode: string }): Promise<number> {
  const [row] = await db.insert(sponsors).values(values).returning({ id: sponsors.id });
  return row!.id;
}

export async function insertSponsorEvent(db: Executor, values: EventValues): Promise<void> {
  await db.insert(sponsorEvents).values(values);
}

export async function selectSponsorSummaries(db: Executor, stateCode: string, status: string | undefined): Promise<SponsorSummary[]> {
  return rows<SponsorSummary>(
    db,
    sql`SELECT ${SUMMARY} FROM sponsors s WHERE s.state_code = ${stateCode} ${status ? sql`AND s.status = ${status}` : sql``} ORDER BY s.name, s.id`,
  );
}

/** One sponsor; `lock` holds its row for the rest of the transaction. */
export async function selectSponsorSummary(db: Executor, id: number, lock = false): Promise<SponsorSummary | null> {
  const [s] = await rows<SponsorSummary>(db, sql`SELECT ${SUMMARY} FROM sponsors s WHERE s.id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`);
  return s ?? null;
}

export async function selectSponsorWithContact(
  db: Executor,
  id: number,
): Promise<(SponsorSummary & { contact: SponsorInput['contact'] }) | null> {
  const [s] = await rows<SponsorSummary & { contact: SponsorInput['contact'] }>(
    db,
    sql`SELECT ${SUMMARY}, s.contact FROM sponsors s WHERE s.id = ${id}`,
  );
  return s ?? null;
}

export async function selectSponsorMembers(db: Executor, sponsorId: number): Promise<SponsorMember[]> {
  return rows<SponsorMember>(
    db,
    sql`SELECT id::int AS id, name, role, screening, screened_on::text AS "screenedOn" FROM sponsor_members WHERE sponsor_id = ${sponsorId} ORDER BY id`,
  );
}

export async function selectSponsorEvents(db: Executor, sponsorId: number): Promise<SponsorEvent[]> {
  return rows<SponsorEvent>(
    db,
    sql`SELECT id::int AS id, kind, from_status AS "fromStatus", to_status AS "toStatus", details, reason, actor,
               to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at
          FROM sponsor_events WHERE sponsor_id = ${sponsorId} ORDER BY id`,
  );
}

/** A sponsor's checks as events (id, kind and details only), in order. */
export async function selectSponsorCheckEvents(db: Executor, sponsorId: number): Promise<SponsorEvent[]> {
  return rows<SponsorEvent>(
    db,
    sql`SELECT id, kind, details FROM sponsor_events WHERE sponsor_id = ${sponsorId} AND kind = 'check' ORDER BY id`,
  );
}

/** A new version of the sponsor; `set` adds assignments (`, column = value`). */
export async function bumpSponsor(db: Executor, id: number, set: SQL = sql``): Promise<void> {
  await db.execute(sql`UPDATE sponsors SET version = version + 1 ${set} WHERE id = ${id}`);
}

/** A new version of the sponsor with its status and the reason for it. */
export async function updateSponsorStatus(db: Executor, id: number, status: string, reason: string | null): Promise<void> {
  await bumpSponsor(db, id, sql`, status = ${status}, status_reason = ${reason}`);
}

export async function insertSponsorMember(
  db: Executor,
  values: { sponsorId: number; stateCode: string; name: string; role: string },
): Promise<number> {
  const [m] = await db.insert(sponsorMembers).values(values).returning({ id: sponsorMembers.id });
  return m!.id;
}

export async function sponsorMemberExists(db: Executor, memberId: number, sponsorId: number): Promise<boolean> {
  const [m] = await rows<{ id: number }>(
    db,
    sql`SELECT id::int AS id FROM sponsor_members WHERE id = ${memberId} AND sponsor_id = ${sponsorId}`,
  );
  return m !== undefined;
}

export async function updateMemberScreening(db: Executor, memberId: number, screening: string, screenedOn: string | null): Promise<void> {
  await db.execute(sql`UPDATE sponsor_members SET screening = ${screening}, screened_on = ${screenedOn} WHERE id = ${memberId}`);
}

/** How many of `ids` are sponsors of the state (distinct). */
export async function countSponsorsOfState(db: Executor, stateCode: string, ids: number[]): Promise<number> {
  const [found] = await rows<{ n: number }>(
    db,
    sql`SELECT count(DISTINCT id)::int AS n FROM sponsors WHERE state_code = ${stateCode} AND id = ANY(${sql.param(ids)}::bigint[])`,
  );
  return found!.n;
}
