import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { Figure, ParsedStatistics, StatisticsSource } from './statistics.ts';
import { statisticsDatasets, statisticsFigures } from './statistics.table.ts';

export type DatasetRow = typeof statisticsDatasets.$inferSelect;

export async function listDatasetRows(db: Executor, source?: StatisticsSource): Promise<DatasetRow[]> {
  return db
    .select()
    .from(statisticsDatasets)
    .where(source ? eq(statisticsDatasets.source, source) : undefined)
    .orderBy(desc(statisticsDatasets.importedAt), desc(statisticsDatasets.id));
}

export async function findDatasetRow(db: Executor, id: number): Promise<DatasetRow | null> {
  const [row] = await db.select().from(statisticsDatasets).where(eq(statisticsDatasets.id, id));
  return row ?? null;
}

export async function findDatasetByFile(db: Executor, source: StatisticsSource, sha256: string): Promise<DatasetRow | null> {
  const [row] = await db
    .select()
    .from(statisticsDatasets)
    .where(and(eq(statisticsDatasets.source, source), eq(statisticsDatasets.sha256, sha256)));
  return row ?? null;
}

export async function insertDataset(
  db: Executor,
  d: Omit<ParsedStatistics, 'figures' | 'problems' | 'notKept'> & {
    fileName: string;
    sha256: string;
    figures: Figure[];
    importedBy: string;
  },
): Promise<DatasetRow> {
  const [row] = await db
    .insert(statisticsDatasets)
    .values({
      source: d.source,
      code: d.code,
      title: d.title,
      basis: d.basis,
      rounding: d.rounding,
      extractedOn: d.extractedOn,
      definitions: d.definitions,
      fileName: d.fileName,
      sha256: d.sha256,
      figures: d.figures.length,
      importedBy: d.importedBy,
    })
    .returning();
  // In slices, so a large table stays under the drivers' limit of bound parameters.
  for (let i = 0; i < d.figures.length; i += 1000) {
    await db.insert(statisticsFigures).values(d.figures.slice(i, i + 1000).map((f) => ({ datasetId: row!.id, ...f })));
  }
  return row!;
}

export async function deleteDataset(db: Executor, id: number): Promise<boolean> {
  const deleted = await db.delete(statisticsDatasets).where(eq(statisticsDatasets.id, id)).returning({ id: statisticsDatasets.id });
  return deleted.length > 0;
}

export interface FigureRow extends Figure {
  datasetId: number;
}

export async function selectFigures(
  db: Executor,
  where: { datasetIds: number[]; stateCode?: string; year?: number },
): Promise<FigureRow[]> {
  if (where.datasetIds.length === 0) return [];
  const conditions: SQL[] = [sql`${statisticsFigures.datasetId} IN ${where.datasetIds}`];
  if (where.stateCode) conditions.push(eq(statisticsFigures.stateCode, where.stateCode));
  if (where.year !== undefined) conditions.push(eq(statisticsFigures.year, where.year));
  return db
    .select({
      datasetId: statisticsFigures.datasetId,
      year: statisticsFigures.year,
      area: statisticsFigures.area,
      stateCode: statisticsFigures.stateCode,
      partner: statisticsFigures.partner,
      partnerIso3: statisticsFigures.partnerIso3,
      value: statisticsFigures.value,
      flags: statisticsFigures.flags,
    })
    .from(statisticsFigures)
    .where(and(...conditions))
    .orderBy(
      asc(statisticsFigures.datasetId),
      asc(statisticsFigures.year),
      asc(statisticsFigures.area),
      sql`${statisticsFigures.value} DESC NULLS LAST`,
      asc(statisticsFigures.partner),
    );
}

/** The platform's arrivals of a calendar year, per state and pathway (counts, no person). */
export async function arrivalsOfYear(db: Executor, year: number): Promise<{ stateCode: string; pathway: string; persons: number }[]> {
  return rows(
    db,
    sql`SELECT state_code AS "stateCode", pathway, sum(persons)::int AS persons FROM arrivals_monthly
         WHERE month >= make_date(${year}::int, 1, 1) AND month < make_date(${year}::int + 1, 1, 1) GROUP BY state_code, pathway`,
  );
}

/** The rounds whose period overlaps a calendar year, with each state's arrivals over the round's whole period in the pathways given. */
export async function roundsOfYear(db: Executor, year: number, pathways: string[]) {
  const rounds = await rows<{ id: string; start: string; end: string }>(
    db,
    sql`SELECT id, start_date::text AS start, end_date::text AS "end" FROM rounds
         WHERE start_date <= make_date(${year}::int, 12, 31) AND end_date >= make_date(${year}::int, 1, 1) ORDER BY start_date, id`,
  );
  if (rounds.length === 0 || pathways.length === 0) return { rounds, arrivals: [] };
  const arrivals = await rows<{ roundId: string; stateCode: string; persons: number }>(
    db,
    sql`SELECT round_id AS "roundId", state_code AS "stateCode", sum(persons)::int AS persons FROM arrivals_monthly
         WHERE round_id IN ${rounds.map((r) => r.id)} AND pathway IN ${pathways} GROUP BY round_id, state_code`,
  );
  return { rounds, arrivals };
}
