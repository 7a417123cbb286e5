import { useSearch } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ApiError } from '../api/client.ts';
import { signedIn, useMe } from '../api/session.ts';
import { RoundBody, useRoundInAddress } from '../state-of-play/round-page.tsx';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons, exportLink } from '../ui/download-buttons.tsx';
import { Field, fieldErrorsOf } from '../ui/field.tsx';
import { formatCount, formatDay, formatStated } from '../ui/format.ts';
import { Modal } from '../ui/modal.tsx';
import { ErrorNotice, Notice, PageHeader } from '../ui/status.tsx';
import {
  useBudget,
  useCaseIncentives,
  useClaims,
  useIncentiveReport,
  useMakeClaim,
  type IncentiveReport,
  type PersonLine,
  type RateTotal,
  type RoundBudget,
} from './incentives.api.ts';
import { IncentiveHistory } from './case-incentives.tsx';
import { euros, rateName } from './incentive.ts';
import './incentives.css';
import { NotReady } from '../ui/page-state.tsx';
import { Shipped, shippedKeys, useShipped } from '../i18n/shipped.tsx';

/**
 * The AMIF incentives of a round (R 16; Regulation (EU) 2021/1147 art. 19 as replaced by Regulation
 * (EU) 2024/1350): the budget against what is committed, the totals per state and rate, and for a
 * state's officer the persons with the evidence of each rate, each person's history, and the
 * state's claims. The same figures as `pathways report incentives`.
 */
export function IncentivesPage() {
  const intl = useIntl();
  const shipped = useShipped();
  const search = useSearch({ strict: false }) as { state?: string };
  const me = useMe();
  const choice = useRoundInAddress();
  const report = useIncentiveReport(choice.round?.id, search.state);
  const budget = useBudget(choice.round?.id);
  const officerState = signedIn(me.data) && me.data.user.role === 'state_officer' ? me.data.user.stateCode : null;

  return (
    <div className="incentives">
      <PageHeader
        title={
          report.data ? (
            intl.formatMessage(
              { id: 'incentives.title' },
              { title: shipped.text(shippedKeys.roundTitle(report.data.round), report.data.title) },
            )
          ) : (
            <FormattedMessage id="nav.incentives" />
          )
        }
      />
      <RoundBody choice={choice} query={report}>
        {(r) => (
          <>
            {budget.data && <BudgetPanel budget={budget.data} />}
            {r.rates.length === 0 ? (
              <Notice>
                <FormattedMessage id="incentives.noRates" />
              </Notice>
            ) : (
              <>
                <RatesPanel report={r} />
                <TotalsPanel report={r} />
                {r.persons && <PersonsPanel report={r} persons={r.persons} />}
                {officerState && <ClaimsPanel round={r.round} state={officerState} />}
              </>
            )}
          </>
        )}
      </RoundBody>
    </div>
  );
}

function BudgetPanel({ budget }: { budget: RoundBudget }) {
  const intl = useIntl();
  const share = budget.budget && budget.budget.value > 0 ? Math.min(1, budget.committed / budget.budget.value) : null;
  return (
    <section className="panel budget" aria-labelledby="budget-title">
      <h2 id="budget-title">
        <FormattedMessage id="incentives.budget" />
      </h2>
      {budget.budget ? (
        <>
          <dl className="figures" data-testid="budget">
            <div>
              <dt>
                <FormattedMessage id="incentives.budgetStated" />
              </dt>
              <dd>
                {formatStated(intl, budget.budget, budget.currency)}
                {budget.budget.locator && <span className="hint"> ({budget.budget.locator})</span>}
              </dd>
            </div>
            <div>
              <dt>
                <FormattedMessage id="incentives.committed" />
              </dt>
              <dd data-testid="committed">{euros(intl, budget.committed)}</dd>
            </div>
            <div>
              <dt>
                <FormattedMessage id="incentives.remaining" />
              </dt>
              <dd>{euros(intl, budget.remaining ?? 0)}</dd>
            </div>
          </dl>
          <div className="budget-bar" aria-hidden="true">
            <span style={{ inlineSize: `${((share ?? 0) * 100).toFixed(2)}%` }} />
          </div>
          <p className="hint">
            <FormattedMessage id="incentives.budgetNote" values={{ persons: formatCount(intl, budget.persons) }} />
          </p>
        </>
      ) : (
        <p>
          <FormattedMessage id="incentives.noBudget" values={{ committed: euros(intl, budget.committed) }} />
        </p>
      )}
    </section>
  );
}

function RatesPanel({ report }: { report: IncentiveReport }) {
  const intl = useIntl();
  return (
    <section className="panel" aria-labelledby="rates-title">
      <h2 id="rates-title">
        <FormattedMessage id="incentives.rates" />
      </h2>
      <ul className="rates">
        {report.rates.map((r) => (
          <li key={r.id}>
            <strong>{euros(intl, r.amount)}</strong> <Shipped k={shippedKeys.incentive(report.round, r.id)} stored={r.label} />{' '}
            <span className="hint">
              ({r.id}; {[r.source, r.locator].filter(Boolean).join(', ')})
            </span>
            {r.note && (
              <p className="hint">
                <Shipped k={shippedKeys.incentiveNote(report.round, r.id)} stored={r.note} />
              </p>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

function TotalsPanel({ report }: { report: IncentiveReport }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const caption = intl.formatMessage({ id: 'incentives.totalsCaption' }, { round: report.round });
  const columns: Column<RateTotal>[] = [
    { key: 'state', header: t('common.state'), value: (r) => r.stateCode },
    { key: 'rate', header: t('incentives.rate'), value: (r) => rateName(intl, r.rateId) },
    { key: 'persons', header: t('incentives.persons'), value: (r) => r.persons, numeric: true },
    { key: 'amount', header: t('incentives.amount'), value: (r) => r.amount, numeric: true },
  ];
  const sheet = () => ({
    name: t('incentives.totals'),
    header: [t('common.state'), t('incentives.rate'), t('incentives.persons'), t('incentives.amount')],
    rows: [
      ...report.byRate.map((r) => [r.stateCode, rateName(intl, r.rateId), r.persons, r.amount]),
      [t('common.total'), '', report.total.persons, report.total.amount],
    ],
  });
  return (
    <section className="panel" aria-labelledby="totals-title">
      <div className="panel-head">
        <h2 id="totals-title">
          <FormattedMessage id="incentives.totals" />
        </h2>
        <DownloadButtons
          sheet={sheet}
          filename={`incentives-${report.round}-totals`}
          what={caption}
          exchange={exportLink('incentives', { round: report.round, state: report.state }, intl.locale)}
        />
      </div>
      <div data-testid="totals">
        <DataTable
          caption={caption}
          columns={columns}
          rows={report.byRate}
          rowKey={(r) => `${r.stateCode}:${r.rateId ?? ''}`}
          totals={{ label: t('common.total'), values: { persons: report.total.persons, amount: report.total.amount } }}
        />
      </div>
      {report.states.length > 1 && (
        <ul className="state-totals">
          {report.states.map((s) => (
            <li key={s.stateCode}>
              <FormattedMessage
                id="incentives.stateTotal"
                values={{ state: s.stateCode, persons: formatCount(intl, s.persons), amount: euros(intl, s.amount) }}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PersonsPanel({ report, persons }: { report: IncentiveReport; persons: PersonLine[] }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const [open, setOpen] = useState<PersonLine | null>(null);
  const caption = intl.formatMessage({ id: 'incentives.personsCaption' }, { count: formatCount(intl, persons.length) });
  const columns: Column<PersonLine>[] = [
    { key: 'case', header: t('incentives.case'), value: (p) => p.caseRef },
    { key: 'person', header: t('incentives.person'), value: (p) => p.personRef },
    { key: 'arrived', header: t('incentives.arrived'), value: (p) => p.arrivedOn, render: (p) => formatDay(intl, p.arrivedOn, 'medium') },
    { key: 'departure', header: t('incentives.departure'), value: (p) => p.countryOfDeparture },
    { key: 'rate', header: t('incentives.rate'), value: (p) => rateName(intl, p.rateId) },
    { key: 'amount', header: t('incentives.amount'), value: (p) => p.amount, numeric: true },
    { key: 'evidence', header: t('incentives.evidence'), value: (p) => p.explanation },
    {
      key: 'history',
      header: t('incentives.history'),
      value: () => null,
      fixed: true,
      render: (p) => (
        <button type="button" className="button-secondary" onClick={() => setOpen(p)}>
          <FormattedMessage id="incentives.showHistory" />
          <span className="visually-hidden"> {p.personRef}</span>
        </button>
      ),
    },
  ];
  const sheet = () => ({
    name: t('incentives.persons'),
    header: [
      t('common.state'),
      t('incentives.case'),
      t('incentives.person'),
      t('incentives.arrived'),
      t('incentives.departure'),
      t('incentives.rate'),
      t('incentives.amount'),
      t('incentives.evidence'),
    ],
    rows: persons.map((p) => [
      p.stateCode,
      p.caseRef,
      p.personRef,
      p.arrivedOn,
      p.countryOfDeparture,
      rateName(intl, p.rateId),
      p.amount,
      p.explanation,
    ]),
  });
  return (
    <section className="panel" aria-labelledby="persons-title">
      <div className="panel-head">
        <h2 id="persons-title">
          <FormattedMessage id="incentives.persons" />
        </h2>
        <DownloadButtons sheet={sheet} filename={`incentives-${report.round}-persons`} what={caption} />
      </div>
      <div data-testid="persons">
        <DataTable caption={caption} columns={columns} rows={persons} rowKey={(p) => `${p.stateCode}:${p.caseRef}:${p.personRef}`} />
      </div>
      {open && <HistoryDialog person={open} onClose={() => setOpen(null)} />}
    </section>
  );
}

/** A person's incentive and every change of it: before, after, and why. */
function HistoryDialog({ person, onClose }: { person: PersonLine; onClose: () => void }) {
  const read = useCaseIncentives(person.stateCode, person.caseRef);
  const member = read.data?.members.find((m) => m.personRef === person.personRef);
  return (
    <Modal
      title={<FormattedMessage id="incentives.historyTitle" values={{ person: person.personRef, case: person.caseRef }} />}
      onClose={onClose}
    >
      <NotReady query={read} />
      {member && <IncentiveHistory history={member.history} />}
      <form method="dialog">
        <button type="submit" className="button-secondary">
          <FormattedMessage id="common.close" />
        </button>
      </form>
    </Modal>
  );
}

function ClaimsPanel({ round, state }: { round: string; state: string }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const claims = useClaims(round, state);
  const make = useMakeClaim(round);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const id = useId();
  const errors = make.error instanceof ApiError ? fieldErrorsOf(make.error.details) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    make.mutate({ state, from, to });
  };
  return (
    <section className="panel" aria-labelledby="claims-title">
      <h2 id="claims-title">
        <FormattedMessage id="incentives.claims" />
      </h2>
      <NotReady query={claims} />
      {claims.data &&
        (claims.data.length === 0 ? (
          <p>
            <FormattedMessage id="incentives.noClaims" />
          </p>
        ) : (
          <DataTable
            caption={t('incentives.claimsCaption')}
            columns={[
              { key: 'from', header: t('incentives.from'), value: (c) => c.from, render: (c) => formatDay(intl, c.from, 'medium') },
              { key: 'to', header: t('incentives.to'), value: (c) => c.to, render: (c) => formatDay(intl, c.to, 'medium') },
              { key: 'persons', header: t('incentives.persons'), value: (c) => c.persons, numeric: true },
              { key: 'amount', header: t('incentives.amount'), value: (c) => c.amount, numeric: true },
              { key: 'madeAt', header: t('incentives.madeAt'), value: (c) => c.madeAt.slice(0, 10) },
            ]}
            rows={claims.data}
            rowKey={(c) => String(c.id)}
          />
        ))}
      <form className="claim-form" onSubmit={submit} aria-labelledby={`${id}-title`}>
        <h3 id={`${id}-title`}>
          <FormattedMessage id="incentives.makeClaim" />
        </h3>
        <Field
          id={`${id}-from`}
          label={t('incentives.from')}
          errors={errors.from}
          control={(p) => <input {...p} type="date" required value={from} onChange={(e) => setFrom(e.target.value)} />}
        />
        <Field
          id={`${id}-to`}
          label={t('incentives.to')}
          errors={errors.to}
          control={(p) => <input {...p} type="date" required value={to} onChange={(e) => setTo(e.target.value)} />}
        />
        <button type="submit" disabled={make.isPending}>
          <FormattedMessage id="incentives.claim" />
        </button>
      </form>
      {make.isError && <ErrorNotice error={make.error} />}
      {make.data && (
        <Notice kind="success">
          <FormattedMessage
            id="incentives.claimMade"
            values={{ persons: formatCount(intl, make.data.persons), amount: euros(intl, make.data.amount) }}
          />
        </Notice>
      )}
    </section>
  );
}
