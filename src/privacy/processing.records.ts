import { sql, rows, type Executor } from '../db/db.ts';

/**
 * The records of processing activities (GDPR art. 30(1)), as configuration: each activity the
 * platform performs on personal data, with its purpose, subjects, data, recipients, transfers,
 * retention and security measures. `pathways privacy records` prints them with the retention of
 * each round read from the database, so the record and the running system cannot drift apart.
 */
export interface ProcessingActivity {
  id: string;
  name: string;
  purposes: string[];
  legalBasis: string;
  dataSubjects: string[];
  personalData: string[];
  specialCategories: string[];
  recipients: string[];
  transfersOutsideEu: string;
  retention: string;
  securityMeasures: string[];
}

const SECURITY = [
  'row-level security per Member State, forced, with the application connected as a role that owns nothing (docs/security.md §2)',
  'named authorisation policies per role; field-level presentation (docs/security.md §3)',
  'an audit line for every read and write of personal data, in the same transaction, hash-chained (docs/security.md §4)',
  'argon2id passwords, a second factor for every role that reads personal data, lock-out and rate limits (docs/security.md §1)',
  'no personal data in URLs, logs (redacted) or browser storage; Cache-Control: no-store (docs/security.md §5)',
];

export const PROCESSING_ACTIVITIES: readonly ProcessingActivity[] = [
  {
    id: 'case-management',
    name: 'Resettlement and humanitarian admission case management',
    purposes: ['processing referrals, decisions, pre-departure, travel, arrival, reception and integration (Recommendation (EU) 2020/1364, points 1–9)'],
    legalBasis: 'GDPR art. 6(1)(e) (public task under national law implementing the Recommendation); art. 9(2)(g) for health and needs',
    dataSubjects: ['refugees and other persons in need of international protection referred for resettlement or admission, and their household members'],
    personalData: ['case and person references', 'citizenship', 'sex', 'year of birth', 'relationship in the household', 'country of departure', 'stages and their dates', 'arrival date'],
    specialCategories: ['specific needs, disability and the accommodation it requires (UN CRPD; Recital 37)', 'UNHCR submission categories (e.g. survivors of violence and torture, medical needs)'],
    recipients: ["the Member State's resettlement unit", 'referral partners (status of their own referrals only)', 'sponsors (the households they support, the fields of their phases only)'],
    transfersOutsideEu: 'none by the platform; referral partners send referrals in',
    retention: 'per round: the retention period after the round ends, then anonymised by the retention job (see the table below)',
    securityMeasures: SECURITY,
  },
  {
    id: 'monitoring',
    name: 'Monitoring of pledges and arrivals (state of play, points 26–27)',
    purposes: ["the Commission's state of play and the evaluation of the pathways (point 10)"],
    legalBasis: 'GDPR art. 6(1)(e); aggregates only leave the Member State',
    dataSubjects: ['none: counts of persons per state, pathway, round, country of departure and month'],
    personalData: [],
    specialCategories: [],
    recipients: ['the European Commission (aggregates only)', 'the public (aggregates with disclosure control, later)'],
    transfersOutsideEu: 'none',
    retention: 'kept: aggregates are not personal data',
    securityMeasures: SECURITY,
  },
  {
    id: 'accounts',
    name: 'Accounts of the platform’s users, sessions and the audit trail',
    purposes: ['signing users in, authorising them, accountability for every access to personal data (GDPR art. 5(2), 32)'],
    legalBasis: 'GDPR art. 6(1)(c) and (e)',
    dataSubjects: ['staff of the Member States and the Commission, referral partners, sponsors'],
    personalData: ['username, display name, role, organisation, Member State', 'sessions (hashed tokens), sign-in attempts with source address', 'audit lines: who, when, what, why'],
    specialCategories: [],
    recipients: ['the administrators of the user’s scope', 'the auditors of the scope (audit trail)'],
    transfersOutsideEu: 'none',
    retention: 'accounts while active; sign-in attempts 90 days; audit lines as long as the records they account for, and at least the round’s retention',
    securityMeasures: SECURITY,
  },
];

export interface ProcessingRecords {
  generatedAt: string;
  activities: readonly ProcessingActivity[];
  retentionByRound: { roundId: string; title: string; endDate: string; retentionMonths: number; retainUntil: string }[];
}

export async function processingRecords(db: Executor): Promise<ProcessingRecords> {
  const retentionByRound = await rows<ProcessingRecords['retentionByRound'][number]>(
    db,
    sql`SELECT id AS "roundId", title, end_date::text AS "endDate", retention_months AS "retentionMonths",
               (end_date + make_interval(months => retention_months))::date::text AS "retainUntil"
          FROM rounds ORDER BY start_date`,
  );
  return { generatedAt: new Date().toISOString(), activities: PROCESSING_ACTIVITIES, retentionByRound };
}

export function processingRecordsMarkdown(r: ProcessingRecords): string {
  const lines = ['# Records of processing activities (GDPR art. 30)', '', `Generated ${r.generatedAt} from the configuration and the database.`, ''];
  for (const a of r.activities) {
    lines.push(`## ${a.name}`, '', `- **Purposes:** ${a.purposes.join('; ')}`, `- **Legal basis:** ${a.legalBasis}`, `- **Data subjects:** ${a.dataSubjects.join('; ')}`);
    lines.push(`- **Personal data:** ${a.personalData.join('; ') || 'none'}`, `- **Special categories:** ${a.specialCategories.join('; ') || 'none'}`);
    lines.push(`- **Recipients:** ${a.recipients.join('; ')}`, `- **Transfers outside the EU:** ${a.transfersOutsideEu}`, `- **Retention:** ${a.retention}`);
    lines.push(`- **Security measures:** ${a.securityMeasures.join('; ')}`, '');
  }
  lines.push('## Retention per round', '', '| round | ends | kept for (months) | anonymised after |', '|---|---|---:|---|');
  for (const x of r.retentionByRound) lines.push(`| ${x.roundId} | ${x.endDate} | ${x.retentionMonths} | ${x.retainUntil} |`);
  return lines.join('\n') + '\n';
}
