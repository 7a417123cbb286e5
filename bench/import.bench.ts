/**
 * Import benchmark: `importPersonsFile` on a fresh database against a raw COPY of the same CSV
 * into a bare table of ten text columns, the fastest way the server can take the file in.
 *
 * With phases on, the import's time is also taken apart by measuring each part on its own:
 * hashing the file, parsing the CSV, validating the rows (the importer's own classes), and the
 * chunk writes (`writePersonChunk`, each of its statements timed), once with the arrivals
 * triggers and once, on another fresh database, without them.
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
import type { Executor } from '../src/db/db.ts';
import { columnCountProblem, readCsv } from '../src/imports/csv-source.ts';
import { listRounds } from '../src/rounds/round.repository.ts';
import { writeDemoCsv } from './demo-csv.ts';
import { checkpoint, fmtInt, fmtMs, fmtSize, progress, timed, withFreshDatabase, withTempDir, type BenchDb, type DbKind } from './harness.ts';

const SEED = 2020;
const ACTOR = { id: 'bench' };
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
  phases: ImportPhases | null;
}

/** Where the import's time goes, each part measured on its own (ms). */
export interface ImportPhases {
  hashMs: number;
  parseMs: number;
  /** Parse and validate together; validation alone is the difference. */
  parseValidateMs: number;
  writes: WritePhase;
  writesNoTriggers: WritePhase;
}

export interface WritePhase {
  /** INSERT … ON CONFLICT into cases, summed over the chunks. */
  casesMs: number;
  /** INSERT … ON CONFLICT into persons, with the statement trigger where enabled. */
  personsMs: number;
  /** Any other statement of the chunk writes (the household update; none on a fresh database). */
  otherMs: number;
  commitMs: number;
  totalMs: number;
  /** CPU time of this Node process during the statements: the client side (driver, serialising the arrays); on PGlite also the database itself. */
  nodeCpuMs: number;
  chunks: number;
  /** The persons upsert of each chunk in order: whether its cost grows with the persons already written. */
  personsChunkMs: number[];
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
          const writes = await measureWrites(kind, opts.adminUrl, js.persons, true);
          const writesNoTriggers = await measureWrites(kind, opts.adminUrl, js.persons, false);
          r.phases = { hashMs: js.hashMs, parseMs: js.parseMs, parseValidateMs: js.parseValidateMs, writes, writesNoTriggers };
        }
        results.push(r);
      }
    }
  });
  return results;
}

/** One fresh database: the raw COPY, then the import, each after a checkpoint. */
async function importOnce(kind: DbKind, adminUrl: string | undefined, path: string, persons: number, csvBytes: number): Promise<ImportResult> {
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
    const copyRowsPerS = persons / (copy.ms / 1000);
    const importRowsPerS = persons / (imp.ms / 1000);
    progress(`import ${kind} ${fmtSize(persons)}: import ${fmtMs(imp.ms)} (${fmtInt(importRowsPerS)} rows/s), ${(100 * importRowsPerS / copyRowsPerS).toFixed(1)} % of COPY`);
    return { db: kind, persons, csvBytes, copyMs: copy.ms, importMs: imp.ms, copyRowsPerS, importRowsPerS, ratio: importRowsPerS / copyRowsPerS, summary, phases: null };
  });
}

/** COPY of the CSV file into `bench_copy`: from a blob on PGlite, through COPY FROM STDIN on PostgreSQL. */
async function copyCsv(db: BenchDb, path: string): Promise<void> {
  const statement = 'COPY bench_copy FROM %s WITH (FORMAT csv, HEADER true)';
  if (db.pglite) {
    const blob = await openAsBlob(path);
    await db.pglite.query(statement.replace('%s', `'/dev/blob'`), [], { blob });
    return;
  }
  const client = new pg.Client({ connectionString: db.url! });
  await client.connect();
  try {
    await pipeline(createReadStream(path), client.query(copyFrom(statement.replace('%s', 'STDIN'))));
  } finally {
    await client.end();
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
        createReadStream(path).on('data', (d) => h.update(d)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
      }),
  );

  progress('import phases: CSV parse only');
  const parse = await timed(async () => {
    let n = 0;
    for await (const rec of readCsv(path, { required: PERSON_COLUMNS })) if (rec.row > 0) n++;
    return n;
  });

  progress('import phases: CSV parse and validation');
  const validated = await timed(async () => {
    const reader = new PersonRowReader(rounds, today);
    const households = new HouseholdCheck();
    const out: PersonRow[] = [];
    for await (const rec of readCsv(path, { required: PERSON_COLUMNS })) {
      if (columnCountProblem(rec, PERSON_COLUMNS.length)) throw new Error(`row ${rec.row}: wrong width`);
      const read = reader.read(rec.values, rec.row);
      if (!read.ok) throw new Error(`row ${rec.row}: ${JSON.stringify(read.problems)}`);
      if (households.check(read.person, rec.row, rec.values).length > 0) throw new Error(`row ${rec.row}: household clash`);
      out.push(read.person);
    }
    return out;
  });
  progress(`import phases: hash ${fmtMs(hash.ms)}, parse ${fmtMs(parse.ms)}, parse+validate ${fmtMs(validated.ms)}`);
  return { hashMs: hash.ms, parseMs: parse.ms, parseValidateMs: validated.ms, persons: validated.value };
}

/**
 * The chunk writes alone, on a fresh database: the validated persons written in the importer's
 * chunks by `writePersonChunk`, in one transaction, each statement timed through a proxy of the
 * transaction. Without triggers, the arrivals trigger on insert is disabled first.
 */
async function measureWrites(kind: DbKind, adminUrl: string | undefined, persons: readonly PersonRow[], triggers: boolean): Promise<WritePhase> {
  return withFreshDatabase(kind, adminUrl, async (db) => {
    if (!triggers) await db.exec('ALTER TABLE persons DISABLE TRIGGER persons_arrivals_insert');
    await checkpoint(db);
    progress(`import phases ${kind}: chunk writes ${triggers ? 'with' : 'without'} the arrivals trigger`);
    const w: WritePhase = { casesMs: 0, personsMs: 0, otherMs: 0, commitMs: 0, totalMs: 0, nodeCpuMs: 0, chunks: 0, personsChunkMs: [] };
    const t0 = performance.now();
    let lastStatementEnd = 0;
    await db.database.db.transaction(async (tx) => {
      const [imp] = await tx.insert(imports).values({ kind: 'persons', source: 'bench', actor: ACTOR.id }).returning({ id: imports.id });
      for (let i = 0; i < persons.length; i += CHUNK) {
        const calls: { ms: number; cpuMs: number }[] = [];
        await writePersonChunk(timingExecutor(tx, calls), persons.slice(i, i + CHUNK), imp!.id, ACTOR.id, new Date().toISOString().slice(0, 10));
        w.chunks++;
        for (const [j, c] of calls.entries()) {
          if (j === 0) w.casesMs += c.ms;
          else if (j === calls.length - 1) {
            w.personsMs += c.ms;
            w.personsChunkMs.push(c.ms);
          }
          else w.otherMs += c.ms;
          w.nodeCpuMs += c.cpuMs;
        }
      }
      lastStatementEnd = performance.now();
    });
    const end = performance.now();
    w.commitMs = end - lastStatementEnd;
    w.totalMs = end - t0;
    const stored = Number(await db.scalar('SELECT count(*) FROM persons'));
    if (stored !== persons.length) throw new Error(`chunk writes stored ${stored} persons, expected ${persons.length}`);
    progress(`import phases ${kind}: writes ${triggers ? 'with' : 'without'} trigger ${fmtMs(w.totalMs)} (cases ${fmtMs(w.casesMs)}, persons ${fmtMs(w.personsMs)}, commit ${fmtMs(w.commitMs)})`);
    return w;
  });
}

/** The transaction, with every `execute` timed (wall and this process's CPU) into `calls`. */
function timingExecutor<T extends Executor>(tx: T, calls: { ms: number; cpuMs: number }[]): T {
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== 'execute' || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        try {
          return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } finally {
          const cpu = process.cpuUsage(cpu0);
          calls.push({ ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 });
        }
      };
    },
  });
}
