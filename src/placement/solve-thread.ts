import { Worker } from 'node:worker_threads';
import { PlacementInputError, type PlacementInstance } from './placement.ts';
import type { Progress } from './lp.ts';
import type { PlacementResult, SolveOptions } from './solve.ts';

/**
 * A solve takes seconds to a minute of CPU, and HiGHS blocks the thread it runs on: it runs in a
 * worker thread (TypeScript through the same tsx loader as the command line), so the main thread's
 * event loop stays free. Progress comes back as messages. The time limit is kept twice: the solver
 * stops itself at it, and the thread is ended `graceSeconds` after it if it has not (an instance
 * whose setup alone outlasts the limit): the promise then rejects with a PlacementTimeoutError.
 */
export class PlacementTimeoutError extends Error {
  constructor(seconds: number) {
    super(
      `the placement solver did not finish within its time limit of ${seconds} s (and the grace after it): try a longer limit or a smaller instance`,
    );
    this.name = 'PlacementTimeoutError';
  }
}

export function solveInThread(
  instance: PlacementInstance,
  options: Omit<SolveOptions, 'progress'> & { progress?: Progress; baseline?: boolean; graceSeconds?: number } = {},
): Promise<PlacementResult> {
  const { progress, baseline, graceSeconds = 10, ...solveOptions } = options;
  const limit = solveOptions.timeLimitSeconds ?? 60;
  return new Promise<PlacementResult>((resolve, reject) => {
    const worker = new Worker(new URL('./solve.worker.mjs', import.meta.url), {
      workerData: { instance, options: solveOptions, baseline },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      void worker.terminate();
    };
    const timer = setTimeout(() => settle(() => reject(new PlacementTimeoutError(limit))), (limit + graceSeconds) * 1000);
    worker.on(
      'message',
      (
        m:
          | { type: 'progress'; event: Parameters<Progress>[0] }
          | { type: 'result'; result: PlacementResult }
          | { type: 'error'; message: string; name: string; problems?: string[] },
      ) => {
        if (m.type === 'progress') progress?.(m.event);
        else if (m.type === 'result') settle(() => resolve(m.result));
        else
          settle(() =>
            reject(m.name === 'PlacementInputError' ? new PlacementInputError(m.problems ?? [m.message]) : new Error(m.message)),
          );
      },
    );
    worker.once('error', (e) => settle(() => reject(e)));
    worker.once('exit', (code) => settle(() => reject(new Error(`the placement solver's thread stopped (exit code ${code})`))));
  });
}
