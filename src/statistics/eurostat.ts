import { parse } from 'csv-parse/sync';
import type { RowProblem } from '../errors/app-error.ts';
import { rowProblem } from '../i18n/problem.ts';
import { figureKeys, iso3Of, isYear, stateCodeOfArea, wholeNumber, type Figure, type ParsedStatistics } from './statistics.ts';

/**
 * Eurostat's tables in its two download layouts: SDMX-CSV (2.0: STRUCTURE, STRUCTURE_ID, ACTION, the
 * dimensions, TIME_PERIOD, OBS_VALUE, OBS_FLAG …; 1.0: DATAFLOW, …) and its TSV (`freq,…,geo\TIME_PERIOD`
 * then one column per year, cells like `1 235 p`, `:` not available, `: c` confidential). The
 * dimensions are read from the header, since each table has its own; the totals of every dimension
 * but the country of arrival (geo), the citizenship and the year are kept, the rest counted.
 */

/** The value of a dimension that is its total; rows with another value are breakdowns, not kept. */
export const EUROSTAT_TOTALS: Record<string, string> = { freq: 'A', unit: 'PER', sex: 'T', age: 'TOTAL' };
const GEO = 'geo';
const PARTNER = 'citizen';
/** Columns of SDMX-CSV that are not dimensions. */
const NOT_DIMENSIONS = new Set([
  'STRUCTURE',
  'STRUCTURE_ID',
  'STRUCTURE_NAME',
  'ACTION',
  'DATAFLOW',
  'LAST UPDATE',
  'TIME_PERIOD',
  'OBS_VALUE',
  'OBS_FLAG',
  'CONF_STATUS',
]);

const KNOWN: Record<string, { title: string; definitions: string }> = {
  migr_asyresa: {
    title: 'Resettled persons by age, sex and citizenship – annual data',
    definitions:
      'Resettled persons: third-country nationals or stateless persons transferred from a third country to the reporting country and granted international protection there during the calendar year, by citizenship, as reported to Eurostat (Regulation (EC) No 862/2007, art. 4); figures rounded to the nearest 5; ":" not available.',
  },
};

export interface EurostatOptions {
  /** The file's name: the table's code where the file does not say it (Eurostat names its TSV `estat_<code>.tsv`). */
  name: string;
}

/** Which layout a Eurostat file is in, from its first line. */
export function eurostatLayout(text: string): 'sdmx-csv-2.0' | 'sdmx-csv-1.0' | 'tsv' | null {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  if (/^"?STRUCTURE"?,/.test(first)) return 'sdmx-csv-2.0';
  if (/^"?DATAFLOW"?,/.test(first)) return 'sdmx-csv-1.0';
  if (/\\(TIME_PERIOD|time)\s*\t/i.test(first)) return 'tsv';
  return null;
}

/** `ESTAT:MIGR_ASYRESA(1.0)` → `migr_asyresa`. */
const codeOfStructure = (id: string) => (/^[^:]+:([A-Za-z0-9_]+)/.exec(id)?.[1] ?? id).toLowerCase();
const codeOfName = (name: string) =>
  (name.split(/[\\/]/).pop() ?? name)
    .replace(/\.(tsv|csv|txt)(\.gz)?$/i, '')
    .replace(/^estat_/i, '')
    .toLowerCase();

/** A cell of Eurostat's TSV: `1 235 p` → 1235 with flag p; `:` → not available; `: c` → not available, confidential. */
export function tsvCell(text: string): { value: number | null; flags: string | null } | null {
  const m = /^(?:(:)|(\d[\d ]*?))\s*([a-z]+)?$/i.exec(text.trim());
  if (!m) return null;
  const flags = m[3] ? m[3].toLowerCase() : null;
  if (m[1]) return { value: null, flags };
  const value = wholeNumber(m[2]!);
  return value === null ? null : { value, flags };
}

interface Observation {
  row: number;
  /** The column a problem of the value names. */
  column: string;
  dims: Record<string, string>;
  period: string;
  value: string;
  flags: string | null;
}

export function parseEurostat(text: string, opts: EurostatOptions): ParsedStatistics {
  const problems: RowProblem[] = [];
  const figures: Figure[] = [];
  const result: ParsedStatistics = {
    source: 'eurostat',
    code: codeOfName(opts.name),
    title: '',
    basis: 'citizenship',
    rounding: 5,
    extractedOn: null,
    definitions: '',
    figures,
    problems,
    notKept: { rows: 0, by: {} },
  };
  const layout = eurostatLayout(text);
  let observations: Observation[] = [];
  try {
    if (layout === 'tsv') observations = readTsv(text, problems);
    else if (layout !== null) observations = readSdmxCsv(text, layout, problems, result);
    else problems.push(rowProblem(1, '', (text.split(/\r?\n/, 1)[0] ?? '').slice(0, 80), 'statsLayout'));
  } catch (e) {
    problems.push(rowProblem(0, '', '', 'statsUnreadable', { reason: (e as Error).message }));
  }
  const known = KNOWN[result.code];
  result.title = known?.title ?? `Eurostat ${result.code}`;
  result.definitions =
    known?.definitions ??
    `Eurostat table ${result.code}: persons by citizenship and reporting country, per calendar year; figures rounded to the nearest 5; ":" not available.`;
  const repeated = figureKeys();
  for (const o of observations) {
    const other = Object.entries(o.dims).find(([d, v]) => d !== GEO && d !== PARTNER && v !== (EUROSTAT_TOTALS[d] ?? 'TOTAL'));
    if (other) {
      result.notKept.rows++;
      const key = `${other[0]}=${other[1]}`;
      result.notKept.by[key] = (result.notKept.by[key] ?? 0) + 1;
      continue;
    }
    const before = problems.length;
    const year = Number(o.period);
    if (!/^\d{4}$/.test(o.period) || !isYear(year)) problems.push(rowProblem(o.row, 'TIME_PERIOD', o.period, 'statsYear'));
    const area = o.dims[GEO]!;
    const stateCode = stateCodeOfArea(area);
    // A country (EL, UK as Eurostat writes them) or an aggregate (EU27_2020, EFTA …, codes longer than two letters).
    if (stateCode === null && area.length === 2 && iso3Of(area) === null) problems.push(rowProblem(o.row, GEO, area, 'countryUnknown'));
    const partner = o.dims[PARTNER]!;
    const partnerIso3 = partner.length === 2 ? iso3Of(partner) : null;
    if (partner.length === 2 && partnerIso3 === null) problems.push(rowProblem(o.row, PARTNER, partner, 'countryUnknown'));
    const cell = o.value === '' || o.value === ':' ? { value: null, flags: o.flags } : tsvCell(o.value);
    if (cell === null) problems.push(rowProblem(o.row, o.column, o.value, 'statsValue'));
    if (problems.length > before || cell === null) continue;
    const figure: Figure = { year, area, stateCode, partner, partnerIso3, value: cell.value, flags: o.flags ?? cell.flags };
    const again = repeated(figure, o.row, o.column);
    if (again) problems.push(again);
    else figures.push(figure);
  }
  return result;
}

function requireDimensions(dims: string[], row: number, problems: RowProblem[]): boolean {
  const missing = [GEO, PARTNER].filter((d) => !dims.includes(d));
  for (const d of missing) problems.push(rowProblem(row, d, '', 'columnMissing'));
  return missing.length === 0;
}

function readSdmxCsv(
  text: string,
  layout: 'sdmx-csv-2.0' | 'sdmx-csv-1.0',
  problems: RowProblem[],
  result: ParsedStatistics,
): Observation[] {
  const records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true }) as string[][];
  // Eurostat may label the header ("geo: Geopolitical entity"): the code is before the colon.
  const header = records[0]!.map((h) => h.split(':')[0]!.trim());
  const dims = header.filter((h) => !NOT_DIMENSIONS.has(h.toUpperCase()));
  const required = ['TIME_PERIOD', 'OBS_VALUE', layout === 'sdmx-csv-2.0' ? 'STRUCTURE_ID' : 'DATAFLOW'];
  for (const c of required.filter((c) => !header.includes(c))) problems.push(rowProblem(1, c, '', 'columnMissing'));
  if (!requireDimensions(dims, 1, problems) || problems.length) return [];
  const col = (name: string) => header.indexOf(name);
  const structure = records[1]?.[col(required[2]!)];
  if (structure) result.code = codeOfStructure(structure);
  return records.slice(1).map((r, i) => {
    const flags =
      [r[col('OBS_FLAG')], r[col('CONF_STATUS')] === 'C' ? 'c' : undefined]
        .map((f) => (f ?? '').trim())
        .filter(Boolean)
        .join('') || null;
    return {
      row: i + 2,
      column: 'OBS_VALUE',
      dims: Object.fromEntries(dims.map((d) => [d, (r[col(d)] ?? '').split(':')[0]!.trim()])),
      period: (r[col('TIME_PERIOD')] ?? '').trim(),
      value: (r[col('OBS_VALUE')] ?? '').trim(),
      flags,
    };
  });
}

function readTsv(text: string, problems: RowProblem[]): Observation[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const head = lines[0]!.split('\t');
  const [dimPart] = head[0]!.split('\\');
  const dims = dimPart!.split(',').map((d) => d.trim());
  if (!requireDimensions(dims, 1, problems)) return [];
  const periods = head.slice(1).map((p) => p.trim());
  const out: Observation[] = [];
  lines.slice(1).forEach((line, i) => {
    const row = i + 2;
    const cells = line.split('\t');
    const keys = cells[0]!.split(',').map((k) => k.trim());
    if (keys.length !== dims.length || cells.length !== head.length) {
      problems.push(rowProblem(row, '', String(cells.length), 'fieldCount', { n: cells.length, expected: head.length }));
      return;
    }
    const dimValues = Object.fromEntries(dims.map((d, j) => [d, keys[j]!]));
    periods.forEach((period, j) => {
      const value = cells[j + 1]!.trim();
      const flags = /^:\s*([a-z]+)$/i.exec(value)?.[1]?.toLowerCase() ?? null;
      out.push({ row, column: period, dims: dimValues, period, value: flags ? ':' : value, flags });
    });
  });
  return out;
}
