import { sql } from 'drizzle-orm';
import { copyField, copyInto, type CopyWriter } from '../db/copy.ts';
import { rows, type Executor } from '../db/db.ts';
import type { PersonRow } from './person-row.ts';
import { PRE_ARRIVAL } from './stage.ts';

/**
 * The person import's staging table: the validated rows of one file, streamed in with COPY, then
 * checked against each other and written into cases, persons and the case history by set-based
 * statements (src/cases/person.import.ts). A TEMP table of the import's transaction: no other
 * session sees it, and it is gone with the transaction (dropped at the end of the import as well,
 * for a caller whose transaction goes on, such as an upload's dry run).
 */
const STAGE = 'person_import_stage';

/** The staging table's columns, in the order of a COPY line (`stageLine`). */
const STAGE_COLUMNS = [
  'row',
  'state_code',
  'case_ref',
  'person_ref',
  'pathway',
  'named_round',
  'round_id',
  'country_of_departure',
  'citizenship',
  'sex',
  'birth_year',
  'arrived_on',
  'relationship',
  'needs',
  'priority',
  'primary_category',
  'secondary_category',
  'referring_partner',
  'partner_ref',
  'linked_refs',
  'referred_on',
  'case_fields',
  'raw',
] as const;

/** The cells of a row as the file gave them, where they differ from the value read: a problem quotes the file. */
export type RawCells = Partial<Record<'person_ref' | 'pathway' | 'round' | 'country_of_departure' | 'priority', string>>;

/**
 * Makes the staging table (empty) and sets what the import's big statements need for the rest of
 * the transaction: no JIT (measured: its compilation costs more than it saves on these plans) and
 * room for their hash tables and sorts.
 */
export async function createPersonStage(tx: Executor): Promise<void> {
  await tx.execute(sql`SET LOCAL jit = off`);
  await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
  await tx.execute(sql.raw(`DROP TABLE IF EXISTS pg_temp.${STAGE}`));
  await tx.execute(
    sql.raw(`CREATE TEMP TABLE ${STAGE} (
      row int NOT NULL, state_code text NOT NULL, case_ref text NOT NULL, person_ref text NOT NULL, pathway text NOT NULL,
      named_round text, round_id text, country_of_departure text NOT NULL, citizenship text, sex text, birth_year int2,
      arrived_on date, relationship text, needs text, priority text, primary_category text, secondary_category text,
      referring_partner text, partner_ref text, linked_refs text, referred_on date, case_fields text, raw text
    ) ON COMMIT DROP`),
  );
}

/** Starts the COPY of validated rows into the staging table (lines made by `stageLine`). */
export function copyIntoPersonStage(tx: Executor): Promise<CopyWriter> {
  return copyInto(tx, `pg_temp.${STAGE}`, STAGE_COLUMNS);
}

/**
 * One validated row as a line of COPY's text format, in STAGE_COLUMNS' order. `caseFields`: the
 * household's case columns as the household check compares them (JSON), null where the row states none.
 */
export function stageLine(p: PersonRow, row: number, caseFields: string | null, raw: RawCells | null): string {
  const c = p.caseFields;
  return `${[
    row,
    copyField(p.stateCode),
    copyField(p.caseRef),
    copyField(p.personRef),
    copyField(p.pathway),
    copyField(p.namedRound),
    copyField(p.roundId),
    copyField(p.countryOfDeparture),
    copyField(p.citizenship),
    copyField(p.sex),
    copyField(p.birthYear),
    copyField(p.arrivedOn),
    copyField(p.relationship ?? null),
    copyField(p.needs ? JSON.stringify(p.needs) : null),
    copyField(c?.priority),
    copyField(c?.primaryCategory),
    copyField(c?.secondaryCategory),
    copyField(c?.referringPartner),
    copyField(c?.partnerRef),
    copyField(c && c.linkedRefs.length > 0 ? c.linkedRefs.join('\u001f') : null),
    copyField(c?.referredOn),
    copyField(caseFields),
    copyField(raw ? JSON.stringify(raw) : null),
  ].join('\t')}\n`;
}

/**
 * Once the staging table is filled: its statistics for the planner, and its households, one row per
 * case (`person_import_households`): the values the case takes (the rows of a household agree, and a
 * case column is stated by a row or left empty by all of them, so each aggregate gives the
 * household's value; `disagree` where they do not), its first row and its first arrival. Gives
 * whether any household disagrees with itself.
 */
export async function stageHouseholds(tx: Executor): Promise<{ disagree: boolean }> {
  await tx.execute(sql.raw(`ANALYZE pg_temp.${STAGE}`));
  await tx.execute(sql.raw(`DROP TABLE IF EXISTS pg_temp.${STAGE}_households`));
  await tx.execute(
    sql.raw(`CREATE TEMP TABLE ${STAGE}_households ON COMMIT DROP AS
      SELECT state_code, case_ref, min(row) AS first, min(pathway) AS pathway, min(named_round) AS named_round,
             min(country_of_departure) AS country_of_departure, min(arrived_on) AS first_arrival,
             max(priority) AS priority, max(primary_category) AS primary_category, max(secondary_category) AS secondary_category,
             max(referring_partner) AS referring_partner, max(partner_ref) AS partner_ref, max(linked_refs) AS linked_refs,
             max(referred_on) AS referred_on,
             (min(pathway) <> max(pathway) OR min(country_of_departure) <> max(country_of_departure)
               OR min(named_round) <> max(named_round) OR (bool_or(named_round IS NULL) AND bool_or(named_round IS NOT NULL))
               OR (count(case_fields) > 0 AND (min(case_fields) <> max(case_fields) OR count(case_fields) < count(*)))) AS disagree
        FROM pg_temp.${STAGE} GROUP BY state_code, case_ref`),
  );
  const [found] = await rows<{ disagree: boolean }>(
    tx,
    sql.raw(`SELECT EXISTS (SELECT 1 FROM pg_temp.${STAGE}_households WHERE disagree) AS disagree`),
  );
  return { disagree: found?.disagree === true };
}

export interface StagedProblem {
  row: number;
  column: string;
  code: 'personRepeated' | 'householdDiffers';
  /** The first row of the person (personRepeated) or of the household (householdDiffers). */
  first: number;
  personRef: string;
  caseRef: string;
  /** The household's value, as its first row gives it (householdDiffers). */
  theirs: string | null;
  /** This row's value as read; the file's own text is in `raw` where it differs. */
  mine: string | null;
  raw: RawCells | null;
}

/**
 * The rows that clash with another row of the file, as `HouseholdCheck` (src/cases/person-row.ts)
 * finds them row by row, here found set-based so that no key of the file is held in memory: a
 * person that appears again (each later row), and a later member of a household that states its
 * pathway, round, country of departure or case columns otherwise than the household's first row.
 * A repeated person's row is not compared with its household. At most `limit` problems, in row
 * order, and how many there are in all.
 */
export async function stagedProblems(tx: Executor, limit: number): Promise<{ total: number; problems: StagedProblem[] }> {
  const found = await rows<StagedProblem & { total: number }>(
    tx,
    sql.raw(`
      WITH persons_first AS (
        SELECT state_code, case_ref, person_ref, min(row) AS first FROM pg_temp.${STAGE}
         GROUP BY state_code, case_ref, person_ref HAVING count(*) > 1
      ), repeated AS (
        SELECT s.row, 0 AS ord, 'person_ref' AS "column", 'personRepeated' AS code, d.first, s.person_ref AS "personRef",
               s.case_ref AS "caseRef", NULL::text AS theirs, s.person_ref AS mine, s.raw
          FROM pg_temp.${STAGE} s JOIN persons_first d USING (state_code, case_ref, person_ref)
         WHERE s.row > d.first
      ), households AS (
        -- Households whose rows do not all agree: the only ones compared row by row below.
        SELECT state_code, case_ref, first FROM pg_temp.${STAGE}_households WHERE disagree
      ), differs AS (
        SELECT s.row, x.ord, x."column", 'householdDiffers' AS code, h.first, s.person_ref AS "personRef", s.case_ref AS "caseRef",
               x.theirs, x.mine, s.raw
          FROM households h
          JOIN pg_temp.${STAGE} f ON f.state_code = h.state_code AND f.case_ref = h.case_ref AND f.row = h.first
          JOIN pg_temp.${STAGE} s ON s.state_code = h.state_code AND s.case_ref = h.case_ref AND s.row > h.first
          CROSS JOIN LATERAL (VALUES
            (1, 'pathway', s.pathway <> f.pathway, f.pathway, s.pathway),
            (2, 'round', s.named_round IS DISTINCT FROM f.named_round, f.named_round, s.named_round),
            (3, 'country_of_departure', s.country_of_departure <> f.country_of_departure, f.country_of_departure, s.country_of_departure),
            (4, 'priority', s.case_fields IS NOT NULL AND s.case_fields IS DISTINCT FROM f.case_fields, NULL, s.priority)
          ) AS x(ord, "column", differ, theirs, mine)
           WHERE x.differ
           AND NOT EXISTS (SELECT 1 FROM pg_temp.${STAGE} e
                            WHERE e.state_code = s.state_code AND e.case_ref = s.case_ref AND e.person_ref = s.person_ref AND e.row < s.row)
      ), problems AS (
        SELECT * FROM repeated UNION ALL SELECT * FROM differs
      )
      SELECT row, "column", code, first, "personRef", "caseRef", theirs, mine, raw, (count(*) OVER ())::int AS total
        FROM problems ORDER BY row, ord LIMIT ${Math.max(1, Math.trunc(limit))}`),
  );
  return {
    total: found[0]?.total ?? 0,
    problems: found.map(({ total: _, raw, ...p }) => ({ ...p, raw: typeof raw === 'string' ? (JSON.parse(raw) as RawCells) : raw })),
  };
}

export interface StagedOutcome {
  casesAdded: number;
  casesUpdated: number;
  /** Persons added and updated, per state (the tenant the audit line goes to). */
  byState: { stateCode: string; added: number; updated: number }[];
}

/**
 * Writes the staged persons, and their cases, set-based: one statement per table over the whole
 * file, the same rules as the chunked writes they replace. A person or case that exists is updated
 * only where a value differs, so the same file twice changes nothing. An empty arrival or round
 * never erases one already recorded (by an earlier import or by the case's arrival). `ext`: the
 * file has the case columns (`cases import`), which a plain person file leaves as the case has them.
 */
export async function writeStagedPersons(
  tx: Executor,
  o: { importId: number; actor: string; today: string; ext: boolean; onStep?: (done: number) => void },
): Promise<StagedOutcome> {
  const { importId, actor, today, ext } = o;
  await tx.execute(sql.raw(`DROP TABLE IF EXISTS pg_temp.${STAGE}_changed`));
  await tx.execute(sql.raw(`CREATE TEMP TABLE ${STAGE}_changed (id bigint PRIMARY KEY) ON COMMIT DROP`));
  // One row per household (stageHouseholds); a case with an arrived member is created at 'arrived'
  // on the first arrival, any other at 'referred'.
  const [cases] = await rows<{ added: number; updated: number }>(
    tx,
    sql`WITH h AS (
          SELECT state_code AS s, case_ref AS r, pathway AS p, named_round AS rd, country_of_departure AS d, first_arrival AS a,
                 priority AS pr, primary_category AS c1, secondary_category AS c2, referring_partner AS rp, partner_ref AS pref,
                 linked_refs AS lr, referred_on AS ro, first
            FROM pg_temp.person_import_stage_households
        ), up AS (
          INSERT INTO cases AS c (state_code, case_ref, pathway, round_id, country_of_departure, import_id, status, status_on,
                                 priority, primary_category, secondary_category, referring_partner, partner_ref, linked_refs)
          SELECT s, r, p, rd, d, ${importId}::bigint, CASE WHEN a IS NULL THEN 'referred' ELSE 'arrived' END, coalesce(a, ro),
                 coalesce(pr, 'normal'), c1, c2, rp, pref, coalesce(string_to_array(lr, chr(31)), '{}')
            FROM h
           -- New cases numbered in the file's order (a household by its first row), as the row-by-row import numbered them:
           -- whatever lists cases by id (the forecast's draws among them) gives the same answer for the same file.
           ORDER BY first
          ON CONFLICT (state_code, case_ref) DO UPDATE
             SET pathway = excluded.pathway, round_id = excluded.round_id,
                 country_of_departure = excluded.country_of_departure, import_id = excluded.import_id, version = c.version + 1,
                 priority = CASE WHEN ${ext} THEN excluded.priority ELSE c.priority END,
                 primary_category = CASE WHEN ${ext} THEN excluded.primary_category ELSE c.primary_category END,
                 secondary_category = CASE WHEN ${ext} THEN excluded.secondary_category ELSE c.secondary_category END,
                 referring_partner = CASE WHEN ${ext} THEN excluded.referring_partner ELSE c.referring_partner END,
                 partner_ref = CASE WHEN ${ext} THEN excluded.partner_ref ELSE c.partner_ref END,
                 linked_refs = CASE WHEN ${ext} THEN excluded.linked_refs ELSE c.linked_refs END
           WHERE (c.pathway, c.round_id, c.country_of_departure) IS DISTINCT FROM (excluded.pathway, excluded.round_id, excluded.country_of_departure)
              OR (${ext} AND (c.priority, c.primary_category, c.secondary_category, c.referring_partner, c.partner_ref, c.linked_refs)
                   IS DISTINCT FROM (excluded.priority, excluded.primary_category, excluded.secondary_category, excluded.referring_partner, excluded.partner_ref, excluded.linked_refs))
          RETURNING c.id, (c.xmax = 0) AS inserted, c.state_code, c.status, c.status_on
        ), history AS (
          -- The first line of each new case's history.
          INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason, details)
          SELECT id, state_code, coalesce(status_on, ${today}::date), ${actor}, NULL, status, 'created by import', jsonb_build_object('import', ${importId}::bigint)
            FROM up WHERE inserted
        ), changed AS (
          INSERT INTO pg_temp.person_import_stage_changed (id) SELECT id FROM up WHERE NOT inserted
        )
        SELECT (count(*) FILTER (WHERE inserted))::int AS added, (count(*) FILTER (WHERE NOT inserted))::int AS updated FROM up`,
  );
  o.onStep?.(1);
  const byState = await rows<{ stateCode: string; added: number; updated: number }>(
    tx,
    sql`WITH ins AS (
          INSERT INTO persons AS p (case_id, person_ref, state_code, pathway, round_id, country_of_departure, citizenship, sex, birth_year, arrived_on, import_id, relationship, needs)
          SELECT c.id, s.person_ref, s.state_code, s.pathway, s.round_id, s.country_of_departure, s.citizenship, s.sex, s.birth_year, s.arrived_on, ${importId}::bigint,
                 s.relationship, coalesce(s.needs::jsonb, '[]'::jsonb)
            FROM pg_temp.person_import_stage s JOIN cases c ON c.state_code = s.state_code AND c.case_ref = s.case_ref
           ORDER BY s.row
          ON CONFLICT (case_id, person_ref) DO UPDATE
             SET pathway = excluded.pathway, round_id = coalesce(excluded.round_id, p.round_id), country_of_departure = excluded.country_of_departure,
                 citizenship = excluded.citizenship, sex = excluded.sex, birth_year = excluded.birth_year,
                 arrived_on = coalesce(excluded.arrived_on, p.arrived_on), import_id = excluded.import_id,
                 relationship = CASE WHEN ${ext} THEN excluded.relationship ELSE p.relationship END,
                 needs = CASE WHEN ${ext} THEN excluded.needs ELSE p.needs END
           WHERE (p.pathway, p.round_id, p.country_of_departure, p.citizenship, p.sex, p.birth_year, p.arrived_on)
                 IS DISTINCT FROM (excluded.pathway, coalesce(excluded.round_id, p.round_id), excluded.country_of_departure, excluded.citizenship,
                                   excluded.sex, excluded.birth_year, coalesce(excluded.arrived_on, p.arrived_on))
              OR (${ext} AND (p.relationship, p.needs) IS DISTINCT FROM (excluded.relationship, excluded.needs))
          RETURNING p.state_code, (p.xmax = 0) AS inserted
        )
        SELECT state_code AS "stateCode", (count(*) FILTER (WHERE inserted))::int AS added, (count(*) FILTER (WHERE NOT inserted))::int AS updated
          FROM ins GROUP BY state_code`,
  );
  o.onStep?.(2);
  if ((cases?.updated ?? 0) > 0) {
    // A household's departure and pathway are the household's: carry a change to the members that
    // the file did not list (its own rows were written above, and counted there).
    const carried = await rows<{ stateCode: string; n: number }>(
      tx,
      sql`WITH upd AS (
            UPDATE persons p SET pathway = c.pathway, country_of_departure = c.country_of_departure, import_id = ${importId}::bigint
              FROM cases c JOIN pg_temp.person_import_stage_changed ch ON ch.id = c.id
             WHERE p.case_id = c.id AND (p.pathway, p.country_of_departure) IS DISTINCT FROM (c.pathway, c.country_of_departure)
            RETURNING p.state_code)
          SELECT state_code AS "stateCode", count(*)::int AS n FROM upd GROUP BY state_code`,
    );
    for (const c of carried) {
      const entry = byState.find((b) => b.stateCode === c.stateCode);
      if (entry) entry.updated += c.n;
      else byState.push({ stateCode: c.stateCode, added: 0, updated: c.n });
    }
  }
  // A case that existed before its members' arrival was recorded now moves to 'arrived', with a line in its history.
  await tx.execute(sql`
    WITH a AS (
      SELECT c.id, c.state_code, c.status, p.first_arrival
        FROM pg_temp.person_import_stage_households h
        JOIN cases c ON c.state_code = h.state_code AND c.case_ref = h.case_ref
        CROSS JOIN LATERAL (SELECT min(p.arrived_on) AS first_arrival FROM persons p WHERE p.case_id = c.id AND p.arrived_on IS NOT NULL) p
       WHERE h.first_arrival IS NOT NULL AND c.status = ANY(${sql.param([...PRE_ARRIVAL, 'on_hold'])}::text[]) AND p.first_arrival IS NOT NULL
    ), upd AS (
      UPDATE cases c SET status = 'arrived', held_from = NULL, status_on = a.first_arrival, version = c.version + 1
        FROM a WHERE c.id = a.id
      RETURNING c.id, c.state_code, a.status AS from_status, a.first_arrival
    )
    INSERT INTO case_events (case_id, state_code, "on", actor, from_status, to_status, reason, details)
    SELECT id, state_code, first_arrival, ${actor}, from_status, 'arrived', 'arrival recorded by import', jsonb_build_object('import', ${importId}::bigint)
      FROM upd`);
  o.onStep?.(3);
  return { casesAdded: cases?.added ?? 0, casesUpdated: cases?.updated ?? 0, byState };
}

/**
 * Whether `e` is the refusal of a persons upsert that met the same person twice (a row of the file
 * repeated): PostgreSQL's cardinality violation. The import then lists the repeated rows.
 */
export function isRepeatedRow(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code ?? (e as { cause?: { code?: unknown } })?.cause?.code;
  return code === '21000';
}

/** Drops the staging tables (they would go at commit; a caller's transaction may go on after the import). */
export async function dropPersonStage(tx: Executor): Promise<void> {
  await tx.execute(sql.raw(`DROP TABLE IF EXISTS pg_temp.${STAGE}, pg_temp.${STAGE}_changed, pg_temp.${STAGE}_households`));
}
