import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { Criterion, Roles } from './criteria.ts';
import type { MemorandumInput, MemorandumVersion, Scheme, SchemeVersion } from './scheme.service.ts';
import { memoranda, schemes, schemeVersions } from './sponsorship.table.ts';

/** The SQL of sponsorship schemes (each published version a row) and memoranda of understanding (each version a row). */

export async function countSchemesOfCode(db: Executor, stateCode: string, code: string): Promise<number> {
  const [taken] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM sponsorship_schemes WHERE state_code = ${stateCode} AND code = ${code}`,
  );
  return taken!.n;
}

export async function insertScheme(
  db: Executor,
  values: { stateCode: string; programmeId: number | null; code: string; title: string; version: number },
): Promise<number> {
  const [s] = await db.insert(schemes).values(values).returning({ id: schemes.id });
  return s!.id;
}

export async function insertSchemeVersion(
  db: Executor,
  values: { schemeId: number; version: number; stateCode: string; criteria: Criterion[]; roles: Roles; publishedBy: string },
): Promise<void> {
  await db.insert(schemeVersions).values({ ...values, criteria: values.criteria as never });
}

export async function lockScheme(db: Executor, id: number): Promise<{ stateCode: string; version: number } | null> {
  const [s] = await rows<{ stateCode: string; version: number }>(
    db,
    sql`SELECT state_code AS "stateCode", version FROM sponsorship_schemes WHERE id = ${id} FOR UPDATE`,
  );
  return s ?? null;
}

export async function updateSchemeVersion(db: Executor, id: number, version: number): Promise<void> {
  await db.execute(sql`UPDATE sponsorship_schemes SET version = ${version} WHERE id = ${id}`);
}

export async function selectScheme(db: Executor, id: number): Promise<Omit<Scheme, 'versions'> | null> {
  const [s] = await rows<Omit<Scheme, 'versions'>>(
    db,
    sql`SELECT id::int AS id, state_code AS "stateCode", programme_id::int AS "programmeId", code, title, version FROM sponsorship_schemes WHERE id = ${id}`,
  );
  return s ?? null;
}

/** The versions of these schemes, each scheme's newest first. */
export async function selectSchemeVersions(db: Executor, ids: number[]): Promise<(SchemeVersion & { schemeId: number })[]> {
  return rows<SchemeVersion & { schemeId: number }>(
    db,
    sql`SELECT scheme_id::int AS "schemeId", version, criteria, roles, published_by AS "publishedBy",
               to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "publishedAt"
          FROM sponsorship_scheme_versions WHERE scheme_id = ANY(${sql.param(ids)}::bigint[]) ORDER BY scheme_id, version DESC`,
  );
}

export async function selectSchemes(db: Executor, stateCode: string): Promise<Omit<Scheme, 'versions'>[]> {
  return rows<Omit<Scheme, 'versions'>>(
    db,
    sql`SELECT id::int AS id, state_code AS "stateCode", programme_id::int AS "programmeId", code, title, version FROM sponsorship_schemes WHERE state_code = ${stateCode} ORDER BY code`,
  );
}

/** The version in force of a state's scheme (its roles per phase). */
export async function selectSchemeInForce(
  db: Executor,
  id: number,
  stateCode: string,
): Promise<{ id: number; version: number; roles: Roles } | null> {
  const [v] = await rows<{ id: number; version: number; roles: Roles }>(
    db,
    sql`SELECT s.id::int AS id, v.version, v.roles FROM sponsorship_schemes s JOIN sponsorship_scheme_versions v ON v.scheme_id = s.id AND v.version = s.version
         WHERE s.id = ${id} AND s.state_code = ${stateCode}`,
  );
  return v ?? null;
}

export async function countMemorandaOfCode(db: Executor, stateCode: string, code: string): Promise<number> {
  const [taken] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM memoranda WHERE state_code = ${stateCode} AND code = ${code}`,
  );
  return taken!.n;
}

export async function insertMemorandum(
  db: Executor,
  values: MemorandumInput & { stateCode: string; code: string; version: number; recordedBy: string },
): Promise<void> {
  await db.insert(memoranda).values(values as never);
}

export async function selectMemorandumKey(db: Executor, id: number): Promise<{ stateCode: string; code: string } | null> {
  const [m] = await rows<{ stateCode: string; code: string }>(
    db,
    sql`SELECT state_code AS "stateCode", code FROM memoranda WHERE id = ${id}`,
  );
  return m ?? null;
}

/** Serialises new versions of one memorandum until the transaction ends. */
export async function lockMemorandumCode(db: Executor, stateCode: string, code: string): Promise<void> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`memorandum:${stateCode}:${code}`}, 0))`);
}

export async function selectLatestMemorandum(
  db: Executor,
  stateCode: string,
  code: string,
): Promise<{ id: number; version: number } | null> {
  const [latest] = await rows<{ id: number; version: number }>(
    db,
    sql`SELECT id::int AS id, version FROM memoranda WHERE state_code = ${stateCode} AND code = ${code} ORDER BY version DESC LIMIT 1`,
  );
  return latest ?? null;
}

/** A state's memoranda (or one code's), every version, by code and version. */
export async function selectMemorandumVersions(
  db: Executor,
  stateCode: string,
  code: string | undefined,
): Promise<(Omit<MemorandumVersion, 'changes'> & { code: string })[]> {
  return rows<Omit<MemorandumVersion, 'changes'> & { code: string }>(
    db,
    sql`SELECT id::int AS id, code, version, title, scheme_id::int AS "schemeId", parties, signed_on::text AS "signedOn", valid_from::text AS "validFrom",
               valid_to::text AS "validTo", places, costs_borne AS "costsBorne", note, recorded_by AS "recordedBy",
               to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "recordedAt"
          FROM memoranda WHERE state_code = ${stateCode} ${code ? sql`AND code = ${code}` : sql``} ORDER BY code, version`,
  );
}
