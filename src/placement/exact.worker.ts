import { type MessagePort, parentPort } from 'node:worker_threads';
import { keepAll } from './fixing.ts';
import { generateInstance } from './generator.ts';
import { loadHighs } from './lp.ts';
import { prepare, type ExactAnswer, type ExactJob, solveExact } from './solve.ts';

// The thread of exact-thread.ts: HiGHS loaded and warmed once, then step 5's exact MIP for each job
// its solver thread sends, one at a time, stopped at HiGHS's next checkpoint once the solver thread
// asks (control[0] = the job's id). Each answer goes back on the port, then control[1] = the job's id.
const { port, control } = await new Promise<{ port: MessagePort; control: SharedArrayBuffer }>((resolve) =>
  parentPort!.once('message', resolve),
);
const words = new Int32Array(control);
const highs = await loadHighs();
// An exact MIP first, so that HiGHS's code is compiled by V8 before the first job: with one of 40
// households HIAS FY16's exact MIP took 0.5 s in a fresh thread, against 0.26–0.31 s once warm.
{
  const { sub } = prepare(generateInstance({ households: 150, places: 10, dimensions: 1, seed: 1 }));
  solveExact(highs, sub, keepAll(sub), new Int32Array(sub.G).fill(-1), {
    deadline: performance.now() + 1500,
    relGap: 1e-6,
    presolve: false,
  });
}
port.on('message', (job: ExactJob) => {
  let answer: ExactAnswer | null = null;
  let error: string | undefined;
  const t0 = performance.now();
  try {
    if (Atomics.load(words, 0) !== job.id)
      answer = solveExact(highs, job.problem, job.fixing, job.incumbent, {
        deadline: performance.now() + job.ms,
        relGap: job.relGap,
        presolve: job.presolve,
        interrupt: () => Atomics.load(words, 0) === job.id,
      });
  } catch (e) {
    error = (e as Error).message;
  }
  port.postMessage({ id: job.id, answer: answer && { ...answer, ms: performance.now() - t0 }, error });
  Atomics.store(words, 1, job.id);
  Atomics.notify(words, 1);
  // An error may leave HiGHS's module in a bad state (as in solve.worker.ts): the thread ends, and its
  // solver thread runs step 5 itself from then on.
  if (error !== undefined) process.exit(1);
});
parentPort!.postMessage('ready');
