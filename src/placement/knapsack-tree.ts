/**
 * A branch and bound of our own over the knapsack stage's model (issue 18, "an exact stage that closes
 * small instances fast"): one dimension in whole units, what the stage's fixing leaves. At every node
 * the multipliers of "each group at most once" are optimised again by subgradient steps, warm from the
 * parent's, over the groups the node leaves free, with the capacity its fixed groups leave; the node
 * is pruned when its knapsack bound is not above the incumbent, else every option is tested by its
 * exact child bound (knapsack.ts) and removed where that is not above the incumbent, which may fix
 * more groups and start the steps again. The node then branches on a group, one child per option left
 * (and one unplaced, where allowed), the best child bound first, depth first.
 * Pure: no solver, no I/O.
 */
import { knapsackModel } from './knapsack.ts';
import { type Problem, problemObjective } from './placement.ts';

const FREE = -2;

/**
 * Subgradient steps at the tree's root and at each node after it. HIAS FY17 without a target: 10
 * steps a node, 13,895 nodes; 30, 1,654; 60, 1,651. With it, from the same start: 20 steps, 135
 * nodes; 30, 185.
 */
const ROOT_STEPS = 60;
const NODE_STEPS = 20;

export interface KnapsackTree {
  placeOf: Int32Array;
  objective: number;
  /** The tree was searched to its end: nothing beats `objective` by more than the tolerance. */
  optimal: boolean;
  nodes: number;
  /** The search ended: nothing beats max(objective, target). */
  complete: boolean;
}

interface Node {
  allowed: Uint8Array;
  unplaced: Uint8Array;
  mu: Float64Array;
  lambda: number;
  /** The parent's bound of this child. */
  bound: number;
}

/** Where a tree starts: the stage's multipliers, its fixing and the incumbent, and when it must end. */
export interface TreeStart {
  /** The stage's multipliers, in gains (score + penalty). */
  mu: Float64Array;
  keep: Uint8Array;
  unplacedAllowed: Uint8Array;
  incumbent: Int32Array;
  deadline: number;
  /** A node is pruned when its bound is within this of the incumbent, relative (default 1e-9). */
  relGap?: number;
  /** Asked before every node: true ends the search, not complete. */
  stop?: () => boolean;
}

/**
 * The tree over `keep` and `unplacedAllowed` (every assignment better than `incumbent` must lie in
 * them), from the multipliers `mu`, until it ends, `deadline` or `stop`. Optimal where it ended with
 * nothing left above the incumbent (or the target: see `knapsackSearch`).
 */
export function knapsackTree(
  problem: Problem,
  o: TreeStart & {
    /** Nodes are pruned at or below this (objective scale) while the search hunts for better; see `knapsackSearch`. */
    target?: number;
  },
): KnapsackTree {
  const { G, P, start, place } = problem;
  const K = place.length;
  const { weight, capacity, penalties, gain, groupOf } = knapsackModel(problem);
  const atPlace: Int32Array[] = [];
  {
    const lists: number[][] = Array.from({ length: P }, () => []);
    for (let k = 0; k < K; k++) if (o.keep[k]) lists[place[k]!]!.push(k);
    for (const l of lists) atPlace.push(Int32Array.from(l));
  }
  let maxW = 1;
  let maxN = 1;
  for (let p = 0; p < P; p++) {
    maxW = Math.max(maxW, capacity[p]! + 1);
    maxN = Math.max(maxN, atPlace[p]!.length);
  }
  const F = new Float64Array((maxN + 1) * maxW);
  const B = new Float64Array((maxN + 1) * maxW);
  const items = new Int32Array(maxN);

  const best = Int32Array.from(o.incumbent);
  // In gains: the objective with every penalty added back.
  let bestGain = problemObjective(problem, best) + penalties;
  const relGap = o.relGap ?? 1e-9;
  // Nodes are pruned at or below this: the incumbent, or a target above it (objective scale) while the search hunts for better.
  const floor = o.target === undefined ? Number.NEGATIVE_INFINITY : o.target + penalties;
  const cut = () => Math.max(bestGain + tol, floor);
  let tol = relGap * Math.max(1, Math.abs(bestGain - penalties));
  // (A local search of each node's best repaired assignment, swapSearch of solve.ts, was tried: on
  // HIAS FY17 the optimum came at the same node with it as without.)
  /** `trial`, worth `v` in gains: the new incumbent where it is better. */
  const offer = (v: number) => {
    if (v > bestGain + 1e-12) {
      bestGain = v;
      best.set(trial);
      tol = relGap * Math.max(1, Math.abs(bestGain - penalties));
    }
  };

  // Per node, scratch.
  const muA = new Float64Array(G);
  const muB = new Float64Array(G);
  const muBest = new Float64Array(G);
  const at = new Int32Array(G);
  const atOption = new Int32Array(G);
  const free = new Int32Array(P);
  const chosen = new Int32Array(G);
  const pick = new Int32Array(G);
  const childBound = new Float64Array(K);
  const restBound = new Float64Array(G);

  /** The knapsack of place p over its items at mu, into F (forward table); returns the item count. */
  const forward = (p: number, mu: Float64Array, allowed: Uint8Array) => {
    const C = free[p]!;
    const W = C + 1;
    let n = 0;
    for (const k of atPlace[p]!) {
      const g = groupOf[k]!;
      if (allowed[k] && at[g] === FREE && gain[k]! - mu[g]! > 0 && weight[g]! <= C) items[n++] = k;
    }
    F.fill(0, 0, W);
    for (let i = 0; i < n; i++) {
      const k = items[i]!;
      const v = gain[k]! - mu[groupOf[k]!]!;
      const w = weight[groupOf[k]!]!;
      const row = (i + 1) * W;
      const prev = i * W;
      for (let c = 0; c < w && c < W; c++) F[row + c] = F[prev + c]!;
      for (let c = w; c < W; c++) {
        const a = F[prev + c]!;
        const b = F[prev + c - w]! + v;
        F[row + c] = Math.max(b, a);
      }
    }
    return n;
  };

  /** Bound and the knapsacks' choices at mu; at[] and free[] describe the node. */
  const solveAll = (mu: Float64Array, allowed: Uint8Array, fixedGain: number) => {
    let bound = fixedGain;
    for (let g = 0; g < G; g++) {
      chosen[g] = 0;
      pick[g] = -1;
      if (at[g] === FREE) bound += mu[g]!;
    }
    for (let p = 0; p < P; p++) {
      const n = forward(p, mu, allowed);
      const W = free[p]! + 1;
      bound += F[n * W + free[p]!]!;
      let c = free[p]!;
      for (let i = n - 1; i >= 0; i--)
        if (F[(i + 1) * W + c] !== F[i * W + c]) {
          const k = items[i]!;
          const g = groupOf[k]!;
          chosen[g]!++;
          if (pick[g]! < 0 || gain[k]! > gain[pick[g]!]!) pick[g] = k;
          c -= weight[g]!;
        }
    }
    return bound;
  };

  // Options by gain per unit of size, the best first (the repair's order; 0-size groups first).
  const byDensity = Int32Array.from([...Array(K).keys()].filter((k) => o.keep[k] && gain[k]! > 0)).sort(
    (a, b) => gain[b]! / Math.max(weight[groupOf[b]!]!, 1e-9) - gain[a]! / Math.max(weight[groupOf[a]!]!, 1e-9),
  );

  /** The choices made feasible: fixed groups, each chosen group at its best pick, then room filled greedily. */
  const trial = new Int32Array(G);
  const room = new Int32Array(P);
  const repair = (allowed: Uint8Array) => {
    trial.fill(-1);
    room.set(capacity);
    let v = 0;
    for (let g = 0; g < G; g++) {
      const k = at[g] === FREE ? pick[g]! : at[g]! >= 0 ? atOption[g]! : -1;
      if (k < 0) continue;
      trial[g] = place[k]!;
      room[place[k]!]! -= weight[g]!;
      v += gain[k]!;
    }
    // Groups left out, by gain per unit of size, each to its option with room.
    for (const k of byDensity) {
      const g = groupOf[k]!;
      if (!allowed[k] || at[g] !== FREE || trial[g]! >= 0) continue;
      const p = place[k]!;
      if (weight[g]! <= room[p]!) {
        trial[g] = p;
        room[p]! -= weight[g]!;
        v += gain[k]!;
      }
    }
    return v;
  };

  let nodes = 0;

  /** Evaluates a node in place: null when pruned, else the group to branch on with its children. */
  const evaluate = (node: Node, steps: number): { g: number; children: { k: number; bound: number }[] } | null => {
    const { allowed, unplaced } = node;
    for (let round = 0; round < 20; round++) {
      // The node's fixed groups and the room they leave.
      free.set(capacity);
      let fixedGain = 0;
      for (let g = 0; g < G; g++) {
        let n = 0;
        let last = -1;
        for (let k = start[g]!; k < start[g + 1]!; k++)
          if (allowed[k]) {
            n++;
            last = k;
          }
        if (n === 0) {
          if (!unplaced[g]) return null;
          at[g] = -1;
        } else if (n === 1 && !unplaced[g]) {
          at[g] = place[last]!;
          atOption[g] = last;
          free[at[g]!]! -= weight[g]!;
          fixedGain += gain[last]!;
        } else at[g] = FREE;
      }
      for (let p = 0; p < P; p++) if (free[p]! < 0) return null;

      // Subgradient steps from the node's multipliers (in two buffers, the best kept in a third).
      let mu: Float64Array = muA;
      let other: Float64Array = muB;
      mu.set(node.mu);
      let bestBound = Number.POSITIVE_INFINITY;
      let since = 0;
      let lambda = node.lambda;
      for (let s = 0; s < (round === 0 ? steps : Math.max(5, steps >> 1)); s++) {
        const bound = solveAll(mu, allowed, fixedGain);
        let better = false;
        if (bound < bestBound - 1e-12) {
          bestBound = bound;
          muBest.set(mu);
          since = 0;
          better = true;
        } else if (++since >= 4) {
          lambda /= 2;
          since = 0;
        }
        if (bestBound <= cut()) return null;
        // The knapsacks' choices made feasible, at the steps that lower the bound.
        if (better) offer(repair(allowed));
        if (bestBound <= cut()) return null;
        let norm = 0;
        for (let g = 0; g < G; g++) {
          if (at[g] !== FREE) continue;
          const sg = 1 - chosen[g]!;
          if (!(unplaced[g] && mu[g]! <= 0 && sg > 0)) norm += sg * sg;
        }
        if (norm === 0) {
          // The knapsacks' choices are one assignment, worth the bound: the node is solved (its
          // assignment offered even where the step did not lower the bound).
          if (!better) offer(repair(allowed));
          return null;
        }
        if (lambda < 1e-4) break;
        const t = (lambda * Math.max(1e-9, bound - cut())) / norm;
        for (let g = 0; g < G; g++) {
          if (at[g] !== FREE) {
            other[g] = mu[g]!;
            continue;
          }
          const v = mu[g]! - t * (1 - chosen[g]!);
          other[g] = unplaced[g] ? Math.max(0, v) : v;
        }
        [mu, other] = [other, mu];
      }
      node.mu = Float64Array.from(muBest);
      node.lambda = Math.max(lambda, 1e-3);
      mu = node.mu;

      // Child bounds at the node's best multipliers; options whose bound is not above the incumbent go.
      let root = fixedGain;
      for (let g = 0; g < G; g++) if (at[g] === FREE) root += mu[g]!;
      const withoutGroup = restBound; // Σ_p (KP_p − KP_p without g), then the bound with g out
      withoutGroup.fill(0);
      for (let p = 0; p < P; p++) {
        const C = free[p]!;
        const W = C + 1;
        const n = forward(p, mu, allowed);
        root += F[n * W + C]!;
        B.fill(0, n * W, (n + 1) * W);
        for (let i = n - 1; i >= 0; i--) {
          const k = items[i]!;
          const v = gain[k]! - mu[groupOf[k]!]!;
          const w = weight[groupOf[k]!]!;
          const row = i * W;
          const next = (i + 1) * W;
          for (let c = 0; c < w && c < W; c++) B[row + c] = B[next + c]!;
          for (let c = w; c < W; c++) {
            const a = B[next + c]!;
            const b = B[next + c - w]! + v;
            B[row + c] = Math.max(b, a);
          }
        }
        const kp = F[n * W + C]!;
        const without = (i: number, c: number) => {
          let m = Number.NEGATIVE_INFINITY;
          for (let a = 0; a <= c; a++) {
            const v = F[i * W + a]! + B[(i + 1) * W + c - a]!;
            if (v > m) m = v;
          }
          return m;
        };
        let i = 0;
        for (const k of atPlace[p]!) {
          const g = groupOf[k]!;
          if (!allowed[k] || at[g] !== FREE) continue;
          const w = weight[g]!;
          const inKnapsack = i < n && items[i] === k;
          const out = inKnapsack ? without(i, C) : kp;
          withoutGroup[g]! += kp - out;
          // Stored for now as (forcedIn − out + gain); the rest is added below.
          childBound[k] = w <= C ? (inKnapsack ? without(i, C - w) : F[n * W + C - w]!) - out + gain[k]! : Number.NEGATIVE_INFINITY;
          if (inKnapsack) i++;
        }
      }
      if (root <= cut()) return null;
      let changed = false;
      for (let g = 0; g < G; g++) {
        if (at[g] !== FREE) continue;
        const rest = root - mu[g]! - withoutGroup[g]!;
        restBound[g] = rest;
        if (unplaced[g] && rest <= cut()) {
          unplaced[g] = 0;
          changed = true;
        }
        for (let k = start[g]!; k < start[g + 1]!; k++) {
          if (!allowed[k]) continue;
          childBound[k]! += rest;
          if (!(childBound[k]! > cut())) {
            allowed[k] = 0;
            changed = true;
          }
        }
      }
      if (changed) continue;

      // Branch: a free group (every free group has two children or more here).
      let chosenGroup = -1;
      let score = Number.NEGATIVE_INFINITY;
      for (let g = 0; g < G; g++) {
        if (at[g] !== FREE) continue;
        let first = unplaced[g] ? restBound[g]! : Number.NEGATIVE_INFINITY;
        let second = Number.NEGATIVE_INFINITY;
        let count = unplaced[g] ? 1 : 0;
        for (let k = start[g]!; k < start[g + 1]!; k++) {
          if (!allowed[k]) continue;
          count++;
          const b = childBound[k]!;
          if (b > first) {
            second = first;
            first = b;
          } else if (b > second) second = b;
        }
        // The group with the fewest children, then the one whose best child is lowest: the tree stays
        // narrow (HIAS FY17, from the optimum: 111 nodes; by the largest regret between its two best
        // children, 1,097; the largest group in conflict first, more than 20,000).
        const v = -count * 1e6 - first;
        if (v > score) {
          score = v;
          chosenGroup = g;
        }
      }
      if (chosenGroup < 0) return null;
      const g = chosenGroup;
      const children: { k: number; bound: number }[] = [];
      if (unplaced[g]) children.push({ k: -1, bound: restBound[g]! });
      for (let k = start[g]!; k < start[g + 1]!; k++) if (allowed[k]) children.push({ k, bound: childBound[k]! });
      children.sort((a, b) => b.bound - a.bound);
      return { g, children };
    }
    return null;
  };

  const root: Node = {
    allowed: Uint8Array.from(o.keep),
    unplaced: Uint8Array.from(o.unplacedAllowed),
    mu: Float64Array.from(o.mu),
    lambda: 0.5,
    bound: Number.POSITIVE_INFINITY,
  };
  const stack: Node[] = [root];
  let first = true;
  let complete = true;
  while (stack.length > 0) {
    if (performance.now() > o.deadline || o.stop?.()) {
      complete = false;
      break;
    }
    const node = stack.pop()!;
    if (!(node.bound > cut())) continue;
    nodes++;
    const branch = evaluate(node, first ? ROOT_STEPS : NODE_STEPS);
    first = false;
    if (!branch) continue;
    const { g, children } = branch;
    // Pushed worst first, so the best child is searched first.
    for (let c = children.length - 1; c >= 0; c--) {
      const { k, bound } = children[c]!;
      const allowed = Uint8Array.from(node.allowed);
      const unplaced = Uint8Array.from(node.unplaced);
      for (let j = start[g]!; j < start[g + 1]!; j++) if (j !== k) allowed[j] = 0;
      unplaced[g] = k < 0 ? 1 : 0;
      stack.push({ allowed, unplaced, mu: node.mu, lambda: node.lambda, bound });
    }
  }
  return { placeOf: best, objective: bestGain - penalties, optimal: complete && bestGain + tol >= floor, nodes, complete };
}

/**
 * Where the first target lies, as a share of the way from the root bound down to the incumbent. With
 * the incumbent as the only cut, the tree searches every node whose bound is above the incumbent
 * before it finds the optimum: HIAS FY17 from the knapsack stage's incumbent, 1,654 nodes (1,599 of
 * them before the optimum), against 111 to prove the optimum once known. A target cuts those nodes;
 * when the tree ends without an assignment above it, there is none, and the tree runs again without
 * one. FY17: a quarter of the way, 143 nodes and proven; a tenth, 15 nodes without, then 77 to find
 * the optimum and prove it (a target of a tenth of the rest, then 185 without one); a half, 1,321.
 */
const TARGET_SHARE = 0.25;

/** The tree from the knapsack stage, first with a target (`TARGET_SHARE`), then, if nothing was above it, without. */
export function knapsackSearch(
  problem: Problem,
  o: TreeStart & {
    /** The stage's root bound (objective scale). */
    rootBound: number;
  },
): KnapsackTree {
  const target = o.rootBound - TARGET_SHARE * (o.rootBound - problemObjective(problem, o.incumbent));
  const hunt = knapsackTree(problem, { ...o, target });
  if (hunt.optimal || !hunt.complete) return hunt;
  // Nothing above the target: the rest, from what the hunt found.
  const rest = knapsackTree(problem, { ...o, incumbent: hunt.placeOf });
  return { ...rest, nodes: hunt.nodes + rest.nodes };
}
