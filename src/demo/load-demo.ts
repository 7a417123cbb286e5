import type { Actor } from '../audit/audit-line.service.ts';
import { appendCaseHistories, type HistoryToAppend } from '../cases/append-case-histories.ts';
import { importPersons, type PersonImportProgress, type PersonImportSummary } from '../cases/person.import.ts';
import { CASE_OPTIONAL_COLUMNS } from '../cases/person-row.ts';
import { unchangedCaseKeys } from '../cases/case-lookup.service.ts';
import type { Executor } from '../db/db.ts';
import type { CsvRecord } from '../files/csv-source.ts';
import { demoCaseHistories } from './case-histories.ts';

/** The households as a case file would hold them: referred on their first day, nothing arrived yet. */
async function* householdRecords(persons: number, seed: number): AsyncGenerator<CsvRecord> {
  let row = 1;
  for (const h of demoCaseHistories({ persons, seed })) {
    for (const m of h.members) {
      const values: Record<string, string> = Object.fromEntries(CASE_OPTIONAL_COLUMNS.map((c) => [c, '']));
      Object.assign(values, {
        case_ref: h.caseRef,
        person_ref: m.personRef,
        member_state: h.memberState,
        pathway: h.pathway,
        round: h.round,
        citizenship: m.citizenship,
        sex: m.sex,
        birth_year: String(m.birthYear),
        country_of_departure: h.countryOfDeparture,
        arrived_on: '',
        priority: h.priority,
        referred_on: h.events[0]!.on,
        relationship: m.personRef === 'P1' ? 'principal' : '',
      });
      yield { row: ++row, values };
    }
  }
}

/**
 * `pathways demo`: seeded households with their whole histories — referral, review, decision,
 * checks, departure, arrival, the 2020 suspension, drop-outs — loaded through the importer and the
 * stage rules, in one transaction. The same seed a second time adds nothing.
 */
export async function loadDemo(opts: {
  db: Executor;
  actor: Actor;
  persons: number;
  seed: number;
  onProgress?: (p: PersonImportProgress) => void;
}): Promise<PersonImportSummary & { moves: number }> {
  const { db, actor, persons, seed } = opts;
  return db.transaction(async (tx) => {
    const summary = await importPersons({
      db: tx,
      actor,
      records: householdRecords(persons, seed),
      source: `demo:persons=${persons},seed=${seed}`,
      fraction: () => null,
      onProgress: (p) => opts.onProgress?.({ rows: p.rows, fraction: Math.min(1, p.rows / persons) * 0.6 }),
    });
    // Histories go only to the cases that have none beyond their referral (a second run adds nothing).
    const fresh = await unchangedCaseKeys(tx, `DEMO-${seed}-H`);
    let moves = 0;
    let done = 0;
    let batch: HistoryToAppend[] = [];
    const flush = async () => {
      moves += (await appendCaseHistories({ db: tx, actor, items: batch })).moves;
      batch = [];
      opts.onProgress?.({ rows: summary.rows, fraction: 0.6 + 0.4 * Math.min(1, done / persons) });
    };
    for (const h of demoCaseHistories({ persons, seed })) {
      done += h.members.length;
      if (!fresh.has(`${h.memberState}:${h.caseRef}`)) continue;
      batch.push({ stateCode: h.memberState, caseRef: h.caseRef, modality: h.modality, events: h.events.slice(1) });
      if (batch.length >= 2000) await flush();
    }
    await flush();
    return { ...summary, moves };
  });
}
