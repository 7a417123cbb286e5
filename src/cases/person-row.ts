import type { RowProblem } from '../errors/app-error.ts';
import { rowProblem } from '../i18n/problem.ts';
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
    const bad = (column: string, code: string, params?: Record<string, string | number>) => problems.push(rowProblem(row, column, rec[column] ?? '', code, params));

    const caseRef = v('case_ref');
    if (!caseRef) bad('case_ref', 'required');
    else if (!REF.test(caseRef)) bad('case_ref', 'ref');
    const personRef = v('person_ref');
    if (!personRef) bad('person_ref', 'required');
    else if (!REF.test(personRef)) bad('person_ref', 'ref');

    const stateText = v('member_state');
    let state = this.states.get(stateText);
    if (state === undefined) this.states.set(stateText, (state = findState(stateText)));
    if (!stateText) bad('member_state', 'required');
    else if (!state) bad('member_state', 'stateUnknown');

    const pathway = v('pathway').toLowerCase();
    if (!isPathway(pathway)) bad('pathway', 'pathway', { pathways: PATHWAYS.join(', ') });

    const namedRound = v('round') || null;
    if (namedRound !== null && !this.roundIds.has(namedRound)) bad('round', 'roundUnknown');

    const citizenship = this.country(v('citizenship'), 'citizenship', bad, false);
    const departure = this.country(v('country_of_departure'), 'country_of_departure', bad, true);
    if (departure === STATELESS) bad('country_of_departure', 'departureStateless');

    const sexText = v('sex').toLowerCase();
    const sex = sexText ? (SEX[sexText] ?? null) : null;
    if (sexText && !sex) bad('sex', 'sex');

    const yearText = v('birth_year');
    let birthYear: number | null = null;
    if (yearText) {
      birthYear = /^\d{4}$/.test(yearText) ? Number(yearText) : NaN;
      if (!(birthYear >= 1900 && birthYear <= this.thisYear)) {
        bad('birth_year', 'birthYear', { max: this.thisYear });
        birthYear = null; // no second complaint about the arrival for the same cell
      }
    }

    const arrivedOn = v('arrived_on') || null;
    if (arrivedOn !== null) {
      if (!isValidIsoDate(arrivedOn)) bad('arrived_on', 'date');
      else if (arrivedOn > this.today) bad('arrived_on', 'dateFuture', { today: this.today });
      else if (arrivedOn < '1950-01-01') bad('arrived_on', 'dateTooEarly');
      else if (birthYear !== null && Number(arrivedOn.slice(0, 4)) < birthYear) bad('arrived_on', 'arrivalBeforeBirth');
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

  private country(text: string, column: string, bad: (c: string, code: string, params?: Record<string, string>) => void, required: boolean): string | null {
    if (!text) {
      if (required) bad(column, 'required');
      return null;
    }
    let found = this.countries.get(text);
    if (!found) this.countries.set(text, (found = findCountry(text)));
    if (found.ok) return found.country.iso3;
    if (found.reason === 'ambiguous') bad(column, 'countryAmbiguous', { candidates: found.candidates.join(' / ') });
    else bad(column, column === 'citizenship' ? 'citizenshipUnknown' : 'countryUnknown');
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
      problems.push(rowProblem(row, 'person_ref', rec['person_ref'] ?? '', 'personRepeated', { person: p.personRef, case: p.caseRef, first: firstPerson }));
      return problems;
    }
    this.persons.set(personKey, row);
    const h = this.households.get(caseKey);
    if (!h) {
      this.households.set(caseKey, { row, pathway: p.pathway, round: p.namedRound, departure: p.countryOfDeparture });
      return problems;
    }
    const differs = (column: string, mine: string | null, theirs: string | null) => {
      if (mine !== theirs) problems.push(rowProblem(row, column, rec[column] ?? '', 'householdDiffers', { first: h.row, theirs: theirs ?? '–' }));
    };
    differs('pathway', p.pathway, h.pathway);
    differs('round', p.namedRound, h.round);
    differs('country_of_departure', p.countryOfDeparture, h.departure);
    return problems;
  }
}
