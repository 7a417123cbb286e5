import { translator } from '../i18n/i18n.ts';
import type { Table } from '../presentation/table.ts';
import type { Lang } from '../reference/country.ts';
import type { CaseDetail, CaseSummary } from './case.ts';

/** A state's cases as the command line lists them: where each stands, no person. */
export function caseListTable(list: readonly CaseSummary[], lang: Lang): Table {
  const t = translator(lang);
  return {
    headers: [
      t('cases.ref'),
      t('cases.status'),
      t('cases.since'),
      t('cases.persons'),
      t('cases.departure'),
      t('cases.priority'),
      t('cases.version'),
    ],
    rows: list.map((c) => [
      c.caseRef,
      c.status === 'on_hold' ? `on_hold (${c.heldFrom})` : c.status,
      c.statusOn ?? '',
      c.persons,
      c.countryOfDeparture,
      c.priority,
      c.version,
    ]),
    align: ['l', 'l', 'l', 'r', 'l', 'l', 'r'],
  };
}

/** One case as the command line shows it: a heading line, the household, the history. */
export function caseDetailView(detail: CaseDetail): { heading: string; members: Table; history: Table } {
  return {
    heading: `${detail.stateCode} ${detail.caseRef}: ${detail.status}${detail.heldFrom ? ` (${detail.heldFrom})` : ''} · ${detail.pathway} · ${detail.countryOfDeparture} · ${detail.priority} · v${detail.version}`,
    members: {
      headers: ['person', 'citizenship', 'sex', 'born', 'relationship', 'arrived', 'needs'],
      rows: detail.members.map((m) => [
        m.personRef,
        m.citizenship,
        m.sex,
        m.birthYear,
        m.relationship,
        m.arrivedOn,
        m.needs.map((n) => n.type).join(', '),
      ]),
    },
    history: {
      headers: ['on', 'from', 'to', 'by', 'reason', 'details'],
      rows: detail.history.map((h) => [
        h.on,
        h.fromStatus,
        h.toStatus,
        h.actor,
        h.reason,
        Object.keys(h.details).length ? JSON.stringify(h.details) : '',
      ]),
    },
  };
}
