import type { Modality, Stage, Status } from '../cases/stage.ts';
import { dayNumber, dayString, type CaseEvent, type CaseHistory, type Priority } from '../evaluation/case-history.ts';
import { drawHousehold, picker, rng, SUSPENSION } from './demo.ts';

/**
 * Synthetic but realistic case histories for the 2020–2021 round: households referred from mid-2019
 * to late 2021, each run through the stages with durations drawn from the ranges below, some
 * rejected, withdrawn or deferred, and the worldwide suspension of spring 2020. States, countries
 * of departure, citizenships and household sizes come from the same distributions as `demoRecords`.
 * Seeded: the same options give the same households.
 *
 * Durations (days; normal priority; a tenth of the stays run long, 1.5–2.5 times the drawn length,
 * for the cases that wait on a document or a mission):
 * - referred → under review: 2–6 weeks (the dossier is registered and scheduled).
 * - under review → decision: in person 3–12 weeks (waiting for a selection mission), remote
 *   3–8 weeks, dossier-based 2–5 weeks. Outcome: accepted 83 %, rejected 8 %, deferred 6 %,
 *   withdrawn 3 %.
 * - deferred → 1–4 months → reviewed again 65 %, accepted 20 %, rejected 15 %.
 * - accepted → checks: 3–14 days; security and health checks: 1–3 months (3 % fail: rejected,
 *   1 % withdrawn).
 * - pre-departure orientation: 2–6 weeks; travel arranged → departed: 1–4 weeks; departed →
 *   arrived: the same or the next day.
 * - After arrival: post-arrival orientation within a week, reception after 2–6 weeks, the
 *   integration programme after 1–4 months of reception, closed after 1–2 years of it.
 * - A rejected case is closed 2–8 weeks after the decision.
 * - A few households withdraw at each stage before departure (found another solution, no longer
 *   wish to go, cannot be reached).
 * Priority: emergency cases take a fifth of these times, urgent ones half (UNHCR's emergency and
 * urgent submissions); the days of travel and after arrival are the same for all.
 * Modality (R 19): before the suspension 80 % of reviews are in person; from 17 March 2020 on, 30 %
 * in person, 40 % remote, 30 % dossier-based.
 * The suspension: a case whose departure would have fallen from 17 March to 17 June 2020 is put on
 * hold on 17 March 2020 (or on its referral, if later) at the stage it had reached, resumed at
 * that stage on 18 June 2020, and everything after is shifted by the time on hold. A case that
 * departed just before the suspension arrives the same day.
 * No arrival falls before the round's period: a case that would have arrived before 1 January 2020
 * is taken as referred later, to arrive in January or February 2020.
 */

export interface DemoMember {
  personRef: string;
  citizenship: string;
  sex: 'F' | 'M';
  birthYear: number;
}

export interface DemoHousehold {
  caseRef: string;
  memberState: string;
  pathway: 'resettlement';
  round: '2020-2021';
  countryOfDeparture: string;
  priority: Priority;
  /** How the case was reviewed; null if it had not reached review by `until`. */
  modality: Modality | null;
  members: DemoMember[];
  /** In date order; every consecutive pair a move `transition()` accepts. */
  events: CaseEvent[];
}

export interface DemoCaseOptions {
  /** Persons in the households of the whole round (referred up to the end of 2021). */
  persons: number;
  seed: number;
  /**
   * No event after this day (default 2021-12-31): cases still open then stop there, and households
   * not referred by then are left out. The same seed shows the same households whatever the day.
   */
  until?: string;
}

export const HOLD_REASON = 'COVID-19: worldwide suspension of resettlement travel';
export const RESUME_REASON = 'Resettlement travel resumed (UNHCR and IOM, 18 June 2020)';

/** Referrals per month: steady in 2019, fewer in spring 2020 (remote and dossier reviews only), rising through 2021 and tailing off as the round ends. */
const pickReferralMonth = picker([
  ['2019-06', 4],
  ['2019-07', 8],
  ['2019-08', 9],
  ['2019-09', 9],
  ['2019-10', 9],
  ['2019-11', 8],
  ['2019-12', 7],
  ['2020-01', 7],
  ['2020-02', 6],
  ['2020-03', 5],
  ['2020-04', 4],
  ['2020-05', 4],
  ['2020-06', 5],
  ['2020-07', 6],
  ['2020-08', 6],
  ['2020-09', 6],
  ['2020-10', 7],
  ['2020-11', 7],
  ['2020-12', 8],
  ['2021-01', 8],
  ['2021-02', 9],
  ['2021-03', 9],
  ['2021-04', 10],
  ['2021-05', 10],
  ['2021-06', 10],
  ['2021-07', 9],
  ['2021-08', 8],
  ['2021-09', 6],
  ['2021-10', 4],
  ['2021-11', 2],
  ['2021-12', 1],
] as const);
const pickPriority = picker<Priority>([
  ['emergency', 2],
  ['urgent', 10],
  ['normal', 88],
]);
const pickModalityBefore = picker<Modality>([
  ['in_person', 80],
  ['remote', 5],
  ['dossier', 15],
]);
const pickModalityAfter = picker<Modality>([
  ['in_person', 30],
  ['remote', 40],
  ['dossier', 30],
]);
const pickReviewOutcome = picker<Status>([
  ['accepted', 83],
  ['rejected', 8],
  ['deferred', 6],
  ['withdrawn', 3],
]);
const pickDeferralOutcome = picker<Status>([
  ['under_review', 65],
  ['accepted', 20],
  ['rejected', 15],
]);
const pickRejection = picker([
  ['Does not meet the resettlement criteria', 5],
  ['Exclusion grounds (Article 1F of the Refugee Convention)', 1],
  ['Credibility concerns not resolved at interview', 2],
  ['Another durable solution available', 2],
] as const);
const pickCheckFailure = picker([
  ['Security check not cleared', 3],
  ['Identity could not be established', 1],
] as const);
const pickDeferral = picker([
  ['Additional information requested from the referring partner', 3],
  ['Family composition to be verified', 2],
  ['Medical assessment pending', 1],
] as const);
const pickWithdrawal = picker([
  ['The household no longer wishes to be resettled', 4],
  ['The household found another durable solution', 2],
  ['Family reunification in another country', 2],
  ['The household could not be reached', 2],
  ['Voluntary return to the country of origin', 1],
] as const);

const REVIEW_DAYS: Record<Modality, readonly [number, number]> = { in_person: [21, 84], remote: [21, 56], dossier: [14, 35] };
const SPEED: Record<Priority, number> = { emergency: 0.2, urgent: 0.5, normal: 1 };
const SUSPENDED = dayNumber(SUSPENSION.from);
const RESUMED = dayNumber(SUSPENSION.resumedFrom);
const ROUND_START = dayNumber('2020-01-01');

interface DayEvent {
  status: Status;
  day: number;
  reason?: string;
}

export function* demoCaseHistories(opts: DemoCaseOptions): Generator<DemoHousehold> {
  const random = rng(opts.seed);
  const until = dayNumber(opts.until ?? '2021-12-31');
  let made = 0;
  let household = 0;
  while (made < opts.persons) {
    household++;
    const {
      size,
      state: memberState,
      departure,
      citizenshipOf,
      citizenship: householdCitizenship,
    } = drawHousehold(random, opts.persons - made);
    const priority = pickPriority(random());

    const month = pickReferralMonth(random());
    const monthStart = dayNumber(`${month}-01`);
    const monthDays = dayNumber(nextMonth(month)) - monthStart;
    const referred = monthStart + Math.floor(random() * monthDays);

    const { events: raw, modality } = runCase(random, referred, priority);
    const events = cut(suspend(notBeforeRound(raw, random)), until);

    const referralYear = Number(dayString(referred).slice(0, 4));
    const principalAge = 18 + Math.floor(random() * 45);
    const members: DemoMember[] = [];
    for (let i = 0; i < size; i++) {
      const age =
        i === 0
          ? principalAge
          : i === 1 && size > 2
            ? Math.max(18, principalAge - 5 + Math.floor(random() * 10))
            : Math.floor(random() * 18);
      members.push({
        personRef: `P${i + 1}`,
        // A few members hold another citizenship than the household's (mixed families).
        citizenship: random() < 0.03 ? citizenshipOf(random()) : householdCitizenship,
        sex: random() < 0.5 ? 'F' : 'M',
        birthYear: referralYear - age,
      });
    }
    made += size;
    // Not referred by `until`: not there yet (the draws are made all the same, so that an earlier
    // `until` shows the same households as a later one, only fewer and earlier in their course).
    if (events.length === 0) continue;
    yield {
      caseRef: `DEMO-${opts.seed}-H${household}`,
      memberState,
      pathway: 'resettlement',
      round: '2020-2021',
      countryOfDeparture: departure,
      priority,
      modality: events.some((e) => e.status === 'under_review') ? modality : null,
      members,
      events: events.map((e) =>
        e.reason === undefined ? { status: e.status, on: dayString(e.day) } : { status: e.status, on: dayString(e.day), reason: e.reason },
      ),
    };
  }
}

/** The household as the evaluation reads it. */
export function householdHistory(h: DemoHousehold): CaseHistory {
  return {
    key: h.caseRef,
    stateCode: h.memberState,
    pathway: h.pathway,
    roundId: h.round,
    countryOfDeparture: h.countryOfDeparture,
    priority: h.priority,
    modality: h.modality,
    persons: h.members.length,
    events: h.events,
  };
}

/** The case's whole path, undisturbed, from its referral to its closing (or drop-out). */
function runCase(random: () => number, referred: number, priority: Priority): { events: DayEvent[]; modality: Modality } {
  const speed = SPEED[priority];
  /** A stay of lo–hi days at this priority, a tenth of them long; at least a day. */
  const stay = (lo: number, hi: number, scaled = true) => {
    let d = lo + random() * (hi - lo);
    if (random() < 0.1) d *= 1.5 + random();
    return Math.max(1, Math.round(scaled ? d * speed : d));
  };
  const events: DayEvent[] = [{ status: 'referred', day: referred }];
  let day = referred;
  const move = (status: Status, days: number, reason?: string) => {
    day += days;
    events.push(reason === undefined ? { status, day } : { status, day, reason });
  };
  const withdraws = (p: number, days: number) => {
    if (random() >= p) return false;
    move('withdrawn', Math.max(1, Math.floor(random() * days)), pickWithdrawal(random()));
    return true;
  };
  const close = () => move('closed', stay(14, 60, false));

  let d = stay(14, 42);
  if (withdraws(0.01, d)) return { events, modality: 'in_person' };
  move('under_review', d);
  const modality = (day < SUSPENDED ? pickModalityBefore : pickModalityAfter)(random());

  // Review, and a deferral as often as it comes, until a decision.
  const reject = (days: number, reason: string) => {
    move('rejected', days, reason);
    close();
    return { events, modality };
  };
  let deferred = false;
  for (;;) {
    const outcome: Status = deferred ? pickDeferralOutcome(random()) : pickReviewOutcome(random());
    d = deferred ? stay(30, 120) : stay(...REVIEW_DAYS[modality]);
    if (outcome === 'accepted') break;
    if (outcome === 'rejected') return reject(d, pickRejection(random()));
    if (outcome === 'withdrawn') {
      move('withdrawn', d, pickWithdrawal(random()));
      return { events, modality };
    }
    if (outcome === 'deferred') move('deferred', d, pickDeferral(random()));
    else move('under_review', d);
    deferred = outcome === 'deferred';
  }
  move('accepted', d);

  d = stay(3, 14);
  if (withdraws(0.005, d)) return { events, modality };
  move('checks', d);
  d = stay(30, 90);
  const check = random();
  if (check < 0.03) return reject(d, pickCheckFailure(random()));
  if (check < 0.04) {
    move('withdrawn', d, pickWithdrawal(random()));
    return { events, modality };
  }
  move('pre_departure', d);
  d = stay(14, 42);
  if (withdraws(0.01, d)) return { events, modality };
  move('travel_arranged', d);
  d = stay(7, 28);
  if (withdraws(0.005, d)) return { events, modality };
  move('departed', d);
  move('arrived', random() < 0.5 ? 0 : 1);
  move('post_arrival', stay(1, 7, false));
  move('reception', stay(14, 42, false));
  move('integration', stay(30, 120, false));
  move('closed', stay(365, 730, false));
  return { events, modality };
}

/** A case that would arrive before the round's period is taken as referred later: it arrives in January or February 2020. */
function notBeforeRound(events: DayEvent[], random: () => number): DayEvent[] {
  const arrival = events.find((e) => e.status === 'arrived');
  if (!arrival || arrival.day >= ROUND_START) return events;
  const shift = ROUND_START + Math.floor(random() * 60) - arrival.day;
  return events.map((e) => ({ ...e, day: e.day + shift }));
}

/** The suspension of spring 2020 (R 17): see the comment at the top. */
function suspend(events: DayEvent[]): DayEvent[] {
  const departed = events.find((e) => e.status === 'departed');
  if (!departed) return events;
  if (departed.day < SUSPENDED) {
    // Departed just before: on the plane home, arrives the same day rather than during the suspension.
    const arrived = events.find((e) => e.status === 'arrived');
    if (arrived && arrived.day >= SUSPENDED) arrived.day = departed.day;
    return events;
  }
  if (departed.day >= RESUMED) return events;
  const holdDay = Math.max(SUSPENDED, events[0]!.day);
  const kept = events.filter((e, i) => i === 0 || e.day < holdDay);
  const held = kept[kept.length - 1]!.status as Stage;
  const shift = RESUMED - holdDay;
  return [
    ...kept,
    { status: 'on_hold', day: holdDay, reason: HOLD_REASON },
    { status: held, day: RESUMED, reason: RESUME_REASON },
    ...events.slice(kept.length).map((e) => ({ ...e, day: e.day + shift })),
  ];
}

const cut = (events: DayEvent[], until: number) => events.filter((e) => e.day <= until);

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}
