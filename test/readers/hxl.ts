import { parse } from 'csv-parse/sync';

/**
 * A reader of HXL-tagged CSV written from the standard (HXL 1.1, https://hxlstandard.org/standard/1-1final/),
 * not from this platform's writer (nothing of src/exchange is imported): the hashtag row is the
 * first row whose non-blank cells are all hashtags, possibly with attributes; every row after it is
 * data; rows before it are headers. Hashtags and attributes are case-insensitive. A column is found
 * by a tag pattern: `#tag+a+b` matches a column that has the tag and (at least) those attributes,
 * `-c` excludes attribute c, and a trailing `!` asks for exactly the attributes given.
 */
const HASHTAG = /^\s*#[a-z][a-z0-9_]*(\s*\+\s*[a-z][a-z0-9_]*)*\s*$/i;

export interface HxlColumn {
  header: string | null;
  tag: string;
  attributes: Set<string>;
}

export interface HxlDataset {
  columns: (HxlColumn | null)[];
  rows: string[][];
  /** The index of the one column the pattern matches; throws when none or several do. */
  column(pattern: string): number;
  /** The value of the one column matching the pattern in a data row ('' is empty). */
  value(row: string[], pattern: string): string;
}

function parseTagspec(spec: string): HxlColumn & { header: null } {
  const parts = spec.replace(/\s+/g, '').toLowerCase().split('+');
  return { header: null, tag: parts[0]!, attributes: new Set(parts.slice(1)) };
}

function matches(column: HxlColumn, pattern: string): boolean {
  const p = pattern.replace(/\s+/g, '').toLowerCase();
  const exact = p.endsWith('!');
  const m = /^(#[a-z][a-z0-9_]*)((?:[+-][a-z][a-z0-9_]*)*)!?$/.exec(p);
  if (!m) throw new Error(`Not a tag pattern: ${pattern}`);
  if (column.tag !== m[1]) return false;
  const include = [...m[2]!.matchAll(/\+([a-z0-9_]+)/g)].map((x) => x[1]!);
  const exclude = [...m[2]!.matchAll(/-([a-z0-9_]+)/g)].map((x) => x[1]!);
  if (!include.every((a) => column.attributes.has(a)) || exclude.some((a) => column.attributes.has(a))) return false;
  return !exact || column.attributes.size === include.length;
}

export function readHxl(text: string): HxlDataset {
  const records = parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
  const at = records.findIndex((r) => r.some((c) => c.trim() !== '') && r.every((c) => c.trim() === '' || HASHTAG.test(c)));
  if (at < 0) throw new Error('No hashtag row: this is not HXL');
  const headers = at > 0 ? records[at - 1]! : [];
  const columns = records[at]!.map((c, i) => (c.trim() === '' ? null : { ...parseTagspec(c), header: headers[i] ?? null }));
  const rows = records.slice(at + 1).filter((r) => r.some((c) => c.trim() !== ''));
  const column = (pattern: string) => {
    const found = columns.flatMap((c, i) => (c && matches(c, pattern) ? [i] : []));
    if (found.length !== 1) throw new Error(`${found.length} columns match ${pattern}`);
    return found[0]!;
  };
  return { columns, rows, column, value: (row, pattern) => row[column(pattern)] ?? '' };
}
