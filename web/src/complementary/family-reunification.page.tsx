import { useId, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ApiError } from '../api/client.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import { Field, fieldErrorsOf } from '../ui/field.tsx';
import { formatCount, formatDay } from '../ui/format.ts';
import { Modal } from '../ui/modal.tsx';
import { ErrorNotice, Notice, PageHeader } from '../ui/status.tsx';
import {
  OUTCOMES_BY_KIND,
  useCloseFamilyRequest,
  useCreateFamilyRequest,
  useFamilyFigures,
  useFamilyRequests,
  useOfficerState,
  type FamilyRequest,
  type NewFamilyRequest,
  type Outcome,
  type StateCode,
} from './complementary.api.ts';
import './complementary.css';
import { NotReady } from '../ui/page-state.tsx';

/**
 * Family reunification support (P 12, R 31): a state's requests for information or help with the
 * visa procedure, each closed with its outcome; the days each took, and their median and 90th
 * percentile.
 */
export function FamilyReunificationPage() {
  const state = useOfficerState();
  return (
    <div className="complementary">
      <PageHeader title={<FormattedMessage id="nav.familyReunification" />} />
      <p className="lead">
        <FormattedMessage id="family.lead" />
      </p>
      {!state ? (
        <Notice>
          <FormattedMessage id="complementary.noState" />
        </Notice>
      ) : (
        <>
          <Figures state={state} />
          <Requests state={state} />
          <NewRequest state={state} />
        </>
      )}
    </div>
  );
}

function Figures({ state }: { state: StateCode }) {
  const intl = useIntl();
  const figures = useFamilyFigures(state);
  const days = (v: number | null | undefined) =>
    v === null || v === undefined ? '–' : intl.formatMessage({ id: 'family.days' }, { days: formatCount(intl, v) });
  return (
    <section className="panel" aria-labelledby="family-figures">
      <h2 id="family-figures">
        <FormattedMessage id="family.figures" />
      </h2>
      <NotReady query={figures} />
      {figures.data && (
        <dl className="facts" data-testid="family-figures">
          <dt>
            <FormattedMessage id="family.requests" />
          </dt>
          <dd>{formatCount(intl, figures.data.requests)}</dd>
          <dt>
            <FormattedMessage id="family.open" />
          </dt>
          <dd>{formatCount(intl, figures.data.open)}</dd>
          <dt>
            <FormattedMessage id="family.median" />
          </dt>
          <dd>{days(figures.data.days.median)}</dd>
          <dt>
            <FormattedMessage id="family.p90" />
          </dt>
          <dd>{days(figures.data.days.p90)}</dd>
        </dl>
      )}
    </section>
  );
}

function Requests({ state }: { state: StateCode }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const list = useFamilyRequests(state);
  const [closing, setClosing] = useState<FamilyRequest | null>(null);
  const columns: Column<FamilyRequest>[] = [
    { key: 'reference', header: t('family.reference'), value: (r) => r.reference },
    { key: 'kind', header: t('family.kind'), value: (r) => t(`family.kind.${r.kind}`) },
    { key: 'members', header: t('family.familyMembers'), value: (r) => r.familyMembers, numeric: true },
    { key: 'received', header: t('family.received'), value: (r) => r.receivedOn, render: (r) => formatDay(intl, r.receivedOn, 'medium') },
    { key: 'outcome', header: t('family.outcome'), value: (r) => t(`family.outcome.${r.outcome}`) },
    {
      key: 'days',
      header: t('family.daysTaken'),
      value: (r) => r.days,
      render: (r) => (r.days === null ? '–' : formatCount(intl, r.days)),
      numeric: true,
    },
    {
      key: 'close',
      header: t('family.action'),
      value: () => null,
      fixed: true,
      render: (r) =>
        r.outcome === 'open' ? (
          <button type="button" className="button-secondary" onClick={() => setClosing(r)}>
            <FormattedMessage id="family.close" />
            <span className="visually-hidden"> {r.reference}</span>
          </button>
        ) : null,
    },
  ];
  const sheet = () => ({
    name: t('family.listTitle'),
    header: columns.slice(0, 6).map((c) => String(c.header)),
    rows: (list.data ?? []).map((r) => [
      r.reference,
      t(`family.kind.${r.kind}`),
      r.familyMembers,
      r.receivedOn,
      t(`family.outcome.${r.outcome}`),
      r.days,
    ]),
  });
  return (
    <section className="panel" aria-labelledby="family-list">
      <div className="panel-head">
        <h2 id="family-list">
          <FormattedMessage id="family.listTitle" />
        </h2>
        {list.data && list.data.length > 0 && (
          <DownloadButtons sheet={sheet} filename={`family-reunification-${state}`} what={t('family.listTitle')} />
        )}
      </div>
      <NotReady query={list} />
      {list.data &&
        (list.data.length === 0 ? (
          <p>
            <FormattedMessage id="family.none" />
          </p>
        ) : (
          <DataTable caption={t('family.listTitle')} captionHidden columns={columns} rows={list.data} rowKey={(r) => String(r.id)} />
        ))}
      {closing && <CloseDialog state={state} request={closing} onClose={() => setClosing(null)} />}
    </section>
  );
}

function CloseDialog({ state, request, onClose }: { state: StateCode; request: FamilyRequest; onClose: () => void }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const close = useCloseFamilyRequest(state);
  const id = useId();
  const outcomes = OUTCOMES_BY_KIND[request.kind];
  const [outcome, setOutcome] = useState<Outcome>(outcomes[0]!);
  const [on, setOn] = useState(new Date().toISOString().slice(0, 10));
  return (
    <Modal title={<FormattedMessage id="family.closeTitle" values={{ reference: request.reference }} />} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          close.mutate({ request, outcome, on }, { onSuccess: onClose });
        }}
      >
        <Field
          id={`${id}-outcome`}
          label={t('family.outcome')}
          control={(p) => (
            <select {...p} value={outcome} onChange={(e) => setOutcome(e.target.value as Outcome)}>
              {outcomes.map((o) => (
                <option key={o} value={o}>
                  {t(`family.outcome.${o}`)}
                </option>
              ))}
            </select>
          )}
        />
        <Field
          id={`${id}-on`}
          label={t('family.closedOn')}
          control={(p) => <input {...p} type="date" required min={request.receivedOn} value={on} onChange={(e) => setOn(e.target.value)} />}
        />
        {close.isError && <ErrorNotice error={close.error} />}
        <div className="downloads">
          <button type="submit" disabled={close.isPending}>
            <FormattedMessage id="family.close" />
          </button>
          <button type="button" className="button-secondary" onClick={onClose}>
            <FormattedMessage id="common.cancel" />
          </button>
        </div>
      </form>
    </Modal>
  );
}

function NewRequest({ state }: { state: StateCode }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const create = useCreateFamilyRequest(state);
  const id = useId();
  const [form, setForm] = useState({
    reference: '',
    kind: 'information',
    familyMembers: '1',
    countryOfResidence: '',
    receivedOn: new Date().toISOString().slice(0, 10),
  });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const errors = create.error instanceof ApiError ? fieldErrorsOf(create.error.details) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const body: NewFamilyRequest = {
      reference: form.reference.trim(),
      kind: form.kind as NewFamilyRequest['kind'],
      familyMembers: Number(form.familyMembers),
      countryOfResidence: form.countryOfResidence.trim() ? form.countryOfResidence.trim().toUpperCase() : null,
      receivedOn: form.receivedOn,
    };
    create.mutate(body, { onSuccess: () => setForm({ ...form, reference: '', countryOfResidence: '', familyMembers: '1' }) });
  };
  return (
    <section className="panel" aria-labelledby={`${id}-new`}>
      <h2 id={`${id}-new`}>
        <FormattedMessage id="family.new" />
      </h2>
      <form className="form-grid" onSubmit={submit}>
        <Field
          id={`${id}-reference`}
          label={t('family.reference')}
          errors={errors.reference}
          control={(p) => <input {...p} required value={form.reference} onChange={set('reference')} />}
        />
        <Field
          id={`${id}-kind`}
          label={t('family.kind')}
          control={(p) => (
            <select {...p} value={form.kind} onChange={set('kind')}>
              <option value="information">{t('family.kind.information')}</option>
              <option value="visa_assistance">{t('family.kind.visa_assistance')}</option>
            </select>
          )}
        />
        <Field
          id={`${id}-members`}
          label={t('family.familyMembers')}
          errors={errors.familyMembers}
          control={(p) => (
            <input {...p} type="number" min={1} max={50} required value={form.familyMembers} onChange={set('familyMembers')} />
          )}
        />
        <Field
          id={`${id}-country`}
          label={t('family.country')}
          hint={t('family.countryHint')}
          errors={errors.countryOfResidence}
          control={(p) => <input {...p} value={form.countryOfResidence} onChange={set('countryOfResidence')} pattern="[A-Za-z]{3}" />}
        />
        <Field
          id={`${id}-received`}
          label={t('family.received')}
          errors={errors.receivedOn}
          control={(p) => <input {...p} type="date" required value={form.receivedOn} onChange={set('receivedOn')} />}
        />
        <div>
          <button type="submit" disabled={create.isPending}>
            <FormattedMessage id="family.record" />
          </button>
        </div>
      </form>
      {create.isError && <ErrorNotice error={create.error} />}
      {create.isSuccess && (
        <Notice kind="success">
          <FormattedMessage id="family.recorded" />
        </Notice>
      )}
    </section>
  );
}
