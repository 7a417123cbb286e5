/**
 * The real placement instances of HIAS (US resettlement agency), fiscal years 2016 and 2017, as
 * published with the replication code of Delacrétaz, Kominers and Teytelboym (see
 * /work/shared/data/SOURCES.md). For benchmarks and tests only: the files are never copied into
 * this repository; they are read from a folder given by the caller.
 *
 * Files of a year (FY16 or FY17):
 * - `_size.csv`: case, children, adults, seniors → the household's persons (one dimension);
 * - `_cap.csv`: affiliate, stated capacity (persons), actual resettled children/adults/seniors →
 *   the capacity: the stated one, or where none is stated (all of FY16) what was actually resettled;
 * - `_emp.csv`: case × affiliate, expected number employed → the score; NA = no value;
 * - `_Compatibility.csv`: case × affiliate, 1 compatible, 0 not, NA = affiliate not serving.
 * The first column is the case in each file whatever its name ("case", "case number", "Case Num").
 * A pair is compatible when its compatibility is 1 and it has a score.
 * The affiliates' names differ between files in case and spacing ("OH-Toledo " / "OH-TOLEDO"),
 * and New York is "NY-HIAS New York" in the capacities, "NY-NEW YORK CITY" in the matrices.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Household, Place, PlacementInstance } from './placement.ts';

export type HiasYear = 'FY16' | 'FY17';

export interface HiasFiles {
  size: string;
  cap: string;
  emp: string;
  compatibility: string;
}

export interface HiasFacts {
  households: number;
  persons: number;
  /** Affiliates with at least one value that is not NA in the compatibility matrix. */
  servingAffiliates: number;
  /** Share of case × serving-affiliate pairs compatible. */
  compatibleShare: number;
  /** Median number of compatible affiliates per household. */
  medianCompatible: number;
  /** Households with no compatible affiliate. */
  withNone: number;
}

const ALIASES: Record<string, string> = { 'NY-HIAS NEW YORK': 'NY-NEW YORK CITY' };
const affiliateKey = (name: string) => {
  const k = name.trim().replace(/\s+/g, ' ').toUpperCase();
  return ALIASES[k] ?? k;
};

export function readHiasFiles(dir: string, year: HiasYear): HiasFiles {
  const read = (suffix: string) => readFileSync(join(dir, `${year}_${suffix}.csv`), 'utf8');
  return { size: read('size'), cap: read('cap'), emp: read('emp'), compatibility: read('Compatibility') };
}

/** The instance of a year (persons as the one dimension; `penalty` per unplaced household, default 0). */
export function parseHias(files: HiasFiles, o: { penalty?: number } = {}): { instance: PlacementInstance; facts: HiasFacts } {
  const table = (text: string) => parse(text, { skip_empty_lines: true }) as string[][];
  const [, ...sizes] = table(files.size);
  const [, ...caps] = table(files.cap);
  const [empHeader, ...emp] = table(files.emp);
  const [compHeader, ...comp] = table(files.compatibility);
  const columns = compHeader!.slice(1).map(affiliateKey);
  if (empHeader!.slice(1).map(affiliateKey).join('|') !== columns.join('|'))
    throw new Error('HIAS: the affiliates of the score and compatibility matrices differ');

  const capacity = new Map<string, { name: string; persons: number }>();
  for (const [name, stated, children, adults, seniors] of caps) {
    const actual = Number(children) + Number(adults) + Number(seniors);
    capacity.set(affiliateKey(name!), { name: name!.trim(), persons: stated?.trim() ? Number(stated) : actual });
  }
  for (const c of columns) if (!capacity.has(c)) throw new Error(`HIAS: affiliate "${c}" has no capacity row`);
  const places: Place[] = columns.map((c) => ({ id: capacity.get(c)!.name, kind: 'municipality', capacity: [capacity.get(c)!.persons] }));

  const byCase = (rows: string[][]) => new Map(rows.map((r) => [r[0]!.trim(), r]));
  const empOf = byCase(emp);
  const compOf = byCase(comp);
  const households: Household[] = sizes.map(([id, children, adults, seniors]) => ({
    id: id!.trim(),
    size: [Number(children) + Number(adults) + Number(seniors)],
    penalty: o.penalty ?? 0,
  }));
  const P = places.length;
  const scores = new Float64Array(households.length * P).fill(Number.NaN);
  const serving = new Set<number>();
  const perHousehold: number[] = [];
  households.forEach((h, i) => {
    const e = empOf.get(h.id);
    const c = compOf.get(h.id);
    if (!e || !c) throw new Error(`HIAS: case ${h.id} is missing from the score or compatibility matrix`);
    let n = 0;
    for (let p = 0; p < P; p++) {
      const flag = c[p + 1]!.trim();
      if (flag !== 'NA') serving.add(p);
      const value = e[p + 1]!.trim();
      if (flag === '1' && value !== 'NA' && value !== '') {
        scores[i * P + p] = Number(value);
        n++;
      }
    }
    perHousehold.push(n);
  });
  const sorted = [...perHousehold].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const facts: HiasFacts = {
    households: households.length,
    persons: households.reduce((s, h) => s + h.size[0]!, 0),
    servingAffiliates: serving.size,
    compatibleShare: perHousehold.reduce((a, b) => a + b, 0) / (households.length * serving.size),
    medianCompatible: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
    withNone: perHousehold.filter((n) => n === 0).length,
  };
  return { instance: { dimensions: ['persons'], households, places, scores }, facts };
}
