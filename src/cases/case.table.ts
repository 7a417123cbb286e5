import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, pgTable, smallint, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { imports } from '../audit/audit.table.ts';
import { countries, states } from '../reference/reference.table.ts';
import { rounds } from '../rounds/round.table.ts';

/**
 * A case: a household referred together (RULES.md §3). The workflow of the next capability adds
 * its stages beside these columns; the key (state, case_ref) stays.
 */
export const cases = pgTable(
  'cases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code').notNull().references(() => states.code),
    caseRef: text('case_ref').notNull(),
    pathway: text('pathway').notNull(),
    /** The round the case is meant for, where the referral names one. */
    roundId: text('round_id').references(() => rounds.id),
    countryOfDeparture: text('country_of_departure').notNull().references(() => countries.iso3),
    importId: bigint('import_id', { mode: 'number' }).references(() => imports.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('cases_state_ref').on(t.stateCode, t.caseRef)],
);

/**
 * A person in a case. The fields that decide where the person counts (state, pathway, round,
 * country of departure, arrival date) are kept on the person: a person counts in the round whose
 * period holds their own arrival date, and household members need not arrive together.
 * The arrivals aggregates are kept in step by statement-level triggers (see the migrations).
 */
export const persons = pgTable(
  'persons',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    personRef: text('person_ref').notNull(),
    stateCode: text('state_code').notNull(),
    pathway: text('pathway').notNull(),
    roundId: text('round_id'),
    countryOfDeparture: text('country_of_departure').notNull(),
    citizenship: text('citizenship'),
    sex: text('sex'),
    birthYear: smallint('birth_year'),
    arrivedOn: date('arrived_on', { mode: 'string' }),
    importId: bigint('import_id', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('persons_case_ref').on(t.caseId, t.personRef),
    index('persons_state').on(t.stateCode),
    check('persons_sex', sql`${t.sex} IN ('F', 'M', 'X')`),
    check('persons_codes', sql`${t.countryOfDeparture} ~ '^[A-Z]{3}$' AND ${t.citizenship} ~ '^[A-Z]{3}$'`),
  ],
);
