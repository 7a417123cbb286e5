import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { cases } from '../cases/case.table.ts';
import { states } from '../reference/reference.table.ts';
import { rounds } from '../rounds/round.table.ts';

/**
 * Placement (issue 8): a state's receiving places with their capacities, the optimiser's runs (a job
 * with progress and its proposal with the certificate), and the placements a caseworker confirmed —
 * only those are recorded as decisions, with who decided.
 */
export const placementPlaces = pgTable(
  'placement_places',
  {
    id: serial('id').primaryKey(),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** 'municipality', 'reception_centre' or 'sponsor_group'. */
    kind: text('kind').notNull(),
    /** Capacity per dimension (persons, housingUnits, schoolPlaces, medicalSlots, languageSupport): whole numbers. */
    capacity: jsonb('capacity').$type<Record<string, number>>().notNull(),
    /** What the documented score model reads of the place (labour market, languages taught, community). */
    profile: jsonb('profile').$type<Record<string, unknown>>().notNull().default({}),
    version: integer('version').notNull().default(1),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('placement_places_code').on(t.stateCode, t.code),
    check('placement_places_kind', sql`${t.kind} IN ('municipality', 'reception_centre', 'sponsor_group')`),
  ],
);

export const placementRuns = pgTable(
  'placement_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    roundId: text('round_id')
      .notNull()
      .references(() => rounds.id),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    /** 'queued', 'running', 'done' or 'failed'. */
    status: text('status').notNull().default('queued'),
    timeLimitSeconds: integer('time_limit_seconds').notNull(),
    /** The latest progress message of the solver (phase, objective, bound). */
    progress: jsonb('progress'),
    /** The proposal: assignment, objective, LP bound, gap, binding constraints, each household's why. */
    result: jsonb('result'),
    error: text('error'),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    index('placement_runs_state').on(t.stateCode, t.requestedAt),
    check('placement_runs_status', sql`${t.status} IN ('queued', 'running', 'done', 'failed')`),
  ],
);

/** A household's placement as decided by a caseworker; a new decision ends the previous one (ended_at), never erases it. */
export const casePlacements = pgTable(
  'case_placements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    stateCode: text('state_code').notNull(),
    placeId: integer('place_id')
      .notNull()
      .references(() => placementPlaces.id),
    /** The run whose proposal was confirmed or changed; null for a placement made without one. */
    runId: bigint('run_id', { mode: 'number' }).references(() => placementRuns.id),
    /** The place the optimiser proposed (null: none, or the household was left unplaced). */
    proposedPlaceId: integer('proposed_place_id'),
    score: doublePrecision('score'),
    /** The objective given up against the proposal by changing this household by hand (0 when confirmed as proposed). */
    costOfChange: doublePrecision('cost_of_change'),
    reason: text('reason'),
    decidedBy: text('decided_by').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    endedAt: timestamp('ended_at', { withTimezone: true, mode: 'string' }),
  },
  (t) => [
    uniqueIndex('case_placements_current').on(t.caseId).where(sql`${t.endedAt} IS NULL`),
    index('case_placements_state').on(t.stateCode),
  ],
);
