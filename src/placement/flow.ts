/**
 * The one-dimensional household-count case in pure TypeScript, without HiGHS: every household uses
 * one unit and each place takes a number of households. Then the problem is a min-cost flow
 * (source → household, capacity 1; household → compatible place, cost −(score + penalty);
 * place → sink, capacity = the place's count), whose LP has integral optima: the flow is exact.
 *
 * Successive shortest paths with node potentials (Dijkstra on reduced costs), one unit a path, until
 * the cheapest path no longer gains (its cost ≥ 0). O(H · E log V) for E compatible pairs: meant for
 * batches and as an independent check of the HiGHS path (src/placement/flow.test.ts).
 */
import { compile, toAssignment, type Assignment, type PlacementInstance } from './placement.ts';

export function solveCountsByFlow(instance: PlacementInstance): { assignment: Assignment; objective: number } {
  const compiled = compile(instance);
  const { problem, tie } = compiled;
  const { G, P, D } = problem;
  if (D !== 1) throw new Error('the min-cost flow solves the one-dimensional case only (one capacity dimension)');
  for (let g = 0; g < G; g++)
    if (problem.size[g] !== 1) throw new Error('the min-cost flow needs every household to use exactly one unit, and no links');

  // Ties first, as everywhere: they take their unit of their place.
  const capacity = Float64Array.from(problem.capacity);
  const placeOf = new Int32Array(G).fill(-1);
  for (let g = 0; g < G; g++)
    if (tie[g]! >= 0) {
      placeOf[g] = tie[g]!;
      capacity[tie[g]!]! -= 1;
    }

  // The graph: nodes 0 = source, 1..G groups, G+1..G+P places, G+P+1 sink; arcs in pairs (a, a^1).
  const source = 0;
  const sink = G + P + 1;
  const V = G + P + 2;
  const to: number[] = [];
  const cap: number[] = [];
  const cost: number[] = [];
  const next: number[] = [];
  const head = new Int32Array(V).fill(-1);
  const arc = (u: number, v: number, c: number, w: number) => {
    for (const [a, b, cc, ww] of [
      [u, v, c, w],
      [v, u, 0, -w],
    ] as const) {
      to.push(b);
      cap.push(cc);
      cost.push(ww);
      next.push(head[a]!);
      head[a] = to.length - 1;
    }
  };
  const potential = new Float64Array(V);
  for (let g = 0; g < G; g++) {
    if (tie[g]! >= 0) continue;
    arc(source, 1 + g, 1, 0);
    for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) {
      const gain = problem.score[k]! + problem.penalty[g]!;
      if (gain <= 1e-12) continue; // never better than unplaced
      const p = problem.place[k]!;
      arc(1 + g, G + 1 + p, 1, -gain);
      potential[G + 1 + p] = Math.min(potential[G + 1 + p]!, -gain);
    }
  }
  for (let p = 0; p < P; p++) {
    if (capacity[p]! >= 1) arc(G + 1 + p, sink, Math.floor(capacity[p]! + 1e-9), 0);
    potential[sink] = Math.min(potential[sink]!, potential[G + 1 + p]!);
  }

  // Successive shortest paths. With the potentials every reduced cost is ≥ 0 (a DAG at the start).
  const dist = new Float64Array(V);
  const via = new Int32Array(V);
  for (;;) {
    dist.fill(Number.POSITIVE_INFINITY);
    via.fill(-1);
    dist[source] = 0;
    const heap = new MinHeap();
    heap.push(0, source);
    while (heap.size > 0) {
      const [d, u] = heap.pop();
      if (d > dist[u]!) continue;
      for (let a = head[u]!; a >= 0; a = next[a]!) {
        if (cap[a]! <= 0) continue;
        const v = to[a]!;
        const nd = d + cost[a]! + potential[u]! - potential[v]!;
        if (nd < dist[v]! - 1e-12) {
          dist[v] = nd;
          via[v] = a;
          heap.push(nd, v);
        }
      }
    }
    if (!Number.isFinite(dist[sink]!)) break;
    const pathCost = dist[sink]! + potential[sink]! - potential[source]!;
    if (pathCost >= -1e-12) break; // no path gains any more
    // Capped at the sink's distance, so that arcs from nodes not reached keep reduced costs ≥ 0.
    for (let v = 0; v < V; v++) potential[v]! += Math.min(dist[v]!, dist[sink]!);
    for (let v = sink; v !== source; v = to[via[v]! ^ 1]!) {
      cap[via[v]!]! -= 1;
      cap[via[v]! ^ 1]! += 1;
    }
  }
  for (let g = 0; g < G; g++) {
    if (tie[g]! >= 0) continue;
    for (let a = head[1 + g]!; a >= 0; a = next[a]!)
      if (to[a]! > G && to[a]! <= G + P && (a & 1) === 0 && cap[a] === 0) placeOf[g] = to[a]! - G - 1;
  }
  let objective = 0;
  for (let g = 0; g < G; g++) {
    if (placeOf[g]! < 0) objective -= problem.penalty[g]!;
    else
      for (let k = problem.start[g]!; k < problem.start[g + 1]!; k++) if (problem.place[k] === placeOf[g]) objective += problem.score[k]!;
  }
  return { assignment: toAssignment(compiled, placeOf), objective };
}

/** A binary heap of (key, value), smallest key first. */
class MinHeap {
  private keys: number[] = [];
  private values: number[] = [];
  get size() {
    return this.keys.length;
  }
  push(key: number, value: number) {
    const { keys, values } = this;
    let i = keys.length;
    keys.push(key);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      values[i] = values[parent]!;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }
  pop(): [number, number] {
    const { keys, values } = this;
    const top: [number, number] = [keys[0]!, values[0]!];
    const lastKey = keys.pop()!;
    const lastValue = values.pop()!;
    if (keys.length > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= keys.length) break;
        if (child + 1 < keys.length && keys[child + 1]! < keys[child]!) child++;
        if (keys[child]! >= lastKey) break;
        keys[i] = keys[child]!;
        values[i] = values[child]!;
        i = child;
      }
      keys[i] = lastKey;
      values[i] = lastValue;
    }
    return top;
  }
}
