import { eq } from 'drizzle-orm';
import { RESULT_UNREAD, rows, sql, type Executor } from '../db/db.ts';
import { auditLog, imports } from './audit.table.ts';

/** The SQL of the audit trail: its lines, the chains' heads (`audit_chains_heads()`), the checks of the chains. */

export interface AuditLineRow {
  id: number;
  at: string;
  actor: string;
  role: string | null;
  tenant: string | null;
  action: string;
  purpose: string | null;
  stateCode: string | null;
  subject: string;
  recordIds: string[];
  fields: string[];
  details: Record<string, unknown>;
  chain: string;
  seq: number;
  hash: string;
}

export interface NewAuditLine {
  actor: string;
  role: string;
  tenant: string;
  action: string;
  purpose: string;
  subject: string;
  stateCode: string | null;
  recordIds: string[];
  fields: string[];
  details: Record<string, unknown>;
}

/**
 * Adds a line (its chain, hash and transaction set by the trigger of migrations 0014 and 0017).
 * Nothing reads its result (RESULT_UNREAD): it goes with the transaction's next statement or its
 * COMMIT, and fails the transaction there if it fails.
 */
export async function insertAuditLine(db: Executor, line: NewAuditLine): Promise<void> {
  await db.execute(sql`${RESULT_UNREAD}${db.insert(auditLog).values(line).getSQL()}`);
}

export async function selectAuditLines(
  db: Executor,
  opts: { stateCode: string | null; from?: string; to?: string; action?: string; before?: number; limit: number },
): Promise<AuditLineRow[]> {
  return rows<AuditLineRow>(
    db,
    sql`SELECT id::int AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, actor, role, tenant, action, purpose,
               state_code AS "stateCode", subject, record_ids AS "recordIds", fields, details, chain, seq::int AS seq, hash
          FROM audit_log
         WHERE ${opts.stateCode === null ? sql`state_code IS NULL` : sql`state_code = ${opts.stateCode}`}
           ${opts.from ? sql`AND at >= ${opts.from}::timestamptz` : sql``}
           ${opts.to ? sql`AND at < ${opts.to}::timestamptz` : sql``}
           ${opts.action ? sql`AND action = ${opts.action}` : sql``}
           ${opts.before ? sql`AND id < ${opts.before}` : sql``}
         ORDER BY id DESC LIMIT ${opts.limit}`,
  );
}

/** The lines whose hash, link to the previous line or sequence number does not hold. */
export async function selectBrokenAuditLines(
  db: Executor,
): Promise<{ chain: string; id: number; seq: number; hashOk: boolean; linkOk: boolean; gapOk: boolean }[]> {
  return rows(
    db,
    sql`SELECT chain, id::int AS id, seq::int AS seq, "hashOk", "linkOk", "gapOk" FROM (
          SELECT a.chain, a.id, a.seq,
                 a.hash = audit_entry_hash(a) AS "hashOk",
                 a.prev_hash = coalesce(lag(a.hash) OVER w, '') AS "linkOk",
                 a.seq = coalesce(lag(a.seq) OVER w, 0) + 1 AS "gapOk"
            FROM audit_log a
          WINDOW w AS (PARTITION BY a.chain ORDER BY a.seq)) x
         WHERE NOT ("hashOk" AND "linkOk" AND "gapOk") ORDER BY chain, seq`,
  );
}

export interface AuditChainRow {
  chain: string;
  entries: number;
  lastSeq: number | null;
  lastHash: string | null;
  headSeq: number | null;
  headHash: string | null;
}

/** Every chain with its last line, beside the head the trigger recorded. */
export async function selectAuditChains(db: Executor): Promise<AuditChainRow[]> {
  return rows<AuditChainRow>(
    db,
    sql`SELECT coalesce(a.chain, h.chain) AS chain, coalesce(a.entries, 0)::int AS entries, a.last_seq::int AS "lastSeq", a.last_hash AS "lastHash",
               h.seq::int AS "headSeq", h.hash AS "headHash"
          FROM (SELECT chain, count(*) AS entries, max(seq) AS last_seq, (array_agg(hash ORDER BY seq DESC))[1] AS last_hash
                  FROM audit_log GROUP BY chain) a
          FULL JOIN audit_chains_heads() h ON h.chain = a.chain
         ORDER BY 1`,
  );
}

/** The chain of the seals, as the anchors name it (no chain of lines has this name: theirs hold a dot). */
export const SEAL_CHAIN = 'seals';

/**
 * The heads of the chains that hold a line, and the last seal as the head of the chain `seals`
 * (read in the operator's scope).
 */
export async function selectAuditChainHeads(db: Executor): Promise<{ chain: string; seq: number; hash: string }[]> {
  return rows(
    db,
    sql`SELECT chain, seq, hash FROM (
          SELECT chain, seq::int AS seq, hash FROM audit_chains_heads() WHERE seq > 0
          UNION ALL
          (SELECT ${SEAL_CHAIN}, seq::int, hash FROM audit_seals ORDER BY seq DESC LIMIT 1)) h
         ORDER BY chain`,
  );
}

/** Seals the committed lines not sealed yet (migration 0014), in batches of at most `max` lines. */
export async function sealAuditLines(db: Executor, max: number): Promise<{ batches: number; lines: number; unsealed: number }> {
  const [r] = await rows<{ batches: number; lines: number; unsealed: number }>(
    db,
    sql`SELECT batches::int AS batches, lines::int AS lines, unsealed::int AS unsealed FROM audit_seal(${max})`,
  );
  return r!;
}

/**
 * The seals whose lines (count and digest, recomputed from the lines between the batch before and
 * this one, in the order (xid, id), each line's hash recomputed from its fields), own hash or link to
 * the batch before do not hold.
 */
export async function selectBrokenSeals(db: Executor): Promise<{ seq: number; linesOk: boolean; hashOk: boolean; linkOk: boolean }[]> {
  return rows(
    db,
    sql`WITH s AS (
          SELECT seq, last_xid, last_id, lines, digest, prev_hash, hash,
                 coalesce(lag(last_xid) OVER w, '0'::xid8) AS from_xid, coalesce(lag(last_id) OVER w, 0) AS from_id,
                 coalesce(lag(hash) OVER w, '') AS before_hash, coalesce(lag(seq) OVER w, 0) AS before_seq
            FROM audit_seals WINDOW w AS (ORDER BY seq))
        SELECT seq::int AS seq, "linesOk", "hashOk", "linkOk" FROM (
          SELECT s.seq, (c.n = s.lines AND c.d IS NOT DISTINCT FROM s.digest) AS "linesOk",
                 s.hash = audit_seal_hash(s.prev_hash, s.seq, s.last_xid, s.last_id, s.lines, s.digest) AS "hashOk",
                 (s.prev_hash = s.before_hash AND s.seq = s.before_seq + 1) AS "linkOk"
            FROM s CROSS JOIN LATERAL (
              SELECT count(*)::int AS n, encode(sha256(convert_to(string_agg(audit_entry_hash(a), '' ORDER BY a.xid, a.id), 'UTF8')), 'hex') AS d
                FROM audit_log a
               WHERE (a.xid, a.id) > (s.from_xid, s.from_id) AND (a.xid, a.id) <= (s.last_xid, s.last_id)) c) x
         WHERE NOT ("linesOk" AND "hashOk" AND "linkOk") ORDER BY seq`,
  );
}

/** How far the seals reach: batches, lines sealed, the last seal's hash, and the lines after it (not sealed yet). */
export async function selectSealReach(db: Executor): Promise<{ batches: number; sealed: number; head: string; unsealed: number }> {
  const [r] = await rows<{ batches: number; sealed: number; head: string; unsealed: number }>(
    db,
    sql`WITH last AS (SELECT last_xid, last_id, hash FROM audit_seals ORDER BY seq DESC LIMIT 1)
        SELECT (SELECT count(*)::int FROM audit_seals) AS batches, (SELECT coalesce(sum(lines), 0)::int FROM audit_seals) AS sealed,
               coalesce((SELECT hash FROM last), '') AS head,
               (SELECT count(*)::int FROM audit_log a
                 WHERE (a.xid, a.id) > (coalesce((SELECT last_xid FROM last), '0'::xid8), coalesce((SELECT last_id FROM last), 0))) AS unsealed`,
  );
  return r!;
}

/** The lines (and seals, chain `seals`) at the given (chain, position) pairs, with their hash. */
export async function selectAuditLinesAt(
  db: Executor,
  at: readonly { chain: string; seq: number }[],
): Promise<{ chain: string; seq: number; hash: string }[]> {
  return rows(
    db,
    sql`WITH k(chain, seq) AS (SELECT * FROM unnest(${sql.param(at.map((x) => x.chain))}::text[], ${sql.param(at.map((x) => x.seq))}::bigint[]))
        SELECT a.chain, a.seq::int AS seq, a.hash FROM audit_log a JOIN k ON a.chain = k.chain AND a.seq = k.seq
        UNION ALL
        SELECT k.chain, s.seq::int, s.hash FROM audit_seals s JOIN k ON k.chain = ${SEAL_CHAIN} AND s.seq = k.seq`,
  );
}

/** Opens the record of an import (its counts written when it ends); returns its id. */
export async function insertImportRecord(
  db: Executor,
  r: { kind: string; source: string; sha256: string | null; actor: string },
): Promise<number> {
  const [imp] = await db.insert(imports).values(r).returning({ id: imports.id });
  return imp!.id;
}

export async function updateImportCounts(
  db: Executor,
  id: number,
  counts: { rows: number; added: number; updated: number; unchanged: number },
): Promise<void> {
  await db.update(imports).set(counts).where(eq(imports.id, id));
}
