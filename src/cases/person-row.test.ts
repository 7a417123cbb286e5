import { describe, expect, it } from 'vitest';
import { HouseholdCheck, PersonRowReader } from './person-row.ts';
import type { Round } from '../rounds/round.ts';

const round = (id: string, start: string, end: string): Round => ({
  id,
  title: id,
  legalBasis: '',
  start,
  end,
  target: null,
  budget: null,
  previous: null,
  pathways: ['resettlement'],
  participants: null,
  priorities: [],
  incentives: [],
  sources: [],
  documentFigures: [],
});
const reader = new PersonRowReader(
  [round('2018-2019', '2017-10-03', '2019-10-31'), round('2020-2021', '2020-01-01', '2021-12-31')],
  '2026-11-28',
);
const rec = (over: Record<string, string> = {}) => ({
  case_ref: 'C1',
  person_ref: 'P1',
  member_state: 'DE',
  pathway: 'resettlement',
  round: '',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1990',
  country_of_departure: 'TUR',
  arrived_on: '2020-02-10',
  ...over,
});

describe('a person row', () => {
  it('counts in the round whose period holds the arrival', () => {
    const r = reader.read(rec(), 2);
    expect(r).toEqual({
      ok: true,
      person: {
        caseRef: 'C1',
        personRef: 'P1',
        stateCode: 'DE',
        pathway: 'resettlement',
        namedRound: null,
        roundId: '2020-2021',
        citizenship: 'SYR',
        sex: 'F',
        birthYear: 1990,
        countryOfDeparture: 'TUR',
        arrivedOn: '2020-02-10',
      },
    });
  });

  it('counts in the round it names, even when it arrived after that round (a carry-over, P 4)', () => {
    const r = reader.read(rec({ round: '2018-2019', arrived_on: '2020-03-01' }), 2);
    expect(r.ok && [r.person.namedRound, r.person.roundId]).toEqual(['2018-2019', '2018-2019']);
  });

  it('counts in no round when it has not arrived and names none', () => {
    const r = reader.read(rec({ arrived_on: '' }), 2);
    expect(r.ok && r.person.roundId).toBeNull();
  });

  it.each([
    ['stateless', 'XXA'],
    ['Staatloos', 'XXA'],
    ['', null],
    ['Syrië', 'SYR'],
  ])('takes citizenship "%s" as %s', (citizenship, iso3) => {
    const r = reader.read(rec({ citizenship }), 2);
    expect(r.ok && r.person.citizenship).toBe(iso3);
  });

  it.each([
    ['V', 'F'],
    ['vrouw', 'F'],
    ['male', 'M'],
    ['x', 'X'],
    ['', null],
  ])('takes sex "%s" as %s', (sex, code) => {
    const r = reader.read(rec({ sex }), 2);
    expect(r.ok && r.person.sex).toBe(code);
  });

  it.each([
    [{ case_ref: '' }, 'case_ref'],
    [{ case_ref: '-bad' }, 'case_ref'],
    [{ person_ref: 'x'.repeat(65) }, 'person_ref'],
    [{ member_state: 'Narnia' }, 'member_state'],
    [{ pathway: 'holiday' }, 'pathway'],
    [{ round: '1999' }, 'round'],
    [{ citizenship: 'Atlantis' }, 'citizenship'],
    [{ sex: 'q' }, 'sex'],
    [{ birth_year: '1890' }, 'birth_year'],
    [{ birth_year: '2027' }, 'birth_year'],
    [{ birth_year: '19x0' }, 'birth_year'],
    [{ country_of_departure: '' }, 'country_of_departure'],
    [{ country_of_departure: 'stateless' }, 'country_of_departure'],
    [{ arrived_on: '2020-02-30' }, 'arrived_on'],
    [{ arrived_on: '10/02/2020' }, 'arrived_on'],
    [{ arrived_on: '2026-11-29' }, 'arrived_on'],
    [{ arrived_on: '2020-01-05', birth_year: '2021' }, 'arrived_on'],
  ])('with %o is refused in column %s', (over, column) => {
    const r = reader.read(rec(over), 9);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => [p.row, p.column])).toEqual([[9, column]]);
  });
});

describe('the rows of one file', () => {
  const read = (over: Record<string, string>) => {
    const r = reader.read(rec(over), 0);
    if (!r.ok) throw new Error('bad fixture');
    return r.person;
  };

  it('may not list a person twice', () => {
    const check = new HouseholdCheck();
    expect(check.check(read({}), 2, rec())).toEqual([]);
    expect(check.check(read({}), 3, rec())[0]).toMatchObject({ row: 3, column: 'person_ref' });
    // The same refs in another state are another case.
    expect(check.check(read({ member_state: 'FR' }), 4, rec())).toEqual([]);
  });

  it('must agree on the household: pathway, round and country of departure', () => {
    const check = new HouseholdCheck();
    check.check(read({}), 2, rec());
    expect(check.check(read({ person_ref: 'P2', arrived_on: '2020-03-01', sex: 'M' }), 3, rec())).toEqual([]);
    const clash = check.check(
      read({ person_ref: 'P3', country_of_departure: 'LBN', round: '2020-2021' }),
      4,
      rec({ country_of_departure: 'LBN', round: '2020-2021' }),
    );
    expect(clash.map((p) => p.column).sort()).toEqual(['country_of_departure', 'round']);
    expect(clash[0]!.reason).toContain('row 2');
  });
});
