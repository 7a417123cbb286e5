import { createHash } from 'node:crypto';
import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { PATHWAYS, isValidIsoDate, type Pathway } from '../rounds/round.ts';
import { contextFigures, type ContextFigures } from './context.ts';
import { parseEurostat } from './eurostat.ts';
import { reconcile, type Reconciliation, type SourceDataset, type SourceTotal } from './reconciliation.ts';
import {
  arrivalsOfYear,
  deleteDataset,
  findDatasetByFile,
  findDatasetRow,
  insertDataset,
  listDatasetRows,
  roundsOfYear,
  selectFigures,
  type DatasetRow,
  type FigureRow,
} from './statistics.repository.ts';
import { STATISTICS_SOURCES, type Basis, type ParsedStatistics, type StatisticsSource } from './statistics.ts';
import { parseUnhcr } from './unhcr.ts';

/** A dataset as the services return it. */
export interface StatisticsDataset extends SourceDataset {
  unit: string;
  definitions: string;
  fileName: string;
  sha256: string;
  figures: number;
  importedAt: string;
  importedBy: string;
}

const present = (r: DatasetRow): StatisticsDataset => ({
  id: r.id,
  source: r.source as StatisticsSource,
  code: r.code,
  title: r.title,
  basis: r.basis as Basis,
  unit: r.unit,
  rounding: r.rounding,
  extractedOn: r.extractedOn,
  definitions: r.definitions,
  fileName: r.fileName,
  sha256: r.sha256,
  figures: r.figures,
  importedAt: new Date(r.importedAt).toISOString(),
  importedBy: r.importedBy,
});

export interface ImportOutcome {
  dataset: StatisticsDataset;
  /** The same file (same source, same bytes) was imported before: nothing was added. */
  duplicate: boolean;
  notKept: ParsedStatistics['notKept'];
}

/**
 * Imports a publisher's file as one dataset, in the caller's transaction: every figure or none. A
 * file with any problem is refused with the problems row by row; the same file again adds nothing.
 */
export async function importStatistics(opts: {
  db: Executor;
  actor: Actor;
  source: StatisticsSource;
  file: { name: string; bytes: Uint8Array };
  extractedOn?: string;
  code?: string;
}): Promise<ImportOutcome> {
  const { db, actor, source, file } = opts;
  authorize(policies.importStatistics, actor, undefined);
  if (!(STATISTICS_SOURCES as readonly string[]).includes(source))
    throw appError(ErrorCode.BadInput, 'statsSource', { p1: String(source) });
  if (opts.extractedOn !== undefined && !isValidIsoDate(opts.extractedOn))
    throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: opts.extractedOn });
  if (opts.code !== undefined && !/^[a-z0-9_]{1,40}$/i.test(opts.code)) throw appError(ErrorCode.BadInput, 'statsCode', { p1: opts.code });
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const before = await findDatasetByFile(db, source, sha256);
  if (before) return { dataset: present(before), duplicate: true, notKept: { rows: 0, by: {} } };
  const text = new TextDecoder('utf-8').decode(file.bytes);
  const parsed = source === 'unhcr' ? parseUnhcr(text) : parseEurostat(text, { name: file.name });
  if (parsed.problems.length) {
    throw appError(ErrorCode.BadInput, 'statsFileProblems', { p1: file.name, n: parsed.problems.length }, parsed.problems.slice(0, 1000));
  }
  if (parsed.figures.length === 0) throw appError(ErrorCode.BadInput, 'statsNoFigures', { p1: file.name });
  const row = await insertDataset(db, {
    ...parsed,
    code: opts.code?.toLowerCase() ?? parsed.code,
    extractedOn: opts.extractedOn ?? parsed.extractedOn,
    fileName: file.name.split(/[\\/]/).pop() ?? file.name,
    sha256,
    importedBy: actor.id,
  });
  await recordAudit(db, {
    actor,
    action: 'statistics.import',
    subject: `statistics:${row.id}`,
    details: { source, code: row.code, figures: row.figures, sha256, extractedOn: row.extractedOn, notKept: parsed.notKept.rows },
  });
  return { dataset: present(row), duplicate: false, notKept: parsed.notKept };
}

export async function listDatasets(db: Executor, actor: Actor): Promise<StatisticsDataset[]> {
  authorize(policies.readStatistics, actor, undefined);
  return (await listDatasetRows(db)).map(present);
}

/** Removes a dataset and its figures (the figures go with it), with an audit line. */
export async function removeDataset(opts: { db: Executor; actor: Actor; id: number }): Promise<StatisticsDataset> {
  const { db, actor, id } = opts;
  authorize(policies.importStatistics, actor, undefined);
  const row = await findDatasetRow(db, id);
  if (!row || !(await deleteDataset(db, id))) throw appError(ErrorCode.NotFound, 'statsDatasetUnknown', { p1: id });
  await recordAudit(db, {
    actor,
    action: 'statistics.remove',
    subject: `statistics:${id}`,
    details: { source: row.source, code: row.code, sha256: row.sha256, figures: row.figures },
  });
  return present(row);
}

/** A source's figures as it gives them (by country of origin or citizenship), from every dataset of it or one. */
export async function statisticsFigures(opts: {
  db: Executor;
  actor: Actor;
  source: StatisticsSource;
  datasetId?: number;
  stateCode?: string;
  year?: number;
}): Promise<{ datasets: StatisticsDataset[]; figures: FigureRow[] }> {
  const { db, actor } = opts;
  authorize(policies.readStatistics, actor, undefined);
  const datasets = (await listDatasetRows(db, opts.source))
    .map(present)
    .filter((d) => opts.datasetId === undefined || d.id === opts.datasetId);
  const figures = await selectFigures(db, {
    datasetIds: datasets.map((d) => d.id),
    ...(opts.stateCode !== undefined && { stateCode: opts.stateCode }),
    ...(opts.year !== undefined && { year: opts.year }),
  });
  return { datasets, figures };
}

/**
 * The dataset of a source a year is compared with: the newest import that has figures for that
 * year. Several datasets of one source are never added together.
 */
async function datasetForYear(
  db: Executor,
  source: StatisticsSource,
  year: number,
): Promise<{ dataset: StatisticsDataset; figures: FigureRow[] } | null> {
  for (const d of (await listDatasetRows(db, source)).map(present)) {
    const figures = await selectFigures(db, { datasetIds: [d.id], year });
    if (figures.length) return { dataset: d, figures };
  }
  return null;
}

/** Partners that are parts of a total (countries, stateless, unknown), not aggregates of them. */
const isPart = (f: FigureRow) => f.partnerIso3 !== null || ['UNK', 'XXA', 'STLS', 'RNC'].includes(f.partner);

/** Per state, the source's figure for the year: its own total where it gives one (Eurostat's TOTAL), else its parts added. */
export function sourceTotals(figures: readonly FigureRow[]): SourceTotal[] {
  const byState = new Map<string, FigureRow[]>();
  for (const f of figures) if (f.stateCode) byState.set(f.stateCode, [...(byState.get(f.stateCode) ?? []), f]);
  return [...byState].map(([stateCode, fs]) => {
    const total = fs.find((f) => f.partner === 'TOTAL');
    const parts = total ? [total] : fs.filter(isPart);
    const flags = [...new Set(parts.map((f) => f.flags).filter((f): f is string => f !== null))].join('') || null;
    return { stateCode, values: parts.map((f) => f.value), flags };
  });
}

export async function reconciliationReport(opts: {
  db: Executor;
  actor: Actor;
  year: number;
  stateCode?: string;
  /** The platform's pathways counted (default: resettlement, what UNHCR and Eurostat count). */
  pathways?: Pathway[];
}): Promise<Reconciliation> {
  const { db, actor, year } = opts;
  authorize(policies.readStatistics, actor, undefined);
  authorize(policies.readFigures, actor, undefined);
  if (!Number.isInteger(year) || year < 1950 || year > 2100) throw appError(ErrorCode.BadInput, 'statsYearInvalid', { p1: String(year) });
  const pathways = opts.pathways ?? ['resettlement'];
  for (const p of pathways) if (!(PATHWAYS as readonly string[]).includes(p)) throw appError(ErrorCode.BadInput, 'statsPathway', { p1: p });
  const arrivals = await arrivalsOfYear(db, year);
  const platform = new Map<string, { stateCode: string; persons: number; otherPathways: number }>();
  for (const a of arrivals) {
    const p = platform.get(a.stateCode) ?? { stateCode: a.stateCode, persons: 0, otherPathways: 0 };
    if ((pathways as string[]).includes(a.pathway)) p.persons += a.persons;
    else p.otherPathways += a.persons;
    platform.set(a.stateCode, p);
  }
  const { rounds, arrivals: roundArrivals } = await roundsOfYear(db, year, pathways);
  const sources: { dataset: SourceDataset; totals: SourceTotal[] }[] = [];
  for (const source of STATISTICS_SOURCES) {
    const found = await datasetForYear(db, source, year);
    if (found) sources.push({ dataset: sourceDataset(found.dataset), totals: sourceTotals(found.figures) });
  }
  return reconcile({
    year,
    pathways,
    platform: [...platform.values()],
    rounds,
    roundArrivals,
    sources,
    ...(opts.stateCode !== undefined && { stateCodes: [opts.stateCode] }),
  });
}

const sourceDataset = (d: StatisticsDataset): SourceDataset => ({
  id: d.id,
  source: d.source,
  code: d.code,
  title: d.title,
  basis: d.basis,
  rounding: d.rounding,
  extractedOn: d.extractedOn,
});

/** The EU context figures of the newest UNHCR dataset (or the one named), beside the Recommendation's. */
export async function statisticsContext(opts: { db: Executor; actor: Actor; datasetId?: number }): Promise<ContextFigures | null> {
  const { db, actor } = opts;
  authorize(policies.readStatistics, actor, undefined);
  const datasets = (await listDatasetRows(db, 'unhcr')).map(present);
  const dataset = opts.datasetId === undefined ? datasets[0] : datasets.find((d) => d.id === opts.datasetId);
  if (!dataset) {
    if (opts.datasetId !== undefined) throw appError(ErrorCode.NotFound, 'statsDatasetUnknown', { p1: opts.datasetId });
    return null;
  }
  const figures = await selectFigures(db, { datasetIds: [dataset.id] });
  return contextFigures(sourceDataset(dataset), figures);
}
