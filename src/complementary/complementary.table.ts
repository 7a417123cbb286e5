import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { cases } from '../cases/case.table.ts';
import { programmes } from '../programmes/programme.table.ts';
import { states } from '../reference/reference.table.ts';

/**
 * Complementary pathways (RULES.md §5; P 12, P 19–21, R 31–35): candidates for a university's or an
 * employer's programme, and the family reunification support a state gives. A state's data, under
 * forced row-level security.
 */

/**
 * A candidate for an education or labour programme: the person (a case of the education or labour
 * pathway, whose household travels and counts on arrival like any other), their skills profile,
 * and where the candidacy stands. Admission under a labour scheme is without prejudice to the
 * person's right to protection (P 21): the case keeps its protection categories.
 */
export const candidates = pgTable(
  'pathway_candidates',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    programmeId: bigint('programme_id', { mode: 'number' })
      .notNull()
      .references(() => programmes.id),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    personRef: text('person_ref').notNull(),
    /**
     * After the EU Skills Profile Tool for Third Country Nationals (R 32): education and training,
     * languages, work experience, other skills. Occupations coded in ESCO where known.
     */
    skills: jsonb('skills')
      .$type<{
        education?: { level?: string; field?: string; country?: string; completed?: boolean }[];
        languages?: { language: string; level?: string }[];
        work?: { occupation?: string; esco?: string; years?: number }[];
        other?: string[];
      }>()
      .notNull()
      .default({}),
    /** ESCO occupation URIs or codes (e.g. http://data.europa.eu/esco/occupation/… or an ISCO-08 code). */
    occupations: text('occupations').array().notNull().default(sql`'{}'::text[]`),
    /** applied, shortlisted, admitted, refused, withdrawn, arrived, graduated, placed. */
    status: text('status').notNull().default('applied'),
    statusOn: date('status_on', { mode: 'string' }),
    /** Support given: scholarship, language_course, flexible_admission, counselling, job_search (P 20). */
    support: text('support').array().notNull().default(sql`'{}'::text[]`),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('pathway_candidates_key').on(t.programmeId, t.caseId, t.personRef),
    index('pathway_candidates_state').on(t.stateCode, t.status),
    check(
      'pathway_candidates_status',
      sql`${t.status} IN ('applied', 'shortlisted', 'admitted', 'refused', 'withdrawn', 'arrived', 'graduated', 'placed')`,
    ),
  ],
);

/** The history of a candidacy, only ever added to. */
export const candidateEvents = pgTable(
  'pathway_candidate_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    candidateId: bigint('candidate_id', { mode: 'number' })
      .notNull()
      .references(() => candidates.id),
    stateCode: text('state_code').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    on: date('on', { mode: 'string' }).notNull(),
    reason: text('reason'),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('pathway_candidate_events_key').on(t.candidateId, t.id)],
);

/**
 * A request for family reunification support (P 12, R 31; Directive 2003/86/EC): information, or
 * help with the visa application, for a beneficiary of protection's family; its outcome and the
 * time it took.
 */
export const familyReunificationRequests = pgTable(
  'family_reunification_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    reference: text('reference').notNull(),
    programmeId: bigint('programme_id', { mode: 'number' }).references(() => programmes.id),
    /** information, visa_assistance. */
    kind: text('kind').notNull(),
    /** Family members the request concerns. */
    familyMembers: integer('family_members').notNull().default(1),
    /** Where the family is (ISO 3166-1 alpha-3). */
    countryOfResidence: text('country_of_residence'),
    receivedOn: date('received_on', { mode: 'string' }).notNull(),
    closedOn: date('closed_on', { mode: 'string' }),
    /** open, informed, visa_issued, visa_refused, referred, withdrawn. */
    outcome: text('outcome').notNull().default('open'),
    note: text('note').notNull().default(''),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    uniqueIndex('family_reunification_requests_ref').on(t.stateCode, t.reference),
    check('family_reunification_requests_kind', sql`${t.kind} IN ('information', 'visa_assistance')`),
    check(
      'family_reunification_requests_outcome',
      sql`${t.outcome} IN ('open', 'informed', 'visa_issued', 'visa_refused', 'referred', 'withdrawn')`,
    ),
    check('family_reunification_requests_dates', sql`${t.closedOn} IS NULL OR ${t.receivedOn} <= ${t.closedOn}`),
    check('family_reunification_requests_members', sql`${t.familyMembers} >= 1`),
  ],
);
