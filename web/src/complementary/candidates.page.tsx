import { Link, useNavigate, useSearch } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { ApiError } from '../api/client.ts';
import { useProgrammes } from '../programmes/programmes.api.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { Field, fieldErrorsOf } from '../ui/field.tsx';
import { formatDay } from '../ui/format.ts';
import { ErrorNotice, Notice, PageHeader } from '../ui/status.tsx';
import {
  CANDIDATE_STATUSES,
  useCandidates,
  useCreateCandidate,
  useOfficerState,
  type Candidate,
  type CandidateStatus,
  type StateCode,
} from './complementary.api.ts';
import './complementary.css';
import { NotReady } from '../ui/page-state.tsx';

/**
 * A state's candidates of its education and labour programmes (P 19–21): the list by status, and a
 * member of a case applying, with the first lines of a skills profile (a language and its CEFR
 * level, an occupation coded in ESCO or ISCO-08). A candidacy never changes the case's protection (P 21).
 */
export function CandidatesPage() {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const state = useOfficerState();
  const search = useSearch({ strict: false }) as { status?: CandidateStatus };
  const navigate = useNavigate();
  const list = useCandidates(state, search.status);
  const id = useId();

  const columns: Column<Candidate>[] = [
    {
      key: 'id',
      header: t('candidates.candidate'),
      value: (c) => c.id,
      render: (c) => (
        <Link to="/candidates/$id" params={{ id: String(c.id) }}>
          {c.personRef}
          <span className="visually-hidden"> ({c.caseRef})</span>
        </Link>
      ),
    },
    { key: 'case', header: t('candidates.case'), value: (c) => c.caseRef },
    { key: 'programme', header: t('programmes.code'), value: (c) => c.programme },
    { key: 'pathway', header: t('programmes.pathway'), value: (c) => t(`cases.pathway.${c.pathway}`) },
    { key: 'status', header: t('programmes.status'), value: (c) => t(`candidates.status.${c.status}`) },
    {
      key: 'since',
      header: t('candidates.since'),
      value: (c) => c.statusOn,
      render: (c) => (c.statusOn ? formatDay(intl, c.statusOn, 'medium') : '–'),
    },
  ];

  return (
    <div className="complementary">
      <PageHeader title={<FormattedMessage id="nav.candidates" />} />
      <p className="lead">
        <FormattedMessage id="candidates.lead" />
      </p>
      {!state ? (
        <Notice>
          <FormattedMessage id="complementary.noState" />
        </Notice>
      ) : (
        <>
          <form className="filters no-print" onSubmit={(e) => e.preventDefault()}>
            <div className="field">
              <label htmlFor={`${id}-status`}>
                <FormattedMessage id="programmes.status" />
              </label>
              <select
                id={`${id}-status`}
                value={search.status ?? ''}
                onChange={(e) => void navigate({ to: '/candidates', search: e.target.value ? { status: e.target.value } : {} })}
              >
                <option value="">{t('common.all')}</option>
                {CANDIDATE_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {t(`candidates.status.${s}`)}
                  </option>
                ))}
              </select>
            </div>
          </form>
          <section className="panel" aria-labelledby={`${id}-list`}>
            <h2 id={`${id}-list`}>
              <FormattedMessage id="candidates.listTitle" />
            </h2>
            <NotReady query={list} />
            {list.data &&
              (list.data.length === 0 ? (
                <p>
                  <FormattedMessage id="candidates.none" />
                </p>
              ) : (
                <DataTable
                  caption={t('candidates.listTitle')}
                  captionHidden
                  columns={columns}
                  rows={list.data}
                  rowKey={(c) => String(c.id)}
                />
              ))}
          </section>
          <NewCandidate state={state} />
        </>
      )}
    </div>
  );
}

function NewCandidate({ state }: { state: StateCode }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const id = useId();
  const programmes = useProgrammes({ state });
  const create = useCreateCandidate(state);
  const navigate = useNavigate();
  const [form, setForm] = useState({ programme: '', caseRef: '', personRef: '', language: '', level: '', occupation: '', esco: '' });
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  const offers = (programmes.data ?? []).filter((p) => (p.kind === 'education' || p.kind === 'labour') && p.status === 'active');
  const errors = create.error instanceof ApiError ? fieldErrorsOf(create.error.details) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const skills = {
      education: [],
      other: [],
      languages: form.language ? [{ language: form.language.trim().toLowerCase(), level: (form.level || 'A1') as 'A1' }] : [],
      work: form.occupation ? [{ occupation: form.occupation.trim(), ...(form.esco.trim() ? { esco: form.esco.trim() } : {}) }] : [],
    };
    create.mutate(
      { programme: form.programme, caseRef: form.caseRef.trim(), personRef: form.personRef.trim(), skills },
      { onSuccess: (c) => void navigate({ to: '/candidates/$id', params: { id: String(c.id) } }) },
    );
  };
  return (
    <section className="panel" aria-labelledby={`${id}-new`}>
      <h2 id={`${id}-new`}>
        <FormattedMessage id="candidates.new" />
      </h2>
      {offers.length === 0 ? (
        <p>
          <FormattedMessage id="candidates.noProgramme" />
        </p>
      ) : (
        <form className="form-grid" onSubmit={submit}>
          <Field
            id={`${id}-programme`}
            label={t('programmes.code')}
            errors={errors.programme}
            control={(p) => (
              <select {...p} required value={form.programme} onChange={set('programme')}>
                <option value="" />
                {offers.map((o) => (
                  <option key={o.code} value={o.code}>
                    {o.code}: {o.title}
                  </option>
                ))}
              </select>
            )}
          />
          <Field
            id={`${id}-case`}
            label={t('candidates.case')}
            errors={errors.caseRef}
            control={(p) => <input {...p} required value={form.caseRef} onChange={set('caseRef')} />}
          />
          <Field
            id={`${id}-person`}
            label={t('candidates.person')}
            errors={errors.personRef}
            control={(p) => <input {...p} required value={form.personRef} onChange={set('personRef')} />}
          />
          <Field
            id={`${id}-language`}
            label={t('candidates.language')}
            hint={t('candidates.languageHint')}
            control={(p) => <input {...p} value={form.language} onChange={set('language')} pattern="[a-zA-Z]{2,3}" />}
          />
          <Field
            id={`${id}-level`}
            label={t('candidates.level')}
            control={(p) => (
              <select {...p} value={form.level} onChange={set('level')}>
                <option value="" />
                {['A1', 'A2', 'B1', 'B2', 'C1', 'C2', 'native'].map((l) => (
                  <option key={l} value={l}>
                    {l === 'native' ? t('candidates.native') : l}
                  </option>
                ))}
              </select>
            )}
          />
          <Field
            id={`${id}-occupation`}
            label={t('candidates.occupation')}
            control={(p) => <input {...p} value={form.occupation} onChange={set('occupation')} />}
          />
          <Field
            id={`${id}-esco`}
            label={t('candidates.esco')}
            hint={t('candidates.escoHint')}
            control={(p) => <input {...p} value={form.esco} onChange={set('esco')} />}
          />
          <div>
            <button type="submit" disabled={create.isPending}>
              <FormattedMessage id="candidates.apply" />
            </button>
          </div>
        </form>
      )}
      {create.isError && <ErrorNotice error={create.error} />}
    </section>
  );
}
