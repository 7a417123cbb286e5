import { describe, expect, it } from 'vitest';
import { renderTable, toCsv } from './table.ts';

describe('tables', () => {
  it('align numbers right and draw a rule before the total', () => {
    expect(
      renderTable({
        headers: ['State', 'Places'],
        rows: [
          ['België', '758'],
          ['Total', '1 000'],
        ],
        align: ['l', 'r'],
        ruleBefore: [1],
      }).split('\n'),
    ).toEqual(['State   Places', '──────  ──────', 'België     758', '──────  ──────', 'Total    1 000']);
  });

  it('write CSV that quotes what needs it and defuses formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 'say "hi"'],
          ['=SUM(A1)', null],
          [3, true],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=SUM(A1),\r\n3,true\r\n');
  });
});
