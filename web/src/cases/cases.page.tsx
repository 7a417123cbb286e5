import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { FormattedMessage } from 'react-intl';
import { formatCount } from '../ui/format.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { Notice, PageHeader } from '../ui/status.tsx';
import { BulkDialog, type BulkDone } from './bulk-dialog.tsx';
import { badgeOf, queryOf, type CaseSummary, type StateCode } from './case-options.ts';
import { CaseFilters } from './case-filters.tsx';
import { useCasePages, useCaseState, useRefreshCases } from './cases.api.ts';
import { useLabels } from './labels.ts';
import { SavedViews } from './saved-views.tsx';
import './cases.css';
import { NotReady } from '../ui/page-state.tsx';

/**
 * A state's cases for its caseworkers: filters kept in the URL (a view is a link, and can be saved
 * under a name on the server), the cases page by page, and a hold or resumption of the cases
 * chosen, confirmed in a dialog that says how many it moves.
 */
export function CasesPage() {
  const state = useCaseState();
  const search = useSearch({ strict: false }) as Record<string, unknown>;
  const navigate = useNavigate();
  const query = queryOf(search);
  const view = JSON.stringify(query);
  return (
    <div className="cases-page">
      <PageHeader title={<FormattedMessage id="nav.cases" />} />
      {!state ? (
        <Notice>
          <p>
            <FormattedMessage id="cases.noState" />
          </p>
        </Notice>
      ) : (
        <>
          <p className="lead">
            <FormattedMessage id="cases.lead" values={{ state }} />
          </p>
          <CaseFilters query={query} onApply={(next) => void navigate({ to: '/cases', search: next })} />
          <SavedViews query={query} />
          <CaseList state={state} search={query} view={view} />
        </>
      )}
    </div>
  );
}

const NONE: ReadonlySet<string> = new Set();

/** The list under the current filters (`view`); a choice of cases or a result belongs to the filters it was made under. */
function CaseList({ state, search, view }: { state: StateCode; search: Record<string, unknown>; view: string }) {
  const { label, day, t, intl } = useLabels();
  const pages = useCasePages(state, search);
  const refresh = useRefreshCases();
  const [selection, setSelection] = useState<{ view: string; refs: ReadonlySet<string> }>({ view, refs: NONE });
  const [bulk, setBulk] = useState<'hold' | 'resume' | null>(null);
  const [result, setResult] = useState<{ view: string; outcome: BulkDone } | null>(null);
  const selected = selection.view === view ? selection.refs : NONE;
  const setSelected = (refs: ReadonlySet<string>) => setSelection({ view, refs });
  const done = result?.view === view ? result.outcome : null;
  const count = useRef<HTMLParagraphElement>(null);
  const resultRegion = useRef<HTMLDivElement>(null);

  if (pages.status !== 'success') return <NotReady query={pages} />;
  const rows = pages.data.pages.flatMap((p) => p.cases);
  const chosen = rows.filter((r) => selected.has(r.caseRef));
  const toggle = (ref: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(ref);
    else next.delete(ref);
    setSelected(next);
  };

  const columns: Column<CaseSummary>[] = [
    {
      key: 'ref',
      header: t('cases.col.ref'),
      value: (c) => c.caseRef,
      render: (c) => (
        <>
          <label className="select-case">
            <input type="checkbox" checked={selected.has(c.caseRef)} onChange={(e) => toggle(c.caseRef, e.target.checked)} />
            <span className="visually-hidden">{t('cases.select', { ref: c.caseRef })}</span>
          </label>
          <Link to="/cases/$ref" params={{ ref: c.caseRef }}>
            {c.caseRef}
          </Link>
        </>
      ),
      fixed: true,
    },
    {
      key: 'status',
      header: t('cases.col.status'),
      value: (c) => label('status', c.status),
      render: (c) => <span className={badgeOf(c.status)}>{label('status', c.status)}</span>,
      fixed: true,
    },
    { key: 'priority', header: t('cases.col.priority'), value: (c) => label('priority', c.priority), fixed: true },
    { key: 'persons', header: t('cases.col.persons'), value: (c) => c.persons, numeric: true, fixed: true },
    { key: 'departure', header: t('cases.col.departure'), value: (c) => c.countryOfDeparture, fixed: true },
    { key: 'updated', header: t('cases.col.updated'), value: (c) => day(c.statusOn), fixed: true },
  ];

  const loadMore = async () => {
    if (pages.isFetchingNextPage) return;
    const next = await pages.fetchNextPage();
    // The button goes with the last page: focus then stays on the count rather than falling to the page.
    if (!next.hasNextPage) count.current?.focus();
  };

  const finished = (outcome: BulkDone) => {
    setResult({ view, outcome });
    setSelected(NONE);
    void refresh();
    resultRegion.current?.focus();
  };

  return (
    <section aria-labelledby="cases-found" aria-busy={pages.isPlaceholderData || undefined}>
      <h2 id="cases-found" className="visually-hidden">
        <FormattedMessage id="cases.found" />
      </h2>
      <div role="status" ref={resultRegion} tabIndex={-1}>
        {done && <BulkResult outcome={done} />}
      </div>
      {rows.length === 0 ? (
        <p>
          <FormattedMessage id="cases.none" />
        </p>
      ) : (
        <>
          <BulkBar rows={rows} selected={selected} setSelected={setSelected} onAction={setBulk} />
          <DataTable caption={t('cases.caption', { state })} columns={columns} rows={rows} rowKey={(c) => c.caseRef} unpaged />
        </>
      )}
      <p className="cases-count" ref={count} tabIndex={-1} aria-live="polite">
        {pages.hasNextPage
          ? t('cases.shownOf', {
              shown: formatCount(intl, rows.length),
              total: formatCount(intl, pages.data.pages[0]?.total ?? rows.length),
            })
          : t('cases.shown', { cases: t('common.cases', { count: rows.length }) })}
      </p>
      {pages.hasNextPage && (
        <p className="load-more">
          <button type="button" className="button-secondary" onClick={() => void loadMore()} aria-disabled={pages.isFetchingNextPage}>
            <FormattedMessage id={pages.isFetchingNextPage ? 'common.loading' : 'cases.loadMore'} />
          </button>
        </p>
      )}
      {bulk && <BulkDialog state={state} action={bulk} cases={chosen} onClose={() => setBulk(null)} onDone={finished} />}
    </section>
  );
}

function BulkBar(props: {
  rows: CaseSummary[];
  selected: ReadonlySet<string>;
  setSelected: (s: ReadonlySet<string>) => void;
  onAction: (a: 'hold' | 'resume') => void;
}) {
  const { rows, selected, setSelected } = props;
  const { intl } = useLabels();
  const all = useRef<HTMLInputElement>(null);
  const shown = rows.filter((r) => selected.has(r.caseRef)).length;
  useEffect(() => {
    if (all.current) all.current.indeterminate = shown > 0 && shown < rows.length;
  }, [shown, rows.length]);
  return (
    <fieldset className="bulk-bar" aria-label={intl.formatMessage({ id: 'cases.bulk.group' })}>
      <label className="check">
        <input
          ref={all}
          type="checkbox"
          checked={shown === rows.length && rows.length > 0}
          onChange={(e) => setSelected(new Set(e.target.checked ? rows.map((r) => r.caseRef) : []))}
        />
        <FormattedMessage id="cases.selectAll" />
      </label>
      <span>
        <FormattedMessage id="cases.selected" values={{ count: intl.formatNumber(shown) }} />
      </span>
      <button type="button" className="button-secondary" disabled={shown === 0} onClick={() => props.onAction('hold')}>
        <FormattedMessage id="cases.bulk.hold" />
      </button>
      <button type="button" className="button-secondary" disabled={shown === 0} onClick={() => props.onAction('resume')}>
        <FormattedMessage id="cases.bulk.resume" />
      </button>
    </fieldset>
  );
}

function BulkResult({ outcome }: { outcome: BulkDone }) {
  const { t } = useLabels();
  const moved = t('common.cases', { count: outcome.moved.length });
  return (
    <div className={`notice ${outcome.refused.length ? 'notice-warning' : 'notice-success'}`}>
      <p>{t(outcome.action === 'hold' ? 'cases.bulk.doneHold' : 'cases.bulk.doneResume', { cases: moved })}</p>
      {outcome.refused.length > 0 && (
        <>
          <p>{t('cases.bulk.refused', { cases: t('common.cases', { count: outcome.refused.length }) })}</p>
          <ul className="refused">
            {outcome.refused.map((r) => (
              <li key={r.ref}>
                {r.ref}: {r.message}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
