import { afterAll, describe, expect, it } from 'vitest';
import { startExactThread } from './exact-thread.ts';
import { keepAll } from './fixing.ts';
import { generateInstance } from './generator.ts';
import { knapsackStage } from './knapsack.ts';
import { knapsackSearch, knapsackTree } from './knapsack-tree.ts';
import { loadHighs } from './lp.ts';
import { assignments, smallInstance } from './placement.factory.ts';
import { type Problem, problemObjective } from './placement.ts';
import { type ExactRace, prepare, solveBaseline, solveExact, solvePlacement } from './solve.ts';
import { SolverPool } from './solve-thread.ts';

/** The tree's model with nothing fixed, from a weak start: one subgradient step from zero prices, everyone unplaced. */
function weakStart(sub: Problem) {
  const incumbent = new Int32Array(sub.G).fill(-1);
  const stage = knapsackStage(sub, { y: new Float64Array(sub.P), incumbent, deadline: performance.now() + 5000, steps: 1 });
  const { keep, unplacedAllowed } = keepAll(sub);
  return {
    mu: stage.mu,
    keep,
    unplacedAllowed,
    incumbent,
    rootBound: stage.rootBound,
    deadline: performance.now() + 10_000,
  };
}

const optimumOf = (sub: Problem) => {
  let optimum = Number.NEGATIVE_INFINITY;
  for (const a of assignments(sub)) optimum = Math.max(optimum, problemObjective(sub, a));
  return optimum;
};

function expectFits(sub: Problem, placeOf: Int32Array, label: string) {
  const used = new Float64Array(sub.P);
  placeOf.forEach((p, g) => {
    if (p < 0) return;
    used[p]! += sub.size[g]!;
    let k = sub.start[g]!;
    while (k < sub.start[g + 1]! && sub.place[k] !== p) k++;
    expect(k, `${label}: group ${g} at a place it may go`).toBeLessThan(sub.start[g + 1]!);
  });
  used.forEach((u, p) => {
    expect(u, `${label}, place ${p}`).toBeLessThanOrEqual(sub.capacity[p]!);
  });
}

describe("the knapsacks' branch and bound", () => {
  it('proves the optimum found by enumeration on 80 small one-dimensional instances, from a weak start', () => {
    let branched = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const { sub } = prepare(smallInstance(seed, { dimensions: 1, households: 3 + (seed % 6) }));
      if (sub.G === 0) continue;
      const optimum = optimumOf(sub);
      const tree = knapsackSearch(sub, weakStart(sub));
      expect(tree.optimal, `seed ${seed}`).toBe(true);
      expect(tree.objective, `seed ${seed}`).toBeCloseTo(optimum, 9);
      expect(problemObjective(sub, tree.placeOf), `seed ${seed}`).toBeCloseTo(tree.objective, 9);
      expectFits(sub, tree.placeOf, `seed ${seed}`);
      if (tree.nodes > 1) branched++;
    }
    // The search branched on some of them: the proofs are the tree's, not the root's alone.
    expect(branched).toBeGreaterThan(10);
  });

  it('with a target above the optimum ends without an answer (complete, not optimal); with one below, finds the optimum and proves it', () => {
    let checked = 0;
    for (let seed = 1; seed <= 80 && checked < 15; seed++) {
      const { sub } = prepare(smallInstance(seed, { dimensions: 1, households: 6 + (seed % 3) }));
      if (sub.G === 0) continue;
      const optimum = optimumOf(sub);
      const start = weakStart(sub);
      if (!(optimum > problemObjective(sub, start.incumbent) + 0.02)) continue;
      checked++;
      const above = knapsackTree(sub, { ...start, target: optimum + 0.01 });
      expect(above.complete, `seed ${seed}`).toBe(true);
      expect(above.optimal, `seed ${seed}`).toBe(false);
      expect(above.objective, `seed ${seed}`).toBeLessThanOrEqual(optimum + 1e-9);
      const below = knapsackTree(sub, { ...start, target: optimum - 0.01 });
      expect(below.optimal, `seed ${seed}`).toBe(true);
      expect(below.objective, `seed ${seed}`).toBeCloseTo(optimum, 9);
    }
    expect(checked).toBe(15);
  });

  it('stops when asked, with its incumbent and not complete', () => {
    const { sub } = prepare(smallInstance(5, { dimensions: 1, households: 8 }));
    const start = weakStart(sub);
    const tree = knapsackTree(sub, { ...start, stop: () => true });
    expect(tree).toMatchObject({ complete: false, optimal: false, nodes: 0 });
    expect([...tree.placeOf]).toEqual([...start.incumbent]);
  });

  it("on larger instances (40 households × 6 places) proves the optimum HiGHS's plain MIP proves", async () => {
    const highs = await loadHighs();
    for (const seed of [1, 2, 3]) {
      const instance = generateInstance({ households: 40, places: 6, dimensions: 1, seed });
      const { sub, compiled, lift } = prepare(instance);
      const baseline = await solveBaseline(instance, { timeLimitSeconds: 20 }, highs);
      expect(baseline.optimal, `seed ${seed}`).toBe(true);
      const tree = knapsackSearch(sub, { ...weakStart(sub), deadline: performance.now() + 20_000 });
      expect(tree.optimal, `seed ${seed}`).toBe(true);
      // Both over the whole instance (prepare() takes the tied households out of the tree's model).
      expect(problemObjective(compiled.problem, lift(tree.placeOf)), `seed ${seed}`).toBeCloseTo(baseline.objective, 6);
    }
  });
});

describe('the race of the tree and the exact MIP (exact-thread.ts)', () => {
  const threads: { close(): Promise<unknown> }[] = [];
  afterAll(async () => {
    await Promise.all(threads.map((t) => t.close()));
  });

  it("runs step 5's exact MIP in a thread of its own, with the answer of the same MIP run here", async () => {
    const thread = await startExactThread();
    threads.push(thread);
    const highs = await loadHighs();
    const { sub } = prepare(generateInstance({ households: 60, places: 8, dimensions: 1, seed: 4 }));
    const incumbent = new Int32Array(sub.G).fill(-1);
    const here = solveExact(highs, sub, keepAll(sub), incumbent, {
      deadline: performance.now() + 20_000,
      relGap: 1e-6,
      presolve: false,
    });
    const run = thread.start(sub, keepAll(sub), incumbent, { ms: 20_000, relGap: 1e-6, presolve: false });
    const there = run!.wait(30_000);
    expect(here.optimal).toBe(true);
    expect(there?.optimal).toBe(true);
    expect(there!.objective).toBeCloseTo(here.objective, 9);
  });

  it('stops the exact MIP at its next checkpoint when asked, with what it has', async () => {
    const thread = await startExactThread();
    threads.push(thread);
    // A model HiGHS does not prove in a second: 200 households × 50 places × 3 dimensions, every option.
    const { sub } = prepare(generateInstance({ households: 200, places: 50, dimensions: 3, seed: 1 }));
    const run = thread.start(sub, keepAll(sub), new Int32Array(sub.G).fill(-1), { ms: 60_000, relGap: 1e-9, presolve: true })!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(run.poll()).toBeNull();
    const asked = performance.now();
    run.cancel();
    const answer = run.wait(20_000);
    expect(performance.now() - asked).toBeLessThan(5_000);
    expect(answer?.optimal).toBe(false);
  });

  it('reports a job that fails in its thread at once; the thread ends and takes no more jobs', async () => {
    const thread = await startExactThread();
    threads.push(thread);
    const { sub } = prepare(generateInstance({ households: 30, places: 4, dimensions: 1, seed: 2 }));
    const incumbent = new Int32Array(sub.G).fill(-1);
    // A model that solveExact cannot read: it throws in the thread.
    const broken = thread.start(null as unknown as Problem, keepAll(sub), incumbent, { ms: 10_000, relGap: 1e-6, presolve: false })!;
    const began = performance.now();
    expect(broken.wait(10_000)).toBeNull();
    expect(broken.failed()).toBe(true);
    expect(performance.now() - began).toBeLessThan(5_000);
    let next = thread.start(sub, keepAll(sub), incumbent, { ms: 10_000, relGap: 1e-6, presolve: false });
    for (let i = 0; i < 50 && next !== null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      next = thread.start(sub, keepAll(sub), incumbent, { ms: 10_000, relGap: 1e-6, presolve: false });
    }
    expect(next).toBeNull();
  });

  it('where the exact MIP fails in its thread, the solver proves the optimum itself', async () => {
    const instance = generateInstance({ households: 150, places: 10, dimensions: 1, seed: 1 });
    let started = 0;
    const failing: ExactRace = {
      start: () => {
        started++;
        return { poll: () => null, failed: () => true, wait: () => null, cancel: () => undefined };
      },
    };
    const messages: string[] = [];
    const raced = await solvePlacement(instance, {
      timeLimitSeconds: 20,
      exactRace: failing,
      progress: (e) => messages.push(`${e.phase}: ${e.message}`),
    });
    const alone = await solvePlacement(instance, { timeLimitSeconds: 20 });
    expect(started).toBe(1);
    // The tree stopped at once, and the exact MIP ran here.
    expect(messages.find((m) => m.startsWith('tree:'))).toMatch(/: 0 nodes, .*not finished/);
    expect(messages.some((m) => m.startsWith('exact:'))).toBe(true);
    expect(raced.optimal).toBe(true);
    expect(raced.objective).toBeCloseTo(alone.objective, 9);
  });

  it('through the solver threads, a one-dimensional instance the two race on is proven optimal, as in one thread alone', async () => {
    const instance = generateInstance({ households: 150, places: 10, dimensions: 1, seed: 1 });
    const pool = new SolverPool({ size: 1 });
    threads.push(pool);
    const messages: string[] = [];
    const raced = await pool.solve(instance, { timeLimitSeconds: 20, progress: (e) => messages.push(`${e.phase}: ${e.message}`) });
    const alone = await solvePlacement(instance, { timeLimitSeconds: 20 });
    expect(alone.optimal).toBe(true);
    expect(raced.optimal).toBe(true);
    expect(raced.objective).toBeCloseTo(alone.objective, 9);
    // The tree ran, and either it proved the optimum or the exact MIP of the other thread did.
    expect(messages.find((m) => m.startsWith('tree:'))).toMatch(/proven optimal|the exact MIP in the other thread proved/);
  });
});
