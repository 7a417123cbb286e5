import type { Translate } from '../i18n/i18n.ts';
import type { DatasetColumn } from './dataset.ts';

/**
 * Every concept the exports use, in one table: its SDMX concept id (the SDMX-CSV header), its HXL
 * hashtag (HXL 1.1: a core hashtag, lower case, with `+attributes`) and what it means. The SDMX ids
 * follow the cross-domain concepts where one exists (REF_AREA, TIME_PERIOD, OBS_VALUE,
 * UNIT_MEASURE, CURRENCY, OBS_STATUS); the others are this platform's. Where two columns of one
 * export share a core hashtag, an attribute tells them apart, so that a reader matches each by its
 * tag and attributes (`#country+code` with `-departure` is the reporting state).
 *
 * | SDMX id            | HXL hashtag                         | meaning |
 * |--------------------|-------------------------------------|---------|
 * | ROUND              | #meta+round                         | the pledging round or Union Plan (its id) |
 * | REF_AREA           | #country+code                       | the Member State reporting (EU protocol code, EL for Greece); `_T` is every state together |
 * | COUNTRY_DEPARTURE  | #country+code+departure             | the country a person was resettled from (ISO 3166-1 alpha-3, P 26); `_T` all countries |
 * | TIME_PERIOD        | #date                               | the day the figures stand at (as of), or a period as SDMX writes one (start/duration) |
 * | PERIOD_START       | #date+start                         | first day of a reporting period |
 * | PERIOD_END         | #date+end                           | last day of a reporting period |
 * | PLEDGED            | #targeted+refugees+pledged          | places pledged (carry-over apart) |
 * | CARRY_OVER         | #targeted+refugees+carryover        | places carried over from the previous round's pledges |
 * | ARRIVED            | #affected+refugees+arrived          | persons arrived (resettled or admitted) |
 * | DELIVERED_SHARE    | #affected+refugees+arrived+pct      | arrived ÷ pledged, a fraction (0.5 is half); empty where nothing is pledged |
 * | STATUS             | #status+code                        | the status of a case in the pipeline |
 * | CASES              | #affected+households+cases          | cases (households) |
 * | PERSONS            | #affected+refugees+persons          | persons |
 * | PATHWAY            | #activity+pathway                   | the legal pathway (humanitarian admission, education, …); `_T` all |
 * | PROGRAMME          | #activity+code                      | the programme's code; `_Z` admitted under no programme; `_T` all |
 * | PROGRAMME_KIND     | #activity+kind                      | the programme's kind |
 * | ADMITTED           | #affected+refugees+admitted         | persons admitted (arrived) under a pathway (P 27) |
 * | FAMILY_REQUESTS    | #affected+requests+family           | family reunification support requests received |
 * | CANDIDATES_ADMITTED| #affected+candidates+admitted       | candidates admitted to education and labour programmes |
 * | INCENTIVE_RATE     | #indicator+code+rate                | the AMIF incentive rate applied; `_Z` no rate; `_T` all |
 * | AMOUNT             | #value+incentive                    | the incentives' amount |
 * | CURRENCY           | #currency                           | the amount's currency (ISO 4217) |
 * | CONF_STATUS        | #status+confidential                | SDMX's confidentiality status: `C` where a figure is withheld by disclosure control |
 * | SOURCE             | #meta+source                        | whose figure it is: PATHWAYS (the platform's own), UNHCR or EUROSTAT (reconciliation) |
 * | DATASET            | #meta+id                            | the source's dataset |
 * | EXTRACTED_ON       | #date+extracted                     | the day the source's figures were extracted |
 * | DIFFERENCE         | #affected+refugees+arrived+difference | the source's figure minus the platform's |
 * | EXPLANATION        | #description+explanation            | what explains a difference |
 *
 * The reconciliation (src/statistics/reconciliation.ts) writes its year as TIME_PERIOD `#date+year` and its persons as OBS_VALUE `#affected+refugees+arrived`.
 *
 * SDMX's special codes are used as SDMX defines them: `_T` total, `_Z` not applicable.
 */
export const CONCEPTS = {
  ROUND: '#meta+round',
  REF_AREA: '#country+code',
  COUNTRY_DEPARTURE: '#country+code+departure',
  TIME_PERIOD: '#date',
  PERIOD_START: '#date+start',
  PERIOD_END: '#date+end',
  PLEDGED: '#targeted+refugees+pledged',
  CARRY_OVER: '#targeted+refugees+carryover',
  ARRIVED: '#affected+refugees+arrived',
  DELIVERED_SHARE: '#affected+refugees+arrived+pct',
  STATUS: '#status+code',
  CASES: '#affected+households+cases',
  PERSONS: '#affected+refugees+persons',
  PATHWAY: '#activity+pathway',
  PROGRAMME: '#activity+code',
  PROGRAMME_KIND: '#activity+kind',
  ADMITTED: '#affected+refugees+admitted',
  FAMILY_REQUESTS: '#affected+requests+family',
  CANDIDATES_ADMITTED: '#affected+candidates+admitted',
  INCENTIVE_RATE: '#indicator+code+rate',
  AMOUNT: '#value+incentive',
  CURRENCY: '#currency',
  CONF_STATUS: '#status+confidential',
  SOURCE: '#meta+source',
  DATASET: '#meta+id',
  EXTRACTED_ON: '#date+extracted',
  DIFFERENCE: '#affected+refugees+arrived+difference',
  EXPLANATION: '#description+explanation',
} as const satisfies Record<string, string>;

export type ConceptId = keyof typeof CONCEPTS;

/** SDMX's code for "every member of the dimension together". */
export const TOTAL = '_T';
/** SDMX's code for "not applicable". */
export const NOT_APPLICABLE = '_Z';

/** A dataset's columns: each concept's id and hashtag from the table above, its header in the report's language (`exports.concept.<ID>`). */
export const columns = (t: Translate, spec: [ConceptId, DatasetColumn['role']][]): DatasetColumn[] =>
  spec.map(([id, role]) => ({ id, header: t(`exports.concept.${id}`), hxl: CONCEPTS[id], role }));

/** A fraction as the exports write it: six decimals, null kept. */
export const fraction = (v: number | null): number | null => (v === null ? null : Number(v.toFixed(6)));

/** The platform's agency in SDMX dataflow references. */
export const AGENCY = 'PATHWAYS';

/**
 * A period as SDMX 3.0 writes a time range (start day, then an ISO 8601 duration in days):
 * 2020-01-01 to 2021-12-31 is `2020-01-01/P731D`.
 */
export function sdmxTimeRange(from: string, to: string): string {
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  return `${from}/P${days}D`;
}

/** The dataset's observations of one state (REF_AREA): a state's own figures out of a report of every state. */
export function onlyArea<D extends { columns: { id: string }[]; rows: unknown[][] }>(d: D, code: string): D {
  const at = d.columns.findIndex((c) => c.id === 'REF_AREA');
  return at < 0 ? d : { ...d, rows: d.rows.filter((r) => r[at] === code) };
}
