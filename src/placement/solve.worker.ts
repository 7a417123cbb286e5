import { parentPort, workerData } from 'node:worker_threads';
import type { PlacementInstance } from './placement.ts';
import { solveBaseline, solvePlacement, type SolveOptions } from './solve.ts';

// The solver in a thread of its own (src/placement/solve-thread.ts): progress and the result as messages.
const { instance, options, baseline } = workerData as {
  instance: PlacementInstance;
  options: Omit<SolveOptions, 'progress'>;
  baseline?: boolean;
};
const progress: SolveOptions['progress'] = (event) => parentPort!.postMessage({ type: 'progress', event });
try {
  const result = await (baseline ? solveBaseline : solvePlacement)(instance, { ...options, progress });
  parentPort!.postMessage({ type: 'result', result });
} catch (e) {
  parentPort!.postMessage({
    type: 'error',
    message: (e as Error).message,
    name: (e as Error).name,
    problems: (e as { problems?: string[] }).problems,
  });
}
