import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { criteriaRefusals, rolesRefusal, type Criterion, type Roles } from './criteria.ts';
import { memorandumDiff, type MemorandumField } from './sponsorship.ts';
import {
  countMemorandaOfCode,
  countSchemesOfCode,
  insertMemorandum,
  insertScheme,
  insertSchemeVersion,
  lockMemorandumCode,
  lockScheme,
  selectLatestMemorandum,
  selectMemorandumKey,
  selectMemorandumVersions,
  selectScheme,
  selectSchemeInForce,
  selectSchemes,
  selectSchemeVersions,
  updateSchemeVersion,
} from './scheme.repository.ts';
import { countSponsorsOfState } from './sponsor.repository.ts';

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
  if ((await countSchemesOfCode(db, stateCode, opts.code)) > 0) throw appError(ErrorCode.Conflict, 'schemeCodeTaken', { code: opts.code });
  const id = await insertScheme(db, { stateCode, programmeId: opts.programmeId, code: opts.code, title: opts.title, version: 1 });
  await insertSchemeVersion(db, { schemeId: id, version: 1, stateCode, criteria: opts.criteria, roles: opts.roles, publishedBy: actor.id });
  await recordAudit(db, { actor, action: 'scheme.publish', subject: `scheme:${id}`, stateCode, details: { version: 1 } });
  return getScheme({ db, actor, id });
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
  const s = await lockScheme(db, id);
  if (!s) throw appError(ErrorCode.NotFound, 'schemeNotFound', { id });
  authorize(policies.manageSponsorship, actor, { stateCode: s.stateCode });
  if (s.version !== opts.expectedVersion) throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
  checkScheme(opts.criteria, opts.roles);
  const version = s.version + 1;
  await insertSchemeVersion(db, {
    schemeId: id,
    version,
    stateCode: s.stateCode,
    criteria: opts.criteria,
    roles: opts.roles,
    publishedBy: actor.id,
  });
  await updateSchemeVersion(db, id, version);
  await recordAudit(db, { actor, action: 'scheme.publish', subject: `scheme:${id}`, stateCode: s.stateCode, details: { version } });
  return getScheme({ db, actor, id });
}

export async function getScheme(opts: { db: Executor; actor: Actor; id: number }): Promise<Scheme> {
  const { db, actor, id } = opts;
  const s = await selectScheme(db, id);
  if (!s) throw appError(ErrorCode.NotFound, 'schemeNotFound', { id });
  authorize(policies.manageSponsorship, actor, { stateCode: s.stateCode });
  return { ...s, versions: await versionsOf(db, [id]).then((m) => m.get(id) ?? []) };
}

async function versionsOf(db: Executor, ids: number[]): Promise<Map<number, SchemeVersion[]>> {
  const found = ids.length ? await selectSchemeVersions(db, ids) : [];
  const out = new Map<number, SchemeVersion[]>();
  for (const { schemeId, ...v } of found) out.set(schemeId, [...(out.get(schemeId) ?? []), v]);
  return out;
}

export async function listSchemes(opts: { db: Executor; actor: Actor; stateCode: string }): Promise<Scheme[]> {
  const { db, actor, stateCode } = opts;
  authorize(policies.manageSponsorship, actor, { stateCode });
  const list = await selectSchemes(db, stateCode);
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
  return selectSchemeInForce(db, id, stateCode);
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
  if ((await countSponsorsOfState(db, stateCode, ids)) !== new Set(ids).size)
    throw appError(ErrorCode.BadInput, 'memorandumSponsorUnknown', {}, { parties: ['sponsorId'] });
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
  if ((await countMemorandaOfCode(db, stateCode, code)) > 0) throw appError(ErrorCode.Conflict, 'memorandumCodeTaken', { code });
  await insertMemorandum(db, { stateCode, code, version: 1, ...input, recordedBy: actor.id });
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
  const m = await selectMemorandumKey(db, id);
  if (!m) throw appError(ErrorCode.NotFound, 'memorandumNotFound', { id });
  authorize(policies.manageSponsorship, actor, { stateCode: m.stateCode });
  await lockMemorandumCode(db, m.stateCode, m.code);
  const latest = await selectLatestMemorandum(db, m.stateCode, m.code);
  if (latest!.id !== id || latest!.version !== opts.expectedVersion) throw appError(ErrorCode.PreconditionFailed, 'ifMatchStale');
  await checkParties(db, m.stateCode, input);
  await insertMemorandum(db, { stateCode: m.stateCode, code: m.code, version: latest!.version + 1, ...input, recordedBy: actor.id });
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
  const found = await selectMemorandumVersions(db, stateCode, opts.code);
  const out = new Map<string, Memorandum>();
  for (const { code, ...v } of found) {
    const m = out.get(code) ?? { code, stateCode, versions: [] };
    const previous = m.versions[0];
    m.versions.unshift({ ...v, changes: previous ? memorandumDiff(previous, v) : [] });
    out.set(code, m);
  }
  return [...out.values()];
}
