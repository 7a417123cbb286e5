/**
 * Import benchmark: `importPersonsFile` on a fresh database against a raw COPY of the same CSV
 * into a bare table of ten text columns, the fastest way the server can take the file in.
 *
 * With phases on, the import's time is also taken apart by measuring each part on its own:
 * hashing the file, parsing the CSV, validating the rows (the importer's own classes), the chunk
 * writes (`writePersonChunk`, each of its statements timed, the arrivals triggers timed by the
 * server), and the set-based ceiling: what the server alone needs to write the file into these
 * tables, with no row passing through Node.
 */
import { createHash } from 'node:crypto';
import { createReadStream, openAsBlob } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { imports } from '../src/audit/audit.table.ts';
import { writePersonChunk } from '../src/cases/case.repository.ts';
import { importPersonsFile, type PersonImportSummary } from '../src/cases/person.import.ts';
import { HouseholdCheck, PERSON_COLUMNS, PersonRowReader, type PersonRow } from '../src/cases/person-row.ts';
import type { SQL } from 'drizzle-orm';
import type { Executor } from '../src/db/db.ts';
import { columnCountProblem, readCsv } from '../src/files/csv-source.ts';
import { listRounds } from '../src/rounds/round.repository.ts';
import { writeDemoCsv } from './demo-csv.ts';
import { APP_ROLE } from '../src/db/db.ts';
import {
  asOwner,
  checkpoint,
  fmtInt,
  fmtMs,
  fmtSize,
  functionTime,
  progress,
  resetStats,
  timed,
  withFreshDatabase,
  withTempDir,
  type BenchDb,
  type DbKind,
} from './harness.ts';

const SEED = 2020;
import { cliActor as __cliActor } from '../src/audit/audit-line.service.ts';
const ACTOR = __cliActor('bench');
/** The importer's chunk size (src/cases/person.import.ts), used by the phase measurement. */
const CHUNK = 20_000;

export interface ImportResult {
  db: DbKind;
  persons: number;
  csvBytes: number;
  copyMs: number;
  importMs: number;
  copyRowsPerS: number;
  importRowsPerS: number;
  /** Import rows/s ÷ COPY rows/s. */
  ratio: number;
  summary: PersonImportSummary;
  /** Time inside the arrivals triggers during the import, as the server counted it (pg_stat_user_functions). */
  arrivalsTrigger: { calls: number; ms: number };
  phases: ImportPhases | null;
}

/** Where the import's time goes, each part measured on its own (ms). */
export interface ImportPhases {
  hashMs: number;
  parseMs: number;
  /** Parse and validate together; validation alone is the difference. */
  parseValidateMs: number;
  writes: WritePhase;
  /** No Node in the loop: the file COPYed into a staging table, then written set-based into cases and persons. */
  setBased: SetBasedPhase;
}

/**
 * What the server alone needs to take the file into the real tables (indexes, foreign keys, checks,
 * the arrivals triggers), with no row passing through Node: the ceiling of any importer on this schema.
 */
export interface SetBasedPhase {
  copyMs: number;
  casesMs: number;
  caseHistoryMs: number;
  personsMs: number;
  commitMs: number;
  totalMs: number;
}

export interface WritePhase {
  /** Each statement `writePersonChunk` sent, labelled by what it writes, in order of first use. */
  statements: StatementTiming[];
  commitMs: number;
  totalMs: number;
  /** CPU time of this Node process during the statements: the client side (driver, serialising the arrays); on PGlite also the database itself. */
  nodeCpuMs: number;
  chunks: number;
  /** Time inside the arrivals triggers, as the server counted it. */
  arrivalsTrigger: { calls: number; ms: number };
}

export interface StatementTiming {
  label: string;
  ms: number;
  calls: number;
  /** Time per chunk, in order: whether the statement's cost grows with the rows already written. */
  perChunkMs: number[];
}

export interface ImportOptions {
  kinds: DbKind[];
  adminUrl: string | undefined;
  sizes: number[];
  phases: boolean;
}

export async function importBenchmark(opts: ImportOptions): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  await withTempDir('csv', async (dir) => {
    for (const persons of opts.sizes) {
      const path = `${dir}/persons-${persons}.csv`;
      progress(`import: writing ${fmtInt(persons)} demo persons to ${path}`);
      const { ms, value: csvBytes } = await timed(() => writeDemoCsv(path, persons, SEED));
      progress(`import: CSV written, ${(csvBytes / 2 ** 20).toFixed(1)} MiB in ${fmtMs(ms)}`);

      let js: { hashMs: number; parseMs: number; parseValidateMs: number; persons: PersonRow[] } | null = null;
      for (const kind of opts.kinds) {
        const r = await importOnce(kind, opts.adminUrl, path, persons, csvBytes);
        if (opts.phases) {
          js ??= await measureJsPhases(kind, opts.adminUrl, path);
          const writes = await measureWrites(kind, opts.adminUrl, js.persons);
          const setBased = await measureSetBased(kind, opts.adminUrl, path, persons);
          r.phases = { hashMs: js.hashMs, parseMs: js.parseMs, parseValidateMs: js.parseValidateMs, writes, setBased };
        }
        results.push(r);
      }
    }
  });
  return results;
}

/** One fresh database: the raw COPY, then the import, each after a checkpoint. */
async function importOnce(
  kind: DbKind,
  adminUrl: string | undefined,
  path: string,
  persons: number,
  csvBytes: number,
): Promise<ImportResult> {
  return withFreshDatabase(kind, adminUrl, async (db) => {
    await db.exec(`CREATE TABLE bench_copy (${PERSON_COLUMNS.map((c) => `${c} text`).join(', ')})`);
    await checkpoint(db);
    progress(`import ${kind} ${fmtSize(persons)}: COPY into a bare table`);
    const copy = await timed(() => copyCsv(db, path));
    const copied = Number(await db.scalar('SELECT count(*) FROM bench_copy'));
    if (copied !== persons) throw new Error(`COPY took ${copied} rows, expected ${persons}`);
    progress(`import ${kind} ${fmtSize(persons)}: COPY ${fmtMs(copy.ms)} (${fmtInt(persons / (copy.ms / 1000))} rows/s)`);
    await db.exec('DROP TABLE bench_copy');
    await checkpoint(db);
    await resetStats(db);

    progress(`import ${kind} ${fmtSize(persons)}: importPersonsFile`);
    let nextTenth = 1;
    const imp = await timed(() =>
      importPersonsFile({
        db: db.database.db,
        actor: ACTOR,
        path,
        onProgress: (p) => {
          if (p.rows >= (nextTenth * persons) / 10 && p.rows < persons) {
            progress(`import ${kind} ${fmtSize(persons)}: ${fmtInt(p.rows)} rows read`);
            nextTenth = Math.floor((p.rows * 10) / persons) + 1;
          }
        },
      }),
    );
    const summary = imp.value;
    const stored = Number(await db.scalar('SELECT count(*) FROM persons'));
    if (summary.rows !== persons || summary.added !== persons || stored !== persons) {
      throw new Error(`import: ${summary.rows} rows read, ${summary.added} added, ${stored} stored; expected ${persons}`);
    }
    const arrivalsTrigger = await functionTime(db, 'persons_sync_arrivals');
    const copyRowsPerS = persons / (copy.ms / 1000);
    const importRowsPerS = persons / (imp.ms / 1000);
    progress(
      `import ${kind} ${fmtSize(persons)}: import ${fmtMs(imp.ms)} (${fmtInt(importRowsPerS)} rows/s), ${((100 * importRowsPerS) / copyRowsPerS).toFixed(1)} % of COPY`,
    );
    return {
      db: kind,
      persons,
      csvBytes,
      copyMs: copy.ms,
      importMs: imp.ms,
      copyRowsPerS,
      importRowsPerS,
      ratio: importRowsPerS / copyRowsPerS,
      summary,
      arrivalsTrigger,
      phases: null,
    };
  });
}

/** COPY of the CSV file into `bench_copy`: from a blob on PGlite, through COPY FROM STDIN on PostgreSQL. */
async function copyCsv(db: BenchDb, path: string, table = 'bench_copy', session: pg.Client | null = null): Promise<void> {
  const statement = `COPY ${table} FROM %s WITH (FORMAT csv, HEADER true)`;
  if (db.pglite) {
    const blob = await openAsBlob(path);
    const client = db.pglite;
    await asOwner(client, null, async () => void (await client.query(statement.replace('%s', `'/dev/blob'`), [], { blob })));
    return;
  }
  const client = session ?? new pg.Client({ connectionString: db.url! });
  if (!session) await client.connect();
  try {
    await pipeline(createReadStream(path), client.query(copyFrom(statement.replace('%s', 'STDIN'))));
  } finally {
    if (!session) await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Phases

/** The parts of the import that run in Node only: hashing, parsing, validating. The rounds come from a fresh database. */
async function measureJsPhases(kind: DbKind, adminUrl: string | undefined, path: string) {
  const rounds = await withFreshDatabase(kind, adminUrl, (db) => listRounds(db.database.db));
  const today = new Date().toISOString().slice(0, 10);

  progress('import phases: SHA-256 of the file');
  const hash = await timed(
    () =>
      new Promise<string>((resolve, reject) => {
        const h = createHash('sha256');
        createReadStream(path)
          .on('data', (d) => h.update(d))
          .on('end', () => resolve(h.digest('hex')))
          .on('error', reject);
      }),
  );

  // Parse alone and parse with validation, twice each in turn; the faster of each pair counts
  // (the first pass also warms the JIT up for the second).
  const parseOnly = () =>
    timed(async () => {
      let n = 0;
      for await (const rec of readCsv(path, { required: PERSON_COLUMNS })) if (rec.row > 0) n++;
      return n;
    });
  const parseAndValidate = () =>
    timed(async () => {
      const reader = new PersonRowReader(rounds, today);
      const households = new HouseholdCheck();
      const out: PersonRow[] = [];
      for await (const rec of readCsv(path, { required: PERSON_COLUMNS })) {
        if (columnCountProblem(rec)) throw new Error(`row ${rec.row}: wrong width`);
        const read = reader.read(rec.values, rec.row);
        if (!read.ok) throw new Error(`row ${rec.row}: ${JSON.stringify(read.problems)}`);
        if (households.check(read.person, rec.row, rec.values).length > 0) throw new Error(`row ${rec.row}: household clash`);
        out.push(read.person);
      }
      return out;
    });
  let parse = { ms: Infinity };
  let validated = { ms: Infinity, value: [] as PersonRow[] };
  for (let i = 0; i < 2; i++) {
    progress(`import phases: CSV parse only (${i + 1}/2)`);
    const p = await parseOnly();
    if (p.ms < parse.ms) parse = p;
    progress(`import phases: CSV parse and validation (${i + 1}/2)`);
    const v = await parseAndValidate();
    if (v.ms < validated.ms) validated = v;
  }
  progress(`import phases: hash ${fmtMs(hash.ms)}, parse ${fmtMs(parse.ms)}, parse+validate ${fmtMs(validated.ms)}`);
  return { hashMs: hash.ms, parseMs: parse.ms, parseValidateMs: validated.ms, persons: validated.value };
}

/**
 * The chunk writes alone, on a fresh database: the validated persons written in the importer's
 * chunks by `writePersonChunk`, in one transaction, each statement timed through a proxy of the
 * transaction and labelled by its SQL; the arrivals triggers timed by the server.
 */
async function measureWrites(kind: DbKind, adminUrl: string | undefined, persons: readonly PersonRow[]): Promise<WritePhase> {
  return withFreshDatabase(kind, adminUrl, async (db) => {
    await checkpoint(db);
    await resetStats(db);
    progress(`import phases ${kind}: chunk writes`);
    const w: WritePhase = { statements: [], commitMs: 0, totalMs: 0, nodeCpuMs: 0, chunks: 0, arrivalsTrigger: { calls: 0, ms: 0 } };
    const byLabel = new Map<string, StatementTiming>();
    const today = new Date().toISOString().slice(0, 10);
    const t0 = performance.now();
    let lastStatementEnd = 0;
    await db.database.db.transaction(async (tx) => {
      const [imp] = await tx.insert(imports).values({ kind: 'persons', source: 'bench', actor: ACTOR.id }).returning({ id: imports.id });
      for (let i = 0; i < persons.length; i += CHUNK) {
        const calls: Call[] = [];
        await writePersonChunk(timingExecutor(tx, calls), persons.slice(i, i + CHUNK), imp!.id, ACTOR.id, today);
        for (const c of calls) {
          let t = byLabel.get(c.label);
          if (!t) {
            t = { label: c.label, ms: 0, calls: 0, perChunkMs: [] };
            byLabel.set(c.label, t);
          }
          t.ms += c.ms;
          t.calls++;
          while (t.perChunkMs.length <= w.chunks) t.perChunkMs.push(0);
          t.perChunkMs[w.chunks]! += c.ms;
          w.nodeCpuMs += c.cpuMs;
        }
        w.chunks++;
      }
      lastStatementEnd = performance.now();
    });
    const end = performance.now();
    w.statements = [...byLabel.values()];
    for (const t of w.statements) while (t.perChunkMs.length < w.chunks) t.perChunkMs.push(0);
    w.commitMs = end - lastStatementEnd;
    w.totalMs = end - t0;
    const stored = Number(await db.scalar('SELECT count(*) FROM persons'));
    if (stored !== persons.length) throw new Error(`chunk writes stored ${stored} persons, expected ${persons.length}`);
    w.arrivalsTrigger = await functionTime(db, 'persons_sync_arrivals');
    const parts = w.statements.map((t) => `${t.label} ${fmtMs(t.ms)}`).join(', ');
    progress(
      `import phases ${kind}: writes ${fmtMs(w.totalMs)} (${parts}, commit ${fmtMs(w.commitMs)}; arrivals triggers ${fmtMs(w.arrivalsTrigger.ms)})`,
    );
    return w;
  });
}

/**
 * The set-based ceiling, on a fresh database, in one transaction: COPY of the file into a staging
 * table, then INSERT … SELECT of the households into cases (with their first history line) and
 * of the persons into persons, the round of each person found from its arrival date as the
 * importer does. The demo file holds codes already, so no name is looked up; no row is validated
 * beyond what the columns' types and the constraints check.
 */
async function measureSetBased(kind: DbKind, adminUrl: string | undefined, path: string, persons: number): Promise<SetBasedPhase> {
  return withFreshDatabase(kind, adminUrl, async (db) => {
    await checkpoint(db);
    progress(`import phases ${kind}: set-based ceiling (COPY to staging, INSERT … SELECT)`);
    const p: SetBasedPhase = { copyMs: 0, casesMs: 0, caseHistoryMs: 0, personsMs: 0, commitMs: 0, totalMs: 0 };
    // One session for the whole transaction, the COPY included.
    // As the owner (the bare database, in the operator's scope where the owner is bound by the policies).
    const client = db.url ? new pg.Client({ connectionString: db.url, options: '-c pathways.tenant=*' }) : null;
    await client?.connect();
    await db.pglite?.exec('RESET ROLE');
    const session = {
      exec: async (text: string) => void (client ? await client.query(text) : await db.pglite!.exec(text)),
      scalar: async (text: string) =>
        (client ? (await client.query(text)).rows : (await db.pglite!.query<Record<string, unknown>>(text)).rows)[0]!,
    };
    const t0 = performance.now();
    try {
      await session.exec('BEGIN');
      await session.exec(`CREATE TEMP TABLE bench_stage (${PERSON_COLUMNS.map((c) => `${c} text`).join(', ')}) ON COMMIT DROP`);
      const importId = Number(
        (await session.scalar(`INSERT INTO imports (kind, source, actor) VALUES ('persons', 'bench', '${ACTOR.id}') RETURNING id`)).id,
      );
      p.copyMs = (await timed(() => copyCsv(db, path, 'bench_stage', client))).ms;
      p.casesMs = (
        await timed(() =>
          session.exec(`INSERT INTO cases (state_code, case_ref, pathway, round_id, country_of_departure, import_id, status, status_on)
            SELECT member_state, case_ref, min(pathway), nullif(min(round), ''), min(country_of_departure), ${importId},
                   CASE WHEN min(nullif(arrived_on, '')) IS NULL THEN 'referred' ELSE 'arrived' END, min(nullif(arrived_on, ''))::date
              FROM bench_stage GROUP BY member_state, case_ref`),
        )
      ).ms;
      p.caseHistoryMs = (
        await timed(() =>
          session.exec(`INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason, details)
            SELECT id, state_code, coalesce(status_on, current_date), '${ACTOR.id}', NULL, status, 'created by import', jsonb_build_object('import', ${importId})
              FROM cases WHERE import_id = ${importId}`),
        )
      ).ms;
      p.personsMs = (
        await timed(() =>
          session.exec(`WITH days AS (SELECT DISTINCT nullif(arrived_on, '')::date AS day FROM bench_stage),
                 day_round AS (SELECT day, (SELECT id FROM rounds r WHERE day BETWEEN r.start_date AND r.end_date ORDER BY r.start_date DESC LIMIT 1) AS round_id
                                 FROM days WHERE day IS NOT NULL)
            INSERT INTO persons (case_id, person_ref, state_code, pathway, round_id, country_of_departure, citizenship, sex, birth_year, arrived_on, import_id)
            SELECT c.id, s.person_ref, s.member_state, s.pathway, coalesce(nullif(s.round, ''), dr.round_id), s.country_of_departure, nullif(s.citizenship, ''),
                   nullif(s.sex, ''), nullif(s.birth_year, '')::int2, nullif(s.arrived_on, '')::date, ${importId}
              FROM bench_stage s JOIN cases c ON c.state_code = s.member_state AND c.case_ref = s.case_ref
              LEFT JOIN day_round dr ON dr.day = nullif(s.arrived_on, '')::date`),
        )
      ).ms;
      const c0 = performance.now();
      await session.exec('COMMIT');
      p.commitMs = performance.now() - c0;
    } catch (e) {
      await session.exec('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      await client?.end();
      await db.pglite?.exec(`SET ROLE ${APP_ROLE}`);
    }
    p.totalMs = performance.now() - t0;
    const stored = Number(await db.scalar('SELECT count(*) FROM persons'));
    if (stored !== persons) throw new Error(`set-based ceiling stored ${stored} persons, expected ${persons}`);
    progress(
      `import phases ${kind}: set-based ${fmtMs(p.totalMs)} (COPY ${fmtMs(p.copyMs)}, cases ${fmtMs(p.casesMs)}, history ${fmtMs(p.caseHistoryMs)}, persons ${fmtMs(p.personsMs)})`,
    );
    return p;
  });
}

interface Call {
  label: string;
  ms: number;
  cpuMs: number;
}

/** What a statement of `writePersonChunk` writes, from its SQL. */
export function statementLabel(text: string): string {
  const t = text.replace(/\s+/g, ' ');
  if (/\bINSERT INTO persons\b/i.test(t)) return 'persons upsert';
  if (/\bUPDATE persons\b/i.test(t)) return 'household change carried to members';
  if (/\bUPDATE cases\b/i.test(t)) return 'case status update (arrivals)';
  if (/^\s*INSERT INTO cases\b/i.test(t)) return 'cases upsert';
  if (/\bINSERT INTO case_events\b/i.test(t)) return 'case history insert';
  return `other: ${t.trim().slice(0, 40)}`;
}

/** The transaction, with every `execute` timed (wall and this process's CPU) into `calls`, labelled by its SQL. */
function timingExecutor<T extends Executor>(tx: T, calls: Call[]): T {
  const dialect = (tx as unknown as { dialect: { sqlToQuery(q: SQL): { sql: string } } }).dialect;
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'execute' || typeof value !== 'function') return value;
      return async (query: SQL) => {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        try {
          return await (value as (q: SQL) => Promise<unknown>).call(target, query);
        } finally {
          const ms = performance.now() - t0;
          const cpu = process.cpuUsage(cpu0);
          calls.push({ label: statementLabel(dialect.sqlToQuery(query).sql), ms, cpuMs: (cpu.user + cpu.system) / 1000 });
        }
      };
    },
  });
}
