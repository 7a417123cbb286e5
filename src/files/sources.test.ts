import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import { Readable } from 'node:stream';
import { crc32, createDeflateRaw } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.ts';
import { MAX_CELL_CHARS, MAX_COLUMNS, readCsv, type CsvRecord } from './csv-source.ts';
import { readXlsx, XLSX_LIMITS } from './xlsx-source.ts';

const opts = { required: ['a', 'b'], optional: ['c', 'd', 'e'] };
const csvInput = (text: string) => ({ name: 'up.csv', bytes: new TextEncoder().encode(text) });

async function all(gen: AsyncIterable<CsvRecord>): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

async function refusal(gen: AsyncIterable<CsvRecord>): Promise<AppError> {
  try {
    await all(gen);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('the file was not refused');
}

/**
 * An XLSX archive written part by part, each part deflated as a stream by zlib (a bomb's sheet is
 * pushed in pieces, never held whole), with its local headers and central directory.
 */
async function workbook(parts: [string, string | (() => Iterable<string>)][]): Promise<Uint8Array> {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of parts) {
    const source = typeof content === 'string' ? [content] : content();
    let size = 0;
    let crc = 0;
    const counted = (function* () {
      for (const piece of source) {
        const b = Buffer.from(piece);
        size += b.length;
        crc = crc32(b, crc);
        yield b;
      }
    })();
    const chunks: Buffer[] = [];
    for await (const c of Readable.from(counted).pipe(createDeflateRaw({ level: 6 }))) chunks.push(c as Buffer);
    const data = Buffer.concat(chunks);
    const file = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(file.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(crc >>> 0, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(size >>> 0, 24);
    entry.writeUInt16LE(file.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, file);
    out.push(local, file, data);
    offset += local.length + file.length + data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...out, cd, end]));
}

const WORKBOOK = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`;
const RELS = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`;
const sheet = (rows: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows}</sheetData></worksheet>`;
const HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>';

describe('reading XLSX (issue 19, finding 1)', () => {
  it('reads what exceljs reads: dates, numbers, rich text, formula results, booleans, the first sheet only, row numbers as the sheet has them', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('first');
    ws.addRow(['A', 'b', 'C', 'd', 'e']);
    ws.addRow([
      new Date(Date.UTC(2020, 1, 29)),
      12.5,
      { richText: [{ text: 'ri' }, { font: { bold: true }, text: 'ch & <text>' }] },
      { formula: '1+1', result: 2 },
      true,
    ]);
    ws.getRow(4).values = ['x', 1e21, 'Zürich "quoted"', { formula: 'CONCAT("a","b")', result: 'ab' }, ''];
    ws.getRow(6).values = ['', '', '', '', ''];
    ws.getRow(7).values = ['  spaced  ', -0.1, '', '', { formula: 'NA()', result: { error: '#N/A' } }];
    wb.addWorksheet('second').addRow(['not', 'read']);
    const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);

    const ours = await all(readXlsx({ name: 'w.xlsx', bytes }, opts));
    expect(ours).toEqual([
      { row: 2, values: { a: '2020-02-29', b: '12.5', c: 'rich & <text>', d: '2', e: 'true' } },
      { row: 4, values: { a: 'x', b: '1e+21', c: 'Zürich "quoted"', d: 'ab', e: '' } },
      { row: 7, values: { a: '  spaced  ', b: '-0.1', c: '', d: '', e: '#N/A' } },
    ]);
  });

  it('reads the shared strings first wherever the archive stores them (a sheet before them), and namespaced tags', async () => {
    const bytes = await workbook([
      ['xl/workbook.xml', WORKBOOK],
      ['xl/_rels/workbook.xml.rels', RELS],
      [
        'xl/worksheets/sheet1.xml',
        sheet(
          '<x:row r="3"><x:c r="A3" t="s"><x:v>0</x:v></x:c><x:c r="B3" t="s"><x:v>1</x:v></x:c></x:row><row r="9"><c r="B9" t="s"><v>2</v></c></row>',
        )
          .replace(/<x:/g, '<x:')
          .replace(/<\/x:/g, '</x:'),
      ],
      [
        'xl/sharedStrings.xml',
        '<sst><si><t>a</t></si><si><r><t>B</t></r><rPh><t>phonetic</t></rPh></si><si><t xml:space="preserve"> two &amp; &#233; </t></si></sst>',
      ],
    ]);
    expect(await all(readXlsx({ name: 'w.xlsx', bytes }, opts))).toEqual([{ row: 9, values: { a: '', b: ' two & é ' } }]);
  });

  it('refuses a bomb of 10 million rows (1.4 MB, 490 MB inflated) in well under a second with bounded memory', async () => {
    const row = '<row><c t="inlineStr"><is><t>xxxxxxxxxx</t></is></c></row>'; // 57 bytes
    const block = row.repeat(100_000);
    const bytes = await workbook([
      ['xl/workbook.xml', WORKBOOK],
      ['xl/_rels/workbook.xml.rels', RELS],
      [
        'xl/worksheets/sheet1.xml',
        function* () {
          yield sheet(HEADER).replace('</sheetData></worksheet>', '');
          for (let i = 0; i < 100; i++) yield block;
          yield '</sheetData></worksheet>';
        },
      ],
    ]);
    expect(bytes.length).toBeLessThan(2_000_000);
    const heap = process.memoryUsage().rss;
    const started = performance.now();
    const e = await refusal(readXlsx({ name: 'bomb.xlsx', bytes }, opts));
    const ms = performance.now() - started;
    expect(e.code).toBe('bad_input');
    expect(e.messageKey).toBe('xlsxTooLarge');
    expect(ms).toBeLessThan(1000);
    expect(process.memoryUsage().rss - heap).toBeLessThan(300 * 1024 * 1024);
  }, 60_000);

  it('holds a bomb that lies about its size to what it declares, and to the ratio while inflating', async () => {
    const block = '<row><c t="inlineStr"><is><t>xxxxxxxxxx</t></is></c></row>'.repeat(100_000);
    const bytes = await workbook([
      ['xl/workbook.xml', WORKBOOK],
      ['xl/_rels/workbook.xml.rels', RELS],
      [
        'xl/worksheets/sheet1.xml',
        function* () {
          yield sheet(HEADER).replace('</sheetData></worksheet>', '');
          for (let i = 0; i < 20; i++) yield block;
          yield '</sheetData></worksheet>';
        },
      ],
    ]);
    const view = new DataView(bytes.buffer);
    const sheetEntry = (() => {
      for (let p = bytes.length - 22; p > 0; p--) {
        if (
          view.getUint32(p, true) === 0x02014b50 &&
          new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + view.getUint16(p + 28, true))) === 'xl/worksheets/sheet1.xml'
        )
          return p;
      }
      throw new Error('no sheet entry');
    })();
    const compressed = view.getUint32(sheetEntry + 20, true);
    view.setUint32(sheetEntry + 24, compressed * XLSX_LIMITS.ratio, true);
    let started = performance.now();
    expect((await refusal(readXlsx({ name: 'liar.xlsx', bytes }, opts))).messageKey).toBe('xlsxRatio');
    expect(performance.now() - started).toBeLessThan(3000); // 1.5 MB inflated and read: 26,000 rows
    view.setUint32(sheetEntry + 24, 1000, true);
    started = performance.now();
    const e = await refusal(readXlsx({ name: 'liar.xlsx', bytes }, opts));
    expect([e.messageKey, e.message]).toEqual([
      'xlsxUnreadable',
      'liar.xlsx is not a readable XLSX workbook: xl/worksheets/sheet1.xml holds more than the archive declares',
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
  }, 60_000);

  it('refuses a workbook past the limits of inflated size and rows, a cell past the column limit, a cell too long and a tag too long', async () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>${(i * 7919) % 100_003}</v></c></row>`).join('');
    const plain = await workbook([
      ['xl/workbook.xml', WORKBOOK],
      ['xl/_rels/workbook.xml.rels', RELS],
      ['xl/worksheets/sheet1.xml', sheet(HEADER + rows(50_000))],
    ]);
    const limits = { ...XLSX_LIMITS };
    try {
      expect(await all(readXlsx({ name: 'w.xlsx', bytes: plain }, opts))).toHaveLength(50_000);
      XLSX_LIMITS.inflatedBytes = 1024 * 1024;
      expect((await refusal(readXlsx({ name: 'w.xlsx', bytes: plain }, opts))).messageKey).toBe('xlsxTooLarge');
      Object.assign(XLSX_LIMITS, limits, { rows: 49_999 });
      expect((await refusal(readXlsx({ name: 'w.xlsx', bytes: plain }, opts))).messageKey).toBe('xlsxTooManyRows');
    } finally {
      Object.assign(XLSX_LIMITS, limits);
    }
    const one = (rows: string) =>
      workbook([
        ['xl/workbook.xml', WORKBOOK],
        ['xl/_rels/workbook.xml.rels', RELS],
        ['xl/worksheets/sheet1.xml', sheet(HEADER + rows)],
      ]);
    const wide = await refusal(readXlsx({ name: 'w.xlsx', bytes: await one(`<row r="2"><c r="GS2"><v>1</v></c></row>`) }, opts));
    expect([wide.messageKey, wide.params]).toEqual(['tooManyColumns', { p1: 'w.xlsx', max: MAX_COLUMNS, row: 2 }]);
    const long = await refusal(
      readXlsx(
        {
          name: 'w.xlsx',
          bytes: await one(`<row r="5"><c r="A5" t="inlineStr"><is><t>${'x'.repeat(MAX_CELL_CHARS + 1)}</t></is></c></row>`),
        },
        opts,
      ),
    );
    expect([long.messageKey, long.params]).toEqual(['cellTooLong', { p1: 'w.xlsx', max: MAX_CELL_CHARS, row: 5 }]);
    const tag = await refusal(
      readXlsx({ name: 'w.xlsx', bytes: await one(`<row r="2" x="${'y'.repeat(XLSX_LIMITS.tagBytes)}"></row>`) }, opts),
    );
    expect(tag.messageKey).toBe('xlsxTagTooLong');
    const ok = await all(
      readXlsx(
        {
          name: 'w.xlsx',
          bytes: await one(`<row r="2"><c r="A2" t="inlineStr"><is><t>${'x'.repeat(MAX_CELL_CHARS)}</t></is></c><c r="GR2" s="1"/></row>`),
        },
        opts,
      ),
    );
    expect(ok[0]!.values.a).toHaveLength(MAX_CELL_CHARS);
  }, 60_000);

  it('says an archive that is not one is unreadable', async () => {
    expect((await refusal(readXlsx({ name: 'x.xlsx', bytes: strToU8('a,b\n1,2\n') }, opts))).messageKey).toBe('xlsxUnreadable');
    const noSheet = zipSync({ 'xl/workbook.xml': strToU8(WORKBOOK) });
    expect((await refusal(readXlsx({ name: 'x.xlsx', bytes: noSheet }, opts))).messageKey).toBe('xlsxUnreadable');
  });
});

describe('reading CSV (issue 19, findings 2 and 3)', () => {
  it('checks a header of 100,000 columns at once (the duplicate check was quadratic: 21.7 s), refusing it for its width', async () => {
    const header = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',');
    const started = performance.now();
    const e = await refusal(readCsv(csvInput(`${header}\n`), opts));
    expect(performance.now() - started).toBeLessThan(1000);
    expect([e.messageKey, e.params]).toEqual(['tooManyColumns', { p1: 'up.csv', max: MAX_COLUMNS, row: 1 }]);
  });

  it('still names the missing, unknown and repeated columns of a header', async () => {
    const e = await refusal(readCsv(csvInput('a,x,a,c\n1,2,3,4\n'), opts));
    expect(e.message).toContain('missing column(s): b; unknown column(s): x; repeated column(s): a');
  });

  it('refuses a row wider than the column limit, and a cell longer than the cell limit (a 15 MB field stops as it is read)', async () => {
    const wide = await refusal(readCsv(csvInput(`a,b\n1,2\n${'x,'.repeat(MAX_COLUMNS)}x\n`), opts));
    expect([wide.messageKey, wide.params]).toEqual(['tooManyColumns', { p1: 'up.csv', max: MAX_COLUMNS, row: 3 }]);
    const long = await refusal(readCsv(csvInput(`a,b\n1,${'y'.repeat(MAX_CELL_CHARS + 1)}\n`), opts));
    expect([long.messageKey, long.params]).toEqual(['cellTooLong', { p1: 'up.csv', max: MAX_CELL_CHARS, row: 2 }]);
    const started = performance.now();
    const huge = await refusal(readCsv(csvInput(`a,b\n1,"${'z'.repeat(15 * 1024 * 1024)}"\n`), opts));
    expect([huge.messageKey, huge.params]).toEqual(['cellTooLong', { p1: 'up.csv', max: MAX_CELL_CHARS, row: 2 }]);
    expect(performance.now() - started).toBeLessThan(2000);
    const ok = await all(readCsv(csvInput(`a,b\n1,${'y'.repeat(MAX_CELL_CHARS)}\n`), opts));
    expect(ok[0]!.values.b).toHaveLength(MAX_CELL_CHARS);
  });
});
