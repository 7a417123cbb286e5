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
import {
  copyIntoPersonStage,
  createPersonStage,
  dropPersonStage,
  isRepeatedRow,
  stageHouseholds,
  stagedProblems,
  stageLine,
  writeStagedPersons,
  type RawCells,
  type StagedProblem,
} from './person-copy.repository.ts';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS, PersonRowReader, type PersonRow } from './person-row.ts';
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

/** Problems kept in full; beyond this only their number grows, so a broken file cannot exhaust memory. */
const MAX_PROBLEMS = 10_000;
/** Text gathered before it is handed to the COPY. */
const COPY_BATCH = 1 << 16;
/**
 * The share of the progress bar that reading the file (and streaming it to the database) fills; the
 * set-based steps after it fill the rest: the checks across rows, cases, persons, arrivals, incentives.
 */
const READ_SHARE = 0.5;
const STEP_SHARE = [0.6, 0.75, 0.9, 0.93] as const;

/**
 * Imports persons (and their cases) from records, in one transaction: each row is validated as it
 * is read and streamed with COPY into a staging table (src/cases/person-copy.repository.ts); the
 * checks across rows (a person twice, a household that disagrees with itself) run set-based on the
 * staging table, so that no key of the file is held in memory; then set-based statements write
 * cases, persons and the case history. When any row is bad, the transaction is rolled back and every
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
  let problems: RowProblem[] = [];
  let problemCount = 0;
  const note = (ps: RowProblem[]) => {
    problemCount += ps.length;
    for (const p of ps) if (problems.length < MAX_PROBLEMS) problems.push(p);
  };

  class Rollback extends Error {}
  let summary: PersonImportSummary | undefined;
  try {
    await db.transaction(async (tx) => {
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
      const progress = (fraction: number | null) => opts.onProgress?.({ rows: s.rows, fraction });
      await createPersonStage(tx);
      const copy = await copyIntoPersonStage(tx);
      // Whether the file has the case columns (`cases import`): then they are the case's, else the case keeps its own.
      let ext = false;
      let lines = '';
      try {
        for await (const rec of records) {
          s.rows++;
          if (s.rows % 5000 === 0) {
            const f = opts.fraction?.() ?? null;
            progress(f === null ? null : f * READ_SHARE);
          }
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
          const p = read.person;
          if (opts.onlyState !== undefined && p.stateCode !== opts.onlyState) {
            note([rowProblem(rec.row, 'member_state', rec.values.member_state ?? '', 'otherState', { state: opts.onlyState })]);
            continue;
          }
          if (p.arrivedOn !== null && p.roundId === null) s.outsideAnyRound++;
          if (p.caseFields) ext = true;
          // Every valid row goes to the staging table, also after a bad one: the checks across rows
          // must see them all, so that every bad row of the file is listed.
          lines += stageLine(p, rec.row, householdCaseFields(p), rawCells(rec.values, p));
          if (lines.length >= COPY_BATCH) {
            await copy.write(lines);
            lines = '';
          }
        }
        if (lines) await copy.write(lines);
        await copy.end();
      } catch (e) {
        await copy.abort();
        throw e;
      }
      progress(READ_SHARE);

      // The checks across rows. A household that disagrees with itself is seen in the households'
      // aggregate, which the writes need anyway; a person repeated is refused by the persons upsert
      // itself (below), so a good file pays for no check of its own. Every bad row is then listed.
      const listAcross = async () => {
        const across = await stagedProblems(tx, MAX_PROBLEMS);
        if (across.total === 0) return;
        problemCount += across.total;
        // Both lists are in row order, each cut at MAX_PROBLEMS: the first MAX_PROBLEMS of the two together.
        problems = [...problems, ...across.problems.map(asRowProblem)].sort((a, b) => a.row - b.row).slice(0, MAX_PROBLEMS);
      };
      const { disagree } = await stageHouseholds(tx);
      if (problemCount > 0 || disagree) await listAcross();
      if (problemCount > 0) throw new Rollback();
      progress(STEP_SHARE[0]);

      let out: Awaited<ReturnType<typeof writeStagedPersons>>;
      try {
        out = await tx.transaction((sp) =>
          writeStagedPersons(sp, {
            importId,
            actor: actor.id,
            today,
            ext,
            onStep: (done) => progress(STEP_SHARE[Math.min(done, STEP_SHARE.length - 1)]!),
          }),
        );
      } catch (e) {
        if (!isRepeatedRow(e)) throw e;
        await listAcross();
        if (problemCount === 0) throw e;
        throw new Rollback();
      }
      await dropPersonStage(tx);
      s.casesAdded = out.casesAdded;
      s.casesUpdated = out.casesUpdated;
      const perState = new Map<string, { added: number; updated: number }>();
      for (const st of out.byState) {
        s.added += st.added;
        s.updated += st.updated;
        perState.set(st.stateCode, { added: st.added, updated: st.updated });
      }

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
      progress(1);
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

/**
 * The case columns of a row as the household check compares them: null where the row states none
 * (a later member may leave them empty), else all of them, so that two rows agree only when they
 * state the same.
 */
function householdCaseFields(p: PersonRow): string | null {
  const c = p.caseFields;
  if (!c || !Object.values(c).some((x) => x !== null && !(Array.isArray(x) && x.length === 0))) return null;
  return JSON.stringify(c);
}

/** The file's text of the cells a problem across rows may quote, where it differs from the value read. */
function rawCells(rec: Record<string, string>, p: PersonRow): RawCells | null {
  const raw: RawCells = {};
  let any = false;
  const keep = (column: keyof RawCells, read: string | null) => {
    const text = rec[column] ?? '';
    if (text !== (read ?? '')) {
      raw[column] = text;
      any = true;
    }
  };
  keep('person_ref', p.personRef);
  keep('pathway', p.pathway);
  keep('round', p.namedRound);
  keep('country_of_departure', p.countryOfDeparture);
  if (p.caseFields) keep('priority', p.caseFields.priority);
  return any ? raw : null;
}

/** A problem found across rows, as the row-by-row household check words it. */
function asRowProblem(p: StagedProblem): RowProblem {
  const value = p.raw?.[p.column as keyof RawCells] ?? p.mine ?? '';
  if (p.code === 'personRepeated')
    return rowProblem(p.row, 'person_ref', value, 'personRepeated', { person: p.personRef, case: p.caseRef, first: p.first });
  const theirs = p.column === 'priority' ? 'priority, categories, partner, linked cases' : (p.theirs ?? '–');
  return rowProblem(p.row, p.column, value, 'householdDiffers', { first: p.first, theirs });
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
