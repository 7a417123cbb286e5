import { formatCount, shippedText, translator } from '../i18n/i18n.ts';
import { shippedKeys } from '../i18n/shipped-keys.ts';
import type { Lang } from '../reference/country.ts';
import { countryName } from '../reference/country.ts';
import { stateName } from '../reference/state.ts';
import type { Table } from '../presentation/table.ts';
import { documentFigureLines } from '../rounds/round.present.ts';
import type { PledgeListing } from './pledge.service.ts';

/**
 * The pledges of a round as the Annex prints them: one row per state, carry-overs marked (*) and
 * in brackets, a pledge split by country or target group shown beneath its state, and the
 * computed total with any total the documents state beside it.
 */
export function pledgeTable(l: PledgeListing, lang: Lang): { title: string; table: Table; notes: string[] } {
  const t = translator(lang);
  const rows: Table['rows'] = [];
  for (const s of l.states) {
    const placesCell = [
      s.pledged > 0 || s.pledges.some((p) => !p.carryOver) ? formatCount(s.pledged, lang) : '',
      s.carryOver > 0 ? `(*) [${formatCount(s.carryOver, lang)}]` : '',
    ]
      .filter(Boolean)
      .join(' ');
    rows.push([stateName(s.state, lang), placesCell]);
    // A state with several pledges, or one split by country or target group, shows each beneath it.
    const own = s.pledges.filter((p) => !p.carryOver);
    if (own.length > 1 || own.some((p) => p.countryOfDeparture || p.targetGroup)) {
      for (const p of own) {
        const what = [p.pathway, p.countryOfDeparture ? countryName(p.countryOfDeparture, lang) : null, p.targetGroup]
          .filter(Boolean)
          .join(', ');
        rows.push([`  – ${what}`, formatCount(p.places, lang)]);
      }
    }
  }
  rows.push([t('pledges.total'), formatCount(l.totals.pledged, lang)]);
  const notes: string[] = [];
  if (l.totals.carryOver > 0 || l.states.some((s) => s.carryOver > 0)) notes.push(t('pledges.carryOverNote'));
  const pledgedFigures = l.round.documentFigures.filter((f) => f.figure === 'pledged_total');
  notes.push(
    ...documentFigureLines(
      l.round.id,
      pledgedFigures.map(({ as_of, ...f }) => ({
        ...f,
        asOf: as_of ?? null,
        computed: l.totals.pledged,
        difference: l.totals.pledged - f.value,
      })),
      l.round.sources,
      lang,
    ),
  );
  return {
    title: t('pledges.title', { title: shippedText(lang, shippedKeys.roundTitle(l.round.id), l.round.title) }),
    table: { headers: [t('pledges.state'), t('pledges.places')], rows, align: ['l', 'r'], ruleBefore: [rows.length - 1] },
    notes,
  };
}

/** One CSV row per pledge, in the columns `pledges import` reads (and the state's name beside). */
export function pledgeCsvRows(l: PledgeListing, lang: Lang) {
  const headers = ['member_state', 'name', 'pathway', 'places', 'carry_over', 'country_of_departure', 'target_group', 'note'];
  const rows = l.states.flatMap((s) =>
    s.pledges.map((p) => [
      s.state.code,
      stateName(s.state, lang),
      p.pathway,
      p.places,
      p.carryOver,
      p.countryOfDeparture ?? '',
      p.targetGroup ?? '',
      p.note,
    ]),
  );
  return { headers, rows };
}

export function pledgeJson(l: PledgeListing, lang: Lang) {
  return {
    round: l.round.id,
    totals: l.totals,
    documentFigures: l.round.documentFigures
      .filter((f) => f.figure === 'pledged_total')
      .map((f) => ({ ...f, computed: l.totals.pledged, difference: l.totals.pledged - f.value })),
    states: l.states.map((s) => ({
      code: s.state.code,
      name: stateName(s.state, lang),
      pledged: s.pledged,
      carryOver: s.carryOver,
      pledges: s.pledges.map((p) => ({
        pathway: p.pathway,
        places: p.places,
        carryOver: p.carryOver,
        countryOfDeparture: p.countryOfDeparture,
        targetGroup: p.targetGroup,
        note: p.note,
      })),
    })),
  };
}
