import { isArrivedOrLater, PRE_ARRIVAL, STATUSES, type Status } from '../cases/stage.ts';
import { rng } from './random.ts';
import { cutAt, dayNumber, dayString, nearestRank, walk, type CaseHistory } from './case-history.ts';

/**
 * Forecast of delivery (Recommendation P 10): for each state and the EU, how many persons will have
 * arrived by the end of a period, with an 80 % interval, from the cases open now and the stage
 * durations observed so far.
 *
 * Method: an empirical semi-Markov simulation. Every completed stay in a status observed up to
 * `asOf` (from `walk`: time on hold left out of the stage) is a pair (days, where it went). For
 * each open case, each iteration draws its stay in its current status from the observed stays that
 * lasted longer than it has already been there (so a case long in checks gets a long stay's
 * remainder and that stay's outcome), then draws fresh stays, pair by pair, until it arrives, drops
 * out (rejected, withdrawn) or passes `until`. Duration and outcome are drawn together, so quick
 * rejections and slow acceptances are kept as observed. Refinements, each of which the calibration
 * on demo histories showed to matter (see `calibrate` and the tests):
 * - Recent stays only: those begun in the last `window` days (365 by default), so the forecast
 *   follows how fast cases move now (remote and dossier reviews since 2020 are quicker).
 * - Stays still running at `asOf` are the long ones more often than not; they are taken into
 *   account (`equalWeightRun`), or every stage would look quicker than it is.
 * - Stays per priority (emergency cases move faster), where a priority has enough of them.
 * - The stays are resampled every few iterations (a bootstrap), so the interval carries the
 *   uncertainty of durations estimated from a limited number of stays as well as the chance in
 *   each case's path.
 *
 * Assumptions, to be stated with the figures:
 * - Apart from priority, stays are pooled across states, pathways and modalities: the states
 *   differ by the cases they have open (where they stand, since when), not by how fast they work.
 * - No new hold is predicted: holds are left out of stage times, so a one-off such as the 2020
 *   suspension does not recur in the forecast. A case on hold now resumes after a time drawn from
 *   the holds observed to have ended (longer than it has been on hold so far), or is withdrawn as
 *   often as held cases were; it then finishes its held stage, conditioned on the time it had
 *   spent in it before the hold. With no hold ended yet, held cases stay held (`withoutData`).
 * - A case that has been in its status longer than any observed stay draws a fresh stay from the
 *   whole distribution, as if it had just entered it (slow rather than stuck). A status no case
 *   was seen to leave keeps its cases there: they count in `withoutData` and add nothing.
 * - Only cases open at `asOf` are forecast, not referrals still to come.
 */

export interface ForecastOptions {
  histories: Iterable<CaseHistory>;
  /** The day the forecast is made at: everything up to and including it is known. */
  asOf: string;
  /** The last day an arrival counts (the end of the round's period). */
  until: string;
  /** Arrivals before this day are not counted as arrived (the start of the round's period). */
  from?: string;
  /** Simulated futures; 200 by default. */
  iterations?: number;
  seed?: number;
  /** Draw stays from those of the case's priority where there are enough (MIN_STRATUM); true by default. */
  byPriority?: boolean;
  /**
   * Resample each status's stays (with replacement) every few iterations, so that the interval also
   * carries the uncertainty of durations estimated from a limited number of stays; true by default.
   */
  bootstrap?: boolean;
  /**
   * Draw stays only from those begun in the last `window` days before asOf (where a status has at
   * least MIN_STRATUM of them), so that the forecast follows how fast cases move now; null for all
   * of them; DEFAULT_WINDOW (365) by default.
   */
  window?: number | null;
}

/** Persons; the interval is the 10th to 90th percentile (nearest-rank) of the simulated totals. */
export interface Range {
  expected: number;
  low: number;
  high: number;
}

export interface ForecastLine {
  /** Persons arrived in [from, asOf]. */
  arrived: number;
  openCases: number;
  openPersons: number;
  /** Persons arriving after asOf, by until. `expected` is the mean of the iterations. */
  additional: Range;
  /** arrived + additional: the persons arrived by until. */
  total: Range;
}

export interface StateForecast extends ForecastLine {
  stateCode: string;
}

export interface StatusBasis {
  status: Status;
  /** Stays in this status that ended by asOf and are drawn from (in the window), and where they went. */
  observed: number;
  to: Partial<Record<Status, number>>;
  /** Cases in this status at asOf. */
  open: number;
  openPersons: number;
}

export interface Forecast {
  asOf: string;
  until: string;
  from: string | null;
  iterations: number;
  seed: number;
  /** The options the figures were made with. */
  method: { window: number | null; byPriority: boolean; bootstrap: boolean };
  states: StateForecast[];
  eu: ForecastLine;
  /** What the figures rest on. */
  basis: {
    /** Cases that existed at asOf. */
    cases: number;
    /** Stage stays that ended by asOf (the moves the durations come from), and holds that ended. */
    observedMoves: number;
    observedHolds: number;
    /** The first day an observed stay drawn from began; null without any. */
    observedSince: string | null;
    statuses: StatusBasis[];
    /** Open cases in a status no case was seen to leave: the forecast cannot move them. */
    withoutData: { cases: number; persons: number };
  };
}

const N_STATUS = STATUSES.length;
const index = new Map<Status, number>(STATUSES.map((s, i) => [s, i]));
const HOLD = index.get('on_hold')!;
/** Codes of an outcome in the transition arrays beside the status indices. */
const ARRIVE = 254;
const STOP = 255;
/** A hold that ended in resumption (at the held stage, whatever was recorded). */
const RESUME = 253;
/** The statuses a case can be forecast from. */
const OPEN: ReadonlySet<Status> = new Set<Status>([...PRE_ARRIVAL, 'on_hold']);
/** Stays are kept per priority (0–2) and pooled (3): G groups per status. */
const PRIORITY_INDEX: Record<string, number> = { emergency: 0, urgent: 1, normal: 2 };
const POOLED = 3;
const G = 4;
/** The fewest stays a priority needs in a status to be drawn from on its own. */
export const MIN_STRATUM = 30;
export const DEFAULT_WINDOW = 365;
/**
 * Iterations that share one resample of the stays: resampling is as costly as simulating a few
 * hundred thousand stays, and 200 iterations still see 40 resamples.
 */
const BOOTSTRAP_EVERY = 5;

/** A case moved to 'closed' before arriving (an odd back-filled history) dropped out; any later stage means it arrived. */
const outcomeCode = (s: Status): number =>
  s === 'rejected' || s === 'withdrawn' || s === 'closed' ? STOP : isArrivedOrLater(s) ? ARRIVE : index.get(s)!;

export function forecastArrivals(opts: ForecastOptions): Forecast {
  const iterations = opts.iterations ?? 200;
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError('iterations must be a positive whole number');
  const asOfDay = dayNumber(opts.asOf);
  const horizon = dayNumber(opts.until) - asOfDay;
  const from = opts.from ?? null;

  // Observed stays per status and priority (group g = status × G + priority), the stays still
  // running, and the open cases.
  const groups = N_STATUS * G;
  const obs = Array.from({ length: groups }, () => ({ days: [] as number[], next: [] as Status[], entered: [] as number[] }));
  const running = Array.from({ length: groups }, () => ({ days: [] as number[], entered: [] as number[] }));
  const stateIndex = new Map<string, number>();
  const stateOf = (code: string) => {
    let i = stateIndex.get(code);
    if (i === undefined) {
      i = stateIndex.size;
      stateIndex.set(code, i);
    }
    return i;
  };
  const arrived: number[] = [];
  const open: { state: number; persons: number; priority: number; status: number; days: number; heldFrom: number; heldDays: number }[] = [];
  let cases = 0;

  for (const full of opts.histories) {
    const h = cutAt(full, opts.asOf);
    if (!h) continue;
    cases++;
    const pr = PRIORITY_INDEX[h.priority] ?? POOLED;
    const { sojourns, open: stay } = walk(h, asOfDay);
    for (const s of sojourns) {
      if (!OPEN.has(s.status)) continue;
      const o = obs[index.get(s.status)! * G + pr]!;
      o.days.push(s.days);
      o.next.push(s.next);
      o.entered.push(s.entered);
    }
    const st = stateOf(h.stateCode);
    const arrival = h.events.find((e) => e.status === 'arrived');
    if (arrival && (from === null || arrival.on >= from)) arrived[st] = (arrived[st] ?? 0) + h.persons;
    if (stay && OPEN.has(stay.status)) {
      const r = running[index.get(stay.status)! * G + pr]!;
      r.days.push(stay.days);
      r.entered.push(stay.entered);
      if (stay.heldFrom) {
        const held = running[index.get(stay.heldFrom)! * G + pr]!;
        held.days.push(stay.heldDays);
        held.entered.push(stay.heldEntered);
      }
      open.push({
        state: st,
        persons: h.persons,
        priority: pr,
        status: index.get(stay.status)!,
        days: stay.days,
        heldFrom: index.get(stay.heldFrom ?? 'referred')!,
        heldDays: stay.heldDays,
      });
    }
  }

  // Only the stays begun in the window, unless a status has fewer than MIN_STRATUM of them.
  const window = opts.window === undefined ? DEFAULT_WINDOW : opts.window;
  if (window !== null) {
    const start = asOfDay - window;
    for (let s = 0; s < N_STATUS; s++) {
      const all = obs.slice(s * G, s * G + G);
      const recent = all.reduce((n, o) => n + o.entered.filter((e) => e >= start).length, 0);
      if (recent < MIN_STRATUM) continue;
      for (let g = s * G; g < s * G + G; g++) {
        const o = obs[g]!;
        const keep = o.entered.map((e) => e >= start);
        obs[g] = {
          days: o.days.filter((_, i) => keep[i]),
          next: o.next.filter((_, i) => keep[i]),
          entered: o.entered.filter((_, i) => keep[i]),
        };
        const r = running[g]!;
        const keepRunning = r.entered.map((e) => e >= start);
        running[g] = { days: r.days.filter((_, i) => keepRunning[i]), entered: r.entered.filter((_, i) => keepRunning[i]) };
      }
    }
  }

  // Each status's stays, per priority and pooled, as sorted runs of one flat array, so a draw is an
  // index. A priority with fewer than MIN_STRATUM stays in a status uses the pooled run; holds are
  // always pooled (a hold is about the world, not the case).
  const byPriority = opts.byPriority ?? true;
  const code = (status: Status, next: Status) => (status === 'on_hold' ? (next === 'withdrawn' ? STOP : RESUME) : outcomeCode(next));
  const off = new Int32Array(groups);
  const len = new Int32Array(groups);
  const runs: { days: Int32Array; next: Uint8Array }[] = [];
  let size = 0;
  const place = (g: number, run: { days: Int32Array; next: Uint8Array }) => {
    off[g] = size;
    len[g] = run.days.length;
    runs.push(run);
    size += run.days.length;
  };
  STATUSES.forEach((status, s) => {
    const here = obs.slice(s * G, s * G + G);
    const codes = (o: (typeof obs)[number]) => o.next.map((n) => code(status, n));
    place(
      s * G + POOLED,
      equalWeightRun(
        here.flatMap((o) => o.days),
        here.flatMap(codes),
        running.slice(s * G, s * G + G).flatMap((r) => r.days),
      ),
    );
    for (let p = 0; p < POOLED; p++) {
      const g = s * G + p;
      if (byPriority && status !== 'on_hold' && obs[g]!.days.length >= MIN_STRATUM)
        place(g, equalWeightRun(obs[g]!.days, codes(obs[g]!), running[g]!.days));
      else {
        off[g] = off[s * G + POOLED]!;
        len[g] = len[s * G + POOLED]!;
      }
    }
  });
  const dur = new Int32Array(size);
  const nxt = new Uint8Array(size);
  let at = 0;
  for (const run of runs) {
    dur.set(run.days, at);
    nxt.set(run.next, at);
    at += run.days.length;
  }
  /** Position (within the run of group g) of the first stay longer than `days` (or at least as long, if `orEqual`). */
  const firstLonger = (g: number, days: number, orEqual: boolean) => {
    let lo = off[g]!;
    let hi = lo + len[g]!;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (orEqual ? dur[mid]! < days : dur[mid]! <= days) lo = mid + 1;
      else hi = mid;
    }
    return lo - off[g]!;
  };

  const nCases = open.length;
  const cStatus = new Uint8Array(nCases);
  const cPriority = new Uint8Array(nCases);
  const cState = new Int32Array(nCases);
  const cPersons = new Int32Array(nCases);
  const cDays = new Int32Array(nCases);
  const cLo = new Int32Array(nCases);
  const cHeld = new Uint8Array(nCases);
  const cHeldDays = new Int32Array(nCases);
  const cHeldLo = new Int32Array(nCases);
  const withoutData = { cases: 0, persons: 0 };
  open.forEach((c, i) => {
    cStatus[i] = c.status;
    cPriority[i] = c.priority;
    cState[i] = c.state;
    cPersons[i] = c.persons;
    cDays[i] = c.days;
    // Nothing moved on asOf that is not recorded, so the stay lasts longer than it has so far.
    cLo[i] = firstLonger(c.status * G + c.priority, c.days, false);
    cHeld[i] = c.heldFrom;
    cHeldDays[i] = c.heldDays;
    // A resumed case may move on the day it resumes.
    cHeldLo[i] = firstLonger(c.heldFrom * G + c.priority, c.heldDays, true);
    if (len[c.status * G + c.priority] === 0) {
      withoutData.cases++;
      withoutData.persons += c.persons;
    }
  });

  const nStates = stateIndex.size;
  const totals = new Float64Array(iterations * nStates);
  const bootstrap = opts.bootstrap ?? true;
  simulate({
    iterations,
    seed,
    horizon,
    nStates,
    bootstrap,
    off,
    len,
    dur,
    nxt,
    cStatus,
    cPriority,
    cState,
    cPersons,
    cDays,
    cLo,
    cHeld,
    cHeldDays,
    cHeldLo,
    totals,
  });

  // Summaries per state and for the EU (the sum of the states in each iteration).
  const codes = [...stateIndex.keys()];
  const line = (additional: Float64Array, arrivedPersons: number, openCases: number, openPersons: number): ForecastLine => {
    const sorted = additional.slice().sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    const a: Range = { expected: sum / iterations, low: nearestRank(sorted, 0.1)!, high: nearestRank(sorted, 0.9)! };
    return {
      arrived: arrivedPersons,
      openCases,
      openPersons,
      additional: a,
      total: { expected: arrivedPersons + a.expected, low: arrivedPersons + a.low, high: arrivedPersons + a.high },
    };
  };
  const openCasesBy = new Array<number>(nStates).fill(0);
  const openPersonsBy = new Array<number>(nStates).fill(0);
  for (const c of open) {
    openCasesBy[c.state]!++;
    openPersonsBy[c.state]! += c.persons;
  }
  const states = codes
    .map((stateCode, s) => {
      const column = new Float64Array(iterations);
      for (let it = 0; it < iterations; it++) column[it] = totals[it * nStates + s]!;
      return { stateCode, ...line(column, arrived[s] ?? 0, openCasesBy[s]!, openPersonsBy[s]!) };
    })
    .sort((a, b) => (a.stateCode < b.stateCode ? -1 : a.stateCode > b.stateCode ? 1 : 0));
  const euColumn = new Float64Array(iterations);
  for (let it = 0; it < iterations; it++) {
    let sum = 0;
    for (let s = 0; s < nStates; s++) sum += totals[it * nStates + s]!;
    euColumn[it] = sum;
  }
  const sumOf = (xs: number[]) => xs.reduce((n, x) => n + (x ?? 0), 0);
  const eu = line(euColumn, sumOf(arrived), open.length, sumOf(openPersonsBy));

  const statuses: StatusBasis[] = [];
  let since = Infinity;
  STATUSES.forEach((status, s) => {
    if (!OPEN.has(status)) return;
    const here = obs.slice(s * G, s * G + G);
    const to: Partial<Record<Status, number>> = {};
    for (const o of here) {
      for (const n of o.next) to[n] = (to[n] ?? 0) + 1;
      for (const e of o.entered) if (e < since) since = e;
    }
    const inStatus = open.filter((c) => c.status === s);
    statuses.push({
      status,
      observed: len[s * G + POOLED]!,
      to,
      open: inStatus.length,
      openPersons: sumOf(inStatus.map((c) => c.persons)),
    });
  });

  return {
    asOf: opts.asOf,
    until: opts.until,
    from,
    iterations,
    seed,
    method: { window, byPriority, bootstrap },
    states,
    eu,
    basis: {
      cases,
      observedMoves: statuses.reduce((n, b) => n + (b.status === 'on_hold' ? 0 : b.observed), 0),
      observedHolds: len[HOLD * G + POOLED]!,
      observedSince: since === Infinity ? null : dayString(since),
      statuses,
      withoutData,
    },
  };
}

/**
 * The stays of one status as n equally likely (days, outcome) pairs, sorted by days, corrected for
 * the stays still running at asOf. Those are the long ones, more often than not: left out, they
 * would make every stage look quicker than it is and the forecast too high. The correction is the
 * Aalen–Johansen estimator (Kaplan–Meier with several outcomes): at each day t, each stay ending
 * then carries S(t−)/n(t), n(t) the stays that had lasted t days (those still running included)
 * and S the share still in the status. The weighted pairs are then read back at n evenly spaced
 * quantiles, so that a draw stays a uniform index. Without running stays it is the stays
 * themselves, sorted. The weight beyond the longest ended stay (stays running longer than any
 * ended) is spread over the rest; such cases take a fresh stay when drawn (see `simulate`).
 */
export function equalWeightRun(
  days: readonly number[],
  next: readonly number[],
  running: readonly number[],
): { days: Int32Array; next: Uint8Array } {
  const n = days.length;
  // Sorted by days, then outcome, through one packed numeric key (a typed sort needs no comparator).
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) keys[i] = Math.max(0, days[i]!) * 256 + next[i]!; // a day count below 0 is a misordered history
  keys.sort();
  const sortedDays = new Int32Array(n);
  const sortedNext = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    sortedDays[i] = Math.floor(keys[i]! / 256);
    sortedNext[i] = keys[i]! % 256;
  }
  if (running.length === 0 || n === 0) return { days: sortedDays, next: sortedNext };
  const still = Int32Array.from(running).sort();
  const weight = new Float64Array(n);
  let survival = 1;
  let atRisk = n + still.length;
  let c = 0;
  for (let i = 0; i < n; ) {
    const t = sortedDays[i]!;
    // Running stays shorter than t are no longer at risk at t; those of exactly t still are.
    while (c < still.length && still[c]! < t) {
      c++;
      atRisk--;
    }
    let j = i;
    while (j < n && sortedDays[j] === t) j++;
    const ending = j - i;
    for (let k = i; k < j; k++) weight[k] = survival / atRisk;
    survival *= 1 - ending / atRisk;
    atRisk -= ending;
    i = j;
  }
  let total = 0;
  for (const w of weight) total += w;
  const outDays = new Int32Array(n);
  const outNext = new Uint8Array(n);
  let k = 0;
  let cumulative = weight[0]!;
  for (let q = 0; q < n; q++) {
    const target = ((q + 0.5) / n) * total;
    while (cumulative < target && k < n - 1) cumulative += weight[++k]!;
    outDays[q] = sortedDays[k]!;
    outNext[q] = sortedNext[k]!;
  }
  return { days: outDays, next: outNext };
}

interface Simulation {
  iterations: number;
  seed: number;
  horizon: number;
  nStates: number;
  bootstrap: boolean;
  off: Int32Array;
  len: Int32Array;
  dur: Int32Array;
  nxt: Uint8Array;
  cStatus: Uint8Array;
  cPriority: Uint8Array;
  cState: Int32Array;
  cPersons: Int32Array;
  cDays: Int32Array;
  cLo: Int32Array;
  cHeld: Uint8Array;
  cHeldDays: Int32Array;
  cHeldLo: Int32Array;
  totals: Float64Array;
}

/**
 * The hot loop: typed arrays only, one random draw per stay. Adds each arrival's persons to
 * totals[iteration × nStates + state]. With `bootstrap`, every BOOTSTRAP_EVERY iterations every run
 * is first drawn anew from itself, with replacement, kept sorted (counts per original position,
 * written out in order), and `before[i]` is how many draws fell before original position i: where a
 * case's conditioned draw starts in the resampled run.
 */
function simulate(p: Simulation): void {
  const {
    iterations,
    horizon,
    nStates,
    bootstrap,
    off,
    len,
    dur,
    nxt,
    cStatus,
    cPriority,
    cState,
    cPersons,
    cDays,
    cLo,
    cHeld,
    cHeldDays,
    cHeldLo,
    totals,
  } = p;
  const random = rng(p.seed);
  const nCases = cStatus.length;
  const size = dur.length;
  // The distinct runs (a priority without enough stays shares the pooled run).
  const runs = new Map<number, number>();
  for (let g = 0; g < off.length; g++) if (len[g]! > 0) runs.set(off[g]!, len[g]!);
  const runOff = Int32Array.from(runs.keys());
  const runLen = Int32Array.from(runs.values());
  const bDur = bootstrap ? new Int32Array(size) : dur;
  const bNxt = bootstrap ? new Uint8Array(size) : nxt;
  const before = new Int32Array(size);
  const count = new Int32Array(size);
  for (let r = 0; r < runOff.length; r++) for (let j = 0; j < runLen[r]!; j++) before[runOff[r]! + j] = j;

  // Draws a stay in status group g: one that lasted longer than the `elapsed` days already spent
  // (from index `lo` on), or, beyond the longest observed, any one afresh (at least `minStep` days).
  // Returns its index; `step` is set to the days it adds.
  let step = 0;
  const draw = (g: number, lo: number, elapsed: number, minStep: number): number => {
    const n = len[g]!;
    if (lo < n) {
      const k = off[g]! + lo + Math.floor(random() * (n - lo));
      step = bDur[k]! - elapsed;
      return k;
    }
    const k = off[g]! + Math.floor(random() * n);
    step = Math.max(minStep, bDur[k]!);
    return k;
  };
  for (let it = 0; it < iterations; it++) {
    if (bootstrap && it % BOOTSTRAP_EVERY === 0) {
      count.fill(0);
      for (let r = 0; r < runOff.length; r++) {
        const o = runOff[r]!;
        const n = runLen[r]!;
        for (let i = 0; i < n; i++) count[o + Math.floor(random() * n)]!++;
        let w = o;
        for (let j = o; j < o + n; j++) {
          before[j] = w - o;
          for (let m = count[j]!; m > 0; m--) {
            bDur[w] = dur[j]!;
            bNxt[w++] = nxt[j]!;
          }
        }
      }
    }
    const base = it * nStates;
    for (let c = 0; c < nCases; c++) {
      const pr = cPriority[c]!;
      let g = cStatus[c]! * G + pr;
      let lo = cLo[c]!;
      lo = lo < len[g]! ? before[off[g]! + lo]! : lo;
      let elapsed = cDays[c]!;
      let t = 0;
      // Beyond the longest observed stay, a fresh one; at least a day when nothing may move today.
      let minStep = 1;
      if (cStatus[c] === HOLD) {
        if (len[g] === 0) continue;
        const k = draw(g, lo, elapsed, minStep);
        t += step;
        if (t > horizon || bNxt[k] === STOP) continue;
        g = cHeld[c]! * G + pr;
        lo = cHeldLo[c]!;
        lo = lo < len[g]! ? before[off[g]! + lo]! : lo;
        elapsed = cHeldDays[c]!;
        minStep = 0;
      }
      for (;;) {
        if (len[g] === 0) break;
        const k = draw(g, lo, elapsed, minStep);
        t += step;
        if (t > horizon) break;
        const x = bNxt[k]!;
        if (x === ARRIVE) {
          totals[base + cState[c]!]! += cPersons[c]!;
          break;
        }
        if (x === STOP) break;
        g = x * G + pr;
        lo = 0;
        elapsed = 0;
        minStep = 0;
      }
    }
  }
}

/** The forecast's options, with the full histories (known to `end`), the day it is made at and the day it forecasts to. */
export interface CalibrationOptions extends Omit<ForecastOptions, 'histories' | 'asOf' | 'until'> {
  histories: readonly CaseHistory[];
  cut: string;
  end: string;
}

export interface CalibrationLine {
  /** The forecast total by `end` (arrived by the cut + expected additional), and its 80 % interval. */
  forecast: number;
  low: number;
  high: number;
  /** Persons of the cases that existed at the cut who had arrived by `end`: what the forecast is about. */
  actual: number;
  inside: boolean;
  openCases: number;
  /** Persons of cases referred after the cut who arrived by `end`: not forecast, shown apart. */
  laterCases: number;
}

export interface Calibration {
  cut: string;
  end: string;
  forecast: Forecast;
  states: (CalibrationLine & { stateCode: string })[];
  eu: CalibrationLine;
  /** States with open cases at the cut (where there was something to forecast). */
  assessed: number;
  /** Of those, the states whose actual fell inside their 80 % interval. */
  covered: number;
  /** covered / assessed; null when no state had open cases. */
  coverage: number | null;
}

/** The forecast made at `cut` for `end`, set against what happened by `end`, per state and for the EU. */
export function calibrate(opts: CalibrationOptions): Calibration {
  const { cut, end, ...rest } = opts;
  const forecast = forecastArrivals({ ...rest, asOf: cut, until: end });
  const actual = new Map<string, number>();
  const later = new Map<string, number>();
  for (const h of opts.histories) {
    const arrival = h.events.find((e) => e.status === 'arrived');
    if (!arrival || arrival.on > opts.end || (opts.from !== undefined && arrival.on < opts.from)) continue;
    const to = h.events[0]!.on <= opts.cut ? actual : later;
    to.set(h.stateCode, (to.get(h.stateCode) ?? 0) + h.persons);
  }
  const compare = (f: ForecastLine, act: number, lat: number): CalibrationLine => ({
    forecast: f.total.expected,
    low: f.total.low,
    high: f.total.high,
    actual: act,
    inside: f.total.low <= act && act <= f.total.high,
    openCases: f.openCases,
    laterCases: lat,
  });
  const states = forecast.states.map((f) => ({
    stateCode: f.stateCode,
    ...compare(f, actual.get(f.stateCode) ?? 0, later.get(f.stateCode) ?? 0),
  }));
  // States whose only cases came after the cut: nothing was forecast, all is later.
  for (const [stateCode, lat] of later) {
    if (!states.some((s) => s.stateCode === stateCode)) {
      states.push({ stateCode, forecast: 0, low: 0, high: 0, actual: 0, inside: true, openCases: 0, laterCases: lat });
    }
  }
  states.sort((a, b) => (a.stateCode < b.stateCode ? -1 : 1));
  const sum = (m: Map<string, number>) => [...m.values()].reduce((n, x) => n + x, 0);
  const assessedStates = states.filter((s) => s.openCases > 0);
  const covered = assessedStates.filter((s) => s.inside).length;
  return {
    cut: opts.cut,
    end: opts.end,
    forecast,
    states,
    eu: compare(forecast.eu, sum(actual), sum(later)),
    assessed: assessedStates.length,
    covered,
    coverage: assessedStates.length ? covered / assessedStates.length : null,
  };
}
