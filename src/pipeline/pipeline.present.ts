import { formatCount, translator } from '../i18n/i18n.ts';
import type { Lang } from '../reference/country.ts';
import { stateByCode, stateName } from '../reference/state.ts';
import type { Table } from '../presentation/table.ts';
import { PIPELINE_GROUPS, type Pipeline } from './pipeline.ts';

export function pipelineTable(p: Pipeline, lang: Lang): { title: string; table: Table } {
  const t = translator(lang);
  const groups = PIPELINE_GROUPS.map((g) => g.id);
  const rows: Table['rows'] = p.states.map((s) => [
    s.code,
    stateName(stateByCode(s.code), lang),
    ...groups.map((g) => formatCount(s.byGroup[g]!, lang)),
    formatCount(s.persons, lang),
  ]);
  rows.push(['', t('sop.total'), ...groups.map((g) => formatCount(p.totals.byGroup[g]!, lang)), formatCount(p.totals.persons, lang)]);
  return {
    title: t('pipeline.title', { round: p.round }),
    table: {
      headers: [t('sop.code'), t('sop.state'), ...groups.map((g) => t(`pipeline.${g}`)), t('pipeline.total')],
      rows,
      align: ['l', 'l', ...groups.map(() => 'r' as const), 'r'],
      ruleBefore: [rows.length - 1],
    },
  };
}

/** Long CSV: one row per state and status. */
export function pipelineCsvRows(p: Pipeline) {
  const headers = ['code', 'status', 'cases', 'persons'];
  const rows = [...p.states.map((s) => ({ code: s.code, byStatus: s.byStatus })), { code: 'EU', byStatus: p.totals.byStatus }].flatMap(
    (s) =>
      Object.entries(s.byStatus)
        .filter(([, v]) => v.cases > 0)
        .map(([status, v]) => [s.code, status, v.cases, v.persons]),
  );
  return { headers, rows };
}
