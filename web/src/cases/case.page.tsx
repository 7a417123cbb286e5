import { Link, useParams } from '@tanstack/react-router';
import { useRef, useState } from 'react';
import { FormattedMessage } from 'react-intl';
import { CaseIncentivesPanel } from '../incentives/case-incentives.tsx';
import { useRefreshCaseIncentives } from '../incentives/incentives.api.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { Notice, PageHeader } from '../ui/status.tsx';
import { badgeOf, movesOf, type CaseEvent, type CaseView, type Member, type Move, type StateCode } from './case-options.ts';
import { useCase, useCaseState, useHistory, useRefreshCases } from './cases.api.ts';
import { useLabels } from './labels.ts';
import { MoveDialog, type MoveOutcome } from './move-dialog.tsx';
import './cases.css';
import { NotReady } from '../ui/page-state.tsx';
import { Actor } from '../ui/actor.tsx';
import { keyed } from '../ui/keys.ts';

/**
 * One case (household) as its caseworker handles it: where it stands, the members with their
 * specific needs and the accommodation each needs, the referral's references, the history, and
 * the moves the stage rules allow now, each confirmed in a dialog and made against the version
 * read (If-Match); each member's AMIF incentive with its evidence, history and vulnerable groups.
 */
export function CasePage() {
  const state = useCaseState();
  const { ref } = useParams({ from: '/cases/$ref' });
  if (!state) {
    return (
      <>
        <PageHeader title={<FormattedMessage id="cases.case.title" values={{ ref }} />} />
        <Notice>
          <p>
            <FormattedMessage id="cases.noState" />
          </p>
        </Notice>
      </>
    );
  }
  return <CaseWorkspace state={state} caseRef={ref} />;
}

function CaseWorkspace({ state, caseRef }: { state: StateCode; caseRef: string }) {
  const one = useCase(state, caseRef);
  const history = useHistory(state, caseRef);
  const refresh = useRefreshCases();
  return (
    <div className="cases-page">
      <PageHeader title={<FormattedMessage id="cases.case.title" values={{ ref: caseRef }} />}>
        <Link to="/cases">
          <FormattedMessage id="cases.case.back" />
        </Link>
      </PageHeader>
      {one.status !== 'success' ? (
        <NotReady query={one} />
      ) : (
        <>
          <Standing view={one.data.view} />
          <Actions state={state} view={one.data.view} etag={one.data.etag} />
          <Household members={one.data.view.members ?? []} />
          <Referral state={state} view={one.data.view} />
          <section className="panel" aria-labelledby="case-history">
            <h2 id="case-history">
              <FormattedMessage id="cases.case.history" />
            </h2>
            {history.status !== 'success' ? <NotReady query={history} /> : <History events={history.data} />}
          </section>
          <CaseIncentivesPanel state={state} caseRef={caseRef} household={one.data.view.members ?? []} onChanged={() => void refresh()} />
        </>
      )}
    </div>
  );
}

function Standing({ view }: { view: CaseView }) {
  const { label, day } = useLabels();
  const categories = [view.primaryCategory, view.secondaryCategory].filter((c): c is string => !!c);
  return (
    <section className="panel" aria-labelledby="case-standing">
      <h2 id="case-standing">
        <FormattedMessage id="cases.case.standing" />
      </h2>
      <dl className="facts">
        <dt>
          <FormattedMessage id="cases.col.status" />
        </dt>
        <dd>
          <span className={badgeOf(view.status ?? '')}>{label('status', view.status)}</span>{' '}
          <FormattedMessage id="cases.case.since" values={{ date: day(view.statusOn) }} />
          {view.status === 'on_hold' && view.heldFrom && (
            <>
              {' '}
              <FormattedMessage id="cases.case.heldFrom" values={{ stage: label('status', view.heldFrom) }} />
            </>
          )}
        </dd>
        <dt>
          <FormattedMessage id="cases.col.priority" />
        </dt>
        <dd>{label('priority', view.priority)}</dd>
        <dt>
          <FormattedMessage id="cases.filter.pathway" />
        </dt>
        <dd>{label('pathway', view.pathway)}</dd>
        <dt>
          <FormattedMessage id="cases.case.round" />
        </dt>
        <dd>{view.roundId ?? '—'}</dd>
        <dt>
          <FormattedMessage id="cases.filter.departure" />
        </dt>
        <dd>{view.countryOfDeparture ?? '—'}</dd>
        <dt>
          <FormattedMessage id="cases.filter.category" />
        </dt>
        <dd>{categories.length ? categories.map((c) => label('category', c)).join('; ') : '—'}</dd>
        <dt>
          <FormattedMessage id="cases.filter.modality" />
        </dt>
        <dd>{label('modality', view.modality)}</dd>
        <dt>
          <FormattedMessage id="cases.col.persons" />
        </dt>
        <dd>
          <FormattedMessage id="common.persons" values={{ count: view.persons ?? 0 }} />
        </dd>
      </dl>
    </section>
  );
}

/** The moves open now, each behind a confirmation; the result is announced and focus comes back to this section. */
function Actions({ state, view, etag }: { state: StateCode; view: CaseView; etag: string }) {
  const { label, t } = useLabels();
  const refresh = useRefreshCases();
  const refreshIncentives = useRefreshCaseIncentives(state, view.caseRef ?? '');
  const heading = useRef<HTMLHeadingElement>(null);
  const [open, setOpen] = useState<Move | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const moves = view.status ? movesOf(view.status, view.heldFrom) : [];

  const done = (outcome: MoveOutcome) => {
    if (outcome.kind === 'moved') {
      const moved = t('cases.result', { ref: view.caseRef ?? '', from: label('status', outcome.from), to: label('status', outcome.to) });
      setResult(
        outcome.arrived > 0 ? `${moved} ${t('cases.resultArrived', { persons: t('common.persons', { count: outcome.arrived }) })}` : moved,
      );
    } else {
      setResult(t('cases.reloaded'));
    }
    void refresh();
    // A move changes the case's version, and an arrival computes the members' incentives.
    void refreshIncentives();
    heading.current?.focus();
  };

  return (
    <section className="panel" aria-labelledby="case-actions">
      <h2 id="case-actions" ref={heading} tabIndex={-1}>
        <FormattedMessage id="cases.case.actions" />
      </h2>
      <div role="status" className="case-result">
        {result && <p className="notice notice-success">{result}</p>}
      </div>
      {moves.length === 0 ? (
        <p>
          <FormattedMessage id="cases.case.noActions" values={{ status: label('status', view.status) }} />
        </p>
      ) : (
        <ul className="case-moves">
          {moves.map((m) => (
            <li key={m.to}>
              <button
                type="button"
                className={
                  m.to === 'withdrawn' || m.to === 'rejected'
                    ? 'button-danger'
                    : m.to === 'on_hold' || m.to === 'deferred'
                      ? 'button-secondary'
                      : undefined
                }
                onClick={() => setOpen(m)}
              >
                {m.action === 'resume' ? t('cases.move.resume', { stage: label('status', m.to) }) : t(`cases.move.${m.to}`)}
              </button>
            </li>
          ))}
        </ul>
      )}
      {open && <MoveDialog state={state} view={view} etag={etag} move={open} onClose={() => setOpen(null)} onDone={done} />}
    </section>
  );
}

function Household({ members }: { members: Member[] }) {
  const { label, day, t } = useLabels();
  const columns: Column<Member>[] = [
    { key: 'person', header: t('cases.member.person'), value: (m) => m.personRef ?? null, fixed: true },
    { key: 'relationship', header: t('cases.member.relationship'), value: (m) => label('relationship', m.relationship), fixed: true },
    { key: 'sex', header: t('cases.member.sex'), value: (m) => label('sex', m.sex), fixed: true },
    {
      key: 'born',
      header: t('cases.member.born'),
      value: (m) => (m.birthYear === null || m.birthYear === undefined ? null : String(m.birthYear)),
      fixed: true,
    },
    { key: 'citizenship', header: t('cases.member.citizenship'), value: (m) => m.citizenship ?? null, fixed: true },
    {
      key: 'needs',
      header: t('cases.member.needs'),
      value: (m) => (m.needs ?? []).map((n) => label('need', n.type)).join('; ') || null,
      render: (m) => <Needs needs={m.needs ?? []} />,
      fixed: true,
    },
    { key: 'arrived', header: t('cases.member.arrived'), value: (m) => (m.arrivedOn ? day(m.arrivedOn) : null), fixed: true },
    { key: 'excluded', header: t('cases.member.excluded'), value: (m) => m.excludedReason ?? null, fixed: true },
  ];
  return (
    <section className="panel" aria-labelledby="case-household">
      <h2 id="case-household">
        <FormattedMessage id="cases.case.household" />
      </h2>
      <DataTable caption={t('cases.member.caption')} columns={columns} rows={members} rowKey={(m) => m.personRef ?? ''} captionHidden />
    </section>
  );
}

function Needs({ needs }: { needs: NonNullable<Member['needs']> }) {
  const { label } = useLabels();
  if (needs.length === 0) return <FormattedMessage id="common.none" />;
  return (
    <ul className="needs">
      {keyed(needs, (n) => `${n.type}|${n.accommodation ?? ''}|${n.note ?? ''}`).map(({ key, item: n }) => (
        <li key={key}>
          {label('need', n.type)}
          {n.accommodation && (
            <>
              {' — '}
              <FormattedMessage id="cases.member.accommodation" values={{ accommodation: n.accommodation }} />
            </>
          )}
          {n.note && <> — {n.note}</>}
        </li>
      ))}
    </ul>
  );
}

/** The referral's references. The platform keeps no documents: it says so rather than show an empty list. */
function Referral({ state, view }: { state: StateCode; view: CaseView }) {
  const { label } = useLabels();
  const linked = view.linkedRefs ?? [];
  return (
    <section className="panel" aria-labelledby="case-referral">
      <h2 id="case-referral">
        <FormattedMessage id="cases.case.referral" />
      </h2>
      <dl className="facts">
        <dt>
          <FormattedMessage id="cases.case.partner" />
        </dt>
        <dd>{label('partner', view.referringPartner)}</dd>
        <dt>
          <FormattedMessage id="cases.case.partnerRef" />
        </dt>
        <dd>{view.partnerRef ?? '—'}</dd>
        <dt>
          <FormattedMessage id="cases.case.linked" />
        </dt>
        <dd>
          {linked.length === 0
            ? '—'
            : linked.map((r, i) => (
                <span key={r}>
                  {i > 0 && ', '}
                  <Link to="/cases/$ref" params={{ ref: r }}>
                    {r}
                  </Link>
                </span>
              ))}
        </dd>
      </dl>
      <p className="hint">
        <FormattedMessage id="cases.case.noDocuments" values={{ state }} />
      </p>
    </section>
  );
}

function History({ events }: { events: CaseEvent[] }) {
  const { label, day, t } = useLabels();
  if (events.length === 0) {
    return (
      <p>
        <FormattedMessage id="cases.history.none" />
      </p>
    );
  }
  return (
    <ol className="timeline">
      {keyed(events, (e) => `${e.recordedAt}|${e.fromStatus ?? ''}|${e.toStatus}`).map(({ key, item: e }) => {
        const excluded = Array.isArray(e.details.excluded) ? (e.details.excluded as unknown[]).map(String) : [];
        const modality = typeof e.details.modality === 'string' ? e.details.modality : null;
        return (
          <li key={key}>
            <p className="history-move">
              <strong>{day(e.on)}</strong>{' '}
              {e.fromStatus
                ? t('cases.history.move', { from: label('status', e.fromStatus), to: label('status', e.toStatus) })
                : label('status', e.toStatus)}
            </p>
            <p className="hint">
              <FormattedMessage id="cases.history.by" values={{ actor: <Actor id={e.actor} /> }} />
              {modality && (
                <>
                  {' · '}
                  <FormattedMessage id="cases.history.modality" values={{ modality: label('modality', modality) }} />
                </>
              )}
            </p>
            {e.reason && (
              <p>
                <FormattedMessage id="cases.history.reason" values={{ reason: e.reason }} />
              </p>
            )}
            {excluded.length > 0 && (
              <p>
                <FormattedMessage id="cases.history.excluded" values={{ members: excluded.join(', ') }} />
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
