import { rows, sql, type Executor } from '../db/db.ts';
import type { Upload, UploadKind, UploadReport } from './upload.ts';

/** The SQL of uploads (`import_uploads`): the file kept with the report of its dry run until its commit. */

const UPLOAD_COLUMNS = sql`id::int AS id, kind, state_code AS "stateCode", round_id AS "roundId", filename, sha256, status, created_by AS "createdBy",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt",
  to_char(committed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "committedAt", import_id AS "importId", report`;

export async function insertUpload(
  db: Executor,
  u: {
    stateCode: string;
    kind: UploadKind;
    filename: string;
    content: Buffer;
    sha256: string;
    status: 'valid' | 'invalid';
    report: UploadReport;
    roundId: string | null;
    createdBy: string;
  },
): Promise<Upload> {
  const [upload] = await rows<Upload>(
    db,
    sql`INSERT INTO import_uploads (state_code, kind, filename, content, sha256, status, report, round_id, created_by)
        VALUES (${u.stateCode}, ${u.kind}, ${u.filename}, ${u.content}, ${u.sha256}, ${u.status},
                ${JSON.stringify(u.report)}::jsonb, ${u.roundId}, ${u.createdBy})
        RETURNING ${UPLOAD_COLUMNS}`,
  );
  return upload!;
}

/** An upload without its content; `lock`: FOR UPDATE. */
export async function selectUpload(db: Executor, id: number, lock: boolean): Promise<Upload | undefined> {
  const [u] = await rows<Upload>(db, sql`SELECT ${UPLOAD_COLUMNS} FROM import_uploads WHERE id = ${id} ${lock ? sql`FOR UPDATE` : sql``}`);
  return u;
}

/** The file's content; null when there is no such upload. */
export async function selectUploadContent(db: Executor, id: number): Promise<Uint8Array | null> {
  const [{ content } = { content: null }] = await rows<{ content: Uint8Array | null }>(
    db,
    sql`SELECT content FROM import_uploads WHERE id = ${id}`,
  );
  return content;
}

/** Marks an upload committed with its import and counts, and drops its content. */
export async function markUploadCommitted(db: Executor, id: number, importId: number | null, report: UploadReport): Promise<Upload> {
  const [committed] = await rows<Upload>(
    db,
    sql`UPDATE import_uploads SET status = 'committed', committed_at = now(), import_id = ${importId}, content = ''::bytea,
               report = ${JSON.stringify(report)}::jsonb
         WHERE id = ${id} RETURNING ${UPLOAD_COLUMNS}`,
  );
  return committed!;
}
