/**
 * A report as data to exchange: one row per observation, each column a concept with its role, its
 * SDMX concept id and its HXL hashtag. Every report (state of play, pipeline, admissions,
 * incentives, reconciliation) builds one; the writers of this folder turn it into CSV, XLSX,
 * HXL-tagged CSV and SDMX-CSV 2.0 without knowing which report it is.
 */
export interface DatasetColumn {
  /** SDMX concept id, upper snake case (REF_AREA, TIME_PERIOD, OBS_VALUE, COUNTRY_DEPARTURE, …): the SDMX-CSV header. */
  id: string;
  /** The header of plain CSV and XLSX, in the report's language. */
  header: string;
  /** HXL hashtag with attributes (`#country+code`, `#affected+refugees+arrived`, `#date+year`), or null to leave untagged. */
  hxl: string | null;
  /** Dimensions identify an observation; measures are its figures; attributes qualify them (flags, notes, sources). */
  role: 'dimension' | 'measure' | 'attribute';
}

export type DatasetCell = string | number | null;

export interface Dataset {
  /** SDMX dataflow the rows belong to: AGENCY:ID(VERSION), e.g. PATHWAYS:STATE_OF_PLAY(1.0). */
  dataflow: { agency: string; id: string; version: string };
  title: string;
  columns: DatasetColumn[];
  /** One array per observation, cells in the order of `columns`; null is "no value" (never a zero). */
  rows: DatasetCell[][];
  /** Where the figures come from, and what a reader must know (written beside the data where the format allows). */
  notes: string[];
}
