import { sql } from 'drizzle-orm';
import { check, date, integer, pgTable, primaryKey, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * Reference statistics imported from their publishers (UNHCR, Eurostat), each file one dataset with
 * its source, extraction date and definitions, never merged with another source or with the
 * platform's own returns. Public figures: every scope reads them.
 */
export const statisticsDatasets = pgTable(
  'statistics_datasets',
  {
    id: serial('id').primaryKey(),
    /** 'unhcr' or 'eurostat'. */
    source: text('source').notNull(),
    /** The publisher's code of the table, e.g. UNHCR "solutions", Eurostat "migr_asyresa". */
    code: text('code').notNull(),
    title: text('title').notNull(),
    /** What the partner country of a figure is: 'origin' (UNHCR), 'citizenship' (Eurostat), 'departure'. */
    basis: text('basis').notNull(),
    unit: text('unit').notNull().default('persons'),
    /** Figures are rounded to this base by their publisher (Eurostat: 5), 1 when exact. */
    rounding: integer('rounding').notNull().default(1),
    /** The day the publisher's figures were extracted, where the file or the importer says it. */
    extractedOn: date('extracted_on', { mode: 'string' }),
    definitions: text('definitions').notNull(),
    fileName: text('file_name').notNull(),
    sha256: text('sha256').notNull(),
    figures: integer('figures').notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
    importedBy: text('imported_by').notNull(),
  },
  (t) => [
    uniqueIndex('statistics_datasets_file').on(t.source, t.sha256),
    check('statistics_datasets_source', sql`${t.source} IN ('unhcr', 'eurostat')`),
    check('statistics_datasets_basis', sql`${t.basis} IN ('origin', 'citizenship', 'departure')`),
    check('statistics_datasets_rounding', sql`${t.rounding} >= 1`),
  ],
);

/**
 * One figure of a dataset: a year, a country of arrival (as the source codes it, and the platform's
 * state code where it is one), a partner country or aggregate (as the source codes it, and ISO 3166
 * alpha-3 where it is a country). A figure the source marks not available is stored with a null
 * value; a figure the source has no row for is not stored at all — a missing row is not a zero.
 */
export const statisticsFigures = pgTable(
  'statistics_figures',
  {
    datasetId: integer('dataset_id')
      .notNull()
      .references(() => statisticsDatasets.id, { onDelete: 'cascade' }),
    year: integer('year').notNull(),
    area: text('area').notNull(),
    stateCode: text('state_code'),
    partner: text('partner').notNull(),
    partnerIso3: text('partner_iso3'),
    value: integer('value'),
    /** The publisher's flags (Eurostat: p provisional, e estimated, u low reliability, …). */
    flags: text('flags'),
  },
  (t) => [
    primaryKey({ columns: [t.datasetId, t.year, t.area, t.partner] }),
    check('statistics_figures_value', sql`${t.value} IS NULL OR ${t.value} >= 0`),
  ],
);
