import { z } from 'zod';
import { isValidIsoDate, PATHWAYS, type Pathway } from './pathway.ts';

/** What a rate may require: any one of them (an empty list: always). */
export const INCENTIVE_CONDITIONS = ['priority_region', 'vulnerable_group'] as const;
export type IncentiveCondition = (typeof INCENTIVE_CONDITIONS)[number];

/**
 * The vulnerable groups the lump sums name. Regulation (EU) No 516/2014 art. 17 (the 2014–2020
 * AMIF, read for the "particularly vulnerable groups" of R 16) and Regulation (EU) 2021/1147
 * art. 19(3) as replaced by Regulation (EU) 2024/1350 art. 14(2) list the same four, (d) worded
 * for each: emergency or urgent resettlement (2014–2020), legal or physical protection needs
 * including victims of violence or torture (both).
 */
export const VULNERABLE_GROUPS = [
  'women_children_at_risk',
  'unaccompanied_minor',
  'medical_needs',
  'legal_physical_protection',
  'emergency_resettlement',
] as const;

export { isPathway, isValidIsoDate, PATHWAYS, type Pathway } from './pathway.ts';

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => isValidIsoDate(s), 'is not a real calendar date');

/** How a document qualifies a figure: "at least 29 500", "about EUR 300 million", "just under 29 500". */
export const QUALIFIERS = ['exact', 'at_least', 'about', 'fewer_than', 'more_than'] as const;

const citation = {
  /** Id of an entry of the round's `sources`. */
  source: z.string().min(1).optional(),
  /** Where in the source: "P 2", "R 16", "Annex". */
  locator: z.string().min(1).optional(),
};

const figure = z.object({
  value: z.number().nonnegative(),
  qualifier: z.enum(QUALIFIERS).default('exact'),
  ...citation,
});

const label = z.object({ en: z.string().min(1), nl: z.string().min(1).optional() });

export const roundFileSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" and "-" only, at most 64'),
    title: z.string().min(1),
    legal_basis: z.string().min(1),
    start: isoDate,
    end: isoDate,
    /** A number, or a figure with its qualifier and source. */
    target: z.preprocess((v) => (typeof v === 'number' ? { value: v } : v), figure).optional(),
    budget: figure.extend({ currency: z.string().length(3).default('EUR') }).optional(),
    previous: z.string().min(1).optional(),
    pathways: z.array(z.enum(PATHWAYS)).min(1).default(['resettlement']),
    participants: z.array(z.string().min(2)).min(1).optional(),
    priorities: z
      .array(z.object({ id: z.string().min(1), label, countries: z.array(z.string().length(3)).default([]), ...citation }))
      .default([]),
    incentives: z
      .array(
        z
          .object({
            id: z.string().min(1),
            label,
            amount: z.number().nonnegative(),
            currency: z.string().length(3).default('EUR'),
            /** The pathway the rate pays for; absent: every pathway of the round. */
            pathway: z.enum(PATHWAYS).optional(),
            /** The rate applies when any of these holds (src/incentives/incentive.ts); empty: always. */
            requires: z.array(z.enum(INCENTIVE_CONDITIONS)).default([]),
            /** The vulnerable groups that count for `requires: vulnerable_group`. */
            vulnerable_groups: z.array(z.enum(VULNERABLE_GROUPS)).default([]),
            /** How the rate's text is read, where the text leaves it open. */
            note: z.string().min(1).optional(),
            ...citation,
          })
          .strict()
          .refine((i) => i.requires.includes('vulnerable_group') === i.vulnerable_groups.length > 0, {
            message: 'vulnerable_groups are needed exactly when the rate requires a vulnerable group',
            path: ['vulnerable_groups'],
          }),
      )
      .default([]),
    sources: z.array(z.object({ id: z.string().min(1), citation: z.string().min(1), url: z.string().url().optional() })).default([]),
    document_figures: z
      .array(
        figure.extend({
          figure: z.enum(['pledged_total', 'arrived_total', 'delivered_share', 'target']),
          /** The day the document's figure speaks of, where it is not the round's end. */
          as_of: isoDate.optional(),
          note: z.string().optional(),
        }),
      )
      .default([]),
  })
  .strict()
  .refine((r) => r.start <= r.end, { message: 'start must not be after end', path: ['end'] });

export type RoundFile = z.output<typeof roundFileSchema>;
export type TargetFigure = NonNullable<RoundFile['target']>;
export type BudgetFigure = NonNullable<RoundFile['budget']>;
export type Priority = RoundFile['priorities'][number];
export type Incentive = RoundFile['incentives'][number];
export type Source = RoundFile['sources'][number];
export type DocumentFigure = RoundFile['document_figures'][number];

/** A figure a document states, beside the figure computed from the ledger. */
export interface DocumentFigureCheck extends Omit<DocumentFigure, 'as_of'> {
  asOf: string | null;
  computed: number | null;
  /** Computed minus stated; null where nothing is computed to compare. */
  difference: number | null;
}

export interface Round {
  id: string;
  title: string;
  legalBasis: string;
  start: string;
  end: string;
  target: TargetFigure | null;
  budget: BudgetFigure | null;
  previous: string | null;
  pathways: Pathway[];
  participants: string[] | null;
  priorities: Priority[];
  incentives: Incentive[];
  sources: Source[];
  documentFigures: DocumentFigure[];
}

export function roundFromFile(f: RoundFile): Round {
  return {
    id: f.id,
    title: f.title,
    legalBasis: f.legal_basis,
    start: f.start,
    end: f.end,
    target: f.target ?? null,
    budget: f.budget ?? null,
    previous: f.previous ?? null,
    pathways: f.pathways,
    participants: f.participants ?? null,
    priorities: f.priorities,
    incentives: f.incentives,
    sources: f.sources,
    documentFigures: f.document_figures,
  };
}

/**
 * The round a person counts in when the import names none: the round whose period holds the
 * arrival date (RULES.md §3). Where periods overlap (the 2015 and 2017 schemes), the round that
 * started last is taken: it is the one open for new pledges. Null when no round holds the date.
 */
export function roundForDate(rounds: readonly Pick<Round, 'id' | 'start' | 'end'>[], day: string): string | null {
  let best: Pick<Round, 'id' | 'start' | 'end'> | null = null;
  for (const r of rounds) {
    if (r.start <= day && day <= r.end && (best === null || r.start > best.start)) best = r;
  }
  return best?.id ?? null;
}
