import { date, integer, jsonb, pgTable, text, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { DocumentFigure, Incentive, Priority, Source, TargetFigure, BudgetFigure } from './round.ts';

/** A pledging round or Union Plan. Everything that differs between rounds is data here, not code. */
export const rounds = pgTable('rounds', {
  id: text('id').primaryKey(),
  title: text('title').notNull(),
  legalBasis: text('legal_basis').notNull(),
  startDate: date('start_date', { mode: 'string' }).notNull(),
  endDate: date('end_date', { mode: 'string' }).notNull(),
  target: jsonb('target').$type<TargetFigure>(),
  budget: jsonb('budget').$type<BudgetFigure>(),
  previousId: text('previous_id').references((): AnyPgColumn => rounds.id),
  pathways: text('pathways').array().notNull(),
  /** States taking part; null means the EU Member States on the round's first day. */
  participants: text('participants').array(),
  priorities: jsonb('priorities').$type<Priority[]>().notNull().default([]),
  incentives: jsonb('incentives').$type<Incentive[]>().notNull().default([]),
  sources: jsonb('sources').$type<Source[]>().notNull().default([]),
  /** Figures that a document states about the round (its total, its results), kept as that document's figures. */
  documentFigures: jsonb('document_figures').$type<DocumentFigure[]>().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /**
   * How long the personal data of the round's cases is kept after the round ends (GDPR art. 5(1)(e));
   * the retention job anonymises cases past it. Aggregates are kept.
   */
  retentionMonths: integer('retention_months').notNull().default(60),
});
