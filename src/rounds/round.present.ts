import { formatCount, shippedText, translator } from '../i18n/i18n.ts';
import { shippedKeys } from '../i18n/shipped-keys.ts';
import type { Table } from '../presentation/table.ts';
import type { Lang } from '../reference/country.ts';
import type { Round } from './round.ts';

/** The rounds as the command line lists them. */
export function roundsTable(all: readonly Round[], lang: Lang): Table {
  const t = translator(lang);
  return {
    headers: [t('rounds.id'), t('rounds.title'), t('rounds.period'), t('rounds.target'), t('rounds.pathways')],
    rows: all.map((r) => [
      r.id,
      shippedText(lang, shippedKeys.roundTitle(r.id), r.title),
      `${r.start} – ${r.end}`,
      r.target ? [t(`qualifier.${r.target.qualifier}`), formatCount(r.target.value, lang)].filter(Boolean).join(' ') : '',
      r.pathways.map((p) => t(`pathway.${p}`)).join(', '),
    ]),
  };
}
