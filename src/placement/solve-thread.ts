import { Worker } from 'node:worker_threads';
import { PlacementInputError, type PlacementInstance } from './placement.ts';
import type { Progress } from './lp.ts';
import type { PlacementResult, PortableSolveOptions } from './solve.ts';

/**
 * A solve takes seconds to a minute of CPU, and HiGHS blocks the thread it runs on: it runs in a
 * worker thread (TypeScript through the same tsx loader as the command line), so the main thread's
 * event loop stays free. Starting such a thread and loading HiGHS takes about 2 s, more than a small
 * solve: the threads are kept warm in a pool (`SolverPool`), HiGHS loaded before the first job, one
 * job a thread at a time, the others queued. Progress comes back as messages.
 *
 * The time limit is kept twice: the solver stops itself at it, and the thread is ended
 * `graceSeconds` after it if it has not (an instance whose setup alone outlasts the limit): the
 * promise then rejects with a PlacementTimeoutError. A job can be cancelled (`signal`): queued, it
 * is dropped; running, its thread is ended. A thread ended so, or one whose HiGHS memory has grown
 * past `maxWasmBytes` (WebAssembly memory only grows), is replaced by a fresh one at once, so the
 * next job still finds a warm thread. Idle threads do not keep the process alive.
 */
export class PlacementTimeoutError extends Error {
  constructor(seconds: number) {
    super(
      `the placement solver did not finish within its time limit of ${seconds} s (and the grace after it): try a longer limit or a smaller instance`,
    );
    this.name = 'PlacementTimeoutError';
  }
}

export class PlacementCancelledError extends Error {
  constructor() {
    super('the placement run was cancelled');
    this.name = 'PlacementCancelledError';
  }
}

export type ThreadSolveOptions = PortableSolveOptions & {
  progress?: Progress;
  /** Plain MIP (the baseline) instead of the method. */
  baseline?: boolean;
  /** How long past the limit the thread may run before it is ended (default 10 s). */
  graceSeconds?: number;
  signal?: AbortSignal;
};

/** What the thread holds after a job: HiGHS's WebAssembly memory and its JavaScript heap. */
export interface ThreadMemory {
  wasmBytes: number;
  heapBytes: number;
}

type Message =
  | { type: 'ready' }
  | { type: 'progress'; id: number; event: Parameters<Progress>[0] }
  | { type: 'result'; id: number; result: PlacementResult; memory: ThreadMemory }
  | { type: 'error'; id: number; message: string; name: string; problems?: string[] };

interface Job {
  id: number;
  instance: PlacementInstance;
  options: ThreadSolveOptions;
  resolve: (r: PlacementResult & { memory: ThreadMemory }) => void;
  reject: (e: unknown) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  job: Job | null;
  jobs: number;
}

export class SolverPool {
  readonly size: number;
  readonly maxWasmBytes: number;
  #slots: Slot[] = [];
  #queue: Job[] = [];
  #nextId = 1;
  #started = 0;
  #closed = false;

  constructor(o: { size?: number; maxWasmBytes?: number } = {}) {
    this.size = Math.max(1, o.size ?? 1);
    this.maxWasmBytes = o.maxWasmBytes ?? 768 * 2 ** 20;
  }

  /** Threads started so far, and jobs each live thread has run. */
  stats(): { threadsStarted: number; jobsPerThread: number[] } {
    return { threadsStarted: this.#started, jobsPerThread: this.#slots.map((s) => s.jobs) };
  }

  /** Starts the pool's threads (HiGHS loaded in each); resolves when they are ready. */
  async warm(): Promise<void> {
    while (!this.#closed && this.#slots.length < this.size) this.#spawn();
    await Promise.all(this.#slots.map((s) => s.ready));
  }

  solve(instance: PlacementInstance, options: ThreadSolveOptions = {}): Promise<PlacementResult & { memory: ThreadMemory }> {
    return new Promise((resolve, reject) => {
      if (this.#closed) return reject(new Error('the placement solver pool is closed'));
      if (options.signal?.aborted) return reject(new PlacementCancelledError());
      const job: Job = { id: this.#nextId++, instance, options, resolve, reject };
      options.signal?.addEventListener('abort', () => this.#cancel(job), { once: true });
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('the placement solver pool is closed'));
    await Promise.all(this.#slots.splice(0).map((s) => s.worker.terminate()));
  }

  #spawn(): Slot {
    this.#started++;
    const worker = new Worker(new URL('./solve.worker.mjs', import.meta.url));
    worker.unref();
    const { promise, resolve: ready, reject: failed } = deferred();
    const slot: Slot = { worker, ready: promise, job: null, jobs: 0 };
    slot.ready.catch(() => undefined); // a thread that fails to start fails its job; warm() callers see it too
    this.#slots.push(slot);
    worker.on('message', (m: Message) => {
      if (m.type === 'ready') return ready();
      const job = slot.job;
      if (!job || m.id !== job.id) return;
      if (m.type === 'progress') job.options.progress?.(m.event);
      else if (m.type === 'result') {
        this.#finish(slot, m.memory.wasmBytes > this.maxWasmBytes);
        job.resolve({ ...m.result, memory: m.memory });
      } else {
        // An error may leave HiGHS's module in a bad state: the thread is replaced.
        this.#finish(slot, true);
        job.reject(m.name === 'PlacementInputError' ? new PlacementInputError(m.problems ?? [m.message]) : new Error(m.message));
      }
    });
    const lost = (e: Error) => {
      failed(e);
      const job = slot.job;
      if (job) clearTimeout(job.timer);
      this.#remove(slot);
      job?.reject(e);
      this.#dispatch();
    };
    worker.once('error', lost);
    worker.once('exit', (code) => lost(new Error(`the placement solver's thread stopped (exit code ${code})`)));
    return slot;
  }

  #remove(slot: Slot) {
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    slot.worker.removeAllListeners();
    slot.job = null;
  }

  /** The job of `slot` is over: the thread goes back to the pool, or is replaced (`retire`). */
  #finish(slot: Slot, retire: boolean) {
    const job = slot.job;
    if (job) clearTimeout(job.timer);
    slot.job = null;
    if (retire) {
      this.#remove(slot);
      void slot.worker.terminate();
      if (!this.#closed) this.#spawn();
    } else slot.worker.unref();
    this.#dispatch();
  }

  #cancel(job: Job) {
    const queued = this.#queue.indexOf(job);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      job.reject(new PlacementCancelledError());
      return;
    }
    const slot = this.#slots.find((s) => s.job === job);
    if (!slot) return;
    this.#finish(slot, true);
    job.reject(new PlacementCancelledError());
  }

  #dispatch() {
    while (!this.#closed && this.#queue.length > 0) {
      let slot = this.#slots.find((s) => s.job === null);
      if (!slot && this.#slots.length < this.size) slot = this.#spawn();
      if (!slot) return;
      const job = this.#queue.shift()!;
      slot.job = job;
      slot.jobs++;
      slot.worker.ref();
      const { progress: _p, baseline, graceSeconds = 10, signal: _s, ...options } = job.options;
      const limit = options.timeLimitSeconds ?? 60;
      job.timer = setTimeout(
        () => {
          if (slot.job !== job) return;
          this.#finish(slot, true);
          job.reject(new PlacementTimeoutError(limit));
        },
        (limit + graceSeconds) * 1000,
      );
      slot.worker.postMessage({ type: 'job', id: job.id, instance: job.instance, options, baseline });
    }
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (e: unknown) => void } {
  let resolve: () => void = () => undefined;
  let reject: (e: unknown) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

let shared: SolverPool | null = null;
/** The process's pool: one thread (the machine has two cores, and the server's event loop needs one). */
export const placementPool = (): SolverPool => (shared ??= new SolverPool({ size: 1 }));

/** A solve in the process's warm pool. */
export function solveInThread(
  instance: PlacementInstance,
  options: ThreadSolveOptions = {},
): Promise<PlacementResult & { memory: ThreadMemory }> {
  return placementPool().solve(instance, options);
}
