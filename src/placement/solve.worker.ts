import { getHeapStatistics } from 'node:v8';
import { parentPort } from 'node:worker_threads';
import { startExactThread } from './exact-thread.ts';
import { generateInstance } from './generator.ts';
import { loadHighs } from './lp.ts';
import type { PlacementInstance } from './placement.ts';
import { type PortableSolveOptions, solveBaseline, solvePlacement, type SolveOptions } from './solve.ts';

// A solver thread of the pool (src/placement/solve-thread.ts): HiGHS is loaded once and the solver
// warmed before the first job, then it says so ('ready'); then one job at a time, its progress and
// its result as messages, with the memory the thread holds after it (HiGHS's WebAssembly memory only
// grows: the pool retires a thread that has grown too much).
type Job = {
  type: 'job';
  id: number;
  instance: PlacementInstance;
  options: PortableSolveOptions;
  baseline?: boolean;
};

const highs = await loadHighs();
// Step 5's exact MIP runs in a thread of its own while this one runs the knapsacks' branch and bound
// (solve.ts, step 2c); it loads and warms its HiGHS meanwhile.
const exactThread = startExactThread();
// A small solve before the first job, so that the solver's code is compiled by V8 when a job comes:
// in a cold thread on a loaded machine the first passes over the options ran 10 times slower, past
// the time limit.
await solvePlacement(generateInstance({ households: 60, places: 8, dimensions: 3, seed: 1 }), { timeLimitSeconds: 2 }, highs);
// And one in one dimension, whose path (the knapsack stage, knapsack.ts) the first would not warm.
await solvePlacement(generateInstance({ households: 60, places: 8, dimensions: 1, seed: 1 }), { timeLimitSeconds: 2 }, highs);
// Where that thread cannot start, this one solves without the race (step 5 after the tree), not at all.
const exactRace = await exactThread.catch(() => undefined);
// Ready only once the thread is idle: the warm-up leaves it busy for about 0.3 s more (measured in this
// thread: a timer of 0 ms set after the warm-up fired 270–380 ms later), and a job sent at once waited
// that long before it began (HIAS FY16 through the pool: 1.25–1.34 s end to end for 0.93–0.97 s of solve).
await new Promise((resolve) => setTimeout(resolve, 0));
parentPort!.postMessage({ type: 'ready' });
parentPort!.on('message', async (job: Job) => {
  const progress: SolveOptions['progress'] = (event) => parentPort!.postMessage({ type: 'progress', id: job.id, event });
  try {
    const result = await (job.baseline ? solveBaseline : solvePlacement)(
      job.instance,
      { ...job.options, progress, ...(exactRace ? { exactRace } : {}) },
      highs,
    );
    parentPort!.postMessage({
      type: 'result',
      id: job.id,
      result,
      memory: { wasmBytes: highs.memoryBytes, heapBytes: getHeapStatistics().total_heap_size },
    });
  } catch (e) {
    parentPort!.postMessage({
      type: 'error',
      id: job.id,
      message: (e as Error).message,
      name: (e as Error).name,
      problems: (e as { problems?: string[] }).problems,
    });
  }
});
