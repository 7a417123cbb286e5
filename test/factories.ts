import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { operator, type Principal, type Role } from '../src/access/principal.ts';
import { importCasesFile } from '../src/cases/person.import.ts';
import { CASE_OPTIONAL_COLUMNS, PERSON_COLUMNS } from '../src/cases/person-row.ts';
import type { Database } from '../src/db/db.ts';
import { toCsv } from '../src/presentation/table.ts';
import type { z } from 'zod';
import type { Round, roundFileSchema } from '../src/rounds/round.ts';
import { addRound } from '../src/rounds/round.service.ts';
import { type Session, signIn } from './sessions.ts';

/**
 * Factories for the fixtures most suites build (STYLE.md 10, after Outline's server/test/factories.ts):
 * cases with their members, written through the case file's import as a state's file would be; a
 * round through its use case; a signed-in principal of each role. Each takes the suite's database
 * and says in its arguments only what the test cares about.
 */

/** Every column of a case file: a person's, then the case's optional ones. */
export const CASE_FILE_COLUMNS = [...PERSON_COLUMNS, ...CASE_OPTIONAL_COLUMNS] as const;
export type CaseFileRow = Partial<Record<(typeof CASE_FILE_COLUMNS)[number], string>>;

/** A household: its case's columns (shared by its members) and each member's own. */
export interface HouseholdSpec extends CaseFileRow {
  case_ref: string;
  /** The members: a number (P1, P2…: the first the principal, the others children) or each member's columns. */
  members?: number | CaseFileRow[];
}

/** What a member gets where the test says nothing: a Syrian adult departing from Türkiye for resettlement in NL. */
const MEMBER_DEFAULTS: CaseFileRow = {
  member_state: 'NL',
  pathway: 'resettlement',
  citizenship: 'SYR',
  sex: 'F',
  birth_year: '1985',
  country_of_departure: 'TUR',
};

/** The rows of the case file for households: each member's columns over its household's over the defaults. */
export function caseFileRows(households: HouseholdSpec[]): CaseFileRow[] {
  return households.flatMap(({ members = 1, ...household }) => {
    const list: CaseFileRow[] =
      typeof members === 'number'
        ? Array.from({ length: members }, (_, i) => ({ person_ref: `P${i + 1}`, relationship: i === 0 ? 'principal' : 'child' }))
        : members;
    return list.map((member, i) => ({ ...MEMBER_DEFAULTS, person_ref: `P${i + 1}`, ...household, ...member }));
  });
}

/** The case file of households as CSV text, every column present. */
export function caseFileCsv(households: HouseholdSpec[]): string {
  return toCsv(
    [...CASE_FILE_COLUMNS],
    caseFileRows(households).map((r) => CASE_FILE_COLUMNS.map((c) => r[c] ?? '')),
  );
}

/**
 * Cases with their members, imported through the case file as a state would send it (the rows
 * validated, the import recorded and audited): what `buildCase()` is in STYLE.md's example.
 */
export async function buildCases(
  database: Database,
  households: HouseholdSpec[],
  opts: { actor?: Principal; filename?: string } = {},
): ReturnType<typeof importCasesFile> {
  const dir = mkdtempSync(join(tmpdir(), 'pathways-cases-'));
  try {
    const path = join(dir, opts.filename ?? 'cases.csv');
    writeFileSync(path, caseFileCsv(households));
    return await importCasesFile({ db: database.db, actor: opts.actor ?? operator('test-setup'), path });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a round file holds where the test says nothing: a Union Plan after the shipped ones. */
const ROUND_DEFAULTS = {
  title: 'Union Plan 2028–2029',
  legal_basis: 'Regulation (EU) 2024/1350',
  start: '2028-01-01',
  end: '2029-12-31',
  previous: '2026-2027',
} as const;

/** A round opened through its use case, as `pathways rounds add FILE` opens it (the shipped rounds are in every test database already). */
export function buildRound(
  database: Database,
  input: Partial<z.input<typeof roundFileSchema>> & { id: string },
  actor: Principal = operator('test-setup'),
): Promise<Round> {
  return addRound({ db: database.db, actor, input: { ...ROUND_DEFAULTS, ...input } });
}

/** A signed-in principal of one role (test/sessions.ts): a state's roles in `stateCode`, an organisation's with theirs. */
export const signInAs = {
  analyst: (database: Database) => signIn(database, { role: 'commission_analyst' }),
  officer: (database: Database, stateCode: string) => signIn(database, { role: 'state_officer', stateCode }),
  stateAdmin: (database: Database, stateCode: string) => signIn(database, { role: 'state_admin', stateCode }),
  partner: (database: Database, stateCode: string, organisation = 'unhcr') =>
    signIn(database, { role: 'referral_partner', stateCode, organisation }),
  sponsor: (database: Database, stateCode: string, organisation: string) => signIn(database, { role: 'sponsor', stateCode, organisation }),
  /** A state's auditor, or the Commission's (no state). */
  auditor: (database: Database, stateCode: string | null = null) => signIn(database, { role: 'auditor', stateCode }),
  systemAdmin: (database: Database) => signIn(database, { role: 'system_admin' }),
} as const;

/** A signed-in principal of every role, the state's roles in `stateCode`, the organisations' as named. */
export async function signInEveryRole(
  database: Database,
  opts: { stateCode: string; partner?: string; sponsor?: string },
): Promise<Record<Role, Session>> {
  return {
    commission_analyst: await signInAs.analyst(database),
    state_officer: await signInAs.officer(database, opts.stateCode),
    state_admin: await signInAs.stateAdmin(database, opts.stateCode),
    referral_partner: await signInAs.partner(database, opts.stateCode, opts.partner),
    sponsor: await signInAs.sponsor(database, opts.stateCode, opts.sponsor ?? 'sponsor-test'),
    auditor: await signInAs.auditor(database, opts.stateCode),
    system_admin: await signInAs.systemAdmin(database),
  };
}
