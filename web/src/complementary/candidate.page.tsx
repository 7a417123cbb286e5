import { Link, useParams } from '@tanstack/react-router';
import { useId, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { Field } from '../ui/field.tsx';
import { Modal } from '../ui/modal.tsx';
import { formatDay } from '../ui/format.ts';
import { ErrorNotice, Notice, PageHeader } from '../ui/status.tsx';
import {
  SUPPORT,
  useAddSupport,
  useCandidate,
  useMoveCandidate,
  useOfficerState,
  type CandidateDetail,
  type CandidateStatus,
  type StateCode,
} from './complementary.api.ts';
import './complementary.css';
import { NotReady } from '../ui/page-state.tsx';
import { Actor } from '../ui/actor.tsx';
import { keyed } from '../ui/keys.ts';

/**
 * One candidate: the skills profile (the sections of the EU Skills Profile Tool), where the
 * candidacy stands with the moves possible now, the support given (counselling and job search
 * after graduation, P 20), and its history. The case's protection is not touched by any of it (P 21).
 */
export function CandidatePage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const state = useOfficerState();
  const one = useCandidate(state, Number(id));
  const intl = useIntl();
  const title = intl.formatMessage({ id: 'candidates.candidateTitle' }, { id });
  if (!state)
    return (
      <>
        <PageHeader title={title} />
        <Notice>
          <FormattedMessage id="complementary.noState" />
        </Notice>
      </>
    );
  if (one.status !== 'success')
    return (
      <>
        <PageHeader title={title} />
        <NotReady query={one} whenIdle="notFound" />
      </>
    );
  const { candidate: c, etag } = one.data;
  return (
    <div className="complementary">
      <PageHeader title={intl.formatMessage({ id: 'candidates.candidateOf' }, { person: c.personRef, programme: c.programme })}>
        <p>
          <Link to="/candidates">
            <FormattedMessage id="candidates.back" />
          </Link>
        </p>
      </PageHeader>
      <Notice>
        <FormattedMessage id="candidates.p21" />
      </Notice>
      <StatusPanel state={state} candidate={c} etag={etag} />
      <SkillsPanel candidate={c} />
      <SupportPanel state={state} candidate={c} etag={etag} />
      <section className="panel" aria-labelledby="candidate-history">
        <h2 id="candidate-history">
          <FormattedMessage id="candidates.history" />
        </h2>
        <ol className="history" data-testid="candidate-history">
          {keyed(c.history, (h) => `${h.on}|${h.toStatus}|${h.actor}`).map(({ key, item: h }) => (
            <li key={key}>
              {formatDay(intl, h.on, 'medium')}: <FormattedMessage id={`candidates.status.${h.toStatus}`} />
              {h.reason && <> — {h.reason}</>}{' '}
              <span className="hint">
                (<Actor id={h.actor} />)
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function StatusPanel({ state, candidate: c, etag }: { state: StateCode; candidate: CandidateDetail; etag: string }) {
  const intl = useIntl();
  const t = (id: string) => intl.formatMessage({ id });
  const move = useMoveCandidate(state, c.id);
  const [to, setTo] = useState<CandidateStatus | null>(null);
  const [on, setOn] = useState(new Date().toISOString().slice(0, 10));
  const [reason, setReason] = useState('');
  const id = useId();
  const needsReason = to === 'refused' || to === 'withdrawn';
  return (
    <section className="panel" aria-labelledby="candidate-status">
      <h2 id="candidate-status">
        <FormattedMessage id="programmes.status" />
      </h2>
      <p data-testid="candidate-status">
        <strong>
          <FormattedMessage id={`candidates.status.${c.status}`} />
        </strong>
        {c.statusOn && <> ({formatDay(intl, c.statusOn)})</>}
      </p>
      {c.moves.length > 0 && (
        <div className="moves">
          {c.moves.map((m) => (
            <button key={m} type="button" className="button-secondary" onClick={() => setTo(m)}>
              <FormattedMessage id={`candidates.moveTo.${m}`} />
            </button>
          ))}
        </div>
      )}
      {to && (
        <Modal title={<FormattedMessage id={`candidates.moveTo.${to}`} />} onClose={() => setTo(null)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              move.mutate({ etag, to, on, ...(reason.trim() ? { reason: reason.trim() } : {}) }, { onSuccess: () => setTo(null) });
            }}
          >
            <Field
              id={`${id}-on`}
              label={t('candidates.on')}
              control={(p) => <input {...p} type="date" required value={on} onChange={(e) => setOn(e.target.value)} />}
            />
            <Field
              id={`${id}-reason`}
              label={t('candidates.reason')}
              control={(p) => <textarea {...p} required={needsReason} value={reason} onChange={(e) => setReason(e.target.value)} />}
            />
            {move.isError && <ErrorNotice error={move.error} />}
            <div className="downloads">
              <button type="submit" disabled={move.isPending}>
                <FormattedMessage id="common.confirm" />
              </button>
              <button type="button" className="button-secondary" onClick={() => setTo(null)}>
                <FormattedMessage id="common.cancel" />
              </button>
            </div>
          </form>
        </Modal>
      )}
    </section>
  );
}

function SkillsPanel({ candidate: c }: { candidate: CandidateDetail }) {
  const intl = useIntl();
  const none = intl.formatMessage({ id: 'common.none' });
  const s = c.skills;
  return (
    <section className="panel" aria-labelledby="candidate-skills">
      <h2 id="candidate-skills">
        <FormattedMessage id="candidates.skills" />
      </h2>
      <dl className="facts" data-testid="skills">
        <dt>
          <FormattedMessage id="candidates.education" />
        </dt>
        <dd>
          {s.education.length
            ? s.education
                .map((e) =>
                  [intl.formatMessage({ id: `candidates.educationLevel.${e.level}` }), e.field, e.country].filter(Boolean).join(', '),
                )
                .join('; ')
            : none}
        </dd>
        <dt>
          <FormattedMessage id="candidates.languages" />
        </dt>
        <dd>
          {s.languages.length
            ? s.languages
                .map((l) => `${l.language} (${l.level === 'native' ? intl.formatMessage({ id: 'candidates.native' }) : l.level})`)
                .join(', ')
            : none}
        </dd>
        <dt>
          <FormattedMessage id="candidates.work" />
        </dt>
        <dd>
          {s.work.length
            ? s.work
                .map((w) =>
                  [w.occupation, w.esco, w.years !== undefined ? intl.formatMessage({ id: 'candidates.years' }, { years: w.years }) : null]
                    .filter(Boolean)
                    .join(', '),
                )
                .join('; ')
            : none}
        </dd>
        <dt>
          <FormattedMessage id="candidates.other" />
        </dt>
        <dd>{s.other.length ? s.other.join(', ') : none}</dd>
      </dl>
    </section>
  );
}

function SupportPanel({ state, candidate: c, etag }: { state: StateCode; candidate: CandidateDetail; etag: string }) {
  const intl = useIntl();
  const add = useAddSupport(state, c.id);
  const id = useId();
  const [support, setSupport] = useState<(typeof SUPPORT)[number]>(SUPPORT[0]!);
  return (
    <section className="panel" aria-labelledby="candidate-support">
      <h2 id="candidate-support">
        <FormattedMessage id="candidates.support" />
      </h2>
      <p data-testid="support">
        {c.support.length
          ? c.support.map((s) => intl.formatMessage({ id: `candidates.supportKind.${s}` })).join(', ')
          : intl.formatMessage({ id: 'common.none' })}
      </p>
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate({ etag, support });
        }}
      >
        <Field
          id={`${id}-support`}
          label={intl.formatMessage({ id: 'candidates.supportGiven' })}
          control={(p) => (
            <select {...p} value={support} onChange={(e) => setSupport(e.target.value as typeof support)}>
              {SUPPORT.map((s) => (
                <option key={s} value={s}>
                  {intl.formatMessage({ id: `candidates.supportKind.${s}` })}
                </option>
              ))}
            </select>
          )}
        />
        <div>
          <button type="submit" disabled={add.isPending}>
            <FormattedMessage id="candidates.recordSupport" />
          </button>
        </div>
      </form>
      {add.isError && <ErrorNotice error={add.error} />}
    </section>
  );
}
