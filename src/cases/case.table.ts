import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { imports } from '../audit/audit.table.ts';
import { countries, states } from '../reference/reference.table.ts';
import { programmes } from '../programmes/programme.table.ts';
import { rounds } from '../rounds/round.table.ts';

/**
 * A case: a household referred together (RULES.md §3). The workflow of the next capability adds
 * its stages beside these columns; the key (state, case_ref) stays.
 */
export const cases = pgTable(
  'cases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    caseRef: text('case_ref').notNull(),
    pathway: text('pathway').notNull(),
    /** The round the case is meant for, where the referral names one. */
    roundId: text('round_id').references(() => rounds.id),
    countryOfDeparture: text('country_of_departure')
      .notNull()
      .references(() => countries.iso3),
    importId: bigint('import_id', { mode: 'number' }).references(() => imports.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** A stage of the workflow, or on_hold / withdrawn (src/cases/stage.ts). */
    status: text('status').notNull().default('referred'),
    /** The stage a case on hold returns to. */
    heldFrom: text('held_from'),
    /** The day the case entered its status. */
    statusOn: date('status_on', { mode: 'string' }),
    /** Raised by every change: a change made against an older version is refused. */
    version: integer('version').notNull().default(1),
    priority: text('priority').notNull().default('normal'),
    primaryCategory: text('primary_category'),
    secondaryCategory: text('secondary_category'),
    modality: text('modality'),
    referringPartner: text('referring_partner'),
    partnerRef: text('partner_ref'),
    /** Other cases of the same family (split across cases), by case_ref in the same state. */
    linkedRefs: text('linked_refs').array().notNull().default(sql`'{}'::text[]`),
    /** The programme the case was admitted under (humanitarian admission, a sponsorship scheme, an education or labour pathway), where one. */
    programmeId: bigint('programme_id', { mode: 'number' }).references(() => programmes.id),
  },
  (t) => [
    uniqueIndex('cases_state_ref').on(t.stateCode, t.caseRef),
    index('cases_state_status').on(t.stateCode, t.status),
    check('cases_priority', sql`${t.priority} IN ('emergency', 'urgent', 'normal')`),
    check('cases_modality', sql`${t.modality} IN ('in_person', 'remote', 'dossier')`),
  ],
);

/**
 * The history of a case: every change of status, with who, when and why. Rows are only ever
 * added: a trigger refuses UPDATE and DELETE (see the migrations).
 */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    stateCode: text('state_code').notNull(),
    /** The day it happened (may be earlier than `recordedAt` for back-filled history). */
    on: date('on', { mode: 'string' }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    reason: text('reason'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('case_events_case').on(t.caseId, t.id)],
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
    /** principal, spouse, child, parent, sibling, other. */
    relationship: text('relationship'),
    /** Specific needs, disability and the accommodation it needs (UN CRPD, R 37), carried to reception. */
    needs: jsonb('needs').$type<{ type: string; note?: string; accommodation?: string }[]>().notNull().default([]),
    /** Set by a split decision: a member the decision did not accept does not travel or count. */
    excludedReason: text('excluded_reason'),
    /**
     * Vulnerable groups recorded for the person by the state (evidence of the AMIF incentive's rate,
     * beside what the case's categories and the person's needs show): src/incentives/incentive.ts.
     */
    vulnerableGroups: text('vulnerable_groups').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [
    uniqueIndex('persons_case_ref').on(t.caseId, t.personRef),
    index('persons_state').on(t.stateCode),
    check('persons_sex', sql`${t.sex} IN ('F', 'M', 'X')`),
    check('persons_codes', sql`${t.countryOfDeparture} ~ '^[A-Z]{3}$' AND ${t.citizenship} ~ '^[A-Z]{3}$'`),
  ],
);
