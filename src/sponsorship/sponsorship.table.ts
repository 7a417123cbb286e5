import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, date, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { cases } from '../cases/case.table.ts';
import { programmes } from '../programmes/programme.table.ts';
import { states } from '../reference/reference.table.ts';

/**
 * Community sponsorship (RULES.md §4; P 13–18, R 26–30). Every table here holds a state's data
 * (sponsors are persons too) under forced row-level security; a sponsor's account reads its own
 * sponsor record, the sponsorships it holds, their tasks and messages, and no other.
 */

/** A sponsor: an individual, a group of individuals, a non-profit or a faith-based organisation. */
export const sponsors = pgTable(
  'sponsors',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    /** The organisation code its portal accounts carry (users.organisation, with users.state_code): unique per state. */
    organisation: text('organisation').notNull(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    contact: jsonb('contact').$type<{ email?: string; phone?: string; address?: string }>().notNull().default({}),
    /** Where it can receive a household (a region or municipality, free text or NUTS code). */
    region: text('region').notNull().default(''),
    /** The largest household it can support. */
    householdSize: integer('household_size').notNull().default(1),
    /** Specific needs it can support (codes of src/cases/person-row.ts NEEDS). */
    needsSupported: text('needs_supported').array().notNull().default(sql`'{}'::text[]`),
    languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
    /** applied, screened, approved, active, suspended, ended. */
    status: text('status').notNull().default('applied'),
    statusReason: text('status_reason'),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sponsors_organisation').on(t.stateCode, t.organisation),
    index('sponsors_state').on(t.stateCode, t.status),
    check('sponsors_kind', sql`${t.kind} IN ('individual', 'group', 'non_profit', 'faith_based')`),
    check('sponsors_status', sql`${t.status} IN ('applied', 'screened', 'approved', 'active', 'suspended', 'ended')`),
    check('sponsors_household', sql`${t.householdSize} >= 1`),
  ],
);

/** A member of a sponsor group (or the person behind an individual sponsor), screened one by one. */
export const sponsorMembers = pgTable(
  'sponsor_members',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sponsorId: bigint('sponsor_id', { mode: 'number' })
      .notNull()
      .references(() => sponsors.id),
    stateCode: text('state_code').notNull(),
    name: text('name').notNull(),
    role: text('role').notNull().default('member'),
    /** pending, cleared, refused: the state's checks of this member (P 15: the state keeps the security checks). */
    screening: text('screening').notNull().default('pending'),
    screenedOn: date('screened_on', { mode: 'string' }),
  },
  (t) => [
    index('sponsor_members_sponsor').on(t.sponsorId),
    check('sponsor_members_screening', sql`${t.screening} IN ('pending', 'cleared', 'refused')`),
  ],
);

/**
 * The history of a sponsor: every change of status and every check recorded, with who, when and
 * why. Only ever added to.
 */
export const sponsorEvents = pgTable(
  'sponsor_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sponsorId: bigint('sponsor_id', { mode: 'number' })
      .notNull()
      .references(() => sponsors.id),
    stateCode: text('state_code').notNull(),
    /** status (a move), check (a screening check of the sponsor or a member). */
    kind: text('kind').notNull(),
    fromStatus: text('from_status'),
    toStatus: text('to_status'),
    /** For a check: its name (identity, criminal_record, safeguarding, financial_capacity, housing, training), the member, the result. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    reason: text('reason'),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [index('sponsor_events_sponsor').on(t.sponsorId, t.id)],
);

/**
 * A sponsorship scheme of a state: its programme, and its published selection criteria and roles
 * per phase, each version kept (`scheme_versions`).
 */
export const schemes = pgTable(
  'sponsorship_schemes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    programmeId: bigint('programme_id', { mode: 'number' }).references(() => programmes.id),
    code: text('code').notNull(),
    title: text('title').notNull(),
    /** The version in force (the latest published). */
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sponsorship_schemes_code').on(t.stateCode, t.code)],
);

/**
 * A published version of a scheme: its selection criteria (P 15: transparent, non-discriminatory)
 * and who does what in each phase (P 15). Never changed: a new version is a new row.
 */
export const schemeVersions = pgTable(
  'sponsorship_scheme_versions',
  {
    schemeId: bigint('scheme_id', { mode: 'number' })
      .notNull()
      .references(() => schemes.id),
    version: integer('version').notNull(),
    stateCode: text('state_code').notNull(),
    /** [{ id, label, field?, operator?, value? }] — none may select on a protected characteristic. */
    criteria: jsonb('criteria').$type<Record<string, unknown>[]>().notNull(),
    /** { selection: 'state' | 'sponsor' | 'shared', pre_departure: …, reception, housing, integration, finance }. */
    roles: jsonb('roles').$type<Record<string, string>>().notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    publishedBy: text('published_by').notNull(),
  },
  (t) => [uniqueIndex('sponsorship_scheme_versions_key').on(t.schemeId, t.version)],
);

/**
 * A memorandum of understanding between the state and sponsors (humanitarian corridors: Italy,
 * France, Belgium; R 28), each version a row: parties, dates, places, the costs the sponsors bear.
 */
export const memoranda = pgTable(
  'memoranda',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code')
      .notNull()
      .references(() => states.code),
    /** The same code across versions. */
    code: text('code').notNull(),
    version: integer('version').notNull(),
    schemeId: bigint('scheme_id', { mode: 'number' }).references(() => schemes.id),
    title: text('title').notNull(),
    parties: jsonb('parties').$type<{ name: string; role: string; sponsorId?: number }[]>().notNull(),
    signedOn: date('signed_on', { mode: 'string' }),
    validFrom: date('valid_from', { mode: 'string' }).notNull(),
    validTo: date('valid_to', { mode: 'string' }),
    places: integer('places'),
    /** What the sponsors bear: [{ item: 'travel' | 'reception' | 'housing' | …, note? }]. */
    costsBorne: jsonb('costs_borne').$type<{ item: string; note?: string }[]>().notNull().default([]),
    note: text('note').notNull().default(''),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('memoranda_version').on(t.stateCode, t.code, t.version),
    check('memoranda_dates', sql`${t.validTo} IS NULL OR ${t.validFrom} <= ${t.validTo}`),
    check('memoranda_places', sql`${t.places} IS NULL OR ${t.places} >= 0`),
  ],
);

/**
 * A sponsorship: a sponsor matched to a household (a case) under a scheme, with the phases it
 * holds. Its access to the household runs through `case_supporters` (written with it); a
 * breakdown ends both and returns the case to the state's care (the safety net, P 15).
 */
export const sponsorships = pgTable(
  'sponsorships',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    stateCode: text('state_code').notNull(),
    sponsorId: bigint('sponsor_id', { mode: 'number' })
      .notNull()
      .references(() => sponsors.id),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    schemeId: bigint('scheme_id', { mode: 'number' }).references(() => schemes.id),
    /** The scheme version whose roles applied when matched. */
    schemeVersion: integer('scheme_version'),
    phases: text('phases').array().notNull(),
    /** active, ended (completed), broken_down (the safety net took over). */
    status: text('status').notNull().default('active'),
    matchedOn: date('matched_on', { mode: 'string' }).notNull(),
    matchedBy: text('matched_by').notNull(),
    endedOn: date('ended_on', { mode: 'string' }),
    endReason: text('end_reason'),
    /** What the state took over when the sponsorship broke down (housing, integration support…). */
    safetyNet: jsonb('safety_net').$type<{ phases: string[]; note?: string } | null>(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('sponsorships_sponsor').on(t.sponsorId),
    index('sponsorships_case').on(t.caseId),
    uniqueIndex('sponsorships_active').on(t.caseId, t.sponsorId).where(sql`${t.status} = 'active'`),
    check('sponsorships_status', sql`${t.status} IN ('active', 'ended', 'broken_down')`),
  ],
);

/** The tasks of a sponsorship's phases (from the scheme's roles), done or not. */
export const sponsorshipTasks = pgTable(
  'sponsorship_tasks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sponsorshipId: bigint('sponsorship_id', { mode: 'number' })
      .notNull()
      .references(() => sponsorships.id),
    stateCode: text('state_code').notNull(),
    organisation: text('organisation').notNull(),
    phase: text('phase').notNull(),
    task: text('task').notNull(),
    /** Who holds it: sponsor or state. */
    holder: text('holder').notNull(),
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'string' }),
    doneBy: text('done_by'),
  },
  (t) => [uniqueIndex('sponsorship_tasks_key').on(t.sponsorshipId, t.task), index('sponsorship_tasks_org').on(t.organisation)],
);

/** Messages between a sponsor and the state's caseworker about a sponsorship (P 17: keep the channels open). */
export const sponsorshipMessages = pgTable(
  'sponsorship_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sponsorshipId: bigint('sponsorship_id', { mode: 'number' })
      .notNull()
      .references(() => sponsorships.id),
    stateCode: text('state_code').notNull(),
    organisation: text('organisation').notNull(),
    /** sponsor or state. */
    side: text('side').notNull(),
    author: text('author').notNull(),
    body: text('body').notNull(),
    at: timestamp('at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    index('sponsorship_messages_key').on(t.sponsorshipId, t.id),
    check('sponsorship_messages_side', sql`${t.side} IN ('sponsor', 'state')`),
  ],
);
