import type { RowProblem } from '../errors/app-error.ts';
import { rowProblem } from '../i18n/problem.ts';
import { findCountry, STATELESS, type CountryLookup } from '../reference/country.ts';
import { findState, type State } from '../reference/state.ts';
import { isPathway, isValidIsoDate, PATHWAYS, roundForDate, type Pathway, type Round } from '../rounds/round.ts';
import { PRIORITIES, REFERRING_PARTNERS, SUBMISSION_CATEGORIES, type Priority } from './case.ts';

export const PERSON_COLUMNS = [
  'case_ref',
  'person_ref',
  'member_state',
  'pathway',
  'round',
  'citizenship',
  'sex',
  'birth_year',
  'country_of_departure',
  'arrived_on',
] as const;

/**
 * Optional columns of a case file (`cases import`), close to UNHCR's Resettlement Registration
 * Form: the household's priority, submission categories, referring partner and linked cases, and
 * each member's relationship and specific needs with the accommodation they need (R 37).
 */
export const CASE_OPTIONAL_COLUMNS = [
  'priority',
  'primary_category',
  'secondary_category',
  'referring_partner',
  'partner_ref',
  'linked_cases',
  'relationship',
  'needs',
  'referred_on',
] as const;

export const RELATIONSHIPS = ['principal', 'spouse', 'child', 'parent', 'sibling', 'grandchild', 'other'] as const;
/** Specific needs, after UNHCR's specific-needs groups; `disability(wheelchair access)` carries its accommodation. */
export const NEEDS = [
  'disability',
  'medical',
  'mental_health',
  'survivor_of_torture',
  'woman_at_risk',
  'child_at_risk',
  'unaccompanied_child',
  'older_person',
  'single_parent',
  'pregnancy',
  'lgbtiq_at_risk',
  'other',
] as const;

export interface CaseFields {
  priority: Priority | null;
  primaryCategory: string | null;
  secondaryCategory: string | null;
  referringPartner: string | null;
  partnerRef: string | null;
  linkedRefs: string[];
  /** The day the referral was received: the first day of the case's history. */
  referredOn: string | null;
}

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
  /** Present when the file has the case columns (`cases import`). */
  caseFields?: CaseFields;
  relationship?: string | null;
  needs?: { type: string; accommodation?: string }[];
}

const SEX: Record<string, Sex> = {
  f: 'F',
  female: 'F',
  v: 'F',
  vrouw: 'F',
  vrouwelijk: 'F',
  m: 'M',
  male: 'M',
  man: 'M',
  mannelijk: 'M',
  x: 'X',
  other: 'X',
  anders: 'X',
  unknown: 'X',
  onbekend: 'X',
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
    const bad = (column: string, code: string, params?: Record<string, string | number>) =>
      problems.push(rowProblem(row, column, rec[column] ?? '', code, params));

    const caseRef = v('case_ref');
    if (!caseRef) bad('case_ref', 'required');
    else if (!REF.test(caseRef)) bad('case_ref', 'ref');
    const personRef = v('person_ref');
    if (!personRef) bad('person_ref', 'required');
    else if (!REF.test(personRef)) bad('person_ref', 'ref');

    const stateText = v('member_state');
    let state = this.states.get(stateText);
    if (state === undefined) {
      state = findState(stateText);
      this.states.set(stateText, state);
    }
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

    const extended = this.readCaseColumns(rec, bad);
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
        ...extended,
      },
    };
  }

  private readCaseColumns(rec: Record<string, string>, bad: (c: string, code: string, params?: Record<string, string | number>) => void) {
    if (!('priority' in rec)) return {};
    const v = (c: string) => (rec[c] ?? '').trim();
    const oneOf = <T extends string>(column: string, list: readonly T[]): T | null => {
      const x = v(column).toLowerCase();
      if (!x) return null;
      if (!(list as readonly string[]).includes(x)) bad(column, 'oneOf', { values: list.join(', ') });
      return x as T;
    };
    const priority = oneOf('priority', PRIORITIES);
    const primaryCategory = oneOf('primary_category', SUBMISSION_CATEGORIES);
    const secondaryCategory = oneOf('secondary_category', SUBMISSION_CATEGORIES);
    const referringPartner = oneOf('referring_partner', REFERRING_PARTNERS);
    const relationship = oneOf('relationship', RELATIONSHIPS);
    const linkedRefs = v('linked_cases')
      ? v('linked_cases')
          .split(/[;|]/)
          .map((x) => x.trim())
          .filter(Boolean)
      : [];
    for (const l of linkedRefs) if (!REF.test(l)) bad('linked_cases', 'ref');
    const referredOn = v('referred_on') || null;
    if (referredOn !== null) {
      if (!isValidIsoDate(referredOn)) bad('referred_on', 'date');
      else if (referredOn > this.today) bad('referred_on', 'dateFuture', { today: this.today });
    }
    const needs: { type: string; accommodation?: string }[] = [];
    for (const part of v('needs') ? v('needs').split(';') : []) {
      const m = /^\s*([a-z_]+)\s*(?:\((.*)\))?\s*$/i.exec(part);
      const type = m?.[1]?.toLowerCase();
      if (!m || !type || !(NEEDS as readonly string[]).includes(type)) {
        bad('needs', 'need', { values: NEEDS.join(', ') });
        continue;
      }
      needs.push(m[2]?.trim() ? { type, accommodation: m[2].trim() } : { type });
    }
    return {
      caseFields: {
        priority,
        primaryCategory,
        secondaryCategory,
        referringPartner,
        partnerRef: v('partner_ref') || null,
        linkedRefs,
        referredOn,
      },
      relationship,
      needs,
    };
  }

  private country(
    text: string,
    column: string,
    bad: (c: string, code: string, params?: Record<string, string>) => void,
    required: boolean,
  ): string | null {
    if (!text) {
      if (required) bad(column, 'required');
      return null;
    }
    let found = this.countries.get(text);
    if (!found) {
      found = findCountry(text);
      this.countries.set(text, found);
    }
    if (found.ok) return found.country.iso3;
    if (found.reason === 'ambiguous') bad(column, 'countryAmbiguous', { candidates: found.candidates.join(' / ') });
    else bad(column, column === 'citizenship' ? 'citizenshipUnknown' : 'countryUnknown');
    return null;
  }
}

/**
 * Checks rows against each other: a person appears once, and the rows of one case agree on the
 * state, pathway, round and country of departure of the household. The rule row by row, holding
 * every key of the file: the import applies the same rule set-based on its staging table
 * (`stagedProblems` in person-copy.repository.ts), so that a file of millions of rows holds no key
 * in memory, and test/person-import.test.ts holds the two to the same answers.
 */
export class HouseholdCheck {
  private readonly persons = new Map<string, number>();
  private readonly households = new Map<
    string,
    { row: number; pathway: string; round: string | null; departure: string; caseFields: string | null }
  >();

  check(p: PersonRow, row: number, rec: Record<string, string>): RowProblem[] {
    const problems: RowProblem[] = [];
    const caseKey = `${p.stateCode}\u0000${p.caseRef}`;
    const personKey = `${caseKey}\u0000${p.personRef}`;
    const firstPerson = this.persons.get(personKey);
    if (firstPerson !== undefined) {
      problems.push(
        rowProblem(row, 'person_ref', rec.person_ref ?? '', 'personRepeated', {
          person: p.personRef,
          case: p.caseRef,
          first: firstPerson,
        }),
      );
      return problems;
    }
    this.persons.set(personKey, row);
    const h = this.households.get(caseKey);
    if (!h) {
      this.households.set(caseKey, {
        row,
        pathway: p.pathway,
        round: p.namedRound,
        departure: p.countryOfDeparture,
        caseFields: p.caseFields ? JSON.stringify(p.caseFields) : null,
      });
      return problems;
    }
    const differs = (column: string, mine: string | null, theirs: string | null) => {
      if (mine !== theirs)
        problems.push(rowProblem(row, column, rec[column] ?? '', 'householdDiffers', { first: h.row, theirs: theirs ?? '–' }));
    };
    differs('pathway', p.pathway, h.pathway);
    differs('round', p.namedRound, h.round);
    differs('country_of_departure', p.countryOfDeparture, h.departure);
    // The case columns of a case file are the household's too: the first row of a case gives them,
    // and a later row that states them differently is refused.
    if (
      p.caseFields &&
      JSON.stringify(p.caseFields) !== h.caseFields &&
      Object.values(p.caseFields).some((x) => x !== null && !(Array.isArray(x) && x.length === 0))
    ) {
      problems.push(
        rowProblem(row, 'priority', rec.priority ?? '', 'householdDiffers', {
          first: h.row,
          theirs: 'priority, categories, partner, linked cases',
        }),
      );
    }
    return problems;
  }
}
