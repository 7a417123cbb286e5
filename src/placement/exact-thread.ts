/**
 * Step 5's exact MIP in a thread of its own (issue 18), for the race of solve.ts (`ExactRace`): the
 * solver thread sends the model and goes on with the knapsacks' branch and bound, asking after every
 * node whether the exact MIP has ended (`poll`, without blocking: receiveMessageOnPort). Where the
 * tree proves the optimum first it asks the MIP to stop (`cancel`: a word of shared memory that HiGHS's
 * interrupt callbacks read). One thread per solver thread (solve.worker.ts), started with it; it ends
 * with it.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { ExactAnswer, ExactJob, ExactRace } from './solve.ts';

export async function startExactThread(): Promise<ExactRace & { close(): Promise<number> }> {
  const worker = new Worker(new URL('./exact.worker.mjs', import.meta.url));
  worker.unref();
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  // [0]: the job asked to stop; [1]: the last job that ended.
  const words = new Int32Array(new SharedArrayBuffer(8));
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the exact MIP's thread stopped (exit code ${code})`)));
    worker.postMessage({ port: port2, control: words.buffer }, [port2]);
  });
  // A thread that stopped (an error in HiGHS) takes no more jobs: the solver runs step 5 itself.
  let stopped = false;
  worker.on('exit', () => {
    stopped = true;
  });
  let next = 0;
  return {
    start(problem, fixing, incumbent, o) {
      if (stopped) return null;
      const job: ExactJob = { id: ++next, problem, fixing, incumbent, ...o };
      port1.postMessage(job);
      let answer: ExactAnswer | null = null;
      let failed = false;
      // Answers of earlier jobs (stopped, still ending) are passed over.
      const take = () => {
        for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
          const { id, answer: a, error } = m.message as { id: number; answer: ExactAnswer | null; error?: string };
          if (id !== job.id) continue;
          answer = a;
          failed = error !== undefined;
        }
        return answer;
      };
      return {
        poll: () => answer ?? take(),
        failed: () => failed,
        wait(ms) {
          const end = performance.now() + ms;
          for (let left = ms; !(answer ?? take()) && !failed && left > 0; left = end - performance.now())
            Atomics.wait(words, 1, Atomics.load(words, 1), Math.min(left, 20));
          return answer;
        },
        cancel() {
          Atomics.store(words, 0, job.id);
        },
      };
    },
    close: () => worker.terminate(),
  };
}
