import type { Executor } from '../db/db.ts';
import { translator } from '../i18n/i18n.ts';
import type { Lang } from '../i18n/lang.ts';
import { roundRetentions } from '../rounds/round-privacy.service.ts';

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

/** How many entries each activity's lists have; the words are the catalogues' (`src/i18n/records/<lang>.json`). */
type ListField = 'purposes' | 'dataSubjects' | 'personalData' | 'specialCategories' | 'recipients';
const ACTIVITIES: readonly { id: string; lists: Record<ListField, number> }[] = [
  { id: 'case-management', lists: { purposes: 1, dataSubjects: 1, personalData: 8, specialCategories: 2, recipients: 3 } },
  { id: 'monitoring', lists: { purposes: 1, dataSubjects: 1, personalData: 0, specialCategories: 0, recipients: 2 } },
  { id: 'sponsor-screening', lists: { purposes: 1, dataSubjects: 2, personalData: 3, specialCategories: 1, recipients: 3 } },
  { id: 'sponsorship-support', lists: { purposes: 1, dataSubjects: 2, personalData: 4, specialCategories: 1, recipients: 3 } },
  { id: 'complementary-pathways', lists: { purposes: 1, dataSubjects: 2, personalData: 3, specialCategories: 0, recipients: 2 } },
  { id: 'amif-incentives', lists: { purposes: 1, dataSubjects: 1, personalData: 3, specialCategories: 1, recipients: 2 } },
  { id: 'placement', lists: { purposes: 1, dataSubjects: 1, personalData: 2, specialCategories: 1, recipients: 1 } },
  { id: 'accounts', lists: { purposes: 1, dataSubjects: 1, personalData: 3, specialCategories: 0, recipients: 2 } },
];
/** The security measures (art. 30(1)(g)), the same for every activity: `records.security.<n>`. */
const SECURITY_MEASURES = 5;

const indices = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * The activities, in a language, with the months an ended sponsor and a closed family
 * reunification request are kept (configured). The `id`s are the same in every language.
 */
export const processingActivities = (sponsorMonths: number, lang: Lang = 'en'): readonly ProcessingActivity[] => {
  const t = translator(lang);
  // As text, so that the number is printed as configured (no grouping); plurals still choose by it.
  const values = { months: String(sponsorMonths) };
  const securityMeasures = indices(SECURITY_MEASURES).map((n) => t(`records.security.${n}`));
  return ACTIVITIES.map(({ id, lists }) => {
    const text = (field: string) => t(`records.${id}.${field}`, values);
    const list = (field: ListField) => indices(lists[field]).map((n) => t(`records.${id}.${field}.${n}`, values));
    return {
      id,
      name: text('name'),
      purposes: list('purposes'),
      legalBasis: text('legalBasis'),
      dataSubjects: list('dataSubjects'),
      personalData: list('personalData'),
      specialCategories: list('specialCategories'),
      recipients: list('recipients'),
      transfersOutsideEu: text('transfersOutsideEu'),
      retention: text('retention'),
      securityMeasures,
    };
  });
};

export interface ProcessingRecords {
  generatedAt: string;
  activities: readonly ProcessingActivity[];
  retentionByRound: { roundId: string; title: string; endDate: string; retentionMonths: number; retainUntil: string }[];
}

/** The records, their words in a language (`--lang`), the retention of every round from the database. */
export async function processingRecords(db: Executor, sponsorMonths: number, lang: Lang = 'en'): Promise<ProcessingRecords> {
  const retentionByRound = await roundRetentions({ db });
  return { generatedAt: new Date().toISOString(), activities: processingActivities(sponsorMonths, lang), retentionByRound };
}

/** The records as Markdown, headings and labels in a language (the activities' words are the records' own). */
export function processingRecordsMarkdown(r: ProcessingRecords, lang: Lang = 'en'): string {
  const t = translator(lang);
  const sep = t('records.md.separator');
  const none = t('records.md.none');
  const item = (label: string, text: string) => `- **${t('records.md.field', { label: t(`records.md.${label}`) })}** ${text}`;
  const lines = [`# ${t('records.md.title')}`, '', t('records.md.generated', { at: r.generatedAt }), ''];
  for (const a of r.activities) {
    lines.push(
      `## ${a.name}`,
      '',
      item('purposes', a.purposes.join(sep)),
      item('legalBasis', a.legalBasis),
      item('dataSubjects', a.dataSubjects.join(sep)),
    );
    lines.push(item('personalData', a.personalData.join(sep) || none), item('specialCategories', a.specialCategories.join(sep) || none));
    lines.push(
      item('recipients', a.recipients.join(sep)),
      item('transfersOutsideEu', a.transfersOutsideEu),
      item('retention', a.retention),
    );
    lines.push(item('securityMeasures', a.securityMeasures.join(sep)), '');
  }
  const columns = ['round', 'ends', 'keptFor', 'anonymisedAfter'].map((c) => t(`records.md.${c}`));
  lines.push(`## ${t('records.md.retentionPerRound')}`, '', `| ${columns.join(' | ')} |`, '|---|---|---:|---|');
  for (const x of r.retentionByRound) lines.push(`| ${x.roundId} | ${x.endDate} | ${x.retentionMonths} | ${x.retainUntil} |`);
  return `${lines.join('\n')}\n`;
}
