import { authorize, policies } from '../access/policy.ts';
import type { Executor } from '../db/db.ts';
import { appError } from '../i18n/problem.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { recordAudit, type Actor } from '../audit/audit-line.service.ts';
import { findState } from '../reference/state.ts';
import { findCountry } from '../reference/country.ts';
import { findRound, insertRound, listRounds, setRoundIncentives } from './round.repository.ts';
import { roundFileSchema, roundFromFile, type Round } from './round.ts';

export { listRounds, findRound };

/** The rounds, for a principal who may read them. */
export async function readRounds(opts: { db: Executor; actor: Actor }): Promise<Round[]> {
  authorize(policies.readRounds, opts.actor, undefined);
  return listRounds(opts.db);
}

/** One round, for a principal who may read it. */
export async function readRound(opts: { db: Executor; actor: Actor; id: string }): Promise<Round> {
  authorize(policies.readRounds, opts.actor, undefined);
  return getRound(opts.db, opts.id);
}

export async function getRound(db: Executor, id: string): Promise<Round> {
  const round = await findRound(db, id);
  if (!round) {
    const known = (await listRounds(db)).map((r) => r.id).join(', ');
    throw appError(ErrorCode.NotFound, 'roundNotFound', { p1: id, p2: known });
  }
  return round;
}

/**
 * Validates a round file and adds the round. Every problem of the file is reported at once;
 * an id that exists is refused, never overwritten.
 */
export async function addRound(opts: { db: Executor; actor: Actor; input: unknown }): Promise<Round> {
  const { db, actor, input } = opts;
  authorize(policies.manageRounds, actor, undefined);
  const parsed = roundFileSchema.safeParse(input);
  const problems: string[] = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`);
  if (parsed.success) {
    const f = parsed.data;
    for (const code of f.participants ?? []) {
      if (!findState(code)) problems.push(`participants: "${code}" is not a known state`);
    }
    for (const p of f.priorities) {
      for (const c of p.countries) if (!findCountry(c).ok) problems.push(`priorities.${p.id}: "${c}" is not an ISO 3166-1 alpha-3 country`);
    }
    const sourceIds = new Set(f.sources.map((s) => s.id));
    const cited = [
      f.target?.source,
      f.budget?.source,
      ...f.priorities.map((p) => p.source),
      ...f.incentives.map((i) => i.source),
      ...f.document_figures.map((d) => d.source),
    ];
    for (const s of cited) if (s !== undefined && !sourceIds.has(s)) problems.push(`source "${s}" is cited but not listed in sources`);
    if (f.previous !== undefined && !(await findRound(db, f.previous))) problems.push(`previous: there is no round "${f.previous}"`);
  }
  if (problems.length > 0 || !parsed.success) {
    throw appError(ErrorCode.BadInput, 'roundFileInvalid', { p1: problems.join('\n  ') }, { problems });
  }
  const round = roundFromFile(parsed.data);
  round.participants = round.participants?.map((c) => findState(c)!.code) ?? null;
  if (!(await insertRound(db, round))) {
    throw appError(ErrorCode.Conflict, 'roundExists', { p1: round.id });
  }
  await recordAudit(db, { actor, action: 'round.add', subject: `round:${round.id}`, details: { title: round.title } });
  return round;
}

/**
 * A shipped round's incentive rates as the platform ships them now (src/seed): rates are not edited
 * by users, so rewriting them overwrites no one's change.
 */
export async function resetShippedIncentiveRates(db: Executor, input: unknown): Promise<void> {
  const round = roundFromFile(roundFileSchema.parse(input));
  await setRoundIncentives(db, round.id, round.incentives);
}
