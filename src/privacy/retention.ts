import type { Executor } from '../db/db.ts';
import type { Principal } from '../access/principal.ts';
import { recordAudit } from '../audit/audit-line.service.ts';
import { casesForRetention } from '../cases/case-privacy.service.ts';
import { expireFamilyRequests } from '../complementary/family-reunification-privacy.service.ts';
import { expireUploads } from '../imports/upload-privacy.service.ts';
import { roundsPastRetention } from '../rounds/round-privacy.service.ts';
import { eraseSponsorHistoryText, expireSponsors, sponsorsPastRetention } from '../sponsorship/sponsorship-privacy.service.ts';
import { setErasureMode, vacuum } from './privacy.repository.ts';
import { purgeIdempotencyKeys, purgeIdentityRecords } from '../identity/housekeeping.ts';
import { isValidIsoDate } from '../rounds/round.ts';
import { ErrorCode } from '../errors/app-error.ts';
import { appError } from '../i18n/problem.ts';
import { anonymiseCases, CLOSED_FOR_ERASURE } from './erasure.ts';

export interface RetentionResult {
  rounds: { roundId: string; retainUntil: string; cases: number; persons: number }[];
  /** Ended sponsors anonymised (issue 6): `sponsorMonths` after their end. */
  sponsors: number;
  /** Closed family reunification requests anonymised: `sponsorMonths` after their closure. */
  familyRequests: number;
}

/**
 * Storage limitation (GDPR art. 5(1)(e)): the personal data of a round's cases is kept for the
 * round's `retention_months` after its end; then the retention job anonymises the cases of that
 * round that are over (closed, withdrawn, rejected). Aggregates stay. Cases still open are left
 * and counted, so an operator sees them. Ended sponsors and closed family reunification requests,
 * which belong to no round, are anonymised `sponsorMonths` (PATHWAYS_SPONSOR_RETENTION_MONTHS) after
 * they ended or closed. Run by `pathways privacy retention` and daily by the server.
 */
export async function runRetention(
  db: Executor,
  by: Principal,
  today: string,
  sponsorMonths: number,
): Promise<RetentionResult & { openPastRetention: number }> {
  if (!isValidIsoDate(today)) throw appError(ErrorCode.BadInput, 'dateInvalid', { p1: today });
  const due = await roundsPastRetention({ db, today });
  const result: RetentionResult['rounds'] = [];
  let open = 0;
  for (const r of due) {
    const cases = await casesForRetention({ db, roundId: r.roundId, closedStatuses: CLOSED_FOR_ERASURE });
    open += cases.filter((c) => !c.closed).length;
    const done = await anonymiseCases(
      db,
      by,
      cases.filter((c) => c.closed).map((c) => c.id),
      {
        action: 'retention.anonymise',
        purpose: `end of retention for round ${r.roundId} (${r.retainUntil})`,
      },
    );
    result.push({ ...r, ...done });
  }
  const sponsors = await anonymiseEndedSponsors(db, by, today, sponsorMonths);
  const familyRequests = await anonymiseClosedFamilyRequests(db, by, today, sponsorMonths);
  return { rounds: result, sponsors, familyRequests, openPastRetention: open };
}

/**
 * A sponsor ended more than `months` before `today` (the day of its move to `ended` in its
 * history), with no active sponsorship left: its name, contact, region, languages, needs supported
 * and status reason go, its members' names, the reasons and details of its history (the checks, a
 * criminal record's among them) and the messages of its sponsorships. The sponsorships stay, so
 * every count does (`statistics_sponsorships`). Audited per sponsor in its state's trail.
 */
async function anonymiseEndedSponsors(db: Executor, by: Principal, today: string, months: number): Promise<number> {
  const due = await sponsorsPastRetention({ db, today, months });
  if (due.length === 0) return 0;
  const sponsorIds = due.map((s) => s.id);
  await expireSponsors({ db, sponsorIds });
  // The histories keep their lines; the trigger of migration 0009 lets an erasure blank just these columns.
  await setErasureMode(db, true);
  await eraseSponsorHistoryText({ db, sponsorIds });
  await setErasureMode(db, false);
  for (const s of due) {
    await recordAudit(db, {
      actor: by,
      action: 'retention.anonymise',
      purpose: `end of retention for a sponsor ended on ${s.endedOn} (${months} months)`,
      subject: `sponsor:${s.id}`,
      stateCode: s.stateCode,
      recordIds: [`sponsor:${s.id}`, ...s.members.map((m) => `sponsor-member:${m}`)],
      fields: [
        'name',
        'contact',
        'region',
        'languages',
        'needsSupported',
        'statusReason',
        'members.name',
        'history.reason',
        'history.details',
        'sponsorships.messages',
      ],
    });
  }
  return due.length;
}

/**
 * A family reunification request closed more than `months` before `today`: its reference, note and
 * country of residence go; kind, outcome, dates and the number of family members stay, so the
 * returns of point 27 do not move (`statistics_pathway_support`). Audited in one line per state.
 */
async function anonymiseClosedFamilyRequests(db: Executor, by: Principal, today: string, months: number): Promise<number> {
  const due = await expireFamilyRequests({ db, today, months });
  if (due.length === 0) return 0;
  for (const stateCode of [...new Set(due.map((r) => r.stateCode))]) {
    await recordAudit(db, {
      actor: by,
      action: 'retention.anonymise',
      purpose: `end of retention for family reunification requests closed more than ${months} months before ${today}`,
      subject: `state:${stateCode}`,
      stateCode,
      recordIds: due.filter((r) => r.stateCode === stateCode).map((r) => `family-request:${r.reference}`),
      fields: ['reference', 'note', 'countryOfResidence'],
    });
  }
  return due.length;
}

/**
 * Uploaded files never committed (still valid, or refused) are deleted `hours` after their upload
 * (PATHWAYS_UPLOAD_RETENTION_HOURS): each holds up to 16 MiB of personal data, needed only until
 * its commit (issue 19, finding 10). A committed upload stays as the record of its import, its
 * content already dropped at the commit; any quoted rows left in its report are dropped too.
 * Audited in one line per state.
 */
export async function purgeUploads(db: Executor, by: Principal, now: Date, hours: number): Promise<{ deleted: number; blanked: number }> {
  const before = new Date(now.getTime() - hours * 3600_000).toISOString();
  const { deleted, blanked } = await expireUploads({ db, before });
  for (const stateCode of [...new Set(deleted.map((u) => u.stateCode))].sort()) {
    await recordAudit(db, {
      actor: by,
      action: 'retention.delete',
      purpose: `end of retention for uploads not committed within ${hours} hours`,
      subject: `state:${stateCode}`,
      stateCode,
      recordIds: deleted.filter((u) => u.stateCode === stateCode).map((u) => `upload:${u.id}`),
      fields: ['content', 'report'],
    });
  }
  return { deleted: deleted.length, blanked: blanked.length };
}

/**
 * Everything storage limitation asks, in one pass: the rounds past their retention (above), old
 * sign-in attempts and ended sessions, the replies kept for expired Idempotency-Keys, and uploads
 * not committed within `uploadHours`. What the server's daily job and `pathways privacy retention` run.
 */
export async function runStorageLimitation(
  db: Executor,
  by: Principal,
  today: string,
  sponsorMonths: number,
  uploadHours = 24,
  clock: Date = new Date(),
) {
  const retention = await runRetention(db, by, today, sponsorMonths);
  const now = `${today}T00:00:00Z`;
  const uploads = await purgeUploads(db, by, clock, uploadHours);
  return { ...retention, uploads, identity: await purgeIdentityRecords(db, now), idempotencyKeys: await purgeIdempotencyKeys(db, now) };
}

/**
 * After the retention job has deleted rows, the embedded database is vacuumed, so the space of the
 * deleted uploads (and of dry runs' rolled-back rows) is used again instead of the folder growing
 * (a plain VACUUM: it holds no lock that stops other work). On PostgreSQL autovacuum does this; the
 * application's role does not own the tables and may not vacuum them.
 */
export async function vacuumEmbedded(database: { db: Executor; kind: 'pglite' | 'postgres' }): Promise<boolean> {
  if (database.kind !== 'pglite') return false;
  await vacuum(database.db);
  return true;
}
