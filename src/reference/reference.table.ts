import { boolean, date, pgTable, smallint, text } from 'drizzle-orm/pg-core';

/** Member States, the United Kingdom and the associated Dublin states. `code` is the EU protocol code. */
export const states = pgTable('states', {
  code: text('code').primaryKey(),
  iso2: text('iso2').notNull().unique(),
  iso3: text('iso3').notNull().unique(),
  nameEn: text('name_en').notNull(),
  nameNl: text('name_nl').notNull(),
  /** Protocol order: the order in which EU texts (and the 2020 Annex) list the states. */
  protocolOrder: smallint('protocol_order').notNull(),
  /** Last day of EU membership, for a state that left (the United Kingdom: 2020-01-31). */
  memberUntil: date('member_until', { mode: 'string' }),
  associated: boolean('associated').notNull().default(false),
});

/** Countries of departure and citizenship, ISO 3166-1 alpha-3, plus XXA for stateless persons. */
export const countries = pgTable('countries', {
  iso3: text('iso3').primaryKey(),
  iso2: text('iso2'),
  nameEn: text('name_en').notNull(),
  nameNl: text('name_nl').notNull(),
});
