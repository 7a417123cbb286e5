import { describe, expect, it } from 'vitest';
import { allowedMoves, STAGES, STATUSES, transition, type Action, type CaseStatus, type Stage, type Status } from './stage.ts';

/**
 * The whole table: every status × every action, with the expected outcome written out, so that a
 * change to the rules shows here as a changed row.
 */
const FORWARD: Record<Stage, Stage[]> = {
  referred: ['under_review'],
  under_review: ['accepted', 'rejected', 'deferred'],
  deferred: ['under_review', 'accepted', 'rejected'],
  accepted: ['checks'],
  checks: ['pre_departure', 'rejected'],
  pre_departure: ['travel_arranged'],
  travel_arranged: ['departed'],
  departed: ['arrived'],
  arrived: ['post_arrival'],
  post_arrival: ['reception'],
  reception: ['integration'],
  integration: ['closed'],
  rejected: ['closed'],
  closed: [],
};
const HOLDABLE: Stage[] = ['referred', 'under_review', 'deferred', 'accepted', 'checks', 'pre_departure', 'travel_arranged'];
const WITHDRAWABLE: Stage[] = [...HOLDABLE, 'departed'];

const at = (status: Status, heldFrom: Stage | null = null): CaseStatus => ({ status, heldFrom });
const actions: Action[] = [
  ...STAGES.map((to) => ({ type: 'advance', to }) as Action),
  { type: 'hold' },
  { type: 'resume' },
  { type: 'withdraw' },
];
const describeAction = (a: Action) => (a.type === 'advance' ? `advance to ${a.to}` : a.type);

function expected(from: CaseStatus, a: Action): Status | string {
  if (from.status === 'withdrawn' || from.status === 'closed') return 'terminal';
  if (from.status === 'on_hold') return a.type === 'resume' ? from.heldFrom! : a.type === 'withdraw' ? 'withdrawn' : 'held';
  const s = from.status as Stage;
  if (a.type === 'resume') return 'not_on_hold';
  if (a.type === 'hold') return HOLDABLE.includes(s) ? 'on_hold' : 'not_holdable';
  if (a.type === 'withdraw') return WITHDRAWABLE.includes(s) ? 'withdrawn' : 'after_arrival';
  return FORWARD[s].includes(a.to) ? a.to : 'not_next';
}

const starts: CaseStatus[] = [...STAGES.map((s) => at(s)), at('on_hold', 'checks'), at('on_hold', 'referred'), at('withdrawn')];

describe('every status × every action (with a reason given)', () => {
  for (const from of starts) {
    for (const action of actions) {
      const want = expected(from, action);
      it(`${from.status}${from.heldFrom ? ` (held from ${from.heldFrom})` : ''}: ${describeAction(action)} → ${want}`, () => {
        const r = transition(from, action, 'a reason');
        if ((STATUSES as readonly string[]).includes(want)) {
          expect(r).toEqual({ ok: true, next: { status: want, heldFrom: want === 'on_hold' ? from.status : null } });
        } else {
          expect(r).toMatchObject({ ok: false, refusal: want });
        }
      });
    }
  }
});

describe('reasons', () => {
  it.each([
    [at('under_review'), { type: 'advance', to: 'rejected' }],
    [at('under_review'), { type: 'advance', to: 'deferred' }],
    [at('checks'), { type: 'advance', to: 'rejected' }],
    [at('accepted'), { type: 'hold' }],
    [at('departed'), { type: 'withdraw' }],
    [at('on_hold', 'checks'), { type: 'withdraw' }],
  ] as [CaseStatus, Action][])('%o %o needs one', (from, action) => {
    expect(transition(from, action)).toMatchObject({ ok: false, refusal: 'reason_required' });
    expect(transition(from, action, '   ')).toMatchObject({ ok: false, refusal: 'reason_required' });
    expect(transition(from, action, 'because').ok).toBe(true);
  });

  it('are not needed to move forward or to resume', () => {
    expect(transition(at('referred'), { type: 'advance', to: 'under_review' }).ok).toBe(true);
    expect(transition(at('on_hold', 'pre_departure'), { type: 'resume' })).toEqual({
      ok: true,
      next: { status: 'pre_departure', heldFrom: null },
    });
  });
});

describe('the moves offered', () => {
  it('are exactly the moves the transition accepts', () => {
    for (const from of starts) {
      const accepted = new Set<Status>();
      for (const a of actions) {
        const r = transition(from, a, 'x');
        if (r.ok) accepted.add(r.next.status);
      }
      expect(new Set(allowedMoves(from)), from.status).toEqual(accepted);
    }
  });

  it('are named in a refusal', () => {
    expect(transition(at('referred'), { type: 'advance', to: 'arrived' })).toEqual({
      ok: false,
      refusal: 'not_next',
      allowed: ['under_review', 'on_hold', 'withdrawn'],
    });
  });
});
