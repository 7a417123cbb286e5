import { Worker } from 'node:worker_threads';
import type { CaseHistory } from './case-history.ts';
import { forecastArrivals, type Forecast, type ForecastOptions } from './forecast.ts';

/**
 * The forecast's simulation is CPU work of seconds for a large round (about 2.5 s at 100,000 persons):
 * on the server's event loop it would hold up every other request meanwhile. Above `threshold` cases
 * it runs in a worker thread (TypeScript through the same tsx loader as the command line); the same
 * pure function, the same figures (src/evaluation/forecast.test.ts checks both paths agree).
 */
export const OFF_THREAD_FROM = 2_000;

export function forecastOffThread(opts: ForecastOptions, threshold = OFF_THREAD_FROM): Promise<Forecast> {
  const histories = Array.isArray(opts.histories) ? (opts.histories as CaseHistory[]) : [...opts.histories];
  if (histories.length < threshold) return Promise.resolve(forecastArrivals({ ...opts, histories }));
  return new Promise<Forecast>((resolve, reject) => {
    const worker = new Worker(new URL('./forecast.worker.mjs', import.meta.url), { workerData: { ...opts, histories } });
    let settled = false;
    worker.once('message', (forecast: Forecast) => {
      settled = true;
      resolve(forecast);
      void worker.terminate();
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the forecast's worker thread stopped (exit code ${code})`));
    });
  });
}
