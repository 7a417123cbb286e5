/**
 * The pure parts of the fault bench (bench/faults.bench.ts): a seeded random source, the XLSX bomb,
 * the counting of lost writes and lost audit lines, and the statistics of the availability polls.
 * No database, no process: test/faults-bench.test.ts checks them.
 */
import { Zip, ZipDeflate, strToU8 } from 'fflate';
import { rng } from '../src/evaluation/random.ts';

/** The platform's seeded generator (mulberry32): the same moments for the same seed. */
export const seeded = rng;

// ---------------------------------------------------------------------------------------------
// The XLSX bomb

/** One empty-looking row of the bomb's sheet: one inline-string cell. */
export const BOMB_ROW = '<row><c t="inlineStr"><is><t>x</t></is></c></row>';
const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';
const BLOCK_ROWS = 10_000;

export interface XlsxBomb {
  bytes: Uint8Array;
  rows: number;
  /** Bytes of the sheet's XML once inflated (what the reader has to take in). */
  sheetXmlBytes: number;
}

const cell = (text: string) => `<c t="inlineStr"><is><t>${text}</t></is></c>`;

/**
 * A valid XLSX workbook whose one sheet has a header row (`header`) and then `rows` rows of one cell,
 * deflated: ~50 bytes of XML a row, compressed about a thousandfold (10 million rows: ~500 MB of XML
 * in ~0.5 MB). Built as a stream, so the XML is never whole in memory.
 */
export function buildXlsxBomb(rows: number, header: readonly string[]): XlsxBomb {
  const parts: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, data) => {
    if (err) failure = err;
    else parts.push(data);
  });
  const add = (name: string, text: string) => {
    const f = new ZipDeflate(name, { level: 6 });
    zip.add(f);
    f.push(strToU8(text), true);
  };
  add(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
  );
  add(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  );
  add(
    'xl/workbook.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
      '<sheets><sheet name="cases" sheetId="1" r:id="rId1"/></sheets></workbook>',
  );
  add(
    'xl/_rels/workbook.xml.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  );
  const sheet = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 6 });
  zip.add(sheet);
  const head = `${SHEET_HEAD}<row>${header.map(cell).join('')}</row>`;
  sheet.push(strToU8(head));
  let xmlBytes = head.length;
  const block = strToU8(BOMB_ROW.repeat(BLOCK_ROWS));
  let left = rows;
  while (left >= BLOCK_ROWS) {
    sheet.push(block);
    left -= BLOCK_ROWS;
    xmlBytes += block.length;
  }
  const last = BOMB_ROW.repeat(left) + SHEET_TAIL;
  sheet.push(strToU8(last), true);
  xmlBytes += last.length;
  zip.end();
  if (failure) throw failure;
  const size = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, rows, sheetXmlBytes: xmlBytes };
}

/** A CSV file whose header has `columns` columns (c1,c2,…) and one short data row. */
export function wideHeaderCsv(columns: number): string {
  const names = Array.from({ length: columns }, (_, i) => `c${i + 1}`);
  return `${names.join(',')}\n${names.map(() => 'x').join(',')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Lost writes

/** A move the server answered 2xx: the case, the version the answer gave, the status it moved to. */
export interface Ack {
  caseId: number;
  subject: string;
  version: number;
  to: string;
}

/** A case as it stood before the burst: its version and the length of its history. */
export interface Baseline {
  version: number;
  events: number;
}

export interface LossCount {
  acknowledged: number;
  stored: number;
  lostWrites: number;
  lostAuditLines: number;
  /** Moves in a history beyond the last one answered: committed while the answer was lost in the kill (not a fault). */
  unansweredButStored: number;
}

/**
 * Counts, for each acknowledged move, whether it is in its case's history (the move number
 * `version - baseline.version` after the baseline, with the status the answer named) and whether
 * its audit line is there (`subject#version` in `auditLines`).
 */
export function countLost(
  acks: readonly Ack[],
  baselines: ReadonlyMap<number, Baseline>,
  histories: ReadonlyMap<number, readonly string[]>,
  auditLines: ReadonlySet<string>,
): LossCount {
  let stored = 0;
  let lostAudit = 0;
  const highest = new Map<number, number>();
  for (const a of acks) {
    const base = baselines.get(a.caseId);
    const history = histories.get(a.caseId) ?? [];
    const index = base ? base.events + (a.version - base.version) - 1 : -1;
    if (base && index >= 0 && history[index] === a.to) stored++;
    if (!auditLines.has(`${a.subject}#${a.version}`)) lostAudit++;
    if (base) highest.set(a.caseId, Math.max(highest.get(a.caseId) ?? 0, a.version - base.version));
  }
  let unanswered = 0;
  for (const [caseId, base] of baselines) {
    const moved = (histories.get(caseId)?.length ?? base.events) - base.events;
    unanswered += Math.max(0, moved - (highest.get(caseId) ?? 0));
  }
  return {
    acknowledged: acks.length,
    stored,
    lostWrites: acks.length - stored,
    lostAuditLines: lostAudit,
    unansweredButStored: unanswered,
  };
}

// ---------------------------------------------------------------------------------------------
// Availability

/** One poll: when it was sent (ms), and its latency, or null when no 2xx answer came in time. */
export interface Poll {
  sentAt: number;
  ms: number | null;
}

export interface Availability {
  sent: number;
  answered: number;
  share: number;
  p50Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** The longest time with no poll answered (from one answer's arrival to the next, or to the end). */
  longestGapMs: number;
}

const rank = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/** The availability of a window of polls from `start` to `end` (ms). */
export function availability(polls: readonly Poll[], start: number, end: number): Availability {
  const answered = polls.filter((p) => p.ms !== null).map((p) => p.ms!);
  const sorted = [...answered].sort((a, b) => a - b);
  const arrivals = polls
    .filter((p) => p.ms !== null)
    .map((p) => p.sentAt + p.ms!)
    .sort((a, b) => a - b);
  let gap = 0;
  let last = start;
  for (const t of arrivals) {
    gap = Math.max(gap, t - last);
    last = Math.max(last, t);
  }
  gap = Math.max(gap, end - last);
  return {
    sent: polls.length,
    answered: answered.length,
    share: polls.length ? answered.length / polls.length : 0,
    p50Ms: sorted.length ? rank(sorted, 50) : null,
    p99Ms: sorted.length ? rank(sorted, 99) : null,
    maxMs: sorted.length ? sorted[sorted.length - 1]! : null,
    longestGapMs: gap,
  };
}
