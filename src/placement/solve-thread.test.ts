import { afterAll, describe, expect, it } from 'vitest';
import { certify } from './certificate.ts';
import { generateInstance } from './generator.ts';
import { PlacementInputError } from './placement.ts';
import { PlacementCancelledError, PlacementTimeoutError, SolverPool, solveInThread } from './solve-thread.ts';

describe('the solver in a worker thread', () => {
  it('honours the time limit, reports progress, and leaves the main thread free meanwhile', async () => {
    const instance = generateInstance({ households: 1500, places: 40, dimensions: 3, seed: 5 });
    const phases: string[] = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 20);
    const started = performance.now();
    const result = await solveInThread(instance, { timeLimitSeconds: 3, progress: (e) => phases.push(e.phase) });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    // The solver stops itself at the limit, give or take the setup of its last HiGHS call (seen up to
    // about 1 s with two test workers and other work on two cores).
    expect(result.stats.ms.total).toBeLessThan(3_000 + 1_500);
    expect(seconds).toBeLessThan(3 + 10); // and the thread answers within the limit and its grace (starting the thread and HiGHS included)
    expect(phases[0]).toBe('start');
    expect(phases).toContain('prices');
    // A free event loop fires the 20 ms timer about seconds / 0.02 times; a blocked one hardly at all.
    expect(ticks).toBeGreaterThan((seconds / 0.02) * 0.5);
    expect(certify(instance, result).valid).toBe(true);
  });

  it('ends a thread that overruns its limit and its grace, with a PlacementTimeoutError', async () => {
    const instance = generateInstance({ households: 1500, places: 40, dimensions: 3, seed: 5 });
    await expect(solveInThread(instance, { timeLimitSeconds: 0.05, graceSeconds: 0 })).rejects.toBeInstanceOf(PlacementTimeoutError);
  });

  it("passes an invalid instance's problems back as a PlacementInputError", async () => {
    const instance = generateInstance({ households: 10, places: 2, seed: 5 });
    const bad = { ...instance, households: instance.households.map((h, i) => (i === 0 ? { ...h, tie: 'nowhere' } : h)) };
    await expect(solveInThread(bad, { timeLimitSeconds: 5 })).rejects.toThrow(/tied to unknown place "nowhere"/);
    await expect(solveInThread(bad, { timeLimitSeconds: 5 })).rejects.toBeInstanceOf(PlacementInputError);
  });
});

describe('the warm pool', () => {
  const pool = new SolverPool({ size: 1 });
  afterAll(() => pool.close());
  const small = generateInstance({ households: 20, places: 5, dimensions: 2, seed: 3 });

  it('runs every job on the thread it started once, with HiGHS already loaded', async () => {
    await pool.warm();
    expect(pool.stats().threadsStarted).toBe(1);
    const first = await pool.solve(small, { timeLimitSeconds: 5 });
    const second = await pool.solve(small, { timeLimitSeconds: 5 });
    expect(pool.stats()).toEqual({ threadsStarted: 1, jobsPerThread: [2] });
    expect(second.objective).toBeCloseTo(first.objective, 9);
    expect(certify(small, second).valid).toBe(true);
    expect(second.memory.wasmBytes).toBeGreaterThan(0);
  });

  it('queues a job while the thread is busy, and answers both', async () => {
    const [a, b] = await Promise.all([
      pool.solve(small, { timeLimitSeconds: 5 }),
      pool.solve(small, { timeLimitSeconds: 5, baseline: true }),
    ]);
    expect(a.method).toBe('method');
    expect(b.method).toBe('baseline');
    expect(b.objective).toBeCloseTo(a.objective, 6);
    expect(pool.stats().threadsStarted).toBe(1);
  });

  it('cancels a running job by ending its thread, and the next job runs on a fresh warm thread', async () => {
    const large = generateInstance({ households: 3000, places: 50, dimensions: 3, seed: 9 });
    const controller = new AbortController();
    const started = performance.now();
    const running = pool.solve(large, { timeLimitSeconds: 60, signal: controller.signal });
    setTimeout(() => controller.abort(), 500);
    await expect(running).rejects.toBeInstanceOf(PlacementCancelledError);
    expect(performance.now() - started).toBeLessThan(10_000); // far below the 60 s limit
    const before = pool.stats().threadsStarted;
    expect(before).toBe(2); // the cancelled thread was replaced at once
    const after = await pool.solve(small, { timeLimitSeconds: 5 });
    expect(certify(small, after).valid).toBe(true);
    expect(pool.stats().threadsStarted).toBe(before);
  });

  it('drops a queued job that is cancelled before it starts, and still honours the time limit of the one running', async () => {
    const large = generateInstance({ households: 3000, places: 50, dimensions: 3, seed: 9 });
    const controller = new AbortController();
    const started = performance.now();
    const running = pool.solve(large, { timeLimitSeconds: 2 });
    const queued = pool.solve(small, { timeLimitSeconds: 5, signal: controller.signal });
    controller.abort();
    await expect(queued).rejects.toBeInstanceOf(PlacementCancelledError);
    const r = await running;
    // Within 5 % of the limit inside the thread (its own clock), give or take the one step in flight at
    // the deadline: with ten test files on two cores a thread gets a sixth of a core, and a step of 70 ms
    // takes 400 (seen: 2.13 and 2.45 s). The bench measures the 5 % on a run of its own (docs/benchmarks.md).
    expect(r.stats.ms.total).toBeLessThan(2_000 * 1.05 + 500);
    expect(performance.now() - started).toBeLessThan(2_000 + 2_000);
    expect(certify(large, r).valid).toBe(true);
  });
});
