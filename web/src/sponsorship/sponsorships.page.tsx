import { Link, useParams } from '@tanstack/react-router';
import { useId, useRef, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { mayOpen, signedIn, useMe } from '../api/session.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { Modal } from '../ui/modal.tsx';
import { PageHeader } from '../ui/status.tsx';
import {
  calls,
  useBreakdowns,
  useLabel,
  useRefresh,
  useSponsorship,
  useSponsorships,
  type Sponsorship,
  type SponsorshipSummary,
  type StateCode,
} from './sponsorship.api.ts';
import { MessagesThread, Refusal, RolesTable, Subnav } from './sponsorship.parts.tsx';
import { NotReady } from '../ui/page-state.tsx';

type Counts = { stateCode: string; active: number; ended: number; brokenDown: number };

/**
 * Sponsorships and the safety net (P 15): the breakdowns counted per state (the Commission: the
 * counts of every state, no household), and a state's officer's own sponsorships and breakdowns
 * with their reasons.
 */
export function SponsorshipsPage() {
  const { t, label } = useLabel();
  const me = useMe();
  const user = signedIn(me.data) ? me.data.user : null;
  const officer = user?.role === 'state_officer';
  const state = (officer ? user.stateCode : null) as StateCode | null;
  const figures = useBreakdowns();
  const list = useSponsorships(state);
  const countColumns: Column<Counts>[] = [
    { key: 'state', header: <FormattedMessage id="sponsorship.counts.state" />, value: (c) => c.stateCode },
    { key: 'active', header: <FormattedMessage id="sponsorship.counts.active" />, value: (c) => c.active, numeric: true },
    { key: 'ended', header: <FormattedMessage id="sponsorship.counts.ended" />, value: (c) => c.ended, numeric: true },
    { key: 'brokenDown', header: <FormattedMessage id="sponsorship.counts.brokenDown" />, value: (c) => c.brokenDown, numeric: true },
  ];
  const columns: Column<SponsorshipSummary>[] = [
    {
      key: 'case',
      header: <FormattedMessage id="sponsorship.sponsorship.case" />,
      value: (s) => s.caseRef,
      render: (s) => (
        <Link to="/sponsorships/$id" params={{ id: String(s.id) }}>
          {s.caseRef}
        </Link>
      ),
    },
    { key: 'sponsor', header: <FormattedMessage id="sponsorship.sponsorship.sponsor" />, value: (s) => s.sponsorName },
    { key: 'status', header: <FormattedMessage id="sponsorship.sponsorship.status" />, value: (s) => label('sponsorshipStatus', s.status) },
    { key: 'matched', header: <FormattedMessage id="sponsorship.sponsorship.matchedOn" />, value: (s) => s.matchedOn },
    { key: 'reason', header: <FormattedMessage id="sponsorship.sponsorship.endReason" />, value: (s) => s.endReason },
  ];
  return (
    <>
      <PageHeader title={<FormattedMessage id="sponsorship.sponsorships.title" />} />
      {mayOpen(user, 'sponsorship') && <Subnav />}
      <p className="lead">
        <FormattedMessage id={officer ? 'sponsorship.sponsorships.leadState' : 'sponsorship.sponsorships.leadCommission'} />
      </p>
      {figures.status !== 'success' ? (
        <NotReady query={figures} />
      ) : (
        <>
          <DataTable
            caption={t('sponsorship.counts.caption')}
            columns={countColumns}
            rows={figures.data.counts}
            rowKey={(c) => c.stateCode}
          />
          {officer && (
            <DataTable
              caption={t('sponsorship.breakdowns.caption')}
              columns={columns}
              rows={figures.data.breakdowns}
              rowKey={(s) => String(s.id)}
            />
          )}
        </>
      )}
      {officer &&
        (list.status !== 'success' ? (
          <NotReady query={list} />
        ) : (
          <DataTable caption={t('sponsorship.sponsorships.caption')} columns={columns} rows={list.data} rowKey={(s) => String(s.id)} />
        ))}
    </>
  );
}

/** One sponsorship: who does what, its tasks, the messages, and ending it or recording its breakdown. */
export function SponsorshipPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const one = useSponsorship(Number(id));
  const { t, label } = useLabel();
  if (one.status !== 'success') return <NotReady query={one} />;
  const { data: s, etag } = one.data;
  const taskColumns: Column<Sponsorship['tasks'][number]>[] = [
    { key: 'phase', header: <FormattedMessage id="sponsorship.tasks.phase" />, value: (x) => label('phase', x.phase) },
    { key: 'task', header: <FormattedMessage id="sponsorship.tasks.task" />, value: (x) => taskLabel(label, x.task) },
    { key: 'holder', header: <FormattedMessage id="sponsorship.tasks.holder" />, value: (x) => label('holder', x.holder) },
    {
      key: 'done',
      header: <FormattedMessage id="sponsorship.tasks.done" />,
      value: (x) => (x.doneAt ? x.doneAt.slice(0, 10) : t('sponsorship.tasks.open')),
    },
  ];
  return (
    <>
      <PageHeader title={t('sponsorship.sponsorship.title', { ref: s.caseRef, sponsor: s.sponsorName })} />
      <Subnav />
      <dl className="facts">
        <dt>
          <FormattedMessage id="sponsorship.sponsorship.status" />
        </dt>
        <dd>
          <span className="badge">{label('sponsorshipStatus', s.status)}</span>
          {s.endReason ? ` — ${s.endReason}` : ''}
        </dd>
        <dt>
          <FormattedMessage id="sponsorship.sponsorship.case" />
        </dt>
        <dd>
          <Link to="/cases/$ref" params={{ ref: s.caseRef }}>
            {s.caseRef}
          </Link>
        </dd>
        <dt>
          <FormattedMessage id="sponsorship.sponsorship.sponsor" />
        </dt>
        <dd>
          <Link to="/sponsors/$id" params={{ id: String(s.sponsorId) }}>
            {s.sponsorName}
          </Link>
        </dd>
        <dt>
          <FormattedMessage id="sponsorship.sponsorship.scheme" />
        </dt>
        <dd>{s.schemeVersion ? `#${s.schemeId} v${s.schemeVersion}` : '—'}</dd>
        {s.safetyNet && (
          <>
            <dt>
              <FormattedMessage id="sponsorship.breakdown.takenOver" />
            </dt>
            <dd>{s.safetyNet.phases.map((p) => label('phase', p)).join(', ')}</dd>
          </>
        )}
      </dl>
      {s.status === 'active' && <Finish sponsorship={s} etag={etag} />}
      {s.roles && <RolesTable roles={s.roles} phases={s.phases} />}
      <DataTable caption={t('sponsorship.tasks.caption')} columns={taskColumns} rows={s.tasks} rowKey={(x) => String(x.id)} />
      <MessagesThread sponsorshipId={s.id} canWrite={s.status === 'active'} />
    </>
  );
}

/** A task's label; one the safety net took over says so. */
export function taskLabel(label: (kind: string, code: string) => string, task: string): string {
  return task.startsWith('safety_net:')
    ? `${label('task', task.slice('safety_net:'.length))} (${label('task', 'safety_net')})`
    : label('task', task);
}

function Finish({ sponsorship, etag }: { sponsorship: { id: number; phases: string[] }; etag: string }) {
  const { t, label } = useLabel();
  const refresh = useRefresh();
  const [open, setOpen] = useState<'breakdown' | 'end' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const reasonId = useId();
  const headingId = useId();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const f = new FormData(e.currentTarget);
    const reason = String(f.get('reason') ?? '').trim();
    const phases = f.getAll('phases').map(String);
    setBusy(true);
    setError(null);
    try {
      if (open === 'breakdown')
        await calls.breakdown(sponsorship.id, etag, { reason, ...(phases.length > 0 ? { phases: phases as never } : {}) });
      else await calls.end(sponsorship.id, etag, { reason });
      dialog.current?.close();
      await refresh();
      document.getElementById('page-title')?.focus();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>
        <FormattedMessage id="sponsorship.finish.title" />
      </h2>
      <div className="downloads">
        <button type="button" className="button-danger" onClick={() => setOpen('breakdown')}>
          <FormattedMessage id="sponsorship.breakdown.open" />
        </button>
        <button type="button" className="button-secondary" onClick={() => setOpen('end')}>
          <FormattedMessage id="sponsorship.end.open" />
        </button>
      </div>
      {open && (
        <Modal
          title={t(open === 'breakdown' ? 'sponsorship.breakdown.title' : 'sponsorship.end.title')}
          description={t(open === 'breakdown' ? 'sponsorship.breakdown.description' : 'sponsorship.end.description')}
          onClose={() => {
            setOpen(null);
            setError(null);
          }}
          dialogRef={dialog}
        >
          <form className="form" onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor={reasonId}>
                <FormattedMessage id="sponsorship.finish.reason" />
              </label>
              <textarea id={reasonId} name="reason" rows={3} required />
            </div>
            {open === 'breakdown' && (
              <fieldset className="field">
                <legend>
                  <FormattedMessage id="sponsorship.breakdown.phases" />
                </legend>
                {sponsorship.phases.map((p) => (
                  <label key={p}>
                    <input type="checkbox" name="phases" value={p} defaultChecked /> {label('phase', p)}
                  </label>
                ))}
              </fieldset>
            )}
            {error !== null && <Refusal error={error} />}
            <div className="downloads">
              <button type="submit" className={open === 'breakdown' ? 'button-danger' : undefined} disabled={busy}>
                <FormattedMessage id={open === 'breakdown' ? 'sponsorship.breakdown.confirm' : 'sponsorship.end.confirm'} />
              </button>
              <button type="button" className="button-secondary" onClick={() => dialog.current?.close()}>
                <FormattedMessage id="common.cancel" />
              </button>
            </div>
          </form>
        </Modal>
      )}
    </section>
  );
}
