import { sql } from 'drizzle-orm';
import { bigserial, check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { states } from '../reference/reference.table.ts';
import { rounds } from '../rounds/round.table.ts';

/**
 * A programme: a way in beside (or within) resettlement, as a record (RULES.md §4–§5; P 11–14,
 * P 19–21). A state's humanitarian admission programme, family sponsorship (P 12), a community
 * sponsorship scheme or humanitarian corridor (R 28), an education or labour pathway, a family
 * reunification support programme; or, with no state, the EU's own: the EU-Turkey Voluntary
 * Humanitarian Admission Scheme (P 5(a)) and the Union Plan's emergency admission. No person is in
 * it: every signed-in scope reads programmes; a state writes its own, the Commission the EU's.
 */
export const programmes = pgTable(
  'programmes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Short code, unique: 'DE-HAP-SYR-2020', 'EU-VHAS'. */
    code: text('code').notNull(),
    /** null for the EU's own programmes (VHAS, the Union Plan's emergency admission). */
    stateCode: text('state_code').references(() => states.code),
    kind: text('kind').notNull(),
    /** The pathway its admissions count under in the returns of point 27. */
    pathway: text('pathway').notNull(),
    roundId: text('round_id').references(() => rounds.id),
    title: text('title').notNull(),
    /** Its own admission criteria, as published. */
    criteria: text('criteria').notNull().default(''),
    targetGroups: text('target_groups').array().notNull().default(sql`'{}'::text[]`),
    places: integer('places'),
    startDate: date('start_date', { mode: 'string' }),
    endDate: date('end_date', { mode: 'string' }),
    /** planned, active, suspended, closed; the VHAS is 'planned' until its conditions are met. */
    status: text('status').notNull().default('planned'),
    /** Conditions of activation, each met or not, with its source (the VHAS: P 5(a)). */
    activation: jsonb('activation')
      .$type<{ id: string; label: string; met: boolean; source?: string; metOn?: string | null }[]>()
      .notNull()
      .default([]),
    /** The partner offering it (a university, an employer, a faith-based organisation), where not the state. */
    partner: text('partner'),
    /** What differs by kind: scholarships, language courses, flexible admission; the employer's scheme; costs borne. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    source: text('source'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('programmes_code').on(t.code),
    index('programmes_state').on(t.stateCode),
    check('programmes_places', sql`${t.places} IS NULL OR ${t.places} >= 0`),
    check('programmes_status', sql`${t.status} IN ('planned', 'active', 'suspended', 'closed')`),
    check('programmes_dates', sql`${t.startDate} IS NULL OR ${t.endDate} IS NULL OR ${t.startDate} <= ${t.endDate}`),
  ],
);
