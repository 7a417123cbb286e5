import { readFileSync } from 'node:fs';
import { Inflate } from 'fflate';
import { appError } from '../i18n/problem.ts';
import { AppError, ErrorCode } from '../errors/app-error.ts';
import {
  checkHeader,
  fileSize,
  inputName,
  MAX_CELL_CHARS,
  MAX_COLUMNS,
  type CsvRecord,
  type CsvSourceOptions,
  type FileInput,
} from './csv-source.ts';

/**
 * Limits of a workbook, checked while it is inflated and read, never after: a 1.4 MB archive can
 * hold 490 MB of XML (issue 19, finding 1). Rows count every `<row>` element, empty ones too.
 */
export const XLSX_LIMITS = {
  /** Bytes of XML inflated from the archive, all parts together. */
  inflatedBytes: 128 * 1024 * 1024,
  rows: 1_000_000,
  /** Bytes of one tag (a row's or a cell's attributes). */
  tagBytes: 64 * 1024,
  /**
   * Inflated bytes a part may grow to per compressed byte read, past a first `ratioFloor`: a
   * worksheet's XML deflates 5 to 30 times; a bomb's, hundreds of times. It is refused after
   * megabytes, not after the whole of it (inflating 490 MB takes seconds however it is read).
   */
  ratio: 100,
  ratioFloor: 1024 * 1024,
};

const SLICE = 4096; // compressed bytes pushed at a time: deflate's 1:1032 bound keeps one push's output under 4.2 MB

interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  /** As the archive declares it: checked before inflating, and held to while inflating. */
  size: number;
  offset: number;
}

class Refused extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

/** The archive's central directory: the parts and where their data is, read without inflating anything. */
function centralDirectory(zip: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no central directory)');
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  if (count === 0xffff || p === 0xffffffff) throw new Error('a zip64 archive is not supported');
  const entries = new Map<string, ZipEntry>();
  const names = new TextDecoder();
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || view.getUint32(p, true) !== 0x02014b50) throw new Error('a damaged zip central directory');
    const nameLength = view.getUint16(p + 28, true);
    const name = names.decode(zip.subarray(p + 46, p + 46 + nameLength));
    entries.set(name.replace(/^\//, ''), {
      name,
      flags: view.getUint16(p + 8, true),
      method: view.getUint16(p + 10, true),
      compressedSize: view.getUint32(p + 20, true),
      size: view.getUint32(p + 24, true),
      offset: view.getUint32(p + 42, true),
    });
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
  }
  return entries;
}

/** A part's text, inflated a slice at a time; every byte counts against the workbook's budget. */
function* inflatePart(zip: Uint8Array, e: ZipEntry, budget: { left: number }): Generator<string> {
  if (e.flags & 1) throw new Error(`${e.name} is encrypted`);
  // What the archive declares refuses an honest bomb at once; a dishonest one is held to it below.
  if (e.size > budget.left) throw new Refused('xlsxTooLarge', { mb: Math.round(XLSX_LIMITS.inflatedBytes / 1024 / 1024) });
  if (e.size > XLSX_LIMITS.ratioFloor + XLSX_LIMITS.ratio * e.compressedSize) throw new Refused('xlsxRatio', { ratio: XLSX_LIMITS.ratio });
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  if (e.offset + 30 > zip.length || view.getUint32(e.offset, true) !== 0x04034b50) throw new Error(`a damaged zip entry: ${e.name}`);
  const start = e.offset + 30 + view.getUint16(e.offset + 26, true) + view.getUint16(e.offset + 28, true);
  const data = zip.subarray(start, start + e.compressedSize);
  if (data.length !== e.compressedSize) throw new Error(`a truncated zip entry: ${e.name}`);
  const text = new TextDecoder('utf-8');
  const out: string[] = [];
  let consumed = 0;
  let inflated = 0;
  const take = (chunk: Uint8Array) => {
    budget.left -= chunk.length;
    inflated += chunk.length;
    if (budget.left < 0) throw new Refused('xlsxTooLarge', { mb: Math.round(XLSX_LIMITS.inflatedBytes / 1024 / 1024) });
    if (inflated > XLSX_LIMITS.ratioFloor + XLSX_LIMITS.ratio * consumed) throw new Refused('xlsxRatio', { ratio: XLSX_LIMITS.ratio });
    if (inflated > e.size) throw new Error(`${e.name} holds more than the archive declares`);
    out.push(text.decode(chunk, { stream: true }));
  };
  if (e.method === 0) {
    for (let i = 0; i < data.length; i += SLICE * 16) {
      consumed = data.length;
      take(data.subarray(i, i + SLICE * 16));
      yield* out.splice(0);
    }
  } else if (e.method === 8) {
    const inflate = new Inflate((chunk) => take(chunk));
    if (data.length === 0) inflate.push(new Uint8Array(0), true);
    for (let i = 0; i < data.length; i += SLICE) {
      consumed = Math.min(data.length, i + SLICE);
      inflate.push(data.subarray(i, i + SLICE), i + SLICE >= data.length);
      yield* out.splice(0);
    }
  } else throw new Error(`${e.name}: compression method ${e.method} is not supported`);
  const rest = text.decode();
  if (rest) yield rest;
}

type Tag = { name: string; raw: string; close: boolean; selfClosing: boolean };

/**
 * A small streaming XML scanner, enough for the parts of a workbook: tags (local names, attributes
 * read on demand) and the raw text between them, in pieces. Comments, processing instructions and
 * declarations are skipped; CDATA is text.
 */
function* scanXml(chunks: Iterable<string>): Generator<Tag | string> {
  let buf = '';
  for (const chunk of chunks) {
    buf = buf.length ? buf + chunk : chunk;
    let p = 0;
    for (;;) {
      const lt = buf.indexOf('<', p);
      if (lt < 0) {
        if (p < buf.length) yield buf.slice(p);
        buf = '';
        break;
      }
      if (lt > p) yield buf.slice(p, lt);
      let end: number;
      if (buf.startsWith('<!--', lt)) {
        const close = buf.indexOf('-->', lt);
        end = close < 0 ? -1 : close + 2;
      } else if (buf.startsWith('<![CDATA[', lt)) {
        const close = buf.indexOf(']]>', lt);
        if (close >= 0) yield escapeText(buf.slice(lt + 9, close));
        end = close < 0 ? -1 : close + 2;
      } else end = buf.indexOf('>', lt);
      if (end < 0) {
        buf = buf.slice(lt);
        if (buf.length > XLSX_LIMITS.tagBytes) throw new Refused('xlsxTagTooLong', { kb: XLSX_LIMITS.tagBytes / 1024 });
        break;
      }
      if (end - lt > XLSX_LIMITS.tagBytes) throw new Refused('xlsxTagTooLong', { kb: XLSX_LIMITS.tagBytes / 1024 });
      p = end + 1;
      const c = buf.charCodeAt(lt + 1);
      if (c === 63 /* ? */ || c === 33 /* ! */) continue;
      const close = c === 47; /* / */
      const selfClosing = buf.charCodeAt(end - 1) === 47;
      const raw = buf.slice(lt + (close ? 2 : 1), selfClosing ? end - 1 : end);
      let n = 0;
      while (n < raw.length && !isSpace(raw.charCodeAt(n))) n++;
      let name = raw.slice(0, n);
      const colon = name.indexOf(':');
      if (colon >= 0) name = name.slice(colon + 1);
      yield { name, raw, close, selfClosing };
    }
  }
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** An attribute of a tag, decoded; undefined where absent. */
const ATTRIBUTES = new Map<string, RegExp>();
function attr(tag: Tag, name: string): string | undefined {
  let re = ATTRIBUTES.get(name);
  if (!re) {
    re = new RegExp(`(?:^|\\s)(?:[\\w.-]+:)?${name}\\s*=\\s*("([^"]*)"|'([^']*)')`);
    ATTRIBUTES.set(name, re);
  }
  const m = re.exec(tag.raw);
  return m ? decodeXml(m[2] ?? m[3] ?? '') : undefined;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decodeXml(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (all, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[e] ?? all;
  });
}

/** Raw text kept for one value, bounded: a cell's limit in characters, with room for entities. */
const RAW_LIMIT = MAX_CELL_CHARS * 8;

/** Gathers the text of a value, refusing it past the cell limit. */
class TextValue {
  raw = '';
  add(s: string) {
    this.raw += s;
    if (this.raw.length > RAW_LIMIT) throw new Refused('cellTooLong', { max: MAX_CELL_CHARS });
  }
  take(): string {
    const v = decodeXml(this.raw);
    this.raw = '';
    if (v.length > MAX_CELL_CHARS) throw new Refused('cellTooLong', { max: MAX_CELL_CHARS });
    return v;
  }
}

/** The shared strings: each `<si>`'s text runs (phonetic runs left out), in order. */
function readSharedStrings(xml: Iterable<string>): string[] {
  const out: string[] = [];
  let raw = '';
  let inT = false;
  let phonetic = 0;
  let tooLong = false;
  for (const ev of scanXml(xml)) {
    if (typeof ev === 'string') {
      if (inT && phonetic === 0 && !tooLong) {
        raw += ev;
        if (raw.length > RAW_LIMIT) [tooLong, raw] = [true, ''];
      }
      continue;
    }
    if (ev.name === 't') inT = !ev.close && !ev.selfClosing;
    else if (ev.name === 'rPh') phonetic += ev.close ? -1 : ev.selfClosing ? 0 : 1;
    else if (ev.name === 'si' && (ev.close || ev.selfClosing)) {
      // A string longer than a cell may hold is kept as a marker: refused only where a cell uses it.
      const text = tooLong ? '' : decodeXml(raw);
      out.push(tooLong || text.length > MAX_CELL_CHARS ? '\u0000' : text);
      [raw, tooLong] = ['', false];
    }
  }
  return out;
}

/** Which cell styles show a number as a date: built-in date formats and custom ones with date tokens (as exceljs decides). */
function readDateStyles(xml: Iterable<string>): boolean[] {
  const custom = new Map<number, string>();
  const dates: boolean[] = [];
  let inCellXfs = false;
  for (const ev of scanXml(xml)) {
    if (typeof ev === 'string') continue;
    if (ev.name === 'numFmt' && !ev.close) custom.set(Number(attr(ev, 'numFmtId')), attr(ev, 'formatCode') ?? '');
    else if (ev.name === 'cellXfs') inCellXfs = !ev.close && !ev.selfClosing;
    else if (ev.name === 'xf' && inCellXfs && !ev.close) {
      const id = Number(attr(ev, 'numFmtId') ?? 0);
      const code = custom.get(id);
      dates.push(code !== undefined ? isDateFormat(code) : (id >= 14 && id <= 22) || (id >= 45 && id <= 47));
    }
  }
  return dates;
}

const isDateFormat = (code: string) => /[ymdhMsb]+/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));

/** Serial day to YYYY-MM-DD, as exceljs reads it. */
function serialDate(v: number, date1904: boolean): string {
  const d = new Date(Math.round((v - 25569 + (date1904 ? 1462 : 0)) * 24 * 3600 * 1000));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString().slice(0, 10);
}

/** Column number of a cell reference (A1 → 1), or null. */
function columnOf(ref: string | undefined): number | null {
  if (!ref) return null;
  let n = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) n = n * 26 + (c - 64);
    else if (c >= 97 && c <= 122) n = n * 26 + (c - 96);
    else break;
    if (n > 1_000_000) return n;
  }
  return n || null;
}

interface SheetContext {
  shared: string[];
  dateStyles: boolean[];
  date1904: boolean;
}

/** The rows of a worksheet that hold a value, as text cells by column (1-based column → index + 1). */
function* readSheetRows(xml: Iterable<string>, ctx: SheetContext): Generator<{ row: number; values: string[] }> {
  let rowNumber = 0;
  let rowsSeen = 0;
  let cells: string[] = [];
  let hasValue = false;
  let col = 0;
  let type = '';
  let dateStyle = false;
  let where: 'v' | 't' | null = null;
  let inInline = false;
  let phonetic = 0;
  let cellHas = false;
  const v = new TextValue();
  const inline = new TextValue();
  try {
    yield* sheetEvents();
  } catch (e) {
    // a cell refused names its row
    if (e instanceof Refused && e.params.row === undefined) e.params.row = rowNumber;
    throw e;
  }
  function* sheetEvents(): Generator<{ row: number; values: string[] }> {
    for (const ev of scanXml(xml)) {
      if (typeof ev === 'string') {
        if (where === 'v') v.add(ev);
        else if (where === 't' && inInline && phonetic === 0) inline.add(ev);
        continue;
      }
      switch (ev.name) {
        case 'row':
          if (ev.close) {
            if (hasValue) yield { row: rowNumber, values: cells };
            continue;
          }
          if (++rowsSeen > XLSX_LIMITS.rows) throw new Refused('xlsxTooManyRows', { max: XLSX_LIMITS.rows });
          rowNumber = Number(attr(ev, 'r') ?? rowNumber + 1) || rowNumber + 1;
          cells = [];
          hasValue = false;
          col = 0;
          continue;
        case 'c': {
          if (ev.close) break;
          col = columnOf(attr(ev, 'r')) ?? col + 1;
          type = attr(ev, 't') ?? 'n';
          const s = attr(ev, 's');
          dateStyle = s !== undefined && ctx.dateStyles[Number(s)] === true;
          v.raw = '';
          inline.raw = '';
          cellHas = false;
          if (ev.selfClosing) continue;
          continue;
        }
        case 'v':
          where = ev.close || ev.selfClosing ? null : 'v';
          if (!ev.close) cellHas = true;
          continue;
        case 'is':
          inInline = !ev.close && !ev.selfClosing;
          if (!ev.close) cellHas = true;
          continue;
        case 't':
          where = ev.close || ev.selfClosing ? null : 't';
          continue;
        case 'rPh':
          phonetic += ev.close ? -1 : ev.selfClosing ? 0 : 1;
          continue;
        default:
          continue;
      }
      // the end of a cell
      where = null;
      if (!cellHas) continue;
      const text = cellText(type, v.take(), inline.take(), dateStyle, ctx);
      if (col > MAX_COLUMNS) throw new Refused('tooManyColumns', { max: MAX_COLUMNS });
      cells[col - 1] = text;
      hasValue = true;
    }
  }
}

/** A cell as the text a CSV file would hold: dates as YYYY-MM-DD, numbers as written, formulas by their result. */
function cellText(type: string, v: string, inline: string, dateStyle: boolean, ctx: SheetContext): string {
  switch (type) {
    case 's': {
      const s = ctx.shared[Number(v)] ?? '';
      if (s === '\u0000') throw new Refused('cellTooLong', { max: MAX_CELL_CHARS });
      return s;
    }
    case 'inlineStr':
      return inline;
    case 'str':
    case 'e':
      return v;
    case 'b':
      return v === '1' || v === 'true' ? 'true' : 'false';
    case 'd':
      return v.slice(0, 10);
    default: {
      if (v.trim() === '') return '';
      const n = parseFloat(v);
      if (Number.isNaN(n)) return v;
      return dateStyle ? serialDate(n, ctx.date1904) : String(n);
    }
  }
}

/** The first worksheet's part: the workbook's first `<sheet>`, through the workbook's relationships. */
function firstSheet(
  entries: Map<string, ZipEntry>,
  zip: Uint8Array,
  budget: { left: number },
): { sheet: ZipEntry; date1904: boolean; shared?: ZipEntry; styles?: ZipEntry } {
  const part = (name: string) => entries.get(name);
  let firstId: string | undefined;
  let date1904 = false;
  const workbook = part('xl/workbook.xml');
  if (!workbook) throw new Error('no xl/workbook.xml');
  for (const ev of scanXml(inflatePart(zip, workbook, budget))) {
    if (typeof ev === 'string' || ev.close) continue;
    if (ev.name === 'workbookPr') date1904 = ['1', 'true'].includes(attr(ev, 'date1904') ?? '');
    if (ev.name === 'sheet' && firstId === undefined) firstId = attr(ev, 'id');
  }
  const targets = new Map<string, { target: string; type: string }>();
  const rels = part('xl/_rels/workbook.xml.rels');
  if (rels) {
    for (const ev of scanXml(inflatePart(zip, rels, budget))) {
      if (typeof ev === 'string' || ev.close || ev.name !== 'Relationship') continue;
      const target = attr(ev, 'Target') ?? '';
      targets.set(attr(ev, 'Id') ?? '', {
        target: target.startsWith('/') ? target.slice(1) : `xl/${target}`,
        type: attr(ev, 'Type') ?? '',
      });
    }
  }
  const byType = (t: string) => [...targets.values()].find((r) => r.type.endsWith(`/${t}`))?.target;
  const sheetName = (firstId && targets.get(firstId)?.target) || 'xl/worksheets/sheet1.xml';
  const sheet = part(sheetName);
  if (!sheet) throw new Error(`no worksheet ${sheetName}`);
  return {
    sheet,
    date1904,
    shared: part(byType('sharedStrings') ?? 'xl/sharedStrings.xml'),
    styles: part(byType('styles') ?? 'xl/styles.xml'),
  };
}

/**
 * The first worksheet of an XLSX workbook as the same records a CSV file gives: its first row is
 * the header, checked the same way. The archive is read from its central directory (so the shared
 * strings come first wherever they are stored) and each part inflated as a stream, the sheet row by
 * row: the limits on inflated size, rows, columns and cell length hold while reading.
 */
export async function* readXlsx(input: FileInput, opts: CsvSourceOptions): AsyncGenerator<CsvRecord> {
  const path = inputName(input);
  const total = typeof input === 'string' ? fileSize(input) : input.bytes.length;
  let header: string[] | null = null;
  try {
    const zip = typeof input === 'string' ? new Uint8Array(readFileSync(input)) : input.bytes;
    const entries = centralDirectory(zip);
    const budget = { left: XLSX_LIMITS.inflatedBytes };
    const { sheet, date1904, shared, styles } = firstSheet(entries, zip, budget);
    const ctx: SheetContext = {
      date1904,
      shared: shared ? readSharedStrings(inflatePart(zip, shared, budget)) : [],
      dateStyles: styles ? readDateStyles(inflatePart(zip, styles, budget)) : [],
    };
    let read = 0;
    const chunks = (function* () {
      for (const c of inflatePart(zip, sheet, budget)) {
        read += c.length;
        yield c;
      }
    })();
    const inflatedTotal = Math.max(1, sheet.compressedSize);
    for (const { row, values } of readSheetRows(chunks, ctx)) {
      if (header === null) {
        header = Array.from(values, (h) => (h ?? '').trim().toLowerCase());
        while (header.length > 0 && header[header.length - 1] === '') header.pop();
        checkHeader(path, header, opts);
        continue;
      }
      const rec: Record<string, string> = {};
      let blank = true;
      for (let i = 0; i < header.length; i++) {
        const x = values[i] ?? '';
        rec[header[i]!] = x;
        if (blank && x.trim() !== '') blank = false;
      }
      if (blank && values.slice(header.length).every((x) => (x ?? '').trim() === '')) continue;
      opts.onProgress?.(Math.min(total, Math.round((total * read) / (inflatedTotal * 8))), total);
      yield { row, values: rec };
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof Refused) throw appError(ErrorCode.BadInput, e.key, { p1: path, ...e.params });
    throw appError(ErrorCode.BadInput, 'xlsxUnreadable', { p1: path, p2: (e as Error).message });
  }
  if (header === null) throw appError(ErrorCode.BadInput, 'xlsxEmpty', { p1: path, p2: opts.required.join(',') });
}
