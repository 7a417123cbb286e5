import { sql } from 'drizzle-orm';
import { rows, type Executor } from '../db/db.ts';
import type { PersonRow } from './person-row.ts';

export interface ChunkOutcome {
  casesAdded: number;
  casesUpdated: number;
  /** Persons added and updated, per state (the tenant the audit line goes to). */
  byState: { stateCode: string; added: number; updated: number }[];
}

/**
 * Writes a chunk of validated persons, and their cases, in set-based statements: arrays bound as
 * parameters and unnested, the same SQL on PGlite and PostgreSQL. A person or case that exists is
 * updated only where a value differs, so the same file twice changes nothing.
 */
export async function writePersonChunk(db: Executor, persons: readonly PersonRow[], importId: number): Promise<ChunkOutcome> {
  const households = new Map<string, PersonRow>();
  for (const p of persons) {
    const key = `${p.stateCode}\u0000${p.caseRef}`;
    if (!households.has(key)) households.set(key, p);
  }
  const hs = [...households.values()];
  const caseResult = await rows<{ id: number; inserted: boolean }>(
    db,
    sql`INSERT INTO cases AS c (state_code, case_ref, pathway, round_id, country_of_departure, import_id)
        SELECT s, r, p, rd, d, ${importId}::bigint
          FROM unnest(${sql.param(hs.map((h) => h.stateCode))}::text[], ${sql.param(hs.map((h) => h.caseRef))}::text[], ${sql.param(hs.map((h) => h.pathway))}::text[],
                      ${sql.param(hs.map((h) => h.namedRound))}::text[], ${sql.param(hs.map((h) => h.countryOfDeparture))}::text[]) AS u(s, r, p, rd, d)
        ON CONFLICT (state_code, case_ref) DO UPDATE
           SET pathway = excluded.pathway, round_id = excluded.round_id,
               country_of_departure = excluded.country_of_departure, import_id = excluded.import_id
         WHERE (c.pathway, c.round_id, c.country_of_departure) IS DISTINCT FROM (excluded.pathway, excluded.round_id, excluded.country_of_departure)
        RETURNING c.id::int AS id, (c.xmax = 0) AS inserted`,
  );
  const changedCases = caseResult.filter((c) => !c.inserted).map((c) => c.id);
  const byState = await rows<{ stateCode: string; added: number; updated: number }>(
    db,
    sql`WITH u AS (
          SELECT * FROM unnest(
            ${sql.param(persons.map((p) => p.caseRef))}::text[], ${sql.param(persons.map((p) => p.personRef))}::text[], ${sql.param(persons.map((p) => p.stateCode))}::text[],
            ${sql.param(persons.map((p) => p.pathway))}::text[], ${sql.param(persons.map((p) => p.roundId))}::text[], ${sql.param(persons.map((p) => p.countryOfDeparture))}::text[],
            ${sql.param(persons.map((p) => p.citizenship))}::text[], ${sql.param(persons.map((p) => p.sex))}::text[], ${sql.param(persons.map((p) => p.birthYear))}::int2[],
            ${sql.param(persons.map((p) => p.arrivedOn))}::date[]
          ) AS u(case_ref, person_ref, state_code, pathway, round_id, country_of_departure, citizenship, sex, birth_year, arrived_on)
        ), ins AS (
          INSERT INTO persons AS p (case_id, person_ref, state_code, pathway, round_id, country_of_departure, citizenship, sex, birth_year, arrived_on, import_id)
          SELECT c.id, u.person_ref, u.state_code, u.pathway, u.round_id, u.country_of_departure, u.citizenship, u.sex, u.birth_year, u.arrived_on, ${importId}::bigint
            FROM u JOIN cases c ON c.state_code = u.state_code AND c.case_ref = u.case_ref
          ON CONFLICT (case_id, person_ref) DO UPDATE
             SET pathway = excluded.pathway, round_id = excluded.round_id, country_of_departure = excluded.country_of_departure,
                 citizenship = excluded.citizenship, sex = excluded.sex, birth_year = excluded.birth_year,
                 arrived_on = excluded.arrived_on, import_id = excluded.import_id
           WHERE (p.pathway, p.round_id, p.country_of_departure, p.citizenship, p.sex, p.birth_year, p.arrived_on)
                 IS DISTINCT FROM (excluded.pathway, excluded.round_id, excluded.country_of_departure, excluded.citizenship, excluded.sex, excluded.birth_year, excluded.arrived_on)
          RETURNING p.state_code, (p.xmax = 0) AS inserted
        )
        SELECT state_code AS "stateCode", (count(*) FILTER (WHERE inserted))::int AS added, (count(*) FILTER (WHERE NOT inserted))::int AS updated
          FROM ins GROUP BY state_code`,
  );
  if (changedCases.length > 0) {
    // A household's departure and pathway are the household's: carry a change to the members
    // that this chunk did not list (the chunk's own rows were written above, and counted there).
    const carried = await rows<{ stateCode: string; n: number }>(
      db,
      sql`WITH upd AS (
            UPDATE persons p SET pathway = c.pathway, country_of_departure = c.country_of_departure, import_id = ${importId}::bigint
              FROM cases c
             WHERE p.case_id = c.id AND c.id = ANY(${sql.param(changedCases)}::bigint[])
               AND (p.pathway, p.country_of_departure) IS DISTINCT FROM (c.pathway, c.country_of_departure)
            RETURNING p.state_code)
          SELECT state_code AS "stateCode", count(*)::int AS n FROM upd GROUP BY state_code`,
    );
    for (const c of carried) {
      const entry = byState.find((b) => b.stateCode === c.stateCode);
      if (entry) entry.updated += c.n;
      else byState.push({ stateCode: c.stateCode, added: 0, updated: c.n });
    }
  }
  return {
    casesAdded: caseResult.filter((c) => c.inserted).length,
    casesUpdated: changedCases.length,
    byState,
  };
}
