/**
 * `npm run bench [-- options]`: the import and state-of-play benchmarks on PGlite and, where
 * DATABASE_URL is set (an admin URL: each run creates and drops its own databases), PostgreSQL.
 * Progress goes to stderr, the results (Markdown) to stdout. See docs/benchmarks.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { importBenchmark, importReport, type ImportResult, type MemoryResult } from './import.bench.ts';
import { fmtInt, fmtMs, fmtPct, fmtSize, fmtX, markdownTable, progress, type DbKind } from './harness.ts';
import { AS_OF, ROUND, stateOfPlayBenchmark, type StateOfPlayResult } from './state-of-play.bench.ts';
import { transitionsBenchmark, type TransitionsResult } from './transitions.bench.ts';
import { API_GOAL, apiBenchmark, type ApiResult } from './api.bench.ts';
import { forecastBenchmark, type ForecastResult } from './forecast.bench.ts';
import type { WEB_GOAL as WebGoal, WebResult } from './web.bench.ts';
import { PLACEMENT_CASES, placementBenchmark, placementReport, type PlacementBenchResult, type PlacementCase } from './placement.bench.ts';
import { uploadsBenchmark, type UploadsResult } from './uploads.bench.ts';
import { faultsBenchmark, faultsFailed, faultsReport, type FaultsResult } from './faults.bench.ts';

const USAGE = `Usage: npm run bench -- [options]
  --only import|state-of-play|transitions|forecast|api|web|placement|uploads|faults
                                run one part (default: all; web: the dashboard's first render in
                                headless Chromium at 100000 demo persons, and the first load's JavaScript; transitions on PostgreSQL where
                                DATABASE_URL is set, else PGlite)
  --db pglite|postgres          one database (default: pglite, and postgres when DATABASE_URL is set)
  --sizes 100000,1000000        persons per run (default: import 1000000; state of play 100000,1000000
                                and, on PostgreSQL only, 10000000)
  --runs N                      timed stateOfPlay() runs per size (default 50, at least 30)
  --scan-runs N                 timed full scans per size (default 3, at least 3)
  --loader auto|importer|sql    how the state of play's persons are loaded (default auto: the importer
                                up to 1000000, set-based SQL above)
  --no-phases                   skip timing the import's Node-only parts (hash, two parse passes)
  --memory 10000000             import: the import of N persons in a child process of its own, its peak
                                memory measured (default none: the documented run gives 10000000)
  --cases weekly,medium,large,hias,batch
                                placement: which cases (default all; large is 33,000 households × 200
                                places, about 3 minutes; hias reads PATHWAYS_HIAS_DIR, default
                                /work/shared/data/placement-hias)
  --cycles N                    faults: kill -9 cycles per database, of imports and of the server each
                                (default 20); faults is never part of a run of all parts: --only faults
  --rows N                      faults: rows of the import file killed mid-import (default 100000)
  --persons N                   faults: demo persons behind the server (default 3000)
  --attack-seconds S            faults: the time box of each upload attack (default 30)
  --bomb-rows N                 faults: rows of the XLSX bomb's sheet (default 10000000)
  --seed S                      faults: the seed of the kill moments and the data (default 19)
  --json FILE                   also write the results as JSON
Environment: DATABASE_URL=postgres://postgres:postgres@127.0.0.1:5432/postgres (admin URL)`;

const GOAL = { sopP95Ms: 50, speedup: 100, at: 10_000_000 };

function parseOptions() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      db: { type: 'string' },
      sizes: { type: 'string' },
      runs: { type: 'string', default: '50' },
      'scan-runs': { type: 'string', default: '3' },
      loader: { type: 'string', default: 'auto' },
      'no-phases': { type: 'boolean', default: false },
      memory: { type: 'string' },
      json: { type: 'string' },
      cases: { type: 'string' },
      cycles: { type: 'string', default: '20' },
      rows: { type: 'string', default: '100000' },
      persons: { type: 'string', default: '3000' },
      'attack-seconds': { type: 'string', default: '30' },
      'bomb-rows': { type: 'string', default: '10000000' },
      seed: { type: 'string', default: '19' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const fail = (msg: string): never => {
    process.stderr.write(`${msg}\n\n${USAGE}\n`);
    process.exit(2);
  };
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = values.only;
  const PARTS = ['import', 'state-of-play', 'transitions', 'forecast', 'api', 'web', 'placement', 'uploads'];
  if (only !== undefined && only !== 'faults' && !PARTS.includes(only))
    fail(`--only must be one of ${PARTS.join(', ')}, faults, not "${only}".`);
  const adminUrl = process.env.DATABASE_URL || undefined;
  let kinds: DbKind[];
  if (values.db === undefined) kinds = adminUrl ? ['pglite', 'postgres'] : ['pglite'];
  else if (values.db === 'pglite' || values.db === 'postgres') kinds = [values.db];
  else kinds = fail(`--db must be pglite or postgres, not "${values.db}".`);
  if (kinds.includes('postgres') && !adminUrl)
    fail('--db postgres needs DATABASE_URL (an admin URL; the bench creates and drops its own databases).');
  const sizes = values.sizes?.split(',').map((s) => {
    const n = Number(s.replaceAll('_', ''));
    return Number.isInteger(n) && n > 0 ? n : fail(`--sizes: "${s}" is not a positive whole number.`);
  });
  const memory = (values.memory ?? '')
    .split(',')
    .filter(Boolean)
    .map((s) => {
      const n = Number(s.replaceAll('_', ''));
      return Number.isInteger(n) && n > 0 ? n : fail(`--memory: "${s}" is not a positive whole number.`);
    });
  const count = (name: string, v: string, min: number) => {
    const n = Number(v);
    return Number.isInteger(n) && n >= min ? n : fail(`--${name} must be a whole number of at least ${min}.`);
  };
  const loader = values.loader;
  if (loader !== 'auto' && loader !== 'importer' && loader !== 'sql') fail(`--loader must be auto, importer or sql, not "${loader}".`);
  const cases = values.cases
    ?.split(',')
    .map((c) =>
      PLACEMENT_CASES.includes(c as PlacementCase)
        ? (c as PlacementCase)
        : fail(`--cases: "${c}" is not one of ${PLACEMENT_CASES.join(', ')}.`),
    );
  return {
    cases,
    parts: only ? [only] : PARTS,
    kinds,
    adminUrl,
    sizes,
    runs: count('runs', values.runs, 30),
    scanRuns: count('scan-runs', values['scan-runs'], 3),
    loader: loader as 'auto' | 'importer' | 'sql',
    phases: !values['no-phases'],
    memory,
    json: values.json,
    faults: {
      cycles: count('cycles', values.cycles, 1),
      rows: count('rows', values.rows, 10),
      persons: count('persons', values.persons, 100),
      attackSeconds: count('attack-seconds', values['attack-seconds'], 1),
      bombRows: count('bomb-rows', values['bomb-rows'], 1),
      seed: count('seed', values.seed, 0),
    },
  };
}

async function main() {
  const o = parseOptions();
  const environment = {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '?',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadAverageAtStart: loadavg(),
    loadAverageAtEnd: [] as number[],
    maxRssMiB: 0,
  };
  progress(
    `bench: ${o.parts.join(' + ')} on ${o.kinds.join(' + ')}; ${environment.cpus} CPUs, ${environment.memoryGiB} GiB, Node ${environment.node}`,
  );

  let imports: ImportResult[] = [];
  let importMemory: MemoryResult[] = [];
  let sops: StateOfPlayResult[] = [];
  if (o.parts.includes('import')) {
    ({ results: imports, memory: importMemory } = await importBenchmark({
      kinds: o.kinds,
      adminUrl: o.adminUrl,
      sizes: o.sizes ?? [1_000_000],
      phases: o.phases,
      memory: o.memory,
    }));
  }
  if (o.parts.includes('state-of-play')) {
    const sizesFor = (kind: DbKind) => o.sizes ?? (kind === 'postgres' ? [100_000, 1_000_000, 10_000_000] : [100_000, 1_000_000]);
    sops = await stateOfPlayBenchmark(
      { kinds: o.kinds, adminUrl: o.adminUrl, sizes: [], runs: o.runs, scanRuns: o.scanRuns, loader: o.loader },
      sizesFor,
    );
  }
  let transitions: TransitionsResult[] = [];
  if (o.parts.includes('transitions')) {
    const kind: DbKind = o.kinds.includes('postgres') ? 'postgres' : 'pglite';
    transitions = [await transitionsBenchmark({ kind, adminUrl: o.adminUrl, cases: 5000, concurrency: 4 })];
  }
  let forecast: ForecastResult | null = null;
  if (o.parts.includes('forecast')) forecast = await forecastBenchmark();
  const apis: ApiResult[] = [];
  if (o.parts.includes('api')) {
    for (const kind of o.kinds)
      apis.push(await apiBenchmark({ kind, adminUrl: o.adminUrl, persons: o.sizes?.[0] ?? 5000, connections: 8, seconds: 10 }));
  }
  const webs: WebResult[] = [];
  if (o.parts.includes('web')) {
    // Loaded only when it runs: it brings the browser tests' Chromium helpers, which expect vitest.
    const { WEB_GOAL, webBenchmark } = await import('./web.bench.ts');
    webGoal = WEB_GOAL;
    for (const kind of o.kinds) webs.push(await webBenchmark({ kind, adminUrl: o.adminUrl, persons: o.sizes?.[0] ?? 100_000, runs: 10 }));
  }
  let placement: PlacementBenchResult | null = null;
  if (o.parts.includes('placement')) placement = await placementBenchmark(o.cases ? { cases: o.cases } : {});
  const uploads: UploadsResult[] = [];
  if (o.parts.includes('uploads')) {
    for (const kind of o.kinds) {
      const rows = o.sizes?.[0] ?? 100_000;
      uploads.push(await uploadsBenchmark({ kind, adminUrl: o.adminUrl, rows }));
      // The baseline: the embedded database in the event loop's thread, as it was before issue 19.
      if (kind === 'pglite') uploads.push(await uploadsBenchmark({ kind, adminUrl: o.adminUrl, rows, pgliteThread: false }));
    }
  }
  let faults: FaultsResult[] = [];
  if (o.parts.includes('faults')) faults = await faultsBenchmark({ kinds: o.kinds, adminUrl: o.adminUrl, concurrency: 8, ...o.faults });
  environment.loadAverageAtEnd = loadavg();
  environment.maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  process.stdout.write(
    `Run ${environment.date}: ${environment.cpus} × ${environment.cpuModel}, ${environment.memoryGiB} GiB, Node ${environment.node}; ` +
      `load average (1 / 5 / 15 min) at start ${load(environment.loadAverageAtStart)}, at end ${load(environment.loadAverageAtEnd)}; ` +
      `peak memory of this process ${environment.maxRssMiB} MiB.\n\n`,
  );
  process.stdout.write(`${importReport(imports, importMemory)}\n${report(sops)}\n`);
  process.stdout.write(caseReport(transitions, forecast));
  process.stdout.write(apiReport(apis));
  process.stdout.write(webReport(webs));
  process.stdout.write(placementReport(placement));
  process.stdout.write(uploadsReport(uploads));
  process.stdout.write(faultsReport(faults));
  if (o.json)
    writeFileSync(
      o.json,
      `${JSON.stringify(
        { environment, imports, importMemory, stateOfPlay: sops, transitions, forecast, api: apis, web: webs, placement, uploads, faults },
        null,
        2,
      )}\n`,
    );
  if (faultsFailed(faults)) {
    progress('bench: faults: a write, an audit line or part of a file was lost, or the bench could not run (see above)');
    process.exitCode = 1;
  }
  progress('bench: done');
}

function uploadsReport(uploads: UploadsResult[]): string {
  if (uploads.length === 0) return '';
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const baseline = uploads.find((u) => u.pgliteThread === false);
  const body = uploads.map((u) => [
    u.pgliteThread === null ? u.kind : `${u.kind}, ${u.pgliteThread ? 'own thread' : "event loop's thread (baseline)"}`,
    fmtInt(u.rows),
    `${(u.bytes / 2 ** 20).toFixed(1)} MiB`,
    fmtMs(u.uploadMs),
    u.valid ? 'valid' : 'invalid',
    ms(u.idle.p50Ms),
    ms(u.idle.p99Ms),
    ms(u.during.p50Ms),
    ms(u.during.p99Ms),
    ms(u.during.maxMs),
    fmtInt(u.during.n),
    u.pgliteThread === true && baseline ? fmtX(baseline.during.maxMs / u.during.maxMs) : '–',
  ]);
  return (
    `\n### Uploads: GET /health while a state officer uploads a person CSV (parsed in a worker thread), against idle\n\n` +
    markdownTable(
      [
        'database',
        'rows',
        'file',
        'upload (dry run)',
        'report',
        '/health p50 idle',
        '/health p99 idle',
        'p50 during upload',
        'p99 during upload',
        'max during upload',
        'probes during',
        'max: baseline ÷ this',
      ],
      body,
    ) +
    '\n'
  );
}

let webGoal: typeof WebGoal | undefined;

function webReport(webs: WebResult[]): string {
  const WEB_GOAL = webGoal;
  if (webs.length === 0 || !WEB_GOAL) return '';
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const body = webs.map((w) => [
    w.kind,
    fmtInt(w.persons),
    w.runs,
    fmtMs(w.dashboard.p50),
    fmtMs(w.dashboard.p95),
    fmtMs(w.stateOfPlayApi.p50),
    fmtX(w.dashboard.p50 / w.stateOfPlayApi.p50),
    fmtMs(w.shell.p50),
    fmtX(w.dashboard.p50 / w.shell.p50),
    w.dashboard.p95 <= WEB_GOAL.firstRenderMs ? 'met' : 'not met',
    `${kb(w.initialJs.gzip)} (${w.initialJs.files} files, ${kb(w.initialJs.raw)} raw)`,
    `${kb(w.dashboardJs.gzip)} (${w.dashboardJs.files} files)`,
    w.initialJs.gzip <= WEB_GOAL.initialKbGzip * 1024 ? 'met' : 'not met',
  ]);
  return (
    `\n### Web interface: the dashboard's first render in headless Chromium (cache disabled), and the JavaScript of the first load\n\n` +
    markdownTable(
      [
        'database',
        'persons',
        'runs',
        'dashboard p50',
        'dashboard p95',
        'state-of-play API p50',
        'dashboard ÷ API',
        'frame drawn p50',
        'dashboard ÷ frame',
        `goal p95 ≤ ${WEB_GOAL.firstRenderMs} ms`,
        'first-load JS (gzip)',
        'dashboard visit JS (gzip)',
        `goal ≤ ${WEB_GOAL.initialKbGzip} KB`,
      ],
      body,
    ) +
    '\n'
  );
}

function apiReport(apis: ApiResult[]): string {
  if (apis.length === 0) return '';
  const g = API_GOAL;
  const goalOf = (kind: DbKind, read: boolean) =>
    kind === 'pglite'
      ? `≥ ${fmtPct(g.pgliteShare)}`
      : read
        ? `≥ ${fmtPct(g.readShare)}, ≥ ${fmtInt(g.readPerSecond)} req/s, p99 ≤ ${g.readP99Ms} ms`
        : `≥ ${fmtPct(g.moveShare)}, p99 ≤ ${g.moveP99Ms} ms`;
  const met = (kind: DbKind, read: boolean, r: ApiResult['reads'], share: number) =>
    kind === 'pglite'
      ? share >= g.pgliteShare
      : read
        ? share >= g.readShare && r.perSecond >= g.readPerSecond && r.p99Ms <= g.readP99Ms
        : share >= g.moveShare && r.p99Ms <= g.moveP99Ms;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  const rowsOf = (a: ApiResult) =>
    (
      [
        [a.reads, a.bareReads, true],
        [a.transitions, a.bareMoves, false],
      ] as const
    ).flatMap(([r, base, read]) => {
      const share = r.perSecond / base.perSecond;
      const cells = (x: typeof r) => [fmtInt(x.perSecond), `${x.p50Ms} ms`, `${x.p99Ms} ms`, fmtInt(x.non2xx + x.errors)];
      return [
        [a.kind, x(a.connections), base.label, ...cells(base), '100 %', '–', load(a.load.before)],
        [
          a.kind,
          x(a.connections),
          r.label,
          ...cells(r),
          fmtPct(share),
          `${goalOf(a.kind, read)}: ${met(a.kind, read, r, share) ? 'met' : 'not met'}`,
          load(a.load.after),
        ],
      ];
    });
  const x = (n: number) => String(n);
  return [
    '\n## The API under load (autocannon on loopback, in the same process; `npm run bench -- --only api`), each figure beside its baseline in the same run\n',
    markdownTable(
      [
        'database',
        'connections',
        'requests',
        'req/s',
        'p50',
        'p99',
        'non-2xx or errors',
        'share of baseline',
        'goal',
        'load (1 / 5 / 15 min)',
      ],
      apis.flatMap(rowsOf),
    ),
    "\n### Where one audited case read spends its time (the route's calls one at a time on one connection, mean µs)\n",
    markdownTable(
      ['database', 'runs', 'session lookup', 'BEGIN', 'scope', 'three SELECTs', 'presentation', 'audit line', 'COMMIT', 'total'],
      apis.map(({ kind, phases: p }) => [
        kind,
        fmtInt(p.runs),
        ...[p.authUs, p.beginUs, p.scopeUs, p.selectsUs, p.presentUs, p.auditUs, p.commitUs].map((x) => `${fmtInt(x)} µs`),
        `${fmtInt(p.authUs + p.beginUs + p.scopeUs + p.selectsUs + p.presentUs + p.auditUs + p.commitUs)} µs`,
      ]),
    ),
    "\n### Where one stage transition spends its time (the route's one transaction, one at a time on one connection, mean µs), beside the bare UPDATE\n",
    markdownTable(
      [
        'database',
        'moves',
        'BEGIN and scope',
        "the key's claim",
        'the move (advanceCase)',
        'the answer kept',
        'COMMIT',
        'total',
        'bare UPDATE',
        'bare ÷ total',
      ],
      apis.map(({ kind, movePhases: m }) => {
        const total = m.beginUs + m.claimUs + m.moveUs + m.keepUs + m.commitUs;
        return [
          kind,
          fmtInt(m.runs),
          ...[m.beginUs, m.claimUs, m.moveUs, m.keepUs, m.commitUs, total, m.bareUs].map((x) => `${fmtInt(x)} µs`),
          fmtPct(m.bareUs / total),
        ];
      }),
    ),
    '',
  ].join('\n');
}

function caseReport(transitions: TransitionsResult[], forecast: ForecastResult | null): string {
  const out: string[] = [];
  if (transitions.length > 0) {
    out.push(
      '## Stage transitions (advanceCase: rules, version, history line, audit line, arrivals) vs a bare status UPDATE, same database and concurrency\n',
      markdownTable(
        ['database', 'cases', 'moves', 'concurrency', 'advanceCase moves/s', 'bare UPDATEs/s', 'ratio'],
        transitions.map((t) => [
          t.kind,
          fmtInt(t.cases),
          fmtInt(t.transitions),
          t.concurrency,
          fmtInt(t.perSecond),
          fmtInt(t.baselinePerSecond),
          fmtPct(t.ratio),
        ]),
      ),
    );
  }
  if (forecast) {
    out.push(
      '\n## Forecast of delivery\n',
      markdownTable(
        ['open cases', 'histories', 'iterations', 'forecast', 'one processing-times pass over the same histories', 'ratio'],
        [
          [
            fmtInt(forecast.openCases),
            fmtInt(forecast.histories),
            forecast.iterations,
            fmtMs(forecast.forecastMs),
            fmtMs(forecast.passMs),
            fmtX(forecast.ratio),
          ],
        ],
      ),
      '\nCalibration on demo histories (30,000 persons a seed), forecast at the cut for 2021-12-31:\n',
      markdownTable(
        ['cut', 'seeds', 'states inside the 80 % interval', 'coverage', 'EU total inside'],
        forecast.calibration.map((c) => [
          c.cut,
          c.seeds,
          `${c.covered} of ${c.assessed}`,
          fmtPct(c.coverage),
          `${c.euCovered} of ${c.seeds}`,
        ]),
      ),
    );
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

function report(sops: StateOfPlayResult[]): string {
  const out: string[] = [];
  if (sops.length > 0) {
    out.push(`## State of play (stateOfPlay() of round ${ROUND} as of ${AS_OF} vs the full scan arrivalCellsFromPersons())`, '');
    out.push(
      markdownTable(
        [
          'database',
          'persons',
          'loaded by',
          'load',
          'aggregate rows (monthly / daily)',
          'stateOfPlay p50',
          'p95',
          'runs',
          'scan p50',
          'scan min–max',
          'scan runs',
          'scan ÷ sop p50',
          'scan ÷ sop p95',
          'goal (10M: p95 ≤ 50 ms, ≥ 100×)',
        ],
        sops.map((r) => [
          r.db,
          fmtSize(r.persons),
          r.loader,
          fmtMs(r.loadMs),
          `${fmtInt(r.monthlyRows)} / ${fmtInt(r.dailyRows)}`,
          fmtMs(r.sop.p50Ms),
          fmtMs(r.sop.p95Ms),
          r.sop.runs,
          fmtMs(r.scan.p50Ms),
          `${fmtMs(r.scan.minMs)}–${fmtMs(r.scan.maxMs)}`,
          r.scan.runs,
          fmtX(r.speedup),
          fmtX(r.speedupAtP95),
          r.persons >= GOAL.at
            ? r.sop.p95Ms <= GOAL.sopP95Ms && r.speedup >= GOAL.speedup
              ? 'met'
              : 'not met'
            : `(p95 ${r.sop.p95Ms <= GOAL.sopP95Ms ? '≤' : '>'} 50 ms)`,
        ]),
      ),
    );
    out.push('', "### Where stateOfPlay()'s time goes (each of its queries timed alone, p50 / p95)", '');
    const labels = [...new Set(sops.flatMap((r) => r.parts.map((p) => p.label)))];
    out.push(
      markdownTable(
        ['database', 'persons', ...labels, 'stateOfPlay() whole'],
        sops.map((r) => [
          r.db,
          fmtSize(r.persons),
          ...labels.map((l) => {
            const p = r.parts.find((x) => x.label === l);
            return p ? `${fmtMs(p.stats.p50Ms)} / ${fmtMs(p.stats.p95Ms)}` : '–';
          }),
          `${fmtMs(r.sop.p50Ms)} / ${fmtMs(r.sop.p95Ms)}`,
        ]),
      ),
    );
    out.push('');
  }
  return out.join('\n');
}

main().catch((e) => {
  progress(`bench failed: ${(e as Error).stack ?? e}`);
  process.exitCode = 1;
});
