/**
 * Loading persons for the state-of-play benchmark, always through the real tables so that the
 * arrivals aggregates are kept by the triggers of the migrations, never by the bench:
 *
 * - `importer`: the platform's importer (`importPersons`) over the demo records;
 * - `sql`: set-based, for tens of millions. The demo records (seeded, validated by the importer's
 *   own `PersonRowReader`) are stored once as a template of `TEMPLATE` persons; `INSERT … SELECT`
 *   statements then repeat the template with new case references (a statement per repetition, one
 *   million persons), into `cases` and `persons`. Each statement fires the arrivals
 *   trigger on its transition table, as an import does. The template is dropped at the end.
 */
import { importPersons } from '../src/cases/person.import.ts';
import { cliActor } from '../src/audit/audit-line.service.ts';
import { PersonRowReader, type PersonRow } from '../src/cases/person-row.ts';
import { sql } from '../src/db/db.ts';
import { demoRecords, demoSource } from '../src/demo/demo.ts';
import { listRounds } from '../src/rounds/round.repository.ts';
import { fmtInt, progress, type BenchDb } from './harness.ts';

export type Loader = 'importer' | 'sql';

/** Persons in the template the SQL loader repeats: as many as one statement writes. */
const TEMPLATE = 1_000_000;
const TEMPLATE_CHUNK = 50_000;

export async function loadPersons(db: BenchDb, persons: number, seed: number, loader: Loader): Promise<void> {
  if (loader === 'importer') {
    let nextTenth = 1;
    const s = await importPersons({
      db: db.database.db,
      actor: cliActor('bench'),
      records: demoSource({ persons, seed }),
      source: `bench:demo persons=${persons} seed=${seed}`,
      onProgress: (p) => {
        if (p.rows >= (nextTenth * persons) / 10 && p.rows < persons) {
          progress(`  importer: ${fmtInt(p.rows)} rows`);
          nextTenth = Math.floor((p.rows * 10) / persons) + 1;
        }
      },
    });
    if (s.added !== persons) throw new Error(`importer added ${s.added} persons, expected ${persons}`);
    return;
  }
  await loadWithSql(db, persons, seed);
}

async function loadWithSql(db: BenchDb, persons: number, seed: number): Promise<void> {
  const d = db.database.db;
  const templateSize = Math.min(TEMPLATE, persons);
  progress(`  sql loader: template of ${fmtInt(templateSize)} demo persons`);
  const reader = new PersonRowReader(await listRounds(d), new Date().toISOString().slice(0, 10));
  await db.exec(`CREATE TABLE bench_template (
    o int PRIMARY KEY, hh int NOT NULL, person_ref text, state_code text, pathway text, named_round text, round_id text,
    country_of_departure text, citizenship text, sex text, birth_year int2, arrived_on date)`);
  try {
    let batch: (PersonRow & { o: number; hh: number })[] = [];
    const flush = async () => {
      const col = <K extends keyof (typeof batch)[number]>(k: K) => sql.param(batch.map((p) => p[k]));
      await d.execute(sql`INSERT INTO bench_template
        SELECT * FROM unnest(${col('o')}::int[], ${col('hh')}::int[], ${col('personRef')}::text[], ${col('stateCode')}::text[], ${col('pathway')}::text[],
                             ${col('namedRound')}::text[], ${col('roundId')}::text[], ${col('countryOfDeparture')}::text[], ${col('citizenship')}::text[],
                             ${col('sex')}::text[], ${col('birthYear')}::int2[], ${col('arrivedOn')}::date[])`);
      batch = [];
    };
    let o = 0;
    let hh = -1;
    let lastCase = '';
    for (const rec of demoRecords({ persons: templateSize, seed })) {
      const read = reader.read(rec.values, rec.row);
      if (!read.ok) throw new Error(`demo row ${rec.row}: ${JSON.stringify(read.problems)}`);
      if (read.person.caseRef !== lastCase) {
        hh++;
        lastCase = read.person.caseRef;
      }
      batch.push({ ...read.person, o: o++, hh });
      if (batch.length >= TEMPLATE_CHUNK) await flush();
    }
    await flush();
    await db.exec(`CREATE TABLE bench_template_households AS
      SELECT DISTINCT ON (hh) hh, o AS first_o, state_code, pathway, named_round, country_of_departure, min(arrived_on) OVER (PARTITION BY hh) AS first_arrival
        FROM bench_template ORDER BY hh, o`);
    await db.exec('ANALYZE bench_template');
    await db.exec('ANALYZE bench_template_households');
    const households = hh + 1;

    // One template cycle per statement pair: cases first, then their persons joined by (state, case_ref).
    const cycles = Math.ceil(persons / templateSize);
    for (let c = 0; c < cycles; c++) {
      const caseRef = (h: string) => `'GEN-${seed}-' || (${c * households} + ${h})`;
      // A case with an arrived member is at 'arrived' since the first arrival, as the importer makes it.
      await db.exec(`INSERT INTO cases (state_code, case_ref, pathway, round_id, country_of_departure, status, status_on)
        SELECT state_code, ${caseRef('hh')}, pathway, named_round, country_of_departure,
               CASE WHEN first_arrival IS NULL THEN 'referred' ELSE 'arrived' END, first_arrival
          FROM bench_template_households WHERE ${c * templateSize} + first_o < ${persons} ORDER BY hh`);
      await db.exec(`INSERT INTO persons (case_id, person_ref, state_code, pathway, round_id, country_of_departure, citizenship, sex, birth_year, arrived_on)
        SELECT k.id, t.person_ref, t.state_code, t.pathway, t.round_id, t.country_of_departure, t.citizenship, t.sex, t.birth_year, t.arrived_on
          FROM bench_template t JOIN cases k ON k.state_code = t.state_code AND k.case_ref = ${caseRef('t.hh')}
         WHERE ${c * templateSize} + t.o < ${persons}`);
      progress(`  sql loader: ${fmtInt(Math.min(persons, (c + 1) * templateSize))} persons`);
    }
  } finally {
    await db.exec('DROP TABLE IF EXISTS bench_template');
    await db.exec('DROP TABLE IF EXISTS bench_template_households');
  }
}
