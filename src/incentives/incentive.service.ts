import { authorize, policies } from '../access/policy.ts';
import type { Principal } from '../access/principal.ts';
import { recordAudit } from '../audit/audit-line.service.ts';
import type { Executor } from '../db/db.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import type { Translate } from '../i18n/i18n.ts';
import { findState } from '../reference/state.ts';
import { getRound, listRounds } from '../rounds/round.service.ts';
import { isValidIsoDate, type BudgetFigure, type Incentive, type Round } from '../rounds/round.ts';
import { describeIncentive, evidenceOf, rateFor, type IncentiveEvidence } from './incentive.ts';
import {
  caseIncentiveRows,
  claimRows,
  claimSums,
  committedAllStates,
  incentiveRows,
  incentiveTotals,
  insertClaim,
  overlappingClaims,
  refreshIncentiveRows,
  type ChangeRow,
  type ClaimRow,
  type PersonFilter,
  type RateTotal,
} from './incentive.repository.ts';

/**
 * The AMIF incentives: computed on arrival, recomputed when their evidence changes (each change a
 * line of history with before, after and why), reported per person to the state and in totals to
 * the Commission, claimed per period, and set against the round's budget.
 */

export type RefreshReason = 'arrival' | 'evidence' | 'rates';

/** Distinct evidence inputs read, and person ids written, at a time by `refreshIncentives`. */
export const REFRESH_PAGE = 20_000;

export interface RefreshSummary {
  /** Arrived persons whose incentive was computed. */
  computed: number;
  /** Of them, those whose incentive was new or changed (each got a line of history). */
  changed: number;
}

/**
 * Computes the incentive of every arrived, not excluded person of the scope whose round has rates,
 * and writes those that are new or changed (rate, amount, evidence, round, arrival day) with a line
 * of history: a new one's reason is `arrival`, a changed one's the reason given. Set-based
 * (`refreshIncentiveRows`): a rate is decided here once per distinct evidence input, and the persons
 * are joined to the decisions and written by the database, `pageSize` ids at a time (default
 * REFRESH_PAGE), in the caller's transaction.
 */
export async function refreshIncentives(
  db: Executor,
  principal: Principal,
  opts: { personIds?: number[]; caseIds?: number[]; stateCode?: string; importId?: number; reason: RefreshReason; pageSize?: number },
): Promise<RefreshSummary> {
  if (opts.stateCode !== undefined) authorize(policies.changeCase, principal, { stateCode: opts.stateCode });
  const rounds = new Map((await listRounds(db)).filter((r) => r.incentives.length > 0).map((r) => [r.id, r]));
  if (rounds.size === 0) return { computed: 0, changed: 0 };
  const filter: PersonFilter =
    opts.personIds !== undefined
      ? { personIds: opts.personIds }
      : opts.caseIds !== undefined
        ? { caseIds: opts.caseIds }
        : opts.stateCode !== undefined
          ? { stateCode: opts.stateCode }
          : opts.importId !== undefined
            ? { importId: opts.importId }
            : {};
  // Per state whose incentives changed (authorised at its first change): how many, in which rounds.
  const changedIn = new Map<string, { changed: number; rounds: Set<string> }>();
  const { computed } = await refreshIncentiveRows(db, {
    roundIds: [...rounds.keys()],
    filter,
    pageSize: opts.pageSize ?? REFRESH_PAGE,
    reason: opts.reason,
    actor: principal.id,
    // A rate is decided once per distinct evidence input (a million arrivals of a round are a handful).
    decide: (keys) =>
      keys.map(([roundId, pathway, countryOfDeparture, needTypes, vulnerableGroups, priority, primaryCategory, secondaryCategory]) => {
        const round = rounds.get(roundId)!;
        const evidence = evidenceOf(
          { pathway, countryOfDeparture, needs: needTypes.map((type) => ({ type })), vulnerableGroups },
          { priority, primaryCategory, secondaryCategory },
          round,
        );
        const rate = rateFor(round.incentives, evidence);
        return { evidence, rateId: rate.rate?.id ?? null, amount: rate.amount };
      }),
    onChanged: (found) => {
      for (const f of found) {
        let mine = changedIn.get(f.stateCode);
        if (!mine) {
          authorize(policies.changeCase, principal, { stateCode: f.stateCode });
          mine = { changed: 0, rounds: new Set<string>() };
          changedIn.set(f.stateCode, mine);
        }
        mine.changed += f.changed;
        for (const r of f.rounds) mine.rounds.add(r);
      }
    },
  });
  let changed = 0;
  for (const s of [...changedIn.keys()].sort()) {
    const mine = changedIn.get(s)!;
    changed += mine.changed;
    await recordAudit(db, {
      actor: principal,
      action: 'incentive.compute',
      purpose: 'AMIF incentives: the rate each arrived person earns',
      subject: `state:${s}`,
      stateCode: s,
      fields: ['rateId', 'amount', 'evidence'],
      details: { reason: opts.reason, changed: mine.changed, rounds: [...mine.rounds] },
    });
  }
  return { computed, changed };
}

// ── One case: its members' incentives and history ─────────────────────────────────────────────

/** A line of a person's incentive history (the person is the member it belongs to). */
export type IncentiveChange = Omit<ChangeRow, 'personRef'>;

export interface MemberIncentive {
  personRef: string;
  vulnerableGroups: string[];
  /** Null before arrival, or where the person's round has no rates. */
  incentive: {
    roundId: string;
    arrivedOn: string;
    rateId: string | null;
    amount: number;
    currency: string;
    evidence: IncentiveEvidence;
    explanation: string;
    revision: number;
  } | null;
  history: IncentiveChange[];
}

/**
 * The incentives of a case's members, each with its history (why each change), explained in `t`'s
 * language: the part of src/cases/case-incentives.service.ts that reads this folder's tables (that
 * use case authorises the read, finds the case and writes the audit line).
 */
export async function incentivesOfCase(db: Executor, caseId: number, t: Translate): Promise<MemberIncentive[]> {
  const { members, changes } = await caseIncentiveRows(db, caseId);
  const rates = new Map<string, Incentive[]>((await listRounds(db)).map((r) => [r.id, r.incentives]));
  return members.map((m) => {
    const incentive =
      m.evidence && m.roundId && m.arrivedOn && m.amount !== null
        ? {
            roundId: m.roundId,
            arrivedOn: m.arrivedOn,
            rateId: m.rateId,
            amount: m.amount,
            currency: 'EUR',
            evidence: m.evidence,
            explanation: explain(m.evidence, m.rateId, rates.get(m.roundId) ?? [], t),
            revision: m.revision ?? 1,
          }
        : null;
    const history = changes.filter((h) => h.personRef === m.personRef).map(({ personRef: _, ...h }) => h);
    return { personRef: m.personRef, vulnerableGroups: m.vulnerableGroups, incentive, history };
  });
}

/** The words of a stored incentive: the evidence, and which rate it decided and why. */
function explain(e: IncentiveEvidence, rateId: string | null, rates: readonly Incentive[], t: Translate): string {
  const d = rateFor(rates, e);
  // Where the round's rates changed since (and the incentive not yet recomputed), name the stored rate.
  return describeIncentive(
    e,
    d.rate?.id === rateId ? d : { rate: rates.find((r) => r.id === rateId) ?? null, because: null, groups: [] },
    t,
  );
}

// ── The report of a round ────────────────────────────────────────────────────────────────────

export interface PersonIncentiveLine {
  stateCode: string;
  caseRef: string;
  personRef: string;
  arrivedOn: string;
  countryOfDeparture: string;
  rateId: string | null;
  amount: number;
  evidence: IncentiveEvidence;
  explanation: string;
}

export interface IncentiveReport {
  round: string;
  title: string;
  currency: string;
  /** The state asked for, or null for every state the scope sees. */
  state: string | null;
  rates: {
    id: string;
    label: string;
    amount: number;
    pathway: string | null;
    source: string | null;
    locator: string | null;
    note: string | null;
  }[];
  /** Per state and rate (a null rate: persons no rate applies to). */
  byRate: RateTotal[];
  /** Per state. */
  states: { stateCode: string; persons: number; amount: number }[];
  total: { persons: number; amount: number };
  /** Per person, for a state's officers and the operator only; null for the Commission. */
  persons: PersonIncentiveLine[] | null;
}

/**
 * A round's incentives. The Commission gets totals per state and rate (the statistics function,
 * no person); a state's officer their state's persons with the totals computed from them; the
 * operator every state's persons, each explained in `t`'s language. Reading persons is audited.
 */
export async function incentiveReport(
  db: Executor,
  principal: Principal,
  opts: { roundId: string; stateCode?: string | null; t: Translate },
): Promise<IncentiveReport> {
  const state = opts.stateCode ?? (principal.role === 'state_officer' ? principal.stateCode : null);
  authorize(policies.readIncentives, principal, { stateCode: state });
  const round = await getRound(db, opts.roundId);
  const withPersons = principal.role === 'operator' || principal.role === 'state_officer';
  let byRate: RateTotal[];
  let persons: PersonIncentiveLine[] | null = null;
  if (withPersons) {
    const found = await incentiveRows(db, round.id, state);
    persons = found.map((r) => ({
      stateCode: r.stateCode,
      caseRef: r.caseRef,
      personRef: r.personRef,
      arrivedOn: r.arrivedOn,
      countryOfDeparture: r.evidence.countryOfDeparture,
      rateId: r.rateId,
      amount: r.amount,
      evidence: r.evidence,
      explanation: explain(r.evidence, r.rateId, round.incentives, opts.t),
    }));
    const sums = new Map<string, RateTotal>();
    for (const p of persons) {
      const k = `${p.stateCode}\u0000${p.rateId ?? ''}`;
      const t = sums.get(k) ?? { stateCode: p.stateCode, rateId: p.rateId, persons: 0, amount: 0 };
      t.persons++;
      t.amount += p.amount;
      sums.set(k, t);
    }
    byRate = [...sums.values()].sort(
      (a, b) => a.stateCode.localeCompare(b.stateCode) || (a.rateId ?? '\uffff').localeCompare(b.rateId ?? '\uffff'),
    );
    const byState = new Map<string, number>();
    for (const p of persons) byState.set(p.stateCode, (byState.get(p.stateCode) ?? 0) + 1);
    for (const [s, n] of [...byState].sort()) {
      await recordAudit(db, {
        actor: principal,
        action: 'incentive.report',
        purpose: 'AMIF incentives: the report of a round',
        subject: `round:${round.id}`,
        stateCode: s,
        recordIds: n <= 1000 ? persons.filter((p) => p.stateCode === s).map((p) => `person:${p.personRef}`) : [],
        fields: ['caseRef', 'personRef', 'arrivedOn', 'countryOfDeparture', 'rateId', 'amount', 'evidence'],
        details: { persons: n },
      });
    }
  } else {
    byRate = (await incentiveTotals(db, round.id)).filter((t) => state === null || t.stateCode === state);
  }
  const states = new Map<string, { stateCode: string; persons: number; amount: number }>();
  for (const t of byRate) {
    const s = states.get(t.stateCode) ?? { stateCode: t.stateCode, persons: 0, amount: 0 };
    s.persons += t.persons;
    s.amount += t.amount;
    states.set(t.stateCode, s);
  }
  const total = { persons: 0, amount: 0 };
  for (const s of states.values()) {
    total.persons += s.persons;
    total.amount += s.amount;
  }
  return {
    round: round.id,
    title: round.title,
    currency: 'EUR',
    state,
    rates: round.incentives.map((i) => ({
      id: i.id,
      label: i.label.en,
      amount: i.amount,
      pathway: i.pathway ?? null,
      source: i.source ?? null,
      locator: i.locator ?? null,
      note: i.note ?? null,
    })),
    byRate,
    states: [...states.values()],
    total,
    persons,
  };
}

// ── Claims and the budget ────────────────────────────────────────────────────────────────────

export type IncentiveClaim = ClaimRow;

/** A state's claim for a period: the incentives of its persons arrived in it, per rate. A period overlapping an earlier claim is refused (409). */
export async function makeClaim(
  db: Executor,
  principal: Principal,
  opts: { roundId: string; stateCode: string; from: string; to: string },
): Promise<IncentiveClaim> {
  const { roundId, stateCode, from, to } = opts;
  authorize(policies.claimIncentives, principal, { stateCode });
  if (!findState(stateCode)) throw appError(ErrorCode.BadInput, 'stateUnknown', { p1: stateCode });
  for (const d of [from, to]) if (!isValidIsoDate(d)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: d });
  if (from > to) throw appError(ErrorCode.BadInput, 'claimPeriod', { p1: from, p2: to });
  const round = await getRound(db, roundId);
  const clash = await overlappingClaims(db, round.id, stateCode, from, to);
  if (clash.length > 0) {
    const c = clash[0]!;
    throw appError(
      ErrorCode.Conflict,
      'claimOverlap',
      { p1: stateCode, p2: from, p3: to, p4: c.from, p5: c.to },
      { claims: clash.map((x) => ({ id: x.id, from: x.from, to: x.to })) },
    );
  }
  const sums = await claimSums(db, round.id, stateCode, from, to);
  const claim = await insertClaim(db, {
    stateCode,
    roundId: round.id,
    from,
    to,
    persons: sums.reduce((n, s) => n + s.persons, 0),
    amount: sums.reduce((n, s) => n + s.amount, 0),
    byRate: Object.fromEntries(sums.map((s) => [s.rateId, { persons: s.persons, amount: s.amount }])),
    madeBy: principal.id,
  });
  await recordAudit(db, {
    actor: principal,
    action: 'incentive.claim',
    subject: `round:${round.id}`,
    stateCode,
    details: { claim: claim.id, from, to, persons: claim.persons, amount: claim.amount },
  });
  return claim;
}

export async function listClaims(
  db: Executor,
  principal: Principal,
  opts: { roundId: string; stateCode: string },
): Promise<IncentiveClaim[]> {
  authorize(policies.claimIncentives, principal, { stateCode: opts.stateCode });
  const round = await getRound(db, opts.roundId);
  return claimRows(db, round.id, opts.stateCode);
}

export interface RoundBudget {
  round: string;
  currency: string;
  /** The document's figure as stated (value, qualifier, source), or null where the round states none. */
  budget: BudgetFigure | null;
  /** The incentives of every state so far. */
  committed: number;
  persons: number;
  /** The budget less what is committed; null without a budget. */
  remaining: number | null;
}

/** The round's budget, committed and remaining: figures only, for every signed-in principal. */
export async function roundBudget(db: Executor, principal: Principal, roundId: string): Promise<RoundBudget> {
  authorize(policies.readFigures, principal, undefined);
  const round: Round = await getRound(db, roundId);
  const { persons, amount } = await committedAllStates(db, round.id);
  const budget = round.budget ?? null;
  return {
    round: round.id,
    currency: budget?.currency ?? 'EUR',
    budget,
    committed: amount,
    persons,
    remaining: budget ? budget.value - amount : null,
  };
}
