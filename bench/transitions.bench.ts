/**
 * Stage transitions per second: `advanceCase` (the rules, a raised version, a history line, an
 * audit line, and on arrival the members' arrival with the state-of-play aggregates), against a
 * bare status UPDATE in its own transaction on the same database and at the same concurrency.
 */
import { advanceCase } from '../src/cases/advance-case.ts';
import { importPersons } from '../src/cases/person.import.ts';
import type { Stage } from '../src/cases/stage.ts';
import { rows, sql } from '../src/db/db.ts';
import type { CsvRecord } from '../src/files/csv-source.ts';
import { fmtInt, fmtX, progress, timed, withFreshDatabase, type DbKind } from './harness.ts';

const PATH: Stage[] = ['under_review', 'accepted', 'checks', 'pre_departure', 'travel_arranged', 'departed', 'arrived'];
import { cliActor as __cliActor } from '../src/audit/audit-line.service.ts';
const ACTOR = __cliActor('bench');

export interface TransitionsResult {
  kind: DbKind;
  cases: number;
  concurrency: number;
  transitions: number;
  perSecond: number;
  baselinePerSecond: number;
  ratio: number;
}

async function* households(n: number): AsyncGenerator<CsvRecord> {
  let row = 1;
  for (let i = 1; i <= n; i++) {
    for (const p of ['1', '2']) {
      yield {
        row: ++row,
        values: {
          case_ref: `T-${i}`,
          person_ref: p,
          member_state: i % 2 ? 'NL' : 'SE',
          pathway: 'resettlement',
          round: '2020-2021',
          citizenship: 'SYR',
          sex: p === '1' ? 'F' : 'M',
          birth_year: '1990',
          country_of_departure: 'LBN',
          arrived_on: '',
        },
      };
    }
  }
}

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

export async function transitionsBenchmark(opts: {
  kind: DbKind;
  adminUrl: string | undefined;
  cases: number;
  concurrency: number;
}): Promise<TransitionsResult> {
  const { kind, cases, concurrency } = opts;
  return withFreshDatabase(kind, opts.adminUrl, async ({ database }) => {
    const { db } = database;
    progress(`transitions ${kind}: ${fmtInt(cases)} cases of two persons`);
    await importPersons({ db, actor: ACTOR, records: households(cases), source: 'bench' });
    const refs = (await rows<{ s: string; r: string }>(db, sql`SELECT state_code AS s, case_ref AS r FROM cases ORDER BY id`)).map(
      (x) => x,
    );
    // Each case walks its path in order; cases run side by side.
    progress(`transitions ${kind}: ${fmtInt(cases * PATH.length)} moves through advanceCase, ${concurrency} at a time`);
    const ours = await timed(() =>
      pool(refs, concurrency, async ({ s, r }) => {
        for (const [i, to] of PATH.entries()) {
          await db.transaction((tx) =>
            advanceCase({
              db: tx,
              actor: ACTOR,
              stateCode: s,
              caseRef: r,
              action: { type: 'advance', to },
              on: `2021-01-${String(i + 10)}`,
            }),
          );
        }
      }),
    );
    const arrived = (await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM persons WHERE arrived_on IS NOT NULL`))[0]!.n;
    if (arrived !== cases * 2) throw new Error(`expected ${cases * 2} arrivals, found ${arrived}`);
    progress(`transitions ${kind}: the same number of bare status UPDATEs`);
    const ids = (await rows<{ id: number }>(db, sql`SELECT id::int AS id FROM cases ORDER BY id`)).map((x) => x.id);
    const base = await timed(() =>
      pool(ids, concurrency, async (id) => {
        for (let i = 0; i < PATH.length; i++) {
          await db.transaction((tx) =>
            tx.execute(sql`UPDATE cases SET status = ${i % 2 ? 'arrived' : 'closed'}, version = version + 1 WHERE id = ${id}`),
          );
        }
      }),
    );
    const transitions = cases * PATH.length;
    const perSecond = transitions / (ours.ms / 1000);
    const baselinePerSecond = transitions / (base.ms / 1000);
    progress(
      `transitions ${kind}: ${fmtInt(perSecond)}/s against ${fmtInt(baselinePerSecond)}/s bare (${fmtX(perSecond / baselinePerSecond)})`,
    );
    return { kind, cases, concurrency, transitions, perSecond, baselinePerSecond, ratio: perSecond / baselinePerSecond };
  });
}

// Run on its own: node --import tsx bench/transitions.bench.ts [cases] [concurrency]
if (import.meta.url === `file://${process.argv[1]}`) {
  const cases = Number(process.argv[2] ?? 5000);
  const concurrency = Number(process.argv[3] ?? 4);
  const kinds: DbKind[] = process.env.DATABASE_URL ? ['postgres'] : ['pglite'];
  for (const kind of kinds)
    console.log(JSON.stringify(await transitionsBenchmark({ kind, adminUrl: process.env.DATABASE_URL, cases, concurrency })));
}
