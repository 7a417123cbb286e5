import type { RowProblem } from '../errors/app-error.ts';
import { findCountry, STATELESS, type CountryLookup } from '../reference/country.ts';
import { findState, type State } from '../reference/state.ts';
import { isPathway, isValidIsoDate, PATHWAYS, roundForDate, type Pathway, type Round } from '../rounds/round.ts';

export const PERSON_COLUMNS = [
  'case_ref', 'person_ref', 'member_state', 'pathway', 'round', 'citizenship', 'sex', 'birth_year', 'country_of_departure', 'arrived_on',
] as const;

export type Sex = 'F' | 'M' | 'X';

/** A person as the ledger keeps it, with the round it counts in already decided. */
export interface PersonRow {
  caseRef: string;
  personRef: string;
  stateCode: string;
  pathway: Pathway;
  /** The round the row names, if any: the case is meant for it. */
  namedRound: string | null;
  /** The round the person counts in: the named one, or else the one whose period holds the arrival. */
  roundId: string | null;
  citizenship: string | null;
  sex: Sex | null;
  birthYear: number | null;
  countryOfDeparture: string;
  arrivedOn: string | null;
}

const SEX: Record<string, Sex> = {
  f: 'F', female: 'F', v: 'F', vrouw: 'F', vrouwelijk: 'F',
  m: 'M', male: 'M', man: 'M', mannelijk: 'M',
  x: 'X', other: 'X', anders: 'X', unknown: 'X', onbekend: 'X',
};

const REF = /^[\p{L}\p{N}][\p{L}\p{N} ._/:#-]{0,63}$/u;

/**
 * Validates person rows one by one. Pure but for its caches: it is given the rounds and "today",
 * and remembers the codes it has resolved, since a file repeats the same few countries.
 */
export class PersonRowReader {
  private readonly roundIds: Set<string>;
  private readonly states = new Map<string, State | null>();
  private readonly countries = new Map<string, CountryLookup>();
  private readonly thisYear: number;

  constructor(
    private readonly rounds: readonly Round[],
    private readonly today: string,
  ) {
    this.roundIds = new Set(rounds.map((r) => r.id));
    this.thisYear = Number(today.slice(0, 4));
  }

  read(rec: Record<string, string>, row: number): { ok: true; person: PersonRow } | { ok: false; problems: RowProblem[] } {
    const problems: RowProblem[] = [];
    const v = (c: string) => (rec[c] ?? '').trim();
    const bad = (column: string, reason: string) => problems.push({ row, column, value: rec[column] ?? '', reason });

    const caseRef = v('case_ref');
    if (!caseRef) bad('case_ref', 'is required');
    else if (!REF.test(caseRef)) bad('case_ref', 'must be 1–64 letters, digits or . _ / : # - (starting with a letter or digit)');
    const personRef = v('person_ref');
    if (!personRef) bad('person_ref', 'is required');
    else if (!REF.test(personRef)) bad('person_ref', 'must be 1–64 letters, digits or . _ / : # - (starting with a letter or digit)');

    const stateText = v('member_state');
    let state = this.states.get(stateText);
    if (state === undefined) this.states.set(stateText, (state = findState(stateText)));
    if (!stateText) bad('member_state', 'is required');
    else if (!state) bad('member_state', 'is not a known state (use an EU protocol code, ISO code, or English or Dutch name)');

    const pathway = v('pathway').toLowerCase();
    if (!isPathway(pathway)) bad('pathway', `must be one of ${PATHWAYS.join(', ')}`);

    const namedRound = v('round') || null;
    if (namedRound !== null && !this.roundIds.has(namedRound)) bad('round', 'is not a known round (see `pathways rounds list`)');

    const citizenship = this.country(v('citizenship'), 'citizenship', bad, false);
    const departure = this.country(v('country_of_departure'), 'country_of_departure', bad, true);
    if (departure === STATELESS) bad('country_of_departure', 'must be a country, not "stateless"');

    const sexText = v('sex').toLowerCase();
    const sex = sexText ? (SEX[sexText] ?? null) : null;
    if (sexText && !sex) bad('sex', 'must be F, M or X (or empty when not known)');

    const yearText = v('birth_year');
    let birthYear: number | null = null;
    if (yearText) {
      birthYear = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
      if (!(birthYear >= 1900 && birthYear <= this.thisYear)) {
        bad('birth_year', `must be a year from 1900 to ${this.thisYear}`);
        birthYear = null; // no second complaint about the arrival for the same cell
      }
    }

    const arrivedOn = v('arrived_on') || null;
    if (arrivedOn !== null) {
      if (!isValidIsoDate(arrivedOn)) bad('arrived_on', 'must be a date as YYYY-MM-DD');
      else if (arrivedOn > this.today) bad('arrived_on', `is in the future (today is ${this.today}); record an arrival once it has happened`);
      else if (arrivedOn < '1950-01-01') bad('arrived_on', 'is before 1950');
      else if (birthYear !== null && Number(arrivedOn.slice(0, 4)) < birthYear) bad('arrived_on', 'is before the year of birth');
    }

    if (problems.length > 0) return { ok: false, problems };
    const roundId = namedRound ?? (arrivedOn ? roundForDate(this.rounds, arrivedOn) : null);
    return {
      ok: true,
      person: {
        caseRef,
        personRef,
        stateCode: state!.code,
        pathway: pathway as Pathway,
        namedRound,
        roundId,
        citizenship,
        sex,
        birthYear,
        countryOfDeparture: departure!,
        arrivedOn,
      },
    };
  }

  private country(text: string, column: string, bad: (c: string, r: string) => void, required: boolean): string | null {
    if (!text) {
      if (required) bad(column, 'is required');
      return null;
    }
    let found = this.countries.get(text);
    if (!found) this.countries.set(text, (found = findCountry(text)));
    if (found.ok) return found.country.iso3;
    bad(column, found.reason === 'ambiguous' ? `is ambiguous: ${found.candidates.join(' or ')}` : 'is not a known country (use ISO 3166-1 alpha-3, alpha-2, or an English or Dutch name; "stateless" for citizenship)');
    return null;
  }
}

/**
 * Checks rows against each other: a person appears once, and the rows of one case agree on the
 * state, pathway, round and country of departure of the household.
 */
export class HouseholdCheck {
  private readonly persons = new Map<string, number>();
  private readonly households = new Map<string, { row: number; pathway: string; round: string | null; departure: string }>();

  check(p: PersonRow, row: number, rec: Record<string, string>): RowProblem[] {
    const problems: RowProblem[] = [];
    const caseKey = `${p.stateCode}\u0000${p.caseRef}`;
    const personKey = `${caseKey}\u0000${p.personRef}`;
    const firstPerson = this.persons.get(personKey);
    if (firstPerson !== undefined) {
      problems.push({ row, column: 'person_ref', value: rec['person_ref'] ?? '', reason: `repeats person ${p.personRef} of case ${p.caseRef} (row ${firstPerson})` });
      return problems;
    }
    this.persons.set(personKey, row);
    const h = this.households.get(caseKey);
    if (!h) {
      this.households.set(caseKey, { row, pathway: p.pathway, round: p.namedRound, departure: p.countryOfDeparture });
      return problems;
    }
    const differs = (column: string, mine: string | null, theirs: string | null) => {
      if (mine !== theirs) problems.push({ row, column, value: rec[column] ?? '', reason: `differs from row ${h.row} of the same case (${theirs ?? 'empty'}); a household shares it` });
    };
    differs('pathway', p.pathway, h.pathway);
    differs('round', p.namedRound, h.round);
    differs('country_of_departure', p.countryOfDeparture, h.departure);
    return problems;
  }
}
