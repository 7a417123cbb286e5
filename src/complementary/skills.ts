import { z } from 'zod';
import { isOccupationCode } from '../reference/occupation.ts';

/**
 * A candidate's skills profile, in the sections of the EU Skills Profile Tool for Third Country
 * Nationals (R 32; P 19 "EU-instrumenten … voor het inventariseren en documenteren van hun
 * vaardigheden en kwalificaties"): education and training, languages (CEFR levels), work
 * experience (occupations coded in ESCO where known), other skills. Pure.
 */

/** The levels of the Common European Framework of Reference for Languages. */
export const CEFR_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;

/** Levels of education as the tool asks them (after ISCED 2011). */
export const EDUCATION_LEVELS = [
  'primary',
  'lower_secondary',
  'upper_secondary',
  'vocational',
  'short_tertiary',
  'bachelor',
  'master',
  'doctorate',
] as const;

const text = (max: number) => z.string().trim().min(1).max(max);

export const skillsProfile = z
  .object({
    education: z
      .array(
        z
          .object({
            level: z.enum(EDUCATION_LEVELS),
            field: text(200).optional(),
            /** ISO 3166-1 alpha-3. */
            country: z
              .string()
              .regex(/^[A-Z]{3}$/, { message: 'iso3' })
              .optional(),
            completed: z.boolean().optional(),
          })
          .strict(),
      )
      .max(20)
      .default([]),
    languages: z
      .array(
        z
          .object({
            /** ISO 639 code (`ar`, `en`, `prs`). */
            language: z.string().regex(/^[a-z]{2,3}$/, { message: 'language' }),
            /** A CEFR level, or `native`. */
            level: z.enum([...CEFR_LEVELS, 'native']),
          })
          .strict(),
      )
      .max(20)
      .default([]),
    work: z
      .array(
        z
          .object({
            occupation: text(200),
            esco: z.string().refine(isOccupationCode, { message: 'occupation' }).optional(),
            years: z.number().min(0).max(60).optional(),
          })
          .strict(),
      )
      .max(30)
      .default([]),
    other: z.array(text(200)).max(30).default([]),
  })
  .strict();

export type SkillsProfile = z.output<typeof skillsProfile>;

/** The coded occupations of a profile, for the candidate's `occupations` (searchable): each once, in order. */
export const occupationsOf = (p: SkillsProfile): string[] => [...new Set(p.work.flatMap((w) => (w.esco ? [w.esco] : [])))];
