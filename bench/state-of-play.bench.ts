/**
 * State-of-play benchmark: `stateOfPlay()`, which reads the arrivals aggregates only, beside the
 * full scan of the persons it replaces (`arrivalCellsFromPersons`), on the same fresh database
 * holding N persons loaded through the real tables and triggers (see load-persons.ts).
 */
import { deepStrictEqual } from 'node:assert';
import { arrivalCells, arrivalCellsFromPersons, arrivedTotal, pledgesByState } from '../src/state-of-play/state-of-play.repository.ts';
import { stateOfPlay } from '../src/state-of-play/state-of-play.service.ts';
import { getRound } from '../src/rounds/round.service.ts';
import {
  checkpoint,
  fmtInt,
  fmtMs,
  fmtSize,
  progress,
  stats,
  timed,
  withFreshDatabase,
  type BenchDb,
  type DbKind,
  type Stats,
} from './harness.ts';
import { loadPersons, type Loader } from './load-persons.ts';

const SEED = 2020;
/** The round the demo persons arrive in, and a day in its last month: months before come from the monthly aggregate, the days of December from the daily one. */
export const ROUND = '2020-2021';
export const AS_OF = '2021-12-15';
const WARMUP = 3;

export interface StateOfPlayResult {
  db: DbKind;
  persons: number;
  loader: Loader;
  loadMs: number;
  vacuumMs: number;
  monthlyRows: number;
  dailyRows: number;
  /** Persons counted in the round's arrivals as of AS_OF (the same by both ways, verified). */
  arrived: number;
  sop: Stats;
  scan: Stats;
  /** Scan p50 ÷ state-of-play p50. */
  speedup: number;
  /** Scan p50 ÷ state-of-play p95: the speed-up at the slow end of the state of play. */
  speedupAtP95: number;
  /** The queries stateOfPlay() makes, each timed alone: where its time goes. */
  parts: { label: string; stats: Stats }[];
}

export interface StateOfPlayOptions {
  kinds: DbKind[];
  adminUrl: string | undefined;
  sizes: number[];
  runs: number;
  scanRuns: number;
  loader: Loader | 'auto';
}

/** Above this, `auto` loads with set-based SQL; up to it, with the importer. */
const IMPORTER_UP_TO = 1_000_000;

export async function stateOfPlayBenchmark(opts: StateOfPlayOptions, sizesFor: (kind: DbKind) => number[]): Promise<StateOfPlayResult[]> {
  const results: StateOfPlayResult[] = [];
  for (const kind of opts.kinds) {
    for (const persons of sizesFor(kind)) {
      const loader: Loader = opts.loader === 'auto' ? (persons <= IMPORTER_UP_TO ? 'importer' : 'sql') : opts.loader;
      results.push(await withFreshDatabase(kind, opts.adminUrl, (db) => measure(db, persons, loader, opts)));
    }
  }
  return results;
}

async function measure(db: BenchDb, persons: number, loader: Loader, opts: StateOfPlayOptions): Promise<StateOfPlayResult> {
  const label = `state-of-play ${db.kind} ${fmtSize(persons)}`;
  const d = db.database.db;
  progress(`${label}: loading ${fmtInt(persons)} persons (${loader})`);
  const load = await timed(() => loadPersons(db, persons, SEED, loader));
  const stored = Number(await db.scalar('SELECT count(*) FROM persons'));
  if (stored !== persons) throw new Error(`${label}: ${stored} persons stored, expected ${persons}`);
  progress(`${label}: loaded in ${fmtMs(load.ms)} (${fmtInt(persons / (load.ms / 1000))} persons/s); VACUUM ANALYZE`);
  const vacuum = await timed(() => db.exec('VACUUM ANALYZE'));
  await settle(db, label);

  // Once per size: the aggregates (kept by the triggers) must give exactly what the scan gives.
  const pathways = (await getRound(d, ROUND)).pathways;
  let arrived = 0;
  for (const day of [AS_OF, '2020-03-31', '2021-06-30']) {
    const fromAggregates = await arrivalCells(d, ROUND, pathways, day);
    const fromScan = await arrivalCellsFromPersons(d, ROUND, pathways, day);
    deepStrictEqual(fromAggregates, fromScan, `${label}: aggregates differ from the scan as of ${day}`);
    if (day === AS_OF) arrived = fromScan.reduce((n, c) => n + (c.countryOfDeparture !== null ? c.persons : 0), 0);
  }
  const sopTotal = (await stateOfPlay({ db: d, roundId: ROUND, asOf: AS_OF })).totals.arrived;
  if (arrived === 0 || sopTotal !== arrived) throw new Error(`${label}: state of play counts ${sopTotal} arrivals, the scan ${arrived}`);
  const monthlyRows = Number(await db.scalar('SELECT count(*) FROM arrivals_monthly'));
  const dailyRows = Number(await db.scalar('SELECT count(*) FROM arrivals_daily'));
  progress(
    `${label}: verified, aggregates = scan (${fmtInt(arrived)} arrivals; ${fmtInt(monthlyRows)} monthly, ${fmtInt(dailyRows)} daily rows)`,
  );

  const sop = await sample(WARMUP, opts.runs, () => stateOfPlay({ db: d, roundId: ROUND, asOf: AS_OF }));
  const sopStats = stats(sop);
  progress(`${label}: stateOfPlay p50 ${fmtMs(sopStats.p50Ms)}, p95 ${fmtMs(sopStats.p95Ms)} over ${opts.runs} runs`);
  const figureDates = [
    ...new Set((await getRound(d, ROUND)).documentFigures.filter((f) => f.figure === 'arrived_total' && f.as_of).map((f) => f.as_of!)),
  ];
  const partFns: [string, () => Promise<unknown>][] = [
    ['getRound', () => getRound(d, ROUND)],
    ['pledgesByState', () => pledgesByState(d, ROUND, pathways)],
    [`arrivalCells as of ${AS_OF}`, () => arrivalCells(d, ROUND, pathways, AS_OF)],
    ...figureDates.map((day): [string, () => Promise<unknown>] => [
      `arrivedTotal as of ${day} (a document figure's date)`,
      () => arrivedTotal(d, ROUND, pathways, day),
    ]),
  ];
  const parts: { label: string; stats: Stats }[] = [];
  for (const [label, fn] of partFns) parts.push({ label, stats: stats(await sample(WARMUP, opts.runs, fn)) });
  progress(`${label}: parts p50 ${parts.map((p) => `${p.label} ${fmtMs(p.stats.p50Ms)}`).join(', ')}`);
  const scan = await sample(1, opts.scanRuns, () => arrivalCellsFromPersons(d, ROUND, pathways, AS_OF));
  const scanStats = stats(scan);
  progress(`${label}: full scan p50 ${fmtMs(scanStats.p50Ms)} over ${opts.scanRuns} runs`);

  return {
    db: db.kind,
    persons,
    loader,
    loadMs: load.ms,
    vacuumMs: vacuum.ms,
    monthlyRows,
    dailyRows,
    arrived,
    sop: sopStats,
    scan: scanStats,
    speedup: scanStats.p50Ms / sopStats.p50Ms,
    speedupAtP95: scanStats.p50Ms / sopStats.p95Ms,
    parts,
  };
}

/**
 * On PostgreSQL, lets the server finish what the load left it to do before anything is timed: a
 * checkpoint (the load's dirty pages written out), and no autovacuum worker left on the database.
 * On two cores either would otherwise compete with the timed queries.
 */
async function settle(db: BenchDb, label: string): Promise<void> {
  if (db.kind !== 'postgres') return;
  await checkpoint(db);
  for (let i = 0; i < 240; i++) {
    const busy = Number(
      await db.scalar(`SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = current_database()`),
    );
    if (busy === 0) return;
    if (i % 20 === 0) progress(`${label}: waiting for autovacuum to finish`);
    await new Promise((res) => setTimeout(res, 500));
  }
}

async function sample(warmup: number, runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) out.push((await timed(fn)).ms);
  return out;
}
