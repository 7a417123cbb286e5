import { formatCount, formatShare, shippedText, translator } from '../i18n/i18n.ts';
import { actShortName, shippedKeys } from '../i18n/shipped-keys.ts';
import type { Table } from '../presentation/table.ts';
import type { Lang } from '../reference/country.ts';
import type { DocumentFigureCheck, Round, Source } from './round.ts';

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

const isShare = (f: Pick<DocumentFigureCheck, 'figure'>) => f.figure === 'delivered_share';

/**
 * One line per figure a document states: its words, the ledger's figure, the difference. Never
 * smoothed over. A shipped round's locator and note come from the catalogue, the document's own
 * (Dutch) words in the language's quotation marks.
 */
export function documentFigureLines(
  roundId: string,
  figures: readonly DocumentFigureCheck[],
  sources: readonly Source[],
  lang: Lang,
): string[] {
  const t = translator(lang);
  const num = (f: DocumentFigureCheck, v: number) => (isShare(f) ? formatShare(v, lang) : formatCount(v, lang));
  return figures.map((f) => {
    const source = sources.find((s) => s.id === f.source);
    const sourceName = source ? actShortName(shippedText(lang, shippedKeys.source(source.id), source.citation)) : (f.source ?? '?');
    const note = f.note ? shippedText(lang, shippedKeys.figureNote(roundId, f), f.note) : '';
    const statement = [t(`qualifier.${f.qualifier}`), num(f, f.value)].filter(Boolean).join(' ');
    const diff =
      f.difference === null
        ? '–'
        : isShare(f)
          ? `${(f.difference * 100).toFixed(1)} pp`
          : (f.difference > 0 ? '+' : '') + formatCount(f.difference, lang);
    return `  ${t('figure.line', {
      label: t(`figure.${f.figure}`),
      source: sourceName,
      locator: f.locator ? shippedText(lang, shippedKeys.figureLocator(roundId, f), f.locator) : '',
      statement,
      asOf: f.asOf ?? 'none',
      computed: f.computed === null ? t('figure.notComputed') : num(f, f.computed),
      difference: diff,
    })}${note ? ` — ${note}` : ''}`;
  });
}
