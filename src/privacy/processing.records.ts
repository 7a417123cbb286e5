import { sql, rows, type Executor } from '../db/db.ts';

/**
 * The records of processing activities (GDPR art. 30(1)), as configuration: each activity the
 * platform performs on personal data, with its purpose, subjects, data, recipients, transfers,
 * retention and security measures. `pathways privacy records` prints them with the retention of
 * each round read from the database and the sponsors' from the configuration
 * (PATHWAYS_SPONSOR_RETENTION_MONTHS), so the record and the running system cannot drift apart.
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

/** The activities, with the months an ended sponsor and a closed family reunification request are kept (configured). */
export const processingActivities = (sponsorMonths: number): readonly ProcessingActivity[] => [
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
    id: 'sponsor-screening',
    name: 'Screening of community sponsors (points 14–17, recital 30)',
    purposes: ['recording sponsors’ applications, their members and the checks the state makes of them (recital 30: sponsors recruited and screened; point 17: contact kept with them), approving, suspending or ending a sponsor'],
    legalBasis: 'GDPR art. 6(1)(e) (public task under the national sponsorship scheme); art. 10 under national law where a check reads criminal records',
    dataSubjects: ['sponsors who are individuals', 'the members of sponsor groups and the contact persons of sponsoring organisations'],
    personalData: ['name, contact (e-mail, telephone, address), region', 'household size and needs the sponsor can support, languages', 'checks and their results, screening status and the reasons of each move'],
    specialCategories: ['the results of security checks (art. 10: criminal convictions), where national law has them checked'],
    recipients: ["the Member State's sponsorship unit", 'the sponsor itself (its own record, in the portal)', 'the European Commission (counts of sponsorships only, statistics_sponsorships)'],
    transfersOutsideEu: 'none',
    retention: `while the sponsor takes part; ${sponsorMonths} months after it ended (with no active sponsorship left), the retention job anonymises it: name, contact, region, languages, needs supported, its members' names, the reasons and checks of its history (its sponsorships stay counted)`,
    securityMeasures: SECURITY,
  },
  {
    id: 'sponsorship-support',
    name: 'Community sponsorship and humanitarian corridors: matching, tasks, messages, safety net (points 13–18)',
    purposes: ['matching a sponsor to a household, sharing with the sponsor the fields its phases need, the tasks of each phase, messages between the sponsor and the caseworker, the safety net when a sponsorship breaks down'],
    legalBasis: 'GDPR art. 6(1)(e); art. 9(2)(g) for the needs a sponsor sees in the reception, housing and integration phases',
    dataSubjects: ['the members of a sponsored household', 'sponsors and their members'],
    personalData: ['the household’s fields of the phases the sponsor holds (src/access/fields.ts)', 'tasks and who did them', 'messages', 'why a sponsorship ended or broke down'],
    specialCategories: ['specific needs and disability of household members, to sponsors holding reception, housing or integration'],
    recipients: ['the sponsor, only while its sponsorship is active (row-level security on case_supporters.ended_at)', "the Member State's caseworkers", 'the European Commission (counts of sponsorships and breakdowns only, statistics_sponsorships)'],
    transfersOutsideEu: 'none',
    retention: `with the case: the round’s retention, then anonymised (why it ended blanked, the safety net’s note removed, the messages blanked); the messages also when the sponsor is anonymised, ${sponsorMonths} months after it ended`,
    securityMeasures: SECURITY,
  },
  {
    id: 'complementary-pathways',
    name: 'Complementary pathways: education, labour and family reunification support (points 12, 19–21)',
    purposes: ['candidacies for education and labour programmes with their skills profile (EU Skills Profile Tool), status and support; family reunification support requests with their outcome and time taken; the returns of point 27'],
    legalBasis: 'GDPR art. 6(1)(e); Directive 2003/86/EC and Directive (EU) 2016/801 art. 25 where they apply',
    dataSubjects: ['candidates of education and labour programmes (household members)', 'persons asking for family reunification support (by the state’s reference only)'],
    personalData: ['programme, status and its dates, support given', 'skills profile: education, languages (CEFR), work experience, occupations (ESCO/ISCO-08), other skills', 'family reunification requests: kind, family members, country of residence, outcome, dates, note'],
    specialCategories: [],
    recipients: ["the Member State's officers", 'the European Commission (counts only: admissions and support per state, statistics_pathway_support)'],
    transfersOutsideEu: 'none by the platform',
    retention: `candidacies with the case: the round’s retention, then anonymised (skills profile and occupations erased, status kept for the counts, the reasons in its history blanked); family reunification requests: ${sponsorMonths} months after they closed, anonymised (reference, note and country of residence go; kind, outcome, dates and family members stay counted)`,
    securityMeasures: SECURITY,
  },
  {
    id: 'amif-incentives',
    name: 'AMIF incentives and claims (points 28–29; recital 16; Regulation (EU) 2021/1147 art. 19)',
    purposes: ['computing each arrived person’s lump sum with the evidence that decided its rate, its history, the claims per period and the round’s budget'],
    legalBasis: 'GDPR art. 6(1)(c) and (e) (Regulation (EU) 2021/1147 art. 19; Regulation (EU) 2021/1060 art. 82 on keeping the documents of a claim); art. 9(2)(g) for the vulnerable groups',
    dataSubjects: ['resettled and admitted persons who arrived'],
    personalData: ['rate, amount, arrival day, pathway, country of departure, priority region', 'the vulnerable groups and what showed each (a category, a need, the priority, the state’s finding)', 'the history of changes (before, after, why, who)'],
    specialCategories: ['vulnerable groups that reveal health (medical needs) or violence and torture suffered'],
    recipients: ["the Member State's officers (per person)", 'the European Commission (totals only: per state and rate, statistics_incentives; the budget committed, statistics_incentives_committed)'],
    transfersOutsideEu: 'none',
    retention: 'with the case; on erasure or at the end of retention the rate, amount and the groups’ codes stay as the basis of the claim, what showed each group is removed; the history lines stay as written (docs/security.md, Issue 6)',
    securityMeasures: SECURITY,
  },
  {
    id: 'placement',
    name: 'Placement of resettled households at receiving places: the optimiser’s proposal, the caseworker’s decision (issue 8)',
    purposes: ['proposing a receiving place for each accepted household (decision support: it proposes, a caseworker decides), recording the confirmed placement with who decided and the cost of a change against the proposal'],
    legalBasis: 'GDPR art. 6(1)(e); art. 9(2)(g) for the medical needs that decide which places can serve a household; no decision based solely on automated processing (art. 22): only a caseworker’s confirmation is recorded',
    dataSubjects: ['the members of accepted households not yet arrived'],
    personalData: ['household size, ages (year of birth), links between cases, the places’ scores', 'the placement decided, the place proposed, its cost, the reason given, who decided and when'],
    specialCategories: ['the number of members with a medical need (not the need itself)'],
    recipients: ["the Member State's resettlement unit"],
    transfersOutsideEu: 'none',
    retention: 'as the case (the round’s retention period); on erasure a decision’s reason is blanked, its place and author kept',
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

export async function processingRecords(db: Executor, sponsorMonths: number): Promise<ProcessingRecords> {
  const retentionByRound = await rows<ProcessingRecords['retentionByRound'][number]>(
    db,
    sql`SELECT id AS "roundId", title, end_date::text AS "endDate", retention_months AS "retentionMonths",
               (end_date + make_interval(months => retention_months))::date::text AS "retainUntil"
          FROM rounds ORDER BY start_date`,
  );
  return { generatedAt: new Date().toISOString(), activities: processingActivities(sponsorMonths), retentionByRound };
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
