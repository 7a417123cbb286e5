import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliRunner } from '../../test/cli-run.ts';
import { tempDir } from '../../test/files.ts';
import { LANGS, translator } from '../i18n/i18n.ts';
import { processingActivities, processingRecordsMarkdown, type ProcessingRecords } from './processing.records.ts';

/** The records as `processingRecords` gives them, without a database: two rounds' retention. */
const records = (months: number, lang: (typeof LANGS)[number]): ProcessingRecords => ({
  generatedAt: '2025-06-30T12:00:00.000Z',
  activities: processingActivities(months, lang),
  retentionByRound: [
    { roundId: '2020-2021', title: 'Union resettlement 2020-2021', endDate: '2021-12-31', retentionMonths: 60, retainUntil: '2026-12-31' },
  ],
});

/** Every label of an activity, as the catalogue of the language names it. */
const LABELS = [
  'purposes',
  'legalBasis',
  'dataSubjects',
  'personalData',
  'specialCategories',
  'recipients',
  'transfersOutsideEu',
  'retention',
  'securityMeasures',
];
/** The activities whose retention is the configured months (ended sponsors, closed family reunification requests). */
const CONFIGURED = ['sponsor-screening', 'sponsorship-support', 'complementary-pathways'];

describe('the records of processing in the 24 official languages', () => {
  it('stay in English as they were, with the same activities in every language', () => {
    const en = processingActivities(37);
    expect(processingActivities(37, 'en')).toEqual(en);
    expect(en.find((a) => a.id === 'sponsor-screening')!.retention).toContain('37 months after it ended');
    const md = processingRecordsMarkdown(records(37, 'en'));
    expect(
      md.startsWith(
        '# Records of processing activities (GDPR art. 30)\n\nGenerated 2025-06-30T12:00:00.000Z from the configuration and the database.\n\n',
      ),
    ).toBe(true);
    expect(md).toContain('- **Purposes:** ');
    expect(md).toContain('- **Personal data:** none\n');
    expect(md).toContain(
      '## Retention per round\n\n| round | ends | kept for (months) | anonymised after |\n|---|---|---:|---|\n| 2020-2021 | 2021-12-31 | 60 | 2026-12-31 |\n',
    );
    for (const lang of LANGS)
      expect(
        processingActivities(37, lang).map((a) => a.id),
        lang,
      ).toEqual(en.map((a) => a.id));
  });

  for (const lang of ['de', 'fr'] as const) {
    it(`print the Markdown in ${lang}: the catalogue's headings, the configured months, no English heading`, () => {
      const t = translator(lang);
      const r = records(37, lang);
      const md = processingRecordsMarkdown(r, lang);
      expect(md.startsWith(`# ${t('records.md.title')}\n\n${t('records.md.generated', { at: r.generatedAt })}\n\n`)).toBe(true);
      for (const a of r.activities) expect(md).toContain(`## ${a.name}\n`);
      for (const label of LABELS) expect(md).toContain(`- **${t('records.md.field', { label: t(`records.md.${label}`) })}** `);
      expect(md).toContain(`## ${t('records.md.retentionPerRound')}\n`);
      expect(md).toContain(
        `| ${t('records.md.round')} | ${t('records.md.ends')} | ${t('records.md.keptFor')} | ${t('records.md.anonymisedAfter')} |`,
      );
      expect(md).toContain('| 2020-2021 | 2021-12-31 | 60 | 2026-12-31 |');
      for (const id of CONFIGURED) expect(r.activities.find((a) => a.id === id)!.retention, id).toContain('37');
      expect(md).toContain(lang === 'de' ? '37 Monate' : '37 mois');
      for (const english of [
        'Records of processing',
        'Generated',
        'Purposes',
        'Legal basis',
        'Data subjects',
        'Personal data',
        'Recipients',
        'Retention per round',
        'kept for (months)',
      ])
        expect(md, english).not.toContain(english);
    });
  }

  it('name each GDPR article as the language cites it (German and French)', () => {
    const de = processingActivities(60, 'de');
    const fr = processingActivities(60, 'fr');
    expect(de[0]!.legalBasis).toMatch(/^Art\. 6 Abs\. 1 Buchst\. e DSGVO/);
    expect(fr[0]!.legalBasis).toMatch(/^art\. 6, paragraphe 1, point e\), du RGPD/);
    expect(translator('de')('records.md.title')).toContain('Verzeichnis von Verarbeitungstätigkeiten');
    expect(translator('fr')('records.md.title')).toContain('Registre des activités de traitement');
  });

  it('render every activity in every language, translated, with the configured months', () => {
    const en = processingActivities(37);
    for (const lang of LANGS) {
      let activities: ReturnType<typeof processingActivities> = [];
      expect(() => (activities = processingActivities(37, lang)), lang).not.toThrow();
      expect(() => processingRecordsMarkdown(records(37, lang), lang), lang).not.toThrow();
      for (const [i, a] of activities.entries()) {
        const was = en[i]!;
        for (const field of ['purposes', 'dataSubjects', 'personalData', 'specialCategories', 'recipients', 'securityMeasures'] as const)
          expect(a[field].length, `${lang} ${a.id} ${field}`).toBe(was[field].length);
        for (const text of [
          a.name,
          a.legalBasis,
          a.transfersOutsideEu,
          a.retention,
          ...a.purposes,
          ...a.dataSubjects,
          ...a.recipients,
          ...a.securityMeasures,
        ])
          expect(text, `${lang} ${a.id}`).not.toBe('');
        // A language's own words: nothing fell back to English.
        if (lang !== 'en')
          for (const field of ['name', 'legalBasis', 'retention'] as const)
            expect(a[field], `${lang} ${a.id} ${field}`).not.toBe(was[field]);
        // The references stay as they are.
        expect(
          a.securityMeasures.map((s) => /docs\/security\.md §\d/.exec(s)?.[0]),
          `${lang} ${a.id}`,
        ).toEqual(was.securityMeasures.map((s) => /docs\/security\.md §\d/.exec(s)?.[0]));
      }
      for (const id of CONFIGURED) expect(activities.find((a) => a.id === id)!.retention, `${lang} ${id}`).toContain('37');
      if (lang !== 'en') expect(translator(lang)('records.md.title'), lang).not.toBe(translator('en')('records.md.title'));
    }
  });
});

describe('pathways privacy records', () => {
  const run = cliRunner(join(tempDir(), 'db'), 'cli-test');

  it('prints the records in the language of --lang, as Markdown and as JSON', async () => {
    const de = await run('privacy', 'records', '--lang', 'de');
    expect(de.code, de.err).toBe(0);
    expect(de.out).toContain(`# ${translator('de')('records.md.title')}\n`);
    expect(de.out).toContain(`- **${translator('de')('records.md.field', { label: translator('de')('records.md.purposes') })}** `);
    expect(de.out).not.toContain('Purposes');
    const fr = await run('privacy', 'records', '--lang', 'fr', '--format', 'json');
    expect(fr.code, fr.err).toBe(0);
    const json = JSON.parse(fr.out) as ProcessingRecords;
    expect(json.activities.map((a) => a.id)).toEqual(processingActivities(60).map((a) => a.id));
    expect(json.activities[0]!.name).toBe(translator('fr')('records.case-management.name'));
  });
});
