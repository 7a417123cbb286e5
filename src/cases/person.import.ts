import { createHash } from 'node:crypto';
import { appError, rowProblem } from '../i18n/problem.ts';
import { createReadStream } from 'node:fs';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import { finishImportRecord, startImportRecord } from '../audit/import-record.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode, type RowProblem } from '../errors/app-error.ts';
import { columnCountProblem, fileSize, inputName, type CsvRecord, type FileInput } from '../files/csv-source.ts';
import { refreshIncentives } from '../incentives/incentive.service.ts';
import { listRounds } from '../rounds/round.service.ts';
import { turnOffJit, writePersonChunk } from './case.repository.ts';
import { CASE_OPTIONAL_COLUMNS, HouseholdCheck, PERSON_COLUMNS, PersonRowReader, type PersonRow } from './person-row.ts';
import { readRecords } from '../files/read-thread.ts';

export interface PersonImportSummary {
  importId: number;
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
  casesAdded: number;
  casesUpdated: number;
  /** Persons with an arrival date that no round's period holds and whose row names no round. */
  outsideAnyRound: number;
}

export interface PersonImportProgress {
  rows: number;
  /** Share of the input read, 0..1, where it is known. */
  fraction: number | null;
}

const CHUNK = 20_000;
/** Problems kept in full; beyond this only their number grows, so a broken file cannot exhaust memory. */
const MAX_PROBLEMS = 10_000;

/**
 * Imports persons (and their cases) from records: one pass that validates every row and writes
 * in chunks inside one transaction. When any row is bad, the transaction is rolled back and every
 * bad row reported: nothing of a failing input is written. The aggregates of the state of play
 * follow in the same transaction (triggers).
 */
export async function importPersons(opts: {
  db: Executor;
  actor: Actor;
  records: AsyncIterable<CsvRecord>;
  source: string;
  sha256?: string | null;
  today?: string;
  onProgress?: (p: PersonImportProgress) => void;
  fraction?: () => number | null;
  /** An upload for one state (the API's): a row of another state is a problem of that row. */
  onlyState?: string;
}): Promise<PersonImportSummary> {
  const { db, actor, records, source } = opts;
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const reader = new PersonRowReader(await listRounds(db), today);
  const households = new HouseholdCheck();
  const problems: RowProblem[] = [];
  let problemCount = 0;
  const note = (ps: RowProblem[]) => {
    problemCount += ps.length;
    for (const p of ps) if (problems.length < MAX_PROBLEMS) problems.push(p);
  };

  class Rollback extends Error {}
  let summary: PersonImportSummary | undefined;
  try {
    await db.transaction(async (tx) => {
      await turnOffJit(tx);
      const importId = await startImportRecord(tx, { kind: 'persons', source, sha256: opts.sha256 ?? null, actor });
      const s: PersonImportSummary = {
        importId,
        rows: 0,
        added: 0,
        updated: 0,
        unchanged: 0,
        casesAdded: 0,
        casesUpdated: 0,
        outsideAnyRound: 0,
      };
      const perState = new Map<string, { added: number; updated: number }>();
      let chunk: PersonRow[] = [];
      const flush = async () => {
        if (chunk.length === 0 || problemCount > 0) {
          chunk = [];
          return;
        }
        const out = await writePersonChunk(tx, chunk, s.importId, actor.id, today);
        s.casesAdded += out.casesAdded;
        s.casesUpdated += out.casesUpdated;
        for (const st of out.byState) {
          s.added += st.added;
          s.updated += st.updated;
          const sum = perState.get(st.stateCode) ?? { added: 0, updated: 0 };
          sum.added += st.added;
          sum.updated += st.updated;
          perState.set(st.stateCode, sum);
        }
        chunk = [];
      };

      for await (const rec of records) {
        s.rows++;
        const width = columnCountProblem(rec);
        if (width) {
          note([width]);
          continue;
        }
        const read = reader.read(rec.values, rec.row);
        if (!read.ok) {
          note(read.problems);
          continue;
        }
        if (opts.onlyState !== undefined && read.person.stateCode !== opts.onlyState) {
          note([rowProblem(rec.row, 'member_state', rec.values.member_state ?? '', 'otherState', { state: opts.onlyState })]);
          continue;
        }
        const clash = households.check(read.person, rec.row, rec.values);
        if (clash.length > 0) {
          note(clash);
          continue;
        }
        if (read.person.arrivedOn !== null && read.person.roundId === null) s.outsideAnyRound++;
        if (problemCount === 0) {
          chunk.push(read.person);
          if (chunk.length >= CHUNK) await flush();
        }
        if (s.rows % 5000 === 0) opts.onProgress?.({ rows: s.rows, fraction: opts.fraction?.() ?? null });
      }
      await flush();
      opts.onProgress?.({ rows: s.rows, fraction: 1 });
      if (problemCount > 0) throw new Rollback();

      // Persons imported as arrived (or whose evidence the file changed) get their AMIF incentive.
      await refreshIncentives(tx, actor, { importId: s.importId, reason: 'evidence' });
      s.unchanged = s.rows - s.added - s.updated;
      await finishImportRecord(tx, s.importId, { rows: s.rows, added: s.added, updated: s.updated, unchanged: s.unchanged });
      // One audit line per tenant whose persons this import wrote, in the import's transaction.
      for (const [stateCode, counts] of [...perState].sort(([a], [b]) => a.localeCompare(b))) {
        await recordAudit(tx, {
          actor,
          action: 'persons.import',
          subject: `import:${s.importId}`,
          stateCode,
          details: { source, sha256: opts.sha256 ?? null, ...counts },
        });
      }
      summary = s;
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  if (problemCount > 0) {
    throw appError(
      ErrorCode.BadInput,
      problemCount > problems.length ? 'rowProblemsListed' : 'rowProblems',
      { p1: source, p2: problemCount, listed: problems.length },
      problems,
    );
  }
  return summary!;
}

type FileImport = {
  db: Executor;
  actor: Actor;
  path: FileInput;
  today?: string;
  onProgress?: (p: PersonImportProgress) => void;
  onlyState?: string;
};

/** Imports a person CSV file, with its SHA-256 kept in the import record. */
export function importPersonsFile(opts: FileImport): Promise<PersonImportSummary> {
  return importFile(opts, false);
}

/**
 * Imports a case file, CSV or XLSX: the person columns and the case columns (priority, categories,
 * partner, linked cases, relationship, needs, referral day), close to UNHCR's Resettlement
 * Registration Form.
 */
export function importCasesFile(opts: FileImport): Promise<PersonImportSummary> {
  return importFile(opts, true);
}

async function importFile(opts: FileImport, caseFile: boolean): Promise<PersonImportSummary> {
  let fraction: number | null = 0;
  const source = {
    required: PERSON_COLUMNS,
    optional: caseFile ? CASE_OPTIONAL_COLUMNS : [],
    onProgress: (read: number, total: number) => (fraction = total > 0 ? read / total : null),
  };
  const read = readRecords(opts.path, caseFile && /\.xlsx$/i.test(inputName(opts.path)) ? 'xlsx' : 'csv', source);
  const records = caseFile ? withCaseColumns(read) : read;
  const sha256 = typeof opts.path === 'string' ? await hashFile(opts.path) : createHash('sha256').update(opts.path.bytes).digest('hex');
  return importPersons({ ...opts, records, source: inputName(opts.path), sha256, fraction: () => fraction });
}

/** Every record of a case file carries the case columns, empty where the file lacks one. */
async function* withCaseColumns(records: AsyncIterable<CsvRecord>): AsyncGenerator<CsvRecord> {
  for await (const r of records) {
    for (const c of CASE_OPTIONAL_COLUMNS) if (!(c in r.values)) r.values[c] = '';
    yield r;
  }
}

function hashFile(path: string): Promise<string> {
  fileSize(path); // a clear error for a missing file, before anything else
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', (e) => reject(appError(ErrorCode.NotFound, 'cannotRead', { p1: path, p2: e.message })));
  });
}
