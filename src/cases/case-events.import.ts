import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode, isAppError, type RowProblem } from '../errors/app-error.ts';
import { appError, rowProblem } from '../i18n/problem.ts';
import { columnCountProblem, inputName, type CsvRecord, type FileInput } from '../files/csv-source.ts';
import { readRecords } from '../files/read-thread.ts';
import { findState } from '../reference/state.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import { advanceCase, parseAction } from './advance-case.ts';
import { stateOfCase } from './case.service.ts';

export const EVENT_COLUMNS = ['case_ref', 'stage', 'date', 'actor', 'reason'] as const;
export const EVENT_OPTIONAL_COLUMNS = ['member_state', 'modality'] as const;

export interface EventImportSummary {
  rows: number;
  moved: number;
  cases: number;
}

/**
 * Back-fills the history of cases managed elsewhere: one row per move (a stage, or hold, resume,
 * withdraw), applied in the file's order through the same rules as any move. Every bad row is
 * reported (after a case's first bad row its later rows are not tried: they would rest on it), and
 * nothing of a failing file is written. Each move keeps the actor the file names, beside the
 * importing user in the audit trail.
 */
export async function importCaseEvents(opts: {
  db: Executor;
  actor: Actor;
  path: FileInput;
  today?: string;
  onProgress?: (rows: number, fraction: number | null) => void;
  /** A file for one state (an upload): a row naming another state is a bad row, said as such. */
  onlyState?: string;
}): Promise<EventImportSummary> {
  const { db, actor } = opts;
  const path = inputName(opts.path);
  let fraction: number | null = 0;
  const records = readRecords(opts.path, 'csv', {
    required: EVENT_COLUMNS,
    optional: EVENT_OPTIONAL_COLUMNS,
    onProgress: (r, t) => (fraction = t ? r / t : null),
  });
  const problems: RowProblem[] = [];
  const broken = new Set<string>();
  const touched = new Set<string>();
  const summary: EventImportSummary = { rows: 0, moved: 0, cases: 0 };
  class Rollback extends Error {}
  try {
    await db.transaction(async (tx) => {
      for await (const rec of records) {
        summary.rows++;
        if (summary.rows % 1000 === 0) opts.onProgress?.(summary.rows, fraction);
        const problem = await applyRow(tx, actor, rec, broken, touched, opts.today, opts.onlyState);
        if (problem) problems.push(problem);
        else summary.moved++;
      }
      if (problems.length > 0) throw new Rollback();
      summary.cases = touched.size;
      await recordAudit(tx, {
        actor,
        action: 'case.events.import',
        subject: `file:${path}`,
        details: { rows: summary.rows, cases: summary.cases },
      });
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  if (problems.length > 0) throw appError(ErrorCode.BadInput, 'rowProblems', { p1: path, p2: problems.length }, problems);
  return summary;
}

async function applyRow(
  db: Executor,
  actor: Actor,
  rec: CsvRecord,
  broken: Set<string>,
  touched: Set<string>,
  today?: string,
  onlyState?: string,
): Promise<RowProblem | null> {
  const v = (c: string) => (rec.values[c] ?? '').trim();
  const width = columnCountProblem(rec);
  if (width) return width;
  const caseRef = v('case_ref');
  if (!caseRef) return rowProblem(rec.row, 'case_ref', '', 'required');
  const stateText = v('member_state');
  const state = stateText ? findState(stateText) : null;
  if (stateText && !state) return rowProblem(rec.row, 'member_state', stateText, 'stateUnknown');
  if (onlyState !== undefined && state && state.code !== onlyState)
    return rowProblem(rec.row, 'member_state', stateText, 'otherState', { state: onlyState });
  const date = v('date');
  if (!isValidIsoDate(date)) return rowProblem(rec.row, 'date', date, 'date');
  if (!v('actor')) return rowProblem(rec.row, 'actor', '', 'required');
  const key = `${state?.code ?? ''}\u0000${caseRef}`;
  if (broken.has(key)) return rowProblem(rec.row, 'case_ref', caseRef, 'afterBadRow');
  try {
    const stateCode = await stateOfCase(db, caseRef, state?.code ?? onlyState);
    const modality = v('modality') || null;
    await advanceCase({
      db,
      actor: { ...actor, id: v('actor') },
      stateCode,
      caseRef,
      action: parseAction(v('stage')),
      reason: v('reason') || null,
      modality: modality as never,
      on: date,
      today,
    });
    touched.add(`${stateCode}\u0000${caseRef}`);
    return null;
  } catch (e) {
    if (!isAppError(e)) throw e;
    broken.add(key);
    const column = /stage or an action/.test(e.message) ? 'stage' : /date|before it|future/.test(e.message) ? 'date' : 'stage';
    return { row: rec.row, column, value: v(column), reason: e.message };
  }
}
