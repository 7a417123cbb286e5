import { sql, rows, type Executor } from '../db/db.ts';
import { recordAudit } from '../audit/audit.ts';
import type { Principal } from '../access/principal.ts';

/**
 * Anonymisation of a case: what identifies the household goes, what the returns of points 26–27
 * count stays (state, pathway, round, country of departure, arrival days), so the aggregates do
 * not move. The history keeps its moves and days; its free text (reasons, details) is blanked —
 * the one change the append-only trigger allows, inside a transaction that declares it.
 * The audit trail is kept (accountability, GDPR art. 5(2)); its record ids now point at nothing.
 */
export const CLOSED_FOR_ERASURE = ['closed', 'withdrawn', 'rejected'] as const;

export async function anonymiseCases(db: Executor, by: Principal, caseIds: number[], why: { action: string; purpose: string }): Promise<{ cases: number; persons: number }> {
  if (caseIds.length === 0) return { cases: 0, persons: 0 };
  const ids = sql.param(caseIds);
  const refs = await rows<{ stateCode: string; caseRef: string; persons: string[] }>(
    db,
    sql`SELECT c.state_code AS "stateCode", c.case_ref AS "caseRef",
               coalesce((SELECT array_agg(p.person_ref ORDER BY p.person_ref) FROM persons p WHERE p.case_id = c.id), '{}') AS persons
          FROM cases c WHERE c.id = ANY(${ids}::bigint[]) ORDER BY c.id`,
  );
  await db.execute(sql`SELECT set_config('pathways.erasure', 'on', true)`);
  const persons = await rows<{ id: number }>(
    db,
    sql`UPDATE persons SET person_ref = 'erased-' || id, citizenship = NULL, sex = NULL, birth_year = NULL, relationship = NULL,
                           needs = '[]'::jsonb, vulnerable_groups = '{}',
                           excluded_reason = CASE WHEN excluded_reason IS NULL THEN NULL ELSE 'erased' END
         WHERE case_id = ANY(${ids}::bigint[]) RETURNING id`,
  );
  await db.execute(
    sql`UPDATE cases SET case_ref = 'erased-' || id, partner_ref = NULL, referring_partner = NULL, linked_refs = '{}',
                         primary_category = NULL, secondary_category = NULL, version = version + 1
         WHERE id = ANY(${ids}::bigint[])`,
  );
  // A candidate's skills profile (complementary pathways) goes with the person; the candidacy's status stays counted.
  await db.execute(
    sql`UPDATE pathway_candidates SET person_ref = 'erased-' || id, skills = '{}'::jsonb, occupations = '{}', version = version + 1
         WHERE case_id = ANY(${ids}::bigint[])`,
  );
  await db.execute(sql`UPDATE case_events SET reason = NULL, details = '{}'::jsonb WHERE case_id = ANY(${ids}::bigint[]) AND (reason IS NOT NULL OR details <> '{}'::jsonb)`);
  await db.execute(sql`SELECT set_config('pathways.erasure', 'off', true)`);
  for (const r of refs) {
    await recordAudit(db, {
      actor: by,
      action: why.action,
      purpose: why.purpose,
      subject: `case:${r.stateCode}:${r.caseRef}`,
      stateCode: r.stateCode,
      recordIds: [`case:${r.caseRef}`, ...r.persons.map((p) => `person:${p}`)],
      fields: ['caseRef', 'partnerRef', 'referringPartner', 'linkedRefs', 'primaryCategory', 'secondaryCategory', 'members.*', 'candidates.skills', 'history.reason', 'history.details'],
    });
  }
  return { cases: refs.length, persons: persons.length };
}
