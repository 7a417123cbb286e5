import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { availability, BOMB_ROW, buildXlsxBomb, countLost, seeded, wideHeaderCsv, type Ack } from '../bench/faults-lib.ts';

// The pure helpers of the fault bench (bench/faults.bench.ts, issue 19): what it counts must be right.
describe('fault bench helpers', () => {
  it('builds a valid, highly compressed XLSX bomb of the rows asked for', () => {
    const bomb = buildXlsxBomb(25_001, ['case_ref', 'person_ref']);
    const files = unzipSync(bomb.bytes);
    expect(Object.keys(files)).toContain('xl/worksheets/sheet1.xml');
    const xml = strFromU8(files['xl/worksheets/sheet1.xml']!);
    expect(xml.length).toBe(bomb.sheetXmlBytes);
    expect(xml.split('<row>').length - 1).toBe(25_001 + 1); // the header row too
    expect(xml.startsWith('<?xml')).toBe(true);
    expect(xml.endsWith('</sheetData></worksheet>')).toBe(true);
    expect(bomb.sheetXmlBytes).toBeGreaterThan(25_000 * BOMB_ROW.length);
    expect(bomb.bytes.length * 100).toBeLessThan(bomb.sheetXmlBytes);
  });

  it('writes a header of the columns asked for', () => {
    const [header, row] = wideHeaderCsv(1000).split('\n');
    expect(header!.split(',')).toHaveLength(1000);
    expect(row!.split(',')).toHaveLength(1000);
  });

  it('gives the same moments for the same seed', () => {
    const a = seeded(19);
    const b = seeded(19);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('counts an acknowledged move as stored only where its history has it, and its audit line by version', () => {
    const acks: Ack[] = [
      { caseId: 1, subject: 'case:NL:A', version: 4, to: 'on_hold' },
      { caseId: 1, subject: 'case:NL:A', version: 5, to: 'checks' },
      { caseId: 2, subject: 'case:NL:B', version: 8, to: 'on_hold' },
    ];
    const baselines = new Map([
      [1, { version: 3, events: 2 }],
      [2, { version: 7, events: 6 }],
    ]);
    const histories = new Map([
      [1, ['referred', 'checks', 'on_hold', 'checks', 'on_hold']], // a third move, committed but unanswered
      [2, ['referred', 'x', 'x', 'x', 'x', 'x']], // case 2's move is missing
    ]);
    const audit = new Set(['case:NL:A#4', 'case:NL:A#5', 'case:NL:A#6']);
    expect(countLost(acks, baselines, histories, audit)).toEqual({
      acknowledged: 3,
      stored: 2,
      lostWrites: 1,
      lostAuditLines: 1,
      unansweredButStored: 1,
    });
  });

  it('reports availability: share answered, percentiles and the longest time without an answer', () => {
    const a = availability(
      [
        { sentAt: 0, ms: 1 },
        { sentAt: 10, ms: 3 },
        { sentAt: 20, ms: null },
        { sentAt: 30, ms: null },
        { sentAt: 100, ms: 2 },
      ],
      0,
      110,
    );
    expect(a).toMatchObject({ sent: 5, answered: 3, p50Ms: 2, p99Ms: 3, maxMs: 3, longestGapMs: 89 });
    expect(a.share).toBeCloseTo(0.6);
  });
});
