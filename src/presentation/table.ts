import { csvText } from '../exchange/csv-cell.ts';

/**
 * Plain tables for a terminal and CSV for spreadsheets: the two text shapes every report takes.
 * A report's presenter builds a `Table`; the CLI prints it, the server sends it as CSV.
 */
export interface Table {
  headers: string[];
  rows: (string | number | null)[][];
  /** 'r' right-aligns a column (numbers); default left. */
  align?: ('l' | 'r')[];
  /** Rows after which a rule is drawn (e.g. before a total). */
  ruleBefore?: number[];
}

const width = (s: string) => [...s].length;

export function renderTable(t: Table): string {
  const cells = [t.headers, ...t.rows.map((r) => r.map((c) => (c === null ? '' : String(c))))];
  const widths = t.headers.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (t.align?.[i] === 'r' ? c.padStart(widths[i]! + c.length - width(c)) : c.padEnd(widths[i]! + c.length - width(c))))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [line(cells[0]!), rule];
  cells.slice(1).forEach((r, i) => {
    if (t.ruleBefore?.includes(i)) out.push(rule);
    out.push(line(r));
  });
  return out.join('\n');
}

/**
 * RFC 4180 CSV through the platform's one rule (`src/exchange/csv-cell.ts`): figures as they are,
 * text that a spreadsheet would run as a formula defused, quoted where a separator could split it.
 */
export function toCsv(headers: string[], rows: (string | number | null | boolean)[][]): string {
  return csvText(headers, rows);
}
