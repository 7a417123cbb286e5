import type { operations } from '../../../src/api/openapi.types.ts';
import type { FieldErrors } from '../ui/field.tsx';
import type { Pathway, Qualifier } from './round.ts';

/**
 * The "open a round" form as typed (text as typed, so that a half-typed number stays), turned into
 * the round file the API takes (src/rounds/round.ts roundFileSchema). Each input is named by the
 * path of its value in that file ("priorities.0.label.en"), so that the server's reasons per field
 * land beside the input they are about.
 */
export type RoundFile = operations['createRound']['requestBody']['content']['application/json'];

export interface PriorityDraft {
  id: string;
  labelEn: string;
  labelNl: string;
  countries: string;
  source: string;
  locator: string;
}
export interface IncentiveDraft {
  id: string;
  labelEn: string;
  labelNl: string;
  amount: string;
  currency: string;
  pathway: Pathway | '';
  source: string;
  locator: string;
}
export interface SourceDraft {
  id: string;
  citation: string;
  url: string;
}

export interface RoundDraft {
  id: string;
  title: string;
  legalBasis: string;
  start: string;
  end: string;
  previous: string;
  targetValue: string;
  targetQualifier: Qualifier;
  targetSource: string;
  targetLocator: string;
  budgetValue: string;
  budgetCurrency: string;
  budgetQualifier: Qualifier;
  budgetSource: string;
  budgetLocator: string;
  pathways: Pathway[];
  participants: string;
  sources: SourceDraft[];
  priorities: PriorityDraft[];
  incentives: IncentiveDraft[];
}

export const emptyRoundDraft = (): RoundDraft => ({
  id: '',
  title: '',
  legalBasis: '',
  start: '',
  end: '',
  previous: '',
  targetValue: '',
  targetQualifier: 'exact',
  targetSource: '',
  targetLocator: '',
  budgetValue: '',
  budgetCurrency: 'EUR',
  budgetQualifier: 'exact',
  budgetSource: '',
  budgetLocator: '',
  pathways: ['resettlement'],
  participants: '',
  sources: [],
  priorities: [],
  incentives: [],
});

export const emptyPriority = (): PriorityDraft => ({ id: '', labelEn: '', labelNl: '', countries: '', source: '', locator: '' });
export const emptyIncentive = (): IncentiveDraft => ({
  id: '',
  labelEn: '',
  labelNl: '',
  amount: '',
  currency: 'EUR',
  pathway: '',
  source: '',
  locator: '',
});
export const emptySource = (): SourceDraft => ({ id: '', citation: '', url: '' });

const list = (s: string): string[] =>
  s
    .split(/[,;\s]+/)
    .map((x) => x.trim().toUpperCase())
    .filter(Boolean);

/** A number as typed: '' is none; a comma as decimal sign is taken; anything else is NaN. */
export const numberOf = (s: string): number | null => {
  const t = s.trim().replace(/[\s\u00a0\u202f]/g, '');
  if (t === '') return null;
  return /^\d+([.,]\d+)?$/.test(t) ? Number(t.replace(',', '.')) : NaN;
};

const cite = (source: string, locator: string) => ({
  ...(source ? { source } : {}),
  ...(locator.trim() ? { locator: locator.trim() } : {}),
});

export function toRoundFile(d: RoundDraft): RoundFile {
  const target = numberOf(d.targetValue);
  const budget = numberOf(d.budgetValue);
  const participants = list(d.participants);
  return {
    id: d.id.trim(),
    title: d.title.trim(),
    legal_basis: d.legalBasis.trim(),
    start: d.start,
    end: d.end,
    ...(target !== null ? { target: { value: target, qualifier: d.targetQualifier, ...cite(d.targetSource, d.targetLocator) } } : {}),
    ...(budget !== null
      ? {
          budget: {
            value: budget,
            qualifier: d.budgetQualifier,
            currency: d.budgetCurrency.trim().toUpperCase(),
            ...cite(d.budgetSource, d.budgetLocator),
          },
        }
      : {}),
    ...(d.previous ? { previous: d.previous } : {}),
    pathways: d.pathways,
    ...(participants.length > 0 ? { participants } : {}),
    sources: d.sources.map((s) => ({ id: s.id.trim(), citation: s.citation.trim(), ...(s.url.trim() ? { url: s.url.trim() } : {}) })),
    priorities: d.priorities.map((p) => ({
      id: p.id.trim(),
      label: { en: p.labelEn.trim(), ...(p.labelNl.trim() ? { nl: p.labelNl.trim() } : {}) },
      countries: list(p.countries),
      ...cite(p.source, p.locator),
    })),
    incentives: d.incentives.map((i) => ({
      id: i.id.trim(),
      label: { en: i.labelEn.trim(), ...(i.labelNl.trim() ? { nl: i.labelNl.trim() } : {}) },
      amount: numberOf(i.amount) ?? NaN,
      currency: i.currency.trim().toUpperCase(),
      ...(i.pathway ? { pathway: i.pathway } : {}),
      ...cite(i.source, i.locator),
    })),
  } as RoundFile;
}

export type DraftProblem = 'required' | 'endBeforeStart' | 'number' | 'pathways';

/** What the page can tell before asking the server: the fields a round needs, numbers, the period's order. */
export function checkRoundDraft(d: RoundDraft): Record<string, DraftProblem> {
  const out: Record<string, DraftProblem> = {};
  for (const [path, v] of [
    ['id', d.id],
    ['title', d.title],
    ['legal_basis', d.legalBasis],
    ['start', d.start],
    ['end', d.end],
  ] as const)
    if (!v.trim()) out[path] = 'required';
  if (d.start && d.end && d.end < d.start) out.end = 'endBeforeStart';
  if (Number.isNaN(numberOf(d.targetValue))) out['target.value'] = 'number';
  if (Number.isNaN(numberOf(d.budgetValue))) out['budget.value'] = 'number';
  if (d.pathways.length === 0) out.pathways = 'pathways';
  d.sources.forEach((s, i) => {
    if (!s.id.trim()) out[`sources.${i}.id`] = 'required';
    if (!s.citation.trim()) out[`sources.${i}.citation`] = 'required';
  });
  d.priorities.forEach((p, i) => {
    if (!p.id.trim()) out[`priorities.${i}.id`] = 'required';
    if (!p.labelEn.trim()) out[`priorities.${i}.label.en`] = 'required';
  });
  d.incentives.forEach((x, i) => {
    if (!x.id.trim()) out[`incentives.${i}.id`] = 'required';
    if (!x.labelEn.trim()) out[`incentives.${i}.label.en`] = 'required';
    const a = numberOf(x.amount);
    if (a === null) out[`incentives.${i}.amount`] = 'required';
    else if (Number.isNaN(a)) out[`incentives.${i}.amount`] = 'number';
  });
  return out;
}

/** Every input of the form, by the path of its value in the round file. */
export function inputPaths(d: RoundDraft): string[] {
  return [
    'id',
    'title',
    'legal_basis',
    'start',
    'end',
    'previous',
    'target.value',
    'target.qualifier',
    'target.source',
    'target.locator',
    'budget.value',
    'budget.currency',
    'budget.qualifier',
    'budget.source',
    'budget.locator',
    'pathways',
    'participants',
    ...d.sources.flatMap((_, i) => ['id', 'citation', 'url'].map((f) => `sources.${i}.${f}`)),
    ...d.priorities.flatMap((_, i) => ['id', 'label.en', 'label.nl', 'countries', 'source', 'locator'].map((f) => `priorities.${i}.${f}`)),
    ...d.incentives.flatMap((_, i) =>
      ['id', 'label.en', 'label.nl', 'amount', 'currency', 'pathway', 'source', 'locator'].map((f) => `incentives.${i}.${f}`),
    ),
  ];
}

/**
 * The server's reasons placed on the form: a reason for a field is shown at that field's input, or
 * at the nearest input above it (a country of a priority at its countries, `target` at its value);
 * what fits no input stays with the form (`general`). The round service's own checks come as
 * `problems` ("participants: …", "priorities.<id>: …"): their prefix names the field.
 */
export function placeServerErrors(
  details: FieldErrors & { problems?: string[] },
  d: RoundDraft,
): { fields: FieldErrors; general: string[] } {
  const inputs = new Set(inputPaths(d));
  const fields: FieldErrors = {};
  const general: string[] = [];
  const put = (path: string, reason: string) => {
    let p = path;
    while (p && !inputs.has(p)) p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
    if (!p && inputs.has(`${path}.value`)) p = `${path}.value`;
    if (p) fields[p] = [...(fields[p] ?? []), reason];
    else general.push(reason);
  };
  for (const [key, reasons] of Object.entries(details)) {
    if (key === 'problems') continue;
    for (const r of reasons) put(key, r);
  }
  for (const line of details.problems ?? []) {
    const m = /^([A-Za-z_][\w.-]*): (.+)$/.exec(line);
    if (!m) {
      general.push(line);
      continue;
    }
    let path = m[1]!;
    // "priorities.<id>" names a priority by its id: it is the countries that were refused.
    const byId = /^priorities\.(.+)$/.exec(path);
    if (byId && !/^\d+(\.|$)/.test(byId[1]!)) {
      const i = d.priorities.findIndex((p) => p.id.trim() === byId[1]);
      path = i >= 0 ? `priorities.${i}.countries` : path;
    }
    put(path, m[2]!);
  }
  return { fields, general };
}
