/**
 * The forecast of delivery: its time for 100 000 open cases × 200 iterations, beside one pass of
 * the processing times over the same histories (the cost of reading every history once); and its
 * calibration on demo histories whose outcome is known: how often what happened fell in the 80 %
 * interval.
 */
import { PRE_ARRIVAL } from '../src/cases/stage.ts';
import { demoCaseHistories, householdHistory } from '../src/demo/case-histories.ts';
import { statusOn, type CaseHistory } from '../src/evaluation/case-history.ts';
import { calibrate, forecastArrivals } from '../src/evaluation/forecast.ts';
import { processingTimes } from '../src/evaluation/processing-times.ts';
import { fmtInt, fmtMs, fmtPct, fmtX, progress } from './harness.ts';

export interface ForecastResult {
  openCases: number;
  histories: number;
  iterations: number;
  forecastMs: number;
  passMs: number;
  ratio: number;
  calibration: { cut: string; seeds: number; assessed: number; covered: number; coverage: number; euCovered: number }[];
}

export async function forecastBenchmark(opts: { openCases?: number; iterations?: number; seeds?: number } = {}): Promise<ForecastResult> {
  const target = opts.openCases ?? 100_000;
  const iterations = opts.iterations ?? 200;
  const asOf = '2021-06-30';
  progress(`forecast: demo histories with ${fmtInt(target)} open cases on ${asOf}`);
  const base = [...demoCaseHistories({ persons: 60_000, seed: 4 })].map(householdHistory);
  const open = base.filter((h) => PRE_ARRIVAL.includes(statusOn(h, asOf) as never));
  const histories: CaseHistory[] = [...base];
  // Copies of the open cases under new keys, until there are enough of them.
  for (let i = 0; histories.length - base.length + open.length < target; i++)
    histories.push(...open.map((h) => ({ ...h, key: `${h.key}/${i}` })));
  const t0 = performance.now();
  const f = forecastArrivals({ histories, asOf, until: '2021-12-31', from: '2020-01-01', iterations, seed: 1 });
  const forecastMs = performance.now() - t0;
  const t1 = performance.now();
  processingTimes(histories, { groupBy: ['state'], asOf });
  const passMs = performance.now() - t1;
  progress(
    `forecast: ${fmtInt(f.eu.openCases)} open cases × ${iterations} in ${fmtMs(forecastMs)}; one processing-times pass ${fmtMs(passMs)} (${fmtX(forecastMs / passMs)})`,
  );

  const calibration: ForecastResult['calibration'] = [];
  const seeds = opts.seeds ?? 6;
  for (const cut of ['2020-12-31', '2021-06-30', '2021-09-30']) {
    let assessed = 0;
    let covered = 0;
    let euCovered = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const hs = [...demoCaseHistories({ persons: 30_000, seed })].map(householdHistory);
      const c = calibrate({ histories: hs, cut, end: '2021-12-31', from: '2020-01-01', iterations: 200, seed });
      assessed += c.assessed;
      covered += c.covered;
      if (c.eu.inside) euCovered++;
    }
    calibration.push({ cut, seeds, assessed, covered, coverage: covered / assessed, euCovered });
    progress(
      `forecast calibration at ${cut}: ${covered}/${assessed} states inside the 80 % interval (${fmtPct(covered / assessed)}); EU ${euCovered}/${seeds}`,
    );
  }
  return {
    openCases: f.eu.openCases,
    histories: histories.length,
    iterations,
    forecastMs,
    passMs,
    ratio: forecastMs / passMs,
    calibration,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await forecastBenchmark(), null, 2));
