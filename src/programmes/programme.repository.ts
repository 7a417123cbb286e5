import { sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { Pathway } from '../rounds/round.ts';
import type { ActivationCondition, ProgrammeKind, ProgrammeStatus } from './programme.ts';

/** A programme as stored. */
export interface ProgrammeRow {
  id: number;
  code: string;
  stateCode: string | null;
  kind: ProgrammeKind;
  pathway: Pathway;
  roundId: string | null;
  title: string;
  criteria: string;
  targetGroups: string[];
  places: number | null;
  startDate: string | null;
  endDate: string | null;
  status: ProgrammeStatus;
  activation: ActivationCondition[];
  partner: string | null;
  details: Record<string, unknown>;
  source: string | null;
  version: number;
}

const COLUMNS = sql`id::int AS id, code, state_code AS "stateCode", kind, pathway, round_id AS "roundId", title, criteria,
  target_groups AS "targetGroups", places, start_date::text AS "startDate", end_date::text AS "endDate", status, activation,
  partner, details, source, version`;

export interface ProgrammeFilters {
  /** A Member State's programmes; 'EU' for the EU's own. */
  state?: string;
  kind?: string;
  status?: string;
  round?: string;
}

export async function selectProgrammes(db: Executor, f: ProgrammeFilters): Promise<ProgrammeRow[]> {
  const where = [
    f.state === 'EU' ? sql`state_code IS NULL` : f.state ? sql`state_code = ${f.state}` : null,
    f.kind ? sql`kind = ${f.kind}` : null,
    f.status ? sql`status = ${f.status}` : null,
    f.round ? sql`round_id = ${f.round}` : null,
  ].filter((x): x is SQL => x !== null);
  return rows<ProgrammeRow>(
    db,
    sql`SELECT ${COLUMNS} FROM programmes ${where.length ? sql`WHERE ${sql.join(where, sql` AND `)}` : sql``}
         ORDER BY state_code NULLS FIRST, code`,
  );
}

/** One programme by code; `lock` holds its row for the rest of the transaction (a change). */
export async function selectProgramme(db: Executor, code: string, lock = false): Promise<ProgrammeRow | null> {
  const [p] = await rows<ProgrammeRow>(db, sql`SELECT ${COLUMNS} FROM programmes WHERE code = ${code} ${lock ? sql`FOR UPDATE` : sql``}`);
  return p ?? null;
}

export async function insertProgramme(
  db: Executor,
  p: Omit<ProgrammeRow, 'id' | 'version' | 'status'> & { status: ProgrammeStatus },
): Promise<ProgrammeRow | null> {
  const [row] = await rows<ProgrammeRow>(
    db,
    sql`INSERT INTO programmes (code, state_code, kind, pathway, round_id, title, criteria, target_groups, places, start_date, end_date, status, activation, partner, details, source)
        VALUES (${p.code}, ${p.stateCode}, ${p.kind}, ${p.pathway}, ${p.roundId}, ${p.title}, ${p.criteria}, ${sql.param(p.targetGroups)}::text[], ${p.places},
                ${p.startDate}::date, ${p.endDate}::date, ${p.status}, ${JSON.stringify(p.activation)}::jsonb, ${p.partner}, ${JSON.stringify(p.details)}::jsonb, ${p.source})
        ON CONFLICT (code) DO NOTHING
        RETURNING ${COLUMNS}`,
  );
  return row ?? null;
}

/** Writes a programme's editable fields, status and conditions, and raises its version. */
export async function updateProgramme(db: Executor, p: ProgrammeRow): Promise<ProgrammeRow> {
  const [row] = await rows<ProgrammeRow>(
    db,
    sql`UPDATE programmes SET round_id = ${p.roundId}, title = ${p.title}, criteria = ${p.criteria}, target_groups = ${sql.param(p.targetGroups)}::text[],
               places = ${p.places}, start_date = ${p.startDate}::date, end_date = ${p.endDate}::date, status = ${p.status},
               activation = ${JSON.stringify(p.activation)}::jsonb, partner = ${p.partner}, details = ${JSON.stringify(p.details)}::jsonb,
               source = ${p.source}, version = version + 1
         WHERE id = ${p.id} RETURNING ${COLUMNS}`,
  );
  return row!;
}
