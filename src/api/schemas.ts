import { z } from '@hono/zod-openapi';
import { PRIORITIES, SUBMISSION_CATEGORIES } from '../cases/case.ts';
import { MODALITIES, STAGES, STATUSES } from '../cases/stage.ts';
import { STATES } from '../reference/state.ts';
import { LANGS } from '../i18n/lang.ts';
import { PATHWAYS, QUALIFIERS } from '../rounds/round.ts';

/**
 * The schemas the resources share: parameters, and the records the domain returns, written to be
 * exactly the domain's types (the typed client hands them to the same presenters as the CLI's
 * local mode). Custom messages name their catalogue key (`validation.<key>`).
 */

// ── Parameters ────────────────────────────────────────────────────────────────────────────────
const STATE_CODES = STATES.map((s) => s.code) as [string, ...string[]];

export const stateParam = z.enum(STATE_CODES).openapi({
  param: { name: 'state', in: 'path' },
  description: 'The Member State, by its EU protocol code (EL for Greece).',
  example: 'NL',
});

/** A round's id, wherever it is given (path, query, body). */
export const roundId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'roundId' });
export const roundParam = roundId.openapi({ param: { name: 'round', in: 'path' }, description: 'The round id.', example: '2020-2021' });

/** Case references are the state's pseudonymous references: allowed in a path (person references never are). */
const CASE_REF = /^[\p{L}\p{N}][\p{L}\p{N} ._/:#-]{0,63}$/u;
export const caseRefParam = z
  .string()
  .regex(CASE_REF, { message: 'caseRef' })
  // The document states the pattern itself: the generator would append the regex's flag (`/u`) to it.
  .openapi({
    param: { name: 'ref', in: 'path' },
    pattern: CASE_REF.source,
    description: 'The case reference (pseudonymous, unique within the state).',
    example: 'NL-2020-0042',
  });

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'date' })
  .openapi({ format: 'date', example: '2021-12-31' });

export const langQuery = z
  .enum(LANGS)
  .optional()
  .openapi({
    param: { name: 'lang', in: 'query' },
    description: 'The language of names in the figures (states, countries); by default the first of Accept-Language.',
  });

// ── Rounds ────────────────────────────────────────────────────────────────────────────────────
const citation = { source: z.string().optional(), locator: z.string().optional() };
const qualifier = z.enum(QUALIFIERS);
const figure = z.object({ value: z.number(), qualifier, ...citation });
const label = z.object({ en: z.string(), nl: z.string().optional() });
const pathway = z.enum(PATHWAYS);

export const DocumentFigure = figure
  .extend({
    figure: z.enum(['pledged_total', 'arrived_total', 'delivered_share', 'target']),
    as_of: isoDate.optional(),
    note: z.string().optional(),
  })
  .openapi('DocumentFigure', { description: 'A figure a document states, with its source.' });

export const Round = z
  .object({
    id: z.string(),
    title: z.string(),
    legalBasis: z.string(),
    start: isoDate,
    end: isoDate,
    target: figure.nullable(),
    budget: figure.extend({ currency: z.string() }).nullable(),
    previous: z.string().nullable(),
    pathways: z.array(pathway),
    participants: z.array(z.string()).nullable(),
    priorities: z.array(z.object({ id: z.string(), label, countries: z.array(z.string()), ...citation })),
    incentives: z.array(
      z.object({
        id: z.string(),
        label,
        amount: z.number(),
        currency: z.string(),
        pathway: pathway.optional(),
        requires: z
          .array(z.enum(['priority_region', 'vulnerable_group']))
          .optional()
          .openapi({ description: 'The rate applies when any of these holds; empty or absent: always.' }),
        vulnerable_groups: z.array(z.string()).optional(),
        note: z.string().optional(),
        ...citation,
      }),
    ),
    sources: z.array(z.object({ id: z.string(), citation: z.string(), url: z.string().optional() })),
    documentFigures: z.array(DocumentFigure),
  })
  .openapi('Round', { description: 'A pledging round or Union Plan: its period, target, pathways, priorities, incentives and sources.' });

// ── Cases ─────────────────────────────────────────────────────────────────────────────────────
export const status = z.enum(STATUSES);
export const stage = z.enum(STAGES);
export const modality = z.enum(MODALITIES);
export const priority = z.enum(PRIORITIES);
export const category = z.enum(SUBMISSION_CATEGORIES);

export const CaseSummary = z
  .object({
    id: z.number().int(),
    stateCode: z.string(),
    caseRef: z.string(),
    pathway: z.string(),
    roundId: z.string().nullable(),
    countryOfDeparture: z.string(),
    status,
    heldFrom: stage.nullable(),
    statusOn: isoDate.nullable(),
    version: z.number().int(),
    priority,
    modality: modality.nullable(),
    persons: z.number().int(),
  })
  .openapi('CaseSummary', { description: 'A case (household) in a list: where it stands, no person.' });

export const CasePerson = z
  .object({
    personRef: z.string(),
    citizenship: z.string().nullable(),
    sex: z.string().nullable(),
    birthYear: z.number().int().nullable(),
    relationship: z.string().nullable(),
    arrivedOn: isoDate.nullable(),
    roundId: z.string().nullable(),
    needs: z.array(z.object({ type: z.string(), note: z.string().optional(), accommodation: z.string().optional() })),
    excludedReason: z.string().nullable(),
  })
  .openapi('CasePerson', { description: 'A member of a household.' });

export const CaseEvent = z
  .object({
    on: isoDate,
    recordedAt: z.string(),
    actor: z.string(),
    fromStatus: status.nullable(),
    toStatus: status,
    reason: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .openapi('CaseEvent', { description: 'A line of a case’s history: one move, who made it, when and why.' });

export const CaseDetail = CaseSummary.extend({
  primaryCategory: z.string().nullable(),
  secondaryCategory: z.string().nullable(),
  referringPartner: z.string().nullable(),
  partnerRef: z.string().nullable(),
  linkedRefs: z.array(z.string()),
  members: z.array(CasePerson),
  history: z.array(CaseEvent),
}).openapi('CaseDetail', { description: 'One case with its members and its history (a Member State officer sees every field).' });

/**
 * A case as a role sees it (src/access/fields.ts): every field optional, because a field the role
 * may not see is absent, not null.
 */
export const CaseView = CaseDetail.partial()
  .extend({ members: z.array(CasePerson.partial()).optional(), phases: z.array(z.string()).optional() })
  .openapi('CaseView', { description: 'A case as the caller’s role may see it: fields the role may not see are absent.' });
