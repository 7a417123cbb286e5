import { authorize, policies } from '../access/policy.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode, type RowProblem } from '../errors/app-error.ts';
import { appError, rowProblem } from '../i18n/problem.ts';
import { columnCountProblem, inputName, type FileInput } from '../files/csv-source.ts';
import { readRecords } from '../files/read-thread.ts';
import { getRound } from '../rounds/round.service.ts';
import { memberStatesOn, STATES, type State } from '../reference/state.ts';
import type { Round } from '../rounds/round.ts';
import {
  parsePledgeRow,
  pledgeKey,
  pledgeTotals,
  PLEDGE_COLUMNS,
  PLEDGE_OPTIONAL_COLUMNS,
  type Pledge,
  type PledgeTotals,
} from './pledge.ts';
import { insertPledgeChange, listPledgeChanges, listPledges, upsertPledge } from './pledge.repository.ts';

/** A round's pledges (the read other folders use). */
export { listPledges };

/** The pledges of a round as the Annex lists them, for a principal who may read pledges. */
export async function readPledgeListing(opts: { db: Executor; actor: Actor; roundId: string }): Promise<PledgeListing> {
  authorize(policies.readPledges, opts.actor, undefined);
  return pledgeListing(opts.db, opts.roundId);
}

/** A state's pledges in a round, for a principal who may read pledges. */
export async function readStatePledges(opts: { db: Executor; actor: Actor; roundId: string; stateCode: string }) {
  authorize(policies.readPledges, opts.actor, undefined);
  await getRound(opts.db, opts.roundId);
  return (await listPledges(opts.db, opts.roundId)).filter((p) => p.stateCode === opts.stateCode);
}

/** The history of a state's pledges in a round, for a principal who may read pledges. */
export async function readPledgeChanges(opts: { db: Executor; actor: Actor; roundId: string; stateCode: string }) {
  authorize(policies.readPledges, opts.actor, undefined);
  await getRound(opts.db, opts.roundId);
  return listPledgeChanges(opts.db, opts.roundId, opts.stateCode);
}

export interface PledgeListing {
  round: Round;
  /** One entry per participating state and per state with a pledge, in protocol order. */
  states: { state: State; pledged: number; carryOver: number; pledges: Pledge[] }[];
  totals: PledgeTotals;
}

/** The states a round lists: its participants (or the Member States on its first day), and any state with a pledge. */
export function roundStates(round: Round, withData: Iterable<string>): State[] {
  const codes = new Set(round.participants ?? memberStatesOn(round.start).map((s) => s.code));
  for (const c of withData) codes.add(c);
  return STATES.filter((s) => codes.has(s.code));
}

export async function pledgeListing(db: Executor, roundId: string): Promise<PledgeListing> {
  const round = await getRound(db, roundId);
  const all = await listPledges(db, roundId);
  const states = roundStates(
    round,
    all.map((p) => p.stateCode),
  ).map((state) => {
    const own = all.filter((p) => p.stateCode === state.code);
    return { state, ...pledgeTotals(own), pledges: own };
  });
  return { round, states, totals: pledgeTotals(all) };
}

export interface ImportSummary {
  rows: number;
  added: number;
  updated: number;
  unchanged: number;
}

/**
 * Imports a pledge CSV into a round. Every bad row is reported and nothing of a failing file is
 * written; importing the same file again changes nothing.
 */
export async function importPledges(opts: {
  db: Executor;
  actor: Actor;
  roundId: string;
  path: FileInput;
  /** An upload for one state (the API's): a row of another state is a problem of that row. */
  onlyState?: string;
  /** The operator recording a document's figures (the command line's import): a round that has ended takes them too. */
  record?: boolean;
}): Promise<ImportSummary> {
  const { db, actor, roundId } = opts;
  const path = inputName(opts.path);
  await getRound(db, roundId);
  const problems: RowProblem[] = [];
  const accepted: Pledge[] = [];
  const seen = new Map<string, number>();
  for await (const rec of readRecords(opts.path, 'csv', { required: PLEDGE_COLUMNS, optional: PLEDGE_OPTIONAL_COLUMNS })) {
    const width = columnCountProblem(rec);
    if (width) {
      problems.push(width);
      continue;
    }
    const parsed = parsePledgeRow(roundId, rec.values, rec.row);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    if (opts.onlyState !== undefined && parsed.pledge.stateCode !== opts.onlyState) {
      problems.push(rowProblem(rec.row, 'member_state', rec.values.member_state ?? '', 'otherState', { state: opts.onlyState }));
      continue;
    }
    const key = pledgeKey(parsed.pledge);
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(rowProblem(rec.row, 'member_state', rec.values.member_state ?? '', 'pledgeRepeated', { first }));
      continue;
    }
    seen.set(key, rec.row);
    accepted.push(parsed.pledge);
  }
  if (problems.length > 0) {
    throw appError(ErrorCode.BadInput, 'pledgeProblems', { p1: path, p2: problems.length }, problems);
  }
  return savePledges({ db, actor, roundId, pledges: accepted, source: path, record: opts.record });
}

/**
 * A round's pledges are changed while its period lasts (and before it starts); once it has ended
 * (its last day before today, UTC) they are what the round delivered against and stay as they are.
 * Every change refuses then (the API's, an upload's); the operator recording a document's figures
 * (`pathways pledges import`, the seed's 2020 Annex) is not a change.
 */
export function assertPledgesOpen(round: { id: string; end: string }, today = new Date().toISOString().slice(0, 10)): void {
  if (round.end < today) throw appError(ErrorCode.Conflict, 'roundEndedPledges', { round: round.id, end: round.end });
}

/**
 * Adds or changes pledges of a round (each by its key: state, pathway, carry-over, country, target
 * group), in one transaction, with an audit line per pledge that changed; unchanged ones stay.
 */
export async function savePledges(opts: {
  db: Executor;
  actor: Actor;
  roundId: string;
  pledges: readonly Pledge[];
  source: string;
  record?: boolean | undefined;
}): Promise<ImportSummary> {
  const { db, actor, roundId, source: path } = opts;
  if (!opts.record) assertPledgesOpen(await getRound(db, roundId));
  const summary: ImportSummary = { rows: opts.pledges.length, added: 0, updated: 0, unchanged: 0 };
  await db.transaction(async (tx) => {
    for (const p of opts.pledges) {
      const { outcome, before } = await upsertPledge(tx, p);
      summary[outcome]++;
      if (outcome !== 'unchanged') {
        await insertPledgeChange(tx, { roundId, pledge: p, placesBefore: before ?? null, actor: actor.id, source: path });
        await recordAudit(tx, {
          actor,
          action: `pledge.${outcome === 'added' ? 'add' : 'change'}`,
          subject: `pledge:${roundId}:${pledgeKey(p)}`,
          stateCode: p.stateCode,
          details: { places: p.places, before, file: path },
        });
      }
    }
  });
  return summary;
}

/**
 * A pledge as a document prints it, loaded with the platform's reference data (src/seed): written
 * as it stands, without the checks and the history of a state's change.
 */
export async function recordShippedPledge(db: Executor, pledge: Pledge): Promise<void> {
  await upsertPledge(db, pledge);
}
