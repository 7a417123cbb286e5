import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { states } from '../reference/reference.table.ts';
import { rounds } from '../rounds/round.table.ts';

/**
 * A pledge: state × round × pathway × places, optionally split by country of departure or
 * target group. A carry-over (P 4) is a place of the previous scheme delivered in this round's
 * period: kept, shown, never counted in this round's total.
 */
export const pledges = pgTable(
  'pledges',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    roundId: text('round_id')
      .notNull()
      .references(() => rounds.id),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    pathway: text('pathway').notNull(),
    places: integer('places').notNull(),
    carryOver: boolean('carry_over').notNull().default(false),
    /** '' when the pledge is not split by country (a key column cannot be null in a unique index on PG 15). */
    countryOfDeparture: text('country_of_departure').notNull().default(''),
    targetGroup: text('target_group').notNull().default(''),
    note: text('note').notNull().default(''),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('pledges_key').on(t.roundId, t.stateCode, t.pathway, t.carryOver, t.countryOfDeparture, t.targetGroup),
    check('pledges_places_nonnegative', sql`${t.places} >= 0`),
    check('pledges_departure_known', sql`${t.countryOfDeparture} = '' OR ${t.countryOfDeparture} ~ '^[A-Z]{3}$'`),
  ],
);

/**
 * The history of a state's pledges: one row per pledge added or changed, written in the same
 * transaction as the change (src/pledges/pledge.service.ts), never updated or deleted. Figures
 * only: who changed it is an account reference, as in the audit trail.
 */
export const pledgeChanges = pgTable(
  'pledge_changes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    roundId: text('round_id')
      .notNull()
      .references(() => rounds.id),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    pathway: text('pathway').notNull(),
    carryOver: boolean('carry_over').notNull(),
    countryOfDeparture: text('country_of_departure').notNull(),
    targetGroup: text('target_group').notNull(),
    /** null when the pledge was added. */
    placesBefore: integer('places_before'),
    placesAfter: integer('places_after').notNull(),
    actor: text('actor').notNull(),
    source: text('source').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('pledge_changes_by_state').on(t.roundId, t.stateCode, t.id)],
);
