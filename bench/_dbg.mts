import { strToU8, Zip, ZipDeflate } from 'fflate';
import { readXlsx, XLSX_LIMITS } from '../src/imports/xlsx-source.ts';
const chunks: Uint8Array[] = [];
const zip = new Zip((err, data) => { chunks.push(data); });
const w = new ZipDeflate('xl/workbook.xml'); zip.add(w); w.push(strToU8('<workbook><sheets><sheet r:id="rId1"/></sheets></workbook>'), true);
const f = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 6 });
zip.add(f);
f.push(strToU8('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'));
const block = '<row><c t="inlineStr"><is><t>xxxxxxxxxx</t></is></c></row>'.repeat(100_000);
let t = Date.now();
for (let i = 0; i < 100; i++) f.push(strToU8(block));
f.push(strToU8('</sheetData></worksheet>'), true);
zip.end();
const buf = Buffer.concat(chunks);
console.log('built', buf.length, Date.now() - t);
t = Date.now();
try { for await (const r of readXlsx({ name: 'x.xlsx', bytes: new Uint8Array(buf) }, { required: ['a', 'b'] })) {}; console.log('done'); } catch (e) { console.log((e as Error).message); }
console.log(Date.now() - t);
