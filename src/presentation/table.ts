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

/** RFC 4180 CSV; a cell that a spreadsheet would run as a formula is prefixed with an apostrophe. */
export function toCsv(headers: string[], rows: (string | number | null | boolean)[][]): string {
  const cell = (v: string | number | null | boolean) => {
    if (v === null) return '';
    let s = String(v);
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [headers, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
