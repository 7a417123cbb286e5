/**
 * Statistical disclosure control of the open data: a table of counts (states × countries of
 * departure) is published with its row and column totals so that no published figure, alone or with
 * the others, tells how many persons are in a small cell.
 *
 * 1. **Rounding**: every published count is rounded to the nearest multiple of 5, as Eurostat rounds
 *    its asylum and resettlement figures; each total is computed from the unrounded counts and then
 *    rounded on its own (so totals do not add up exactly, and say nothing more for it).
 * 2. **Primary suppression**: a count of 1 to THRESHOLD − 1 persons (a household or two, who could be
 *    singled out in a small community) is not published, totals included. A true zero is published
 *    as 0.
 * 3. **Secondary suppression**: a line (a row or a column, with its total) holding a single
 *    suppressed figure would give it away as its total minus the others; one more figure of the line
 *    is suppressed — the smallest other non-zero one, so that the least is hidden. Then the table is
 *    audited as an attacker would (`feasibleIntervals`: each figure bounded by every row and column
 *    equation, iterated to a fixed point) and, while a suppressed figure can be narrowed to fewer than
 *    PROTECTION possible counts, one more figure beside it is suppressed.
 *
 * Pure functions; the table is a grid whose last row holds the column totals and whose last column
 * the row totals (the corner is the grand total): every row and every column is then one equation,
 * "its cells add up to its last one".
 */
export const DISCLOSURE_METHOD = { roundingBase: 5, threshold: 10, protection: 3 } as const;
export type DisclosureMethod = { roundingBase: number; threshold: number; protection: number };

export type Grid<T> = T[][];
export interface Interval {
  lo: number;
  hi: number;
}

/** Rounded to the nearest multiple of `base` (…2 down, …3 up with base 5). */
export const roundToBase = (n: number, base: number): number => Math.round(n / base) * base;

/** The counts with their totals: `cells[i][j]` → the grid, row totals appended to each row, the column totals as the last row. */
export function withTotals(cells: readonly (readonly number[])[], columns: number): Grid<number> {
  const rows = cells.map((r) => [...r, r.reduce((a, b) => a + b, 0)]);
  const totals = Array.from({ length: columns + 1 }, (_, j) => rows.reduce((n, r) => n + r[j]!, 0));
  return [...rows, totals];
}

/** Every line of the grid as its entries' coordinates, the total last. */
function lines(rows: number, cols: number): [number, number][][] {
  const out: [number, number][][] = [];
  for (let i = 0; i < rows; i++) out.push(Array.from({ length: cols }, (_, j) => [i, j] as [number, number]));
  for (let j = 0; j < cols; j++) out.push(Array.from({ length: rows }, (_, i) => [i, j] as [number, number]));
  return out;
}

/**
 * The interval attack: each figure's bounds narrowed by every line (a part lies between the total's
 * lower bound minus the others' upper bounds and the total's upper bound minus the others' lower
 * bounds; a total between the sums of its parts' bounds), repeated until nothing changes.
 */
export function feasibleIntervals(bounds: Grid<Interval>): Grid<Interval> {
  const b = bounds.map((r) => r.map((x) => ({ ...x })));
  const all = lines(b.length, b[0]?.length ?? 0);
  for (let pass = 0, changed = true; changed && pass < 100_000; pass++) {
    changed = false;
    for (const line of all) {
      const parts = line.slice(0, -1).map(([i, j]) => b[i]![j]!);
      const total = b[line.at(-1)![0]]![line.at(-1)![1]]!;
      const sumLo = parts.reduce((n, p) => n + p.lo, 0);
      const sumHi = parts.reduce((n, p) => n + p.hi, 0);
      const tighten = (x: Interval, lo: number, hi: number) => {
        if (lo > x.lo) {
          x.lo = Math.ceil(lo);
          changed = true;
        }
        if (hi < x.hi) {
          x.hi = Math.floor(hi);
          changed = true;
        }
      };
      tighten(total, sumLo, sumHi);
      for (const p of parts) tighten(p, total.lo - (sumHi - p.hi), total.hi - (sumLo - p.lo));
    }
  }
  return b;
}

/**
 * What an attacker who knows the method (and, to be safe, more: which suppressions are primary)
 * knows of each figure before combining them: a published 0 is a true zero; a published v > 0 is an
 * unsuppressed count rounded, so between max(threshold, v − 2) and v + 2; a primary suppression is
 * 1 to threshold − 1; a secondary one any count.
 */
export function attackerBounds(published: Grid<number | null>, primary: Grid<boolean>, method: DisclosureMethod): Grid<Interval> {
  const half = Math.floor(method.roundingBase / 2);
  return published.map((r, i) =>
    r.map((v, j) => {
      if (v === null) return primary[i]![j] ? { lo: 1, hi: method.threshold - 1 } : { lo: 0, hi: Infinity };
      if (v === 0) return { lo: 0, hi: 0 };
      return { lo: Math.max(method.threshold, v - half), hi: v + half };
    }),
  );
}

export interface ProtectedGrid {
  /** What is published: rounded counts, null where suppressed. */
  published: Grid<number | null>;
  /** Suppressed for being small (kept out of the publication: it would tell an attacker the range). */
  primary: Grid<boolean>;
  suppressed: Grid<boolean>;
}

const integers = (x: Interval) => (x.hi === Infinity ? Infinity : x.hi - x.lo + 1);

/** The grid (with its totals) protected by the method; `secondary: false` only shows what the secondary suppression prevents (tests). */
export function protectGrid(
  grid: Grid<number>,
  method: DisclosureMethod = DISCLOSURE_METHOD,
  opts: { secondary?: boolean } = {},
): ProtectedGrid {
  const primary = grid.map((r) => r.map((v) => v > 0 && v < method.threshold));
  const suppressed = primary.map((r) => [...r]);
  const publish = () => grid.map((r, i) => r.map((v, j) => (suppressed[i]![j] ? null : roundToBase(v, method.roundingBase))));
  if (opts.secondary !== false) {
    const all = lines(grid.length, grid[0]?.length ?? 0);
    /** Suppress the smallest published non-zero figure of the line (any published one if none): false if there is none left. */
    const hideOneMore = (line: [number, number][]) => {
      const open = line.filter(([i, j]) => !suppressed[i]![j]);
      const pick = [...open].sort(
        ([a, b], [c, d]) => (grid[a]![b]! === 0 ? 1 : 0) - (grid[c]![d]! === 0 ? 1 : 0) || grid[a]![b]! - grid[c]![d]!,
      )[0];
      if (!pick) return false;
      suppressed[pick[0]]![pick[1]] = true;
      return true;
    };
    for (let guard = 0; guard < 10_000; guard++) {
      const single = all.find((line) => line.filter(([i, j]) => suppressed[i]![j]).length === 1);
      if (single) {
        hideOneMore(single);
        continue;
      }
      const intervals = feasibleIntervals(attackerBounds(publish(), primary, method));
      let weak: [number, number] | undefined;
      for (let i = 0; i < grid.length && !weak; i++)
        for (let j = 0; j < grid[i]!.length && !weak; j++)
          if (suppressed[i]![j] && integers(intervals[i]![j]!) < method.protection) weak = [i, j];
      if (!weak) break;
      const [wi, wj] = weak;
      // One more figure beside it: in its row, else in its column.
      if (!hideOneMore(all[wi]!)) hideOneMore(all[grid.length + wj]!);
    }
  }
  return { published: publish(), primary, suppressed };
}
