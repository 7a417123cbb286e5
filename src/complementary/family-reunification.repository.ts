import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { FamilyRequest } from './family-reunification.service.ts';
import type { Outcome, RequestFacts, RequestKind } from './family-reunification.ts';

/** The SQL of family reunification support requests. */

/** A request as stored (the days it took are the service's). */
export type FamilyRequestRow = Omit<FamilyRequest, 'days'>;

const COLUMNS = sql`r.id::int AS id, r.state_code AS "stateCode", r.reference, g.code AS programme, r.kind, r.family_members AS "familyMembers",
  r.country_of_residence AS "countryOfResidence", r.received_on::text AS "receivedOn", r.closed_on::text AS "closedOn", r.outcome, r.note, r.version`;
const FROM = sql`family_reunification_requests r LEFT JOIN programmes g ON g.id = r.programme_id`;

/** One of a state's requests; `lock` holds its row for the rest of the transaction. */
export async function selectFamilyRequest(db: Executor, stateCode: string, id: number, lock = false): Promise<FamilyRequestRow | null> {
  const [r] = await rows<FamilyRequestRow>(
    db,
    sql`SELECT ${COLUMNS} FROM ${FROM} WHERE r.state_code = ${stateCode} AND r.id = ${id} ${lock ? sql`FOR UPDATE OF r` : sql``}`,
  );
  return r ?? null;
}

/** A new request; null if the state already has one of that reference. */
export async function insertFamilyRequest(
  db: Executor,
  v: {
    stateCode: string;
    reference: string;
    programmeId: number | null;
    kind: RequestKind;
    familyMembers: number;
    countryOfResidence: string | null;
    receivedOn: string;
    note: string;
  },
): Promise<number | null> {
  const [row] = await rows<{ id: number }>(
    db,
    sql`INSERT INTO family_reunification_requests (state_code, reference, programme_id, kind, family_members, country_of_residence, received_on, note)
        VALUES (${v.stateCode}, ${v.reference}, ${v.programmeId}, ${v.kind}, ${v.familyMembers}, ${v.countryOfResidence}, ${v.receivedOn}::date, ${v.note})
        ON CONFLICT (state_code, reference) DO NOTHING RETURNING id::int AS id`,
  );
  return row?.id ?? null;
}

/** A state's requests, newest received first; `open` true: open ones only, false: closed ones only. */
export async function selectFamilyRequests(db: Executor, stateCode: string, open: boolean | undefined): Promise<FamilyRequestRow[]> {
  return rows<FamilyRequestRow>(
    db,
    sql`SELECT ${COLUMNS} FROM ${FROM} WHERE r.state_code = ${stateCode}
          ${open === undefined ? sql`` : open ? sql`AND r.outcome = 'open'` : sql`AND r.outcome <> 'open'`}
         ORDER BY r.received_on DESC, r.id DESC`,
  );
}

export async function updateFamilyRequestClosed(db: Executor, id: number, outcome: Outcome, on: string, note: string): Promise<void> {
  await db.execute(
    sql`UPDATE family_reunification_requests SET outcome = ${outcome}, closed_on = ${on}::date, note = ${note}, version = version + 1 WHERE id = ${id}`,
  );
}

/** What the figures need of a state's requests, received between `from` and `to` when given. */
export async function selectFamilyRequestFigures(
  db: Executor,
  stateCode: string,
  from: string | undefined,
  to: string | undefined,
): Promise<RequestFacts[]> {
  return rows<RequestFacts>(
    db,
    sql`SELECT state_code AS "stateCode", kind, family_members AS "familyMembers", received_on::text AS "receivedOn", closed_on::text AS "closedOn", outcome
          FROM family_reunification_requests WHERE state_code = ${stateCode}
          ${from ? sql`AND received_on >= ${from}::date` : sql``} ${to ? sql`AND received_on <= ${to}::date` : sql``}`,
  );
}
