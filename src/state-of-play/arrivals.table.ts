import { date, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

/**
 * Arrivals counted per round, state, pathway, country of departure and month: the state of play
 * reads these, never the persons, so its cost does not grow with the number of persons.
 * Written only by the triggers on `persons`, in the same statement as the write they count.
 */
export const arrivalsMonthly = pgTable(
  'arrivals_monthly',
  {
    roundId: text('round_id').notNull(),
    stateCode: text('state_code').notNull(),
    pathway: text('pathway').notNull(),
    countryOfDeparture: text('country_of_departure').notNull(),
    month: date('month', { mode: 'string' }).notNull(),
    persons: integer('persons').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.stateCode, t.pathway, t.countryOfDeparture, t.month] })],
);

/** The same counts per day, read only for the last (partial) month of an "as of" date. */
export const arrivalsDaily = pgTable(
  'arrivals_daily',
  {
    roundId: text('round_id').notNull(),
    arrivedOn: date('arrived_on', { mode: 'string' }).notNull(),
    stateCode: text('state_code').notNull(),
    pathway: text('pathway').notNull(),
    countryOfDeparture: text('country_of_departure').notNull(),
    persons: integer('persons').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.arrivedOn, t.stateCode, t.pathway, t.countryOfDeparture] })],
);
