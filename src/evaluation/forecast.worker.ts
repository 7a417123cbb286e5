import { parentPort, workerData } from 'node:worker_threads';
import { forecastArrivals, type ForecastOptions } from './forecast.ts';

// The forecast's simulation in a thread of its own (src/evaluation/forecast-thread.ts).
parentPort!.postMessage(forecastArrivals(workerData as ForecastOptions));
