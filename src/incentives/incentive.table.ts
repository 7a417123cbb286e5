import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { persons } from '../cases/case.table.ts';
import { states } from '../reference/reference.table.ts';
import { rounds } from '../rounds/round.table.ts';
import type { IncentiveEvidence } from './incentive.ts';

/**
 * The AMIF incentive earned by each person on arrival (RULES.md §6; R 16; Regulation (EU) 2021/1147
 * art. 19 as amended), with the evidence that decided its rate. One row per arrived person; each
 * change is a row of `incentive_changes`.
 */
export const personIncentives = pgTable(
  'person_incentives',
  {
    /** A person deleted (recorded in error) takes its incentive along; its history stays in `incentive_changes`. */
    personId: bigint('person_id', { mode: 'number' })
      .primaryKey()
      .references(() => persons.id, { onDelete: 'cascade' }),
    stateCode: text('state_code').notNull(),
    roundId: text('round_id')
      .notNull()
      .references(() => rounds.id),
    arrivedOn: date('arrived_on', { mode: 'string' }).notNull(),
    /** The round's rate that applied, or null where none does (shown, with the evidence, never hidden). */
    rateId: text('rate_id'),
    /** Whole euros (the rates are whole euros). */
    amount: integer('amount').notNull(),
    currency: text('currency').notNull().default('EUR'),
    evidence: jsonb('evidence').$type<IncentiveEvidence>().notNull(),
    revision: integer('revision').notNull().default(1),
    computedAt: timestamp('computed_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('person_incentives_round').on(t.roundId, t.stateCode), check('person_incentives_amount', sql`${t.amount} >= 0`)],
);

/** Every computation that changed a person's incentive: before, after, and why. Only ever added to. */
export const incentiveChanges = pgTable(
  'incentive_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: bigint('person_id', { mode: 'number' }).notNull(),
    stateCode: text('state_code').notNull(),
    roundId: text('round_id').notNull(),
    revision: integer('revision').notNull(),
    rateBefore: text('rate_before'),
    amountBefore: integer('amount_before'),
    rateAfter: text('rate_after'),
    amountAfter: integer('amount_after').notNull(),
    evidenceBefore: jsonb('evidence_before').$type<IncentiveEvidence>(),
    evidenceAfter: jsonb('evidence_after').$type<IncentiveEvidence>().notNull(),
    /** arrival, evidence (what changed), rates (the round's rates changed). */
    reason: text('reason').notNull(),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('incentive_changes_person').on(t.personId, t.id), index('incentive_changes_round').on(t.roundId, t.stateCode)],
);

/** A state's claim for a period: the incentives of the persons who arrived in it, summed when made. */
export const incentiveClaims = pgTable(
  'incentive_claims',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    roundId: text('round_id')
      .notNull()
      .references(() => rounds.id),
    periodStart: date('period_start', { mode: 'string' }).notNull(),
    periodEnd: date('period_end', { mode: 'string' }).notNull(),
    persons: integer('persons').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull().default('EUR'),
    /** The amount per rate when the claim was made. */
    byRate: jsonb('by_rate').$type<Record<string, { persons: number; amount: number }>>().notNull(),
    /** draft, submitted. */
    status: text('status').notNull().default('submitted'),
    madeBy: text('made_by').notNull(),
    madeAt: timestamp('made_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('incentive_claims_period').on(t.stateCode, t.roundId, t.periodStart, t.periodEnd),
    check('incentive_claims_dates', sql`${t.periodStart} <= ${t.periodEnd}`),
  ],
);
