import { sql } from 'drizzle-orm';
import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit.ts';
import { rows, type Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { criteriaRefusals, rolesRefusal, type Criterion, type Roles } from './criteria.ts';
import { memorandumDiff, type MemorandumField } from './sponsorship.ts';
import { memoranda, schemes, schemeVersions } from './sponsorship.table.ts';

/**
 * Sponsorship schemes (their criteria and roles per phase, each published version kept) and
 * memoranda of understanding (each version a row with the same code). Neither carries a person.
 */

export interface SchemeVersion {
  version: number;
  criteria: Criterion[];
  roles: Roles;
  publishedAt: string;
  publishedBy: string;
}

export interface Scheme {
  id: number;
  stateCode: string;
  programmeId: number | null;
  code: string;
  title: string;
  version: number;
  /** Every published version, newest first; the first is in force. */
  versions: SchemeVersion[];
}

export const schemeEtag = (id: number, version: number): string => `"scheme-${id}-v${version}"`;
export const memorandumEtag = (id: number, version: number): string => `"memorandum-${id}-v${version}"`;

/** Refuses criteria on a protected characteristic and roles that leave a phase unassigned or selection to the sponsor (422, explained). */
function checkScheme(criteria: Criterion[], roles: Record<string, string>): void {
  const refused = criteriaRefusals(criteria);
  if (refused.length > 0) {
    const first = refused[0]!;
    throw appError(
      ErrorCode.Unprocessable,
      'schemeCriteriaRefused',
      { count: refused.length, label: first.label, characteristic: first.characteristic, article: first.article },
      { criteria: refused },
    );
  }
  const roleRefusal = rolesRefusal(roles);
  if (roleRefusal)
    throw appError(ErrorCode.Unprocessable, roleRefusal.code, roleRefusal.params as Record<string, string>, { roles: [roleRefusal.code] });
  const ids = criteria.map((c) => c.id);
  if (new Set(ids).size !== ids.length) throw appError(ErrorCode.BadInput, 'schemeCriteriaRepeated', {}, { criteria: ['ids'] });
}

export async function createScheme(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  code: string;
  title: string;
  programmeId: number | null;
  criteria: Criterion[];
  roles: Roles;
}): Promise<Scheme> {
  const { db, actor, stateCode } = opts;
  authorize(policies.manageSponsorship, actor, { stateCode });
  checkScheme(opts.criteria, opts.roles);
  const [taken] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM sponsorship_schemes WHERE state_code = ${stateCode} AND code = ${opts.code}`,
  );
  if (taken!.n > 0) throw appError(ErrorCode.Conflict, 'schemeCodeTaken', { code: opts.code });
  const [s] = await db
    .insert(schemes)
    .values({ stateCode, programmeId: opts.programmeId, code: opts.code, title: opts.title, version: 1 })
    .returning({ id: schemes.id });
  await db
    .insert(schemeVersions)
    .values({ schemeId: s!.id, version: 1, stateCode, criteria: opts.criteria as never, roles: opts.roles, publishedBy: actor.id });
  await recordAudit(db, { actor, action: 'scheme.publish', subject: `scheme:${s!.id}`, stateCode, details: { version: 1 } });
  return getScheme({ db, actor, id: s!.id });
}

/** Publishes a new version of a scheme: the old versions stay readable, sponsorships keep the version they were matched under. */
export async function publishSchemeVersion(opts: {
  db: Executor;
  actor: Actor;
  id: number;
  expectedVersion: number;
  criteria: Criterion[];
  roles: Roles;
}): Promise<Scheme> {
  const { db, actor, id } = opts;
  const [s] = await rows<{ stateCode: string; version: number }>(
    db,
    sql`SELECT state_code AS "stateCode", version FROM sponsorship_schemes WHERE id = ${id} FOR UPDATE`,
  );
  if (!s) throw appError(ErrorCode.NotFound, 'schemeNotFound', { id });
  authorize(policies.manageSponsorship, actor, { stateCode: s.stateCode });
  if (s.version !== opts.expectedVersion) throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
  checkScheme(opts.criteria, opts.roles);
  const version = s.version + 1;
  await db
    .insert(schemeVersions)
    .values({ schemeId: id, version, stateCode: s.stateCode, criteria: opts.criteria as never, roles: opts.roles, publishedBy: actor.id });
  await db.execute(sql`UPDATE sponsorship_schemes SET version = ${version} WHERE id = ${id}`);
  await recordAudit(db, { actor, action: 'scheme.publish', subject: `scheme:${id}`, stateCode: s.stateCode, details: { version } });
  return getScheme({ db, actor, id });
}

export async function getScheme(opts: { db: Executor; actor: Actor; id: number }): Promise<Scheme> {
  const { db, actor, id } = opts;
  const [s] = await rows<Omit<Scheme, 'versions'>>(
    db,
    sql`SELECT id::int AS id, state_code AS "stateCode", programme_id::int AS "programmeId", code, title, version FROM sponsorship_schemes WHERE id = ${id}`,
  );
  if (!s) throw appError(ErrorCode.NotFound, 'schemeNotFound', { id });
  authorize(policies.manageSponsorship, actor, { stateCode: s.stateCode });
  return { ...s, versions: await versionsOf(db, [id]).then((m) => m.get(id) ?? []) };
}

async function versionsOf(db: Executor, ids: number[]): Promise<Map<number, SchemeVersion[]>> {
  const found = ids.length
    ? await rows<SchemeVersion & { schemeId: number }>(
        db,
        sql`SELECT scheme_id::int AS "schemeId", version, criteria, roles, published_by AS "publishedBy",
                   to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "publishedAt"
              FROM sponsorship_scheme_versions WHERE scheme_id = ANY(${sql.param(ids)}::bigint[]) ORDER BY scheme_id, version DESC`,
      )
    : [];
  const out = new Map<number, SchemeVersion[]>();
  for (const { schemeId, ...v } of found) out.set(schemeId, [...(out.get(schemeId) ?? []), v]);
  return out;
}

export async function listSchemes(opts: { db: Executor; actor: Actor; stateCode: string }): Promise<Scheme[]> {
  const { db, actor, stateCode } = opts;
  authorize(policies.manageSponsorship, actor, { stateCode });
  const list = await rows<Omit<Scheme, 'versions'>>(
    db,
    sql`SELECT id::int AS id, state_code AS "stateCode", programme_id::int AS "programmeId", code, title, version FROM sponsorship_schemes WHERE state_code = ${stateCode} ORDER BY code`,
  );
  const versions = await versionsOf(
    db,
    list.map((s) => s.id),
  );
  return list.map((s) => ({ ...s, versions: versions.get(s.id) ?? [] }));
}

/** The scheme version in force: its roles per phase. */
export async function schemeInForce(
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

// ── Memoranda of understanding ──────────────────────────────────────────────────────────────────

export interface MemorandumInput {
  title: string;
  schemeId: number | null;
  parties: { name: string; role: string; sponsorId?: number | undefined }[];
  signedOn: string | null;
  validFrom: string;
  validTo: string | null;
  places: number | null;
  costsBorne: { item: string; note?: string | undefined }[];
  note: string;
}

export interface MemorandumVersion extends MemorandumInput {
  id: number;
  version: number;
  recordedBy: string;
  recordedAt: string;
  /** What this version changed from the one before (none for the first). */
  changes: { field: MemorandumField; from: unknown; to: unknown }[];
}

export interface Memorandum {
  code: string;
  stateCode: string;
  /** Newest first: the first is in force. */
  versions: MemorandumVersion[];
}

async function checkParties(db: Executor, stateCode: string, input: MemorandumInput): Promise<void> {
  if (input.validTo !== null && input.validTo < input.validFrom)
    throw appError(ErrorCode.BadInput, 'memorandumDates', {}, { validTo: ['validFrom'] });
  const ids = input.parties.flatMap((p) => (p.sponsorId !== undefined ? [p.sponsorId] : []));
  if (ids.length === 0) return;
  const [found] = await rows<{ n: number }>(
    db,
    sql`SELECT count(DISTINCT id)::int AS n FROM sponsors WHERE state_code = ${stateCode} AND id = ANY(${sql.param(ids)}::bigint[])`,
  );
  if (found!.n !== new Set(ids).size) throw appError(ErrorCode.BadInput, 'memorandumSponsorUnknown', {}, { parties: ['sponsorId'] });
}

export async function createMemorandum(opts: {
  db: Executor;
  actor: Actor;
  stateCode: string;
  code: string;
  input: MemorandumInput;
}): Promise<Memorandum> {
  const { db, actor, stateCode, code, input } = opts;
  authorize(policies.manageSponsorship, actor, { stateCode });
  await checkParties(db, stateCode, input);
  const [taken] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM memoranda WHERE state_code = ${stateCode} AND code = ${code}`,
  );
  if (taken!.n > 0) throw appError(ErrorCode.Conflict, 'memorandumCodeTaken', { code });
  await db.insert(memoranda).values({ stateCode, code, version: 1, ...input, recordedBy: actor.id } as never);
  await recordAudit(db, {
    actor,
    action: 'memorandum.record',
    subject: `memorandum:${stateCode}:${code}`,
    stateCode,
    details: { version: 1 },
  });
  return (await listMemoranda({ db, actor, stateCode, code }))[0]!;
}

/** A new version of a memorandum (the one `id` names must be the latest: else 412); the previous versions stay. */
export async function newMemorandumVersion(opts: {
  db: Executor;
  actor: Actor;
  id: number;
  expectedVersion: number;
  input: MemorandumInput;
}): Promise<Memorandum> {
  const { db, actor, id, input } = opts;
  const [m] = await rows<{ stateCode: string; code: string }>(
    db,
    sql`SELECT state_code AS "stateCode", code FROM memoranda WHERE id = ${id}`,
  );
  if (!m) throw appError(ErrorCode.NotFound, 'memorandumNotFound', { id });
  authorize(policies.manageSponsorship, actor, { stateCode: m.stateCode });
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`memorandum:${m.stateCode}:${m.code}`}, 0))`);
  const [latest] = await rows<{ id: number; version: number }>(
    db,
    sql`SELECT id::int AS id, version FROM memoranda WHERE state_code = ${m.stateCode} AND code = ${m.code} ORDER BY version DESC LIMIT 1`,
  );
  if (latest!.id !== id || latest!.version !== opts.expectedVersion) throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
  await checkParties(db, m.stateCode, input);
  await db
    .insert(memoranda)
    .values({ stateCode: m.stateCode, code: m.code, version: latest!.version + 1, ...input, recordedBy: actor.id } as never);
  await recordAudit(db, {
    actor,
    action: 'memorandum.record',
    subject: `memorandum:${m.stateCode}:${m.code}`,
    stateCode: m.stateCode,
    details: { version: latest!.version + 1 },
  });
  return (await listMemoranda({ db, actor, stateCode: m.stateCode, code: m.code }))[0]!;
}

/** A state's memoranda, each with all its versions and what each changed. */
export async function listMemoranda(opts: { db: Executor; actor: Actor; stateCode: string; code?: string }): Promise<Memorandum[]> {
  const { db, actor, stateCode } = opts;
  authorize(policies.manageSponsorship, actor, { stateCode });
  const found = await rows<Omit<MemorandumVersion, 'changes'> & { code: string }>(
    db,
    sql`SELECT id::int AS id, code, version, title, scheme_id::int AS "schemeId", parties, signed_on::text AS "signedOn", valid_from::text AS "validFrom",
               valid_to::text AS "validTo", places, costs_borne AS "costsBorne", note, recorded_by AS "recordedBy",
               to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "recordedAt"
          FROM memoranda WHERE state_code = ${stateCode} ${opts.code ? sql`AND code = ${opts.code}` : sql``} ORDER BY code, version`,
  );
  const out = new Map<string, Memorandum>();
  for (const { code, ...v } of found) {
    const m = out.get(code) ?? { code, stateCode, versions: [] };
    const previous = m.versions[0];
    m.versions.unshift({ ...v, changes: previous ? memorandumDiff(previous, v) : [] });
    out.set(code, m);
  }
  return [...out.values()];
}
