import { describe, expect, it } from 'vitest';
import { certify } from './certificate.ts';
import { generateInstance } from './generator.ts';
import { PlacementInputError } from './placement.ts';
import { PlacementTimeoutError, solveInThread } from './solve-thread.ts';

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
