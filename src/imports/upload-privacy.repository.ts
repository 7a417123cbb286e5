import { sql, rows, type Executor } from '../db/db.ts';

/** The SQL of storage limitation on uploads (issue 19, finding 10). */

export const deleteUncommittedBefore = (db: Executor, before: string) =>
  rows<{ id: number; stateCode: string }>(
    db,
    sql`DELETE FROM import_uploads WHERE status <> 'committed' AND created_at < ${before}::timestamptz
        RETURNING id::int AS id, state_code AS "stateCode"`,
  );

export const blankCommittedContent = (db: Executor) =>
  rows<{ id: number }>(
    db,
    sql`UPDATE import_uploads SET content = ''::bytea, report = jsonb_set(report, '{problems}', '[]'::jsonb)
         WHERE status = 'committed' AND (octet_length(content) > 0 OR jsonb_array_length(coalesce(report->'problems', '[]'::jsonb)) > 0)
        RETURNING id::int AS id`,
  );
