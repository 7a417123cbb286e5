import { createHash } from 'node:crypto';
import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { recordAudit } from '../audit/audit-line.service.ts';
import { importCaseEvents } from '../cases/case-events.import.ts';
import { importCasesFile, importPersonsFile } from '../cases/person.import.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode, isAppError } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { importPledges } from '../pledges/pledge.service.ts';
import { insertUpload, markUploadCommitted, selectUpload, selectUploadContent } from './upload.repository.ts';
import type { Upload, UploadKind, UploadReport } from './upload.ts';

/**
 * Files taken in through the API: upload → validation report → commit. The upload is kept (its
 * state's row-level security applies, it holds personal data) with the report of a dry run: the
 * import run for real inside a savepoint that is then rolled back, so the report says exactly what
 * the commit would do, or every bad row. The commit runs the import again, for real, and drops the
 * file's content: it is no longer needed once its rows are in.
 */
export { UPLOAD_KINDS, UPLOAD_STATUSES, type Upload, type UploadKind, type UploadReport } from './upload.ts';

/** Who may upload or read a file of a kind for a state: the named policy of the data it writes. */
function authorizeUpload(p: Principal, kind: UploadKind, stateCode: string): void {
  if (kind === 'pledges') authorize(policies.writePledges, p, { stateCode });
  else authorize(policies.importCases, p, { stateCode });
}

interface ImportInput {
  kind: UploadKind;
  stateCode: string;
  roundId: string | null;
  filename: string;
  bytes: Uint8Array;
}

/** The import of an upload, in the caller's transaction: its counts, and the import record's id where it has one. */
async function runImport(
  db: Executor,
  actor: Principal,
  u: ImportInput,
): Promise<{ rows: number; summary: Record<string, number>; importId: number | null }> {
  const path = { name: u.filename, bytes: u.bytes };
  switch (u.kind) {
    case 'persons':
    case 'cases': {
      const run = u.kind === 'persons' ? importPersonsFile : importCasesFile;
      const { importId, ...counts } = await run({ db, actor, path, onlyState: u.stateCode });
      return { rows: counts.rows, summary: counts, importId };
    }
    case 'events': {
      const s = await importCaseEvents({ db, actor, path, onlyState: u.stateCode });
      return { rows: s.rows, summary: { ...s }, importId: null };
    }
    case 'pledges': {
      if (!u.roundId) throw appError(ErrorCode.BadInput, 'uploadNeedsRound');
      const s = await importPledges({ db, actor, roundId: u.roundId, path, onlyState: u.stateCode });
      return { rows: s.rows, summary: { ...s }, importId: null };
    }
  }
}

class DryRun extends Error {
  constructor(readonly outcome: Awaited<ReturnType<typeof runImport>>) {
    super('dry run');
  }
}

/** What the import of a file would do: it runs in a savepoint that is always rolled back. */
async function dryRun(db: Executor, actor: Principal, u: ImportInput): Promise<UploadReport> {
  try {
    await db.transaction(async (tx) => {
      throw new DryRun(await runImport(tx, actor, u));
    });
    throw new Error('unreachable: a dry run always rolls back');
  } catch (e) {
    if (e instanceof DryRun) {
      const { rows, summary } = e.outcome;
      return { valid: true, rows, summary, message: null, messageKey: null, params: null, problemCount: 0, problems: [] };
    }
    // A refusal of the file (bad rows, a header that does not fit, an unreadable file) is its report.
    if (isAppError(e) && e.code === ErrorCode.BadInput) {
      const problems = Array.isArray(e.details) ? e.details : [];
      const count = typeof e.params?.p2 === 'number' ? e.params.p2 : problems.length;
      return {
        valid: false,
        rows: null,
        summary: null,
        message: e.message,
        messageKey: e.messageKey ?? null,
        params: e.params ?? null,
        problemCount: count,
        problems,
      };
    }
    throw e;
  }
}

/** Takes a file in for a state: keeps it with the report of its dry run. The upload is audited (it holds personal data). */
export async function uploadImport(opts: { db: Executor; actor: Principal } & ImportInput): Promise<Upload> {
  const { db, actor, ...input } = opts;
  authorizeUpload(actor, input.kind, input.stateCode);
  const report = await dryRun(db, actor, input);
  const sha256 = createHash('sha256').update(input.bytes).digest('hex');
  const upload = await insertUpload(db, {
    stateCode: input.stateCode,
    kind: input.kind,
    filename: input.filename,
    content: Buffer.from(input.bytes),
    sha256,
    status: report.valid ? 'valid' : 'invalid',
    report,
    roundId: input.roundId,
    createdBy: actor.id,
  });
  await recordAudit(db, {
    actor,
    action: 'import.upload',
    purpose: 'import: upload and validation of a file',
    subject: `upload:${upload.id}`,
    stateCode: input.stateCode,
    recordIds: [`upload:${upload.id}`],
    fields: ['content', 'report'],
    details: { kind: input.kind, filename: input.filename, sha256, rows: report.rows, valid: report.valid, problems: report.problemCount },
  });
  return upload;
}

/** An upload as its state's scope sees it, after the policy of its kind; 404 where none. `lock` for a change. */
async function findUpload(db: Executor, actor: Principal, id: number, lock: boolean): Promise<Upload> {
  const u = await selectUpload(db, id, lock);
  if (!u) throw appError(ErrorCode.NotFound, 'uploadNotFound', { id });
  authorizeUpload(actor, u.kind, u.stateCode);
  return u;
}

/** An upload and its validation report (the bad rows quote the file: reading it is audited). */
export async function getUpload(opts: { db: Executor; actor: Principal; id: number }): Promise<Upload> {
  const u = await findUpload(opts.db, opts.actor, opts.id, false);
  await recordAudit(opts.db, {
    actor: opts.actor,
    action: 'import.read',
    purpose: 'import: validation report of a file',
    subject: `upload:${u.id}`,
    stateCode: u.stateCode,
    recordIds: [`upload:${u.id}`],
    fields: ['report'],
  });
  return u;
}

/** Locks an upload for its commit (the caller checks its version against If-Match, then commits). */
export const lockUpload = (opts: { db: Executor; actor: Principal; id: number }) => findUpload(opts.db, opts.actor, opts.id, true);

/** Runs a valid upload's import for real, in the caller's transaction, and drops the file's content. */
export async function commitUpload(opts: { db: Executor; actor: Principal; upload: Upload }): Promise<Upload> {
  const { db, actor, upload: u } = opts;
  if (u.status === 'committed') throw appError(ErrorCode.Conflict, 'uploadCommitted', { id: u.id });
  if (u.status !== 'valid') throw appError(ErrorCode.Conflict, 'uploadInvalid', { id: u.id });
  const content = await selectUploadContent(db, u.id);
  if (!content) throw appError(ErrorCode.NotFound, 'uploadNotFound', { id: u.id });
  const outcome = await runImport(db, actor, {
    kind: u.kind,
    stateCode: u.stateCode,
    roundId: u.roundId,
    filename: u.filename,
    bytes: content,
  });
  // The record keeps counts only: no row of the file (a report's problems quote them) outlives the commit.
  const report: UploadReport = { ...u.report, rows: outcome.rows, summary: outcome.summary, problems: [] };
  const committed = await markUploadCommitted(db, u.id, outcome.importId, report);
  await recordAudit(db, {
    actor,
    action: 'import.commit',
    purpose: 'import: commit of a validated file',
    subject: `upload:${u.id}`,
    stateCode: u.stateCode,
    recordIds: [`upload:${u.id}`],
    details: { kind: u.kind, importId: outcome.importId, ...outcome.summary },
  });
  return committed;
}
