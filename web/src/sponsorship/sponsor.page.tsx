import { Link, useNavigate, useParams } from '@tanstack/react-router';
import { useId, useRef, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { signedIn, useMe } from '../api/session.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { Modal } from '../ui/modal.tsx';
import { PageHeader } from '../ui/status.tsx';
import {
  calls,
  MEMBER_CHECKS,
  NEXT,
  REASON_NEEDED,
  SPONSOR_CHECKS,
  useLabel,
  useRefresh,
  useSchemes,
  useSponsor,
  useSponsorships,
  type Sponsor,
  type SponsorshipSummary,
  type StateCode,
} from './sponsorship.api.ts';
import { Refusal, Subnav } from './sponsorship.parts.tsx';
import { NotReady } from '../ui/page-state.tsx';
import { Actor } from '../ui/actor.tsx';
import { formatMoment } from '../ui/format.ts';

const today = () => new Date().toISOString().slice(0, 10);

/**
 * One sponsor, as its state's officer works on it: its members and the checks of each (P 15: the
 * state keeps the security checks), the moves of its screening with their reasons, its history,
 * matching it to a household, and its sponsorships.
 */
export function SponsorPage() {
  const { id } = useParams({ strict: false }) as { id: string };
  const sponsor = useSponsor(Number(id));
  const { t, label } = useLabel();
  if (sponsor.status !== 'success')
    return (
      <>
        <PageHeader title={t('sponsorship.sponsors.title')} />
        <NotReady query={sponsor} whenIdle="notFound" />
      </>
    );
  const { data: s, etag } = sponsor.data;
  return (
    <>
      <PageHeader title={s.name} />
      <Subnav />
      <dl className="facts">
        <dt>
          <FormattedMessage id="sponsorship.sponsor.status" />
        </dt>
        <dd>
          <span className="badge">{label('status', s.status)}</span>
          {s.statusReason ? ` — ${s.statusReason}` : ''}
        </dd>
        <dt>
          <FormattedMessage id="sponsorship.sponsor.kind" />
        </dt>
        <dd>{label('kind', s.kind)}</dd>
        <dt>
          <FormattedMessage id="sponsorship.sponsor.organisation" />
        </dt>
        <dd>
          <code>{s.organisation}</code>
        </dd>
        <dt>
          <FormattedMessage id="sponsorship.sponsor.householdSize" />
        </dt>
        <dd>{s.householdSize}</dd>
        <dt>
          <FormattedMessage id="sponsorship.sponsor.needsSupported" />
        </dt>
        <dd>{s.needsSupported.map((n) => label('need', n)).join(', ') || t('sponsorship.none')}</dd>
        <dt>
          <FormattedMessage id="sponsorship.sponsor.region" />
        </dt>
        <dd>{s.region || '—'}</dd>
      </dl>
      <Moves sponsor={s} etag={etag} />
      <Members sponsor={s} etag={etag} />
      <Checks sponsor={s} etag={etag} />
      <Match sponsor={s} />
      <History sponsor={s} />
    </>
  );
}

/** Runs a change, then reads the area again; its refusal is shown beside the form. */
function useChange() {
  const refresh = useRefresh();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<unknown>): Promise<boolean> => {
    if (busy) return false;
    setBusy(true);
    setError(null);
    try {
      await work();
      await refresh();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

function Moves({ sponsor, etag }: { sponsor: Sponsor; etag: string }) {
  const { t, label } = useLabel();
  const [to, setTo] = useState<string | null>(null);
  const change = useChange();
  const dialog = useRef<HTMLDialogElement>(null);
  const reasonId = useId();
  const headingId = useId();
  const next = NEXT[sponsor.status] ?? [];
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const reason = String(new FormData(e.currentTarget).get('reason') ?? '').trim();
    if (await change.run(() => calls.move(sponsor.id, etag, { to: to as never, ...(reason ? { reason } : {}) }))) dialog.current?.close();
  };
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>
        <FormattedMessage id="sponsorship.moves.title" />
      </h2>
      {next.length === 0 ? (
        <p>
          <FormattedMessage id="sponsorship.moves.none" />
        </p>
      ) : (
        <div className="downloads">
          {next.map((n) => (
            <button
              key={n}
              type="button"
              className={n === 'ended' || n === 'suspended' ? 'button-secondary' : undefined}
              onClick={() => setTo(n)}
            >
              {t('sponsorship.moves.to', { status: label('status', n) })}
            </button>
          ))}
        </div>
      )}
      {to && (
        <Modal title={t('sponsorship.moves.to', { status: label('status', to) })} onClose={() => setTo(null)} dialogRef={dialog}>
          <form className="form" onSubmit={submit} noValidate>
            <div className="field">
              <label htmlFor={reasonId}>
                <FormattedMessage id={REASON_NEEDED.includes(to) ? 'sponsorship.moves.reasonRequired' : 'sponsorship.moves.reason'} />
              </label>
              <textarea id={reasonId} name="reason" rows={3} required={REASON_NEEDED.includes(to)} />
            </div>
            {change.error !== null && <Refusal error={change.error} />}
            <div className="downloads">
              <button type="submit" disabled={change.busy}>
                <FormattedMessage id="sponsorship.moves.confirm" />
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

function Members({ sponsor, etag }: { sponsor: Sponsor; etag: string }) {
  const { t, label } = useLabel();
  const change = useChange();
  const ids = { h: useId(), name: useId(), role: useId() };
  const columns: Column<Sponsor['members'][number]>[] = [
    { key: 'name', header: <FormattedMessage id="sponsorship.member.name" />, value: (m) => m.name },
    { key: 'role', header: <FormattedMessage id="sponsorship.member.role" />, value: (m) => m.role },
    { key: 'screening', header: <FormattedMessage id="sponsorship.member.screening" />, value: (m) => label('screening', m.screening) },
    { key: 'on', header: <FormattedMessage id="sponsorship.member.screenedOn" />, value: (m) => m.screenedOn },
  ];
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const name = String(f.get('name') ?? '').trim();
    const role = String(f.get('role') ?? '').trim() || 'member';
    if (await change.run(() => calls.addMember(sponsor.id, etag, { name, role }))) form.reset();
  };
  return (
    <section aria-labelledby={ids.h}>
      <h2 id={ids.h}>
        <FormattedMessage id="sponsorship.members.title" />
      </h2>
      <DataTable caption={t('sponsorship.members.caption')} columns={columns} rows={sponsor.members} rowKey={(m) => String(m.id)} />
      {sponsor.status !== 'ended' && (
        <form className="filters" onSubmit={submit} noValidate aria-label={t('sponsorship.members.add')}>
          <div className="field">
            <label htmlFor={ids.name}>
              <FormattedMessage id="sponsorship.member.name" />
            </label>
            <input id={ids.name} name="name" required maxLength={200} autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor={ids.role}>
              <FormattedMessage id="sponsorship.member.role" />
            </label>
            <input id={ids.role} name="role" maxLength={60} defaultValue="member" />
          </div>
          <button type="submit" disabled={change.busy}>
            <FormattedMessage id="sponsorship.members.add" />
          </button>
        </form>
      )}
      {change.error !== null && <Refusal error={change.error} />}
    </section>
  );
}

function Checks({ sponsor, etag }: { sponsor: Sponsor; etag: string }) {
  const { t, label } = useLabel();
  const change = useChange();
  const [check, setCheck] = useState<string>(MEMBER_CHECKS[0]);
  const ids = { h: useId(), check: useId(), member: useId(), result: useId(), on: useId() };
  const forMember = (MEMBER_CHECKS as readonly string[]).includes(check);
  const name = (id: number | null) =>
    id === null ? t('sponsorship.checks.ofSponsor') : (sponsor.members.find((m) => m.id === id)?.name ?? String(id));
  const rows = sponsor.checks.map((c, i) => ({ ...c, i }));
  const columns: Column<(typeof rows)[number]>[] = [
    { key: 'check', header: <FormattedMessage id="sponsorship.checks.check" />, value: (c) => label('check', c.check) },
    { key: 'who', header: <FormattedMessage id="sponsorship.checks.who" />, value: (c) => name(c.memberId) },
    { key: 'result', header: <FormattedMessage id="sponsorship.checks.result" />, value: (c) => label('result', c.result) },
    { key: 'on', header: <FormattedMessage id="sponsorship.checks.on" />, value: (c) => c.on },
  ];
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const member = String(f.get('member') ?? '');
    await change.run(() =>
      calls.recordCheck(sponsor.id, etag, {
        check: check as never,
        memberId: forMember && member ? Number(member) : null,
        result: String(f.get('result')) as 'passed' | 'failed',
        on: String(f.get('on') ?? today()),
      }),
    );
  };
  return (
    <section aria-labelledby={ids.h}>
      <h2 id={ids.h}>
        <FormattedMessage id="sponsorship.checks.title" />
      </h2>
      <DataTable caption={t('sponsorship.checks.caption')} columns={columns} rows={rows} rowKey={(c) => String(c.i)} />
      {sponsor.status !== 'ended' && (
        <form className="filters" onSubmit={submit} noValidate aria-label={t('sponsorship.checks.record')}>
          <div className="field">
            <label htmlFor={ids.check}>
              <FormattedMessage id="sponsorship.checks.check" />
            </label>
            <select id={ids.check} name="check" value={check} onChange={(e) => setCheck(e.target.value)}>
              {[...MEMBER_CHECKS, ...SPONSOR_CHECKS].map((c) => (
                <option key={c} value={c}>
                  {label('check', c)}
                </option>
              ))}
            </select>
          </div>
          {forMember && (
            <div className="field">
              <label htmlFor={ids.member}>
                <FormattedMessage id="sponsorship.checks.member" />
              </label>
              <select id={ids.member} name="member">
                {sponsor.members.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor={ids.result}>
              <FormattedMessage id="sponsorship.checks.result" />
            </label>
            <select id={ids.result} name="result" defaultValue="passed">
              <option value="passed">{label('result', 'passed')}</option>
              <option value="failed">{label('result', 'failed')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.on}>
              <FormattedMessage id="sponsorship.checks.on" />
            </label>
            <input id={ids.on} name="on" type="date" defaultValue={today()} required />
          </div>
          <button type="submit" disabled={change.busy}>
            <FormattedMessage id="sponsorship.checks.record" />
          </button>
        </form>
      )}
      {change.error !== null && <Refusal error={change.error} />}
    </section>
  );
}

function Match({ sponsor }: { sponsor: Sponsor }) {
  const { t, label } = useLabel();
  const me = useMe();
  const state = (signedIn(me.data) ? me.data.user.stateCode : null) as StateCode | null;
  const schemes = useSchemes(state);
  const sponsorships = useSponsorships(state, sponsor.id);
  const navigate = useNavigate();
  const change = useChange();
  const ids = { h: useId(), ref: useId(), scheme: useId(), override: useId() };
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const override = String(f.get('override') ?? '').trim();
    let created = 0;
    const ok = await change.run(async () => {
      created = (
        await calls.match({
          state: state!,
          sponsorId: sponsor.id,
          caseRef: String(f.get('caseRef') ?? '').trim(),
          schemeId: Number(f.get('scheme')),
          ...(override ? { override: { reason: override } } : {}),
        })
      ).id;
    });
    if (ok) await navigate({ to: '/sponsorships/$id', params: { id: String(created) } });
  };
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
    {
      key: 'phases',
      header: <FormattedMessage id="sponsorship.sponsorship.phases" />,
      value: (s) => s.phases.map((p) => label('phase', p)).join(', '),
    },
    { key: 'status', header: <FormattedMessage id="sponsorship.sponsorship.status" />, value: (s) => label('sponsorshipStatus', s.status) },
    { key: 'matched', header: <FormattedMessage id="sponsorship.sponsorship.matchedOn" />, value: (s) => s.matchedOn },
  ];
  const canMatch = sponsor.status === 'approved' || sponsor.status === 'active';
  return (
    <section aria-labelledby={ids.h}>
      <h2 id={ids.h}>
        <FormattedMessage id="sponsorship.match.title" />
      </h2>
      {sponsorships.data && sponsorships.data.length > 0 && (
        <DataTable
          caption={t('sponsorship.sponsorships.caption')}
          columns={columns}
          rows={sponsorships.data}
          rowKey={(s) => String(s.id)}
        />
      )}
      {!canMatch ? (
        <p>
          <FormattedMessage id="sponsorship.match.notYet" />
        </p>
      ) : (
        <form className="form panel" onSubmit={submit} noValidate aria-labelledby={ids.h}>
          <div className="field">
            <label htmlFor={ids.ref}>
              <FormattedMessage id="sponsorship.match.caseRef" />
            </label>
            <input id={ids.ref} name="caseRef" required autoComplete="off" />
          </div>
          <div className="field">
            <label htmlFor={ids.scheme}>
              <FormattedMessage id="sponsorship.match.scheme" />
            </label>
            <select id={ids.scheme} name="scheme" required>
              {(schemes.data ?? []).map((s) => (
                <option key={s.id} value={s.id}>{`${s.code} — ${s.title} (v${s.version})`}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.override}>
              <FormattedMessage id="sponsorship.match.override" />
            </label>
            <textarea id={ids.override} name="override" rows={2} aria-describedby={`${ids.override}-hint`} />
            <p className="hint" id={`${ids.override}-hint`}>
              <FormattedMessage id="sponsorship.match.overrideHint" />
            </p>
          </div>
          <div>
            <button type="submit" disabled={change.busy}>
              <FormattedMessage id="sponsorship.match.submit" />
            </button>
          </div>
          {change.error !== null && <Refusal error={change.error} />}
        </form>
      )}
    </section>
  );
}

function History({ sponsor }: { sponsor: Sponsor }) {
  const { t, label, intl } = useLabel();
  const headingId = useId();
  const columns: Column<Sponsor['history'][number]>[] = [
    {
      key: 'at',
      header: <FormattedMessage id="sponsorship.history.at" />,
      value: (e) => e.at,
      render: (e) => <time dateTime={e.at}>{formatMoment(intl, e.at)}</time>,
    },
    {
      key: 'what',
      header: <FormattedMessage id="sponsorship.history.what" />,
      value: (e) =>
        e.kind === 'check'
          ? `${label('check', String(e.details.check))}: ${label('result', String(e.details.result))}`
          : `${e.fromStatus ? label('status', e.fromStatus) : '—'} → ${e.toStatus ? label('status', e.toStatus) : '—'}`,
    },
    { key: 'reason', header: <FormattedMessage id="sponsorship.history.reason" />, value: (e) => e.reason },
    {
      key: 'actor',
      header: <FormattedMessage id="sponsorship.history.actor" />,
      value: (e) => e.actor,
      render: (e) => <Actor id={e.actor} />,
    },
  ];
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>
        <FormattedMessage id="sponsorship.history.title" />
      </h2>
      <DataTable caption={t('sponsorship.history.caption')} columns={columns} rows={sponsor.history} rowKey={(e) => String(e.id)} />
    </section>
  );
}
