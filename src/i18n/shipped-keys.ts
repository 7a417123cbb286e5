/**
 * The catalogue keys of what the platform ships (`src/i18n/shipped/<lang>.json`, under `shipped.`):
 * the rounds' titles, priority regions, incentives and document figures, the sources' citations,
 * the EU's programmes. Pure, and shared by the server's presenters and the web, so that both find a
 * shipped text by the same key; a round or programme a user adds has no key and shows as written.
 */
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-|-$/g, '');

export const shippedKeys = {
  roundTitle: (round: string) => `round.${round}.title`,
  legalBasis: (round: string) => `round.${round}.legalBasis`,
  region: (round: string, region: string) => `round.${round}.region.${region}`,
  incentive: (round: string, incentive: string) => `round.${round}.incentive.${incentive}`,
  incentiveNote: (round: string, incentive: string) => `round.${round}.incentive.${incentive}.note`,
  /** A document figure by what it is and where the document states it (unique within a round). */
  figureNote: (round: string, f: { figure: string; locator?: string | null | undefined }) =>
    `round.${round}.figure.${f.figure}.${slug(f.locator ?? '')}.note`,
  figureLocator: (round: string, f: { figure: string; locator?: string | null | undefined }) =>
    `round.${round}.figure.${f.figure}.${slug(f.locator ?? '')}.locator`,
  source: (source: string) => `source.${source}`,
  programme: (code: string, field: 'title' | 'criteria' | 'source') => `programme.${code}.${field}`,
  programmeTargetGroup: (code: string, i: number) => `programme.${code}.targetGroup.${i}`,
  condition: (code: string, id: string) => `programme.${code}.condition.${id}`,
  conditionSource: (code: string, id: string) => `programme.${code}.condition.${id}.source`,
  annexCarryOver: 'pledge.annex2020.carryOver',
} as const;

/** An act's short name from its citation: up to its number ("Commission Recommendation (EU) 2020/1364"), in any language. */
export const actShortName = (citation: string): string => /^.*?\d{4}\/\d+/.exec(citation)?.[0] ?? citation;
