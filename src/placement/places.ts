/**
 * A state's receiving places (issue 8) as the platform keeps them: a municipality, a reception centre
 * or a sponsor group, its capacity in each of the five dimensions of the optimiser, and the profile the
 * score model reads (score.ts `PlaceProfile`: the local employment rate, the languages usable at
 * work, the communities established there). A sponsor group may name its sponsor (src/sponsorship),
 * which must be approved or active in the same state (the service checks that).
 *
 * Pure: reading a places file (CSV or JSON) into checked places, every problem with its row.
 */
import type { RowProblem } from '../errors/app-error.ts';
import { rowProblem } from '../i18n/problem.ts';
import { DIMENSIONS, type Dimension, type PlaceKind } from './placement.ts';
import type { PlaceProfile } from './score.ts';

/** The kinds as the database spells them (migration 0011). */
export const PLACE_KINDS_DB = ['municipality', 'reception_centre', 'sponsor_group'] as const;
export type PlaceKindDb = (typeof PLACE_KINDS_DB)[number];
/** The optimiser's spelling of each kind (placement.ts `PLACE_KINDS`). */
export const coreKind: Record<PlaceKindDb, PlaceKind> = {
  municipality: 'municipality',
  reception_centre: 'receptionCentre',
  sponsor_group: 'sponsorGroup',
};

export interface StoredProfile extends PlaceProfile {
  /** A sponsor group's sponsor: its organisation code. */
  sponsor?: string;
}

export interface PlaceInput {
  code: string;
  name: string;
  kind: PlaceKindDb;
  capacity: Record<Dimension, number>;
  profile: StoredProfile;
}

/** The CSV's columns: one per capacity dimension, in snake case. */
export const CAPACITY_COLUMNS: Record<Dimension, string> = {
  persons: 'persons',
  housingUnits: 'housing_units',
  schoolPlaces: 'school_places',
  medicalSlots: 'medical_slots',
  languageSupport: 'language_support',
};
export const PLACE_COLUMNS = {
  required: ['code', 'name', 'kind', ...DIMENSIONS.map((d) => CAPACITY_COLUMNS[d])],
  optional: ['employment_rate', 'languages', 'communities', 'sponsor'],
} as const;

/** When a file gives no employment rate: the EU-27's employment rate of 20–64 year olds in 2022 (Eurostat lfsi_emp_a: 74.6 %). */
export const DEFAULT_EMPLOYMENT_RATE = 0.746;
/** A capacity above this is a typing error, not a place. */
export const MAX_CAPACITY = 100_000;

const CODE = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,63}$/;
const LANGUAGE = /^[a-z]{2,3}$/;

/** One place from a file's values (text as a CSV gives it, or JSON values); its problems with the row. */
export function checkPlace(row: number, v: Record<string, unknown>): { place: PlaceInput | null; problems: RowProblem[] } {
  const problems: RowProblem[] = [];
  const text = (k: string) => (v[k] === undefined || v[k] === null ? '' : String(v[k]).trim());
  const code = text('code');
  if (!CODE.test(code)) problems.push(code ? rowProblem(row, 'code', code, 'ref') : rowProblem(row, 'code', '', 'required'));
  const name = text('name');
  if (!name || name.length > 200) problems.push(rowProblem(row, 'name', name, 'required'));
  const kind = text('kind') as PlaceKindDb;
  if (!PLACE_KINDS_DB.includes(kind)) problems.push(rowProblem(row, 'kind', kind, 'placeKind', { kinds: PLACE_KINDS_DB.join(', ') }));
  const capacity = {} as Record<Dimension, number>;
  for (const d of DIMENSIONS) {
    const column = CAPACITY_COLUMNS[d];
    const raw = v[column] ?? v[d];
    const n = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw ?? '')) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n < 0 || n > MAX_CAPACITY)
      problems.push(rowProblem(row, column, String(raw ?? ''), 'capacity', { max: MAX_CAPACITY }));
    else capacity[d] = n;
  }
  const rateText = text('employment_rate') || text('employmentRate');
  const employmentRate = rateText === '' ? DEFAULT_EMPLOYMENT_RATE : Number(rateText);
  if (!(employmentRate > 0 && employmentRate < 1)) problems.push(rowProblem(row, 'employment_rate', rateText, 'employmentRate'));
  const list = (k: string): string[] => {
    const raw = v[k];
    const items = Array.isArray(raw) ? raw.map(String) : text(k).split(/[;,\s]+/);
    const out = items.map((s) => s.trim().toLowerCase()).filter(Boolean);
    const bad = out.filter((s) => !LANGUAGE.test(s));
    if (bad.length) problems.push(rowProblem(row, k, bad.join(' '), 'languageCode'));
    return [...new Set(out)];
  };
  const languages = list('languages');
  const communities = list('communities');
  const sponsor = text('sponsor');
  if (sponsor && kind !== 'sponsor_group') problems.push(rowProblem(row, 'sponsor', sponsor, 'sponsorGroupOnly'));
  if (problems.length) return { place: null, problems };
  const profile: StoredProfile = { employmentRate, languages, ...(communities.length && { communities }), ...(sponsor && { sponsor }) };
  return { place: { code, name, kind, capacity, profile }, problems };
}

/** Every place of a file, or every problem: a code given twice is refused at its second row. */
export function checkPlaces(records: Iterable<{ row: number; values: Record<string, unknown> }>): {
  places: PlaceInput[];
  problems: RowProblem[];
} {
  const places: PlaceInput[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const r of records) {
    const { place, problems: p } = checkPlace(r.row, r.values);
    problems.push(...p);
    if (!place) continue;
    const first = seen.get(place.code);
    if (first !== undefined) problems.push(rowProblem(r.row, 'code', place.code, 'placeRepeated', { first }));
    else seen.set(place.code, r.row);
    places.push(place);
  }
  return { places, problems };
}

/** A JSON places file: an array of places (or `{ "places": [...] }`); its rows are numbered from 1. */
export function jsonPlaceRecords(value: unknown): { row: number; values: Record<string, unknown> }[] | null {
  const list = Array.isArray(value)
    ? value
    : value && typeof value === 'object' && Array.isArray((value as { places?: unknown }).places)
      ? (value as { places: unknown[] }).places
      : null;
  if (!list) return null;
  return list.map((item, i) => {
    const o = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
    const capacity = o.capacity && typeof o.capacity === 'object' ? (o.capacity as Record<string, unknown>) : {};
    const profile = o.profile && typeof o.profile === 'object' ? (o.profile as Record<string, unknown>) : {};
    return { row: i + 1, values: { ...profile, ...capacity, ...o } };
  });
}
