import { describe, expect, it } from 'vitest';
import { annexFromSeed, SEED_ABSENT } from '../../test/seed-annex.ts';
import { ANNEX_2020 } from './annex-2020.data.ts';
import { parsePledgeRow, pledgeKey, pledgeTotals } from './pledge.ts';

const row = (over: Record<string, string> = {}) => ({
  member_state: 'NL',
  pathway: 'resettlement',
  places: '1902',
  carry_over: '',
  country_of_departure: '',
  note: '',
  ...over,
});

describe('a pledge row', () => {
  it('is read with codes resolved and the defaults of empty cells', () => {
    expect(parsePledgeRow('2020-2021', row({ member_state: 'Nederland', country_of_departure: 'Turkije', places: '1 902' }), 2)).toEqual({
      ok: true,
      pledge: {
        roundId: '2020-2021',
        stateCode: 'NL',
        pathway: 'resettlement',
        places: 1902,
        carryOver: false,
        countryOfDeparture: 'TUR',
        targetGroup: null,
        note: '',
      },
    });
  });

  it.each(['true', 'yes', '1', 'ja', '*', 'TRUE'])('takes "%s" as a carry-over', (v) => {
    const r = parsePledgeRow('r', row({ carry_over: v }), 2);
    expect(r.ok && r.pledge.carryOver).toBe(true);
  });

  it.each([
    [{ member_state: 'Atlantis' }, 'member_state'],
    [{ member_state: '' }, 'member_state'],
    [{ pathway: 'tourism' }, 'pathway'],
    [{ places: '-3' }, 'places'],
    [{ places: '12.5' }, 'places'],
    [{ places: 'many' }, 'places'],
    [{ carry_over: 'maybe' }, 'carry_over'],
    [{ country_of_departure: 'Narnia' }, 'country_of_departure'],
    [{ country_of_departure: 'Congo' }, 'country_of_departure'],
  ])('with %o is refused in column %s, with row and value', (over, column) => {
    const r = parsePledgeRow('r', row(over), 7);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => p.column)).toEqual([column]);
      expect(r.problems[0]).toMatchObject({ row: 7, value: Object.values(over)[0] });
      expect(r.problems[0]!.reason.length).toBeGreaterThan(5);
    }
  });

  it('reports every bad cell of a row at once', () => {
    const r = parsePledgeRow('r', row({ member_state: 'X', pathway: 'y', places: 'z' }), 3);
    expect(!r.ok && r.problems.map((p) => p.column)).toEqual(['member_state', 'pathway', 'places']);
  });

  it('has a key that tells a carry-over from a pledge of the same state', () => {
    const base = { stateCode: 'BG', pathway: 'resettlement' as const, countryOfDeparture: null, targetGroup: null };
    expect(pledgeKey({ ...base, carryOver: true })).not.toBe(pledgeKey({ ...base, carryOver: false }));
  });
});

describe('pledge totals', () => {
  it('count carry-overs apart', () => {
    expect(
      pledgeTotals([
        { places: 10, carryOver: false },
        { places: 5, carryOver: true },
        { places: 7, carryOver: false },
      ]),
    ).toEqual({ pledged: 17, carryOver: 5 });
    expect(pledgeTotals([])).toEqual({ pledged: 0, carryOver: 0 });
  });

  const annex = annexFromSeed();
  it.skipIf(!annex)(
    `of the 2020 Annex, computed from its rows, differ by one from the total it prints (${annex ? 'seed text read' : SEED_ABSENT})`,
    () => {
      const fromSeed = pledgeTotals(
        annex!.rows.flatMap((r) => [
          ...(r.places ? [{ places: r.places, carryOver: false }] : []),
          ...(r.carryOver ? [{ places: r.carryOver, carryOver: true }] : []),
        ]),
      );
      const shipped = pledgeTotals(
        ANNEX_2020.flatMap((r) => [
          ...(r.places ? [{ places: r.places, carryOver: false }] : []),
          ...(r.carryOver ? [{ places: r.carryOver, carryOver: true }] : []),
        ]),
      );
      expect(shipped).toEqual(fromSeed);
      // The rows add up to one place fewer than the printed TOTAAL: the platform shows both.
      expect(annex!.printedTotal - fromSeed.pledged).toBe(1);
      expect(fromSeed.carryOver).toBe(annex!.rows.reduce((n, r) => n + (r.carryOver ?? 0), 0));
    },
  );
});
