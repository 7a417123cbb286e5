import { Link, useNavigate } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { ApiError } from '../api/client.ts';
import { signedIn, useMe } from '../api/session.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { fieldErrorsOf } from '../ui/field.tsx';
import { PageHeader } from '../ui/status.tsx';
import { calls, NEEDS, SPONSOR_KINDS, useLabel, useRefresh, useSponsors, type SponsorSummary, type StateCode } from './sponsorship.api.ts';
import { Refusal, Subnav } from './sponsorship.parts.tsx';
import { NotReady } from '../ui/page-state.tsx';

const STATUSES = ['applied', 'screened', 'approved', 'active', 'suspended', 'ended'] as const;

/**
 * A state's sponsors (P 13, R 28, R 30: recruited and screened): the list by status, and the form
 * that records an application (an individual, a group, a non-profit or a faith-based organisation).
 */
export function SponsorsPage() {
  const { t, label } = useLabel();
  const me = useMe();
  const state = (signedIn(me.data) ? me.data.user.stateCode : null) as StateCode | null;
  const [status, setStatus] = useState('');
  const sponsors = useSponsors(state, status || undefined);
  const ids = { status: useId() };
  const columns: Column<SponsorSummary>[] = [
    {
      key: 'name',
      header: <FormattedMessage id="sponsorship.sponsor.name" />,
      value: (s) => s.name,
      render: (s) => (
        <Link to="/sponsors/$id" params={{ id: String(s.id) }}>
          {s.name}
        </Link>
      ),
    },
    { key: 'kind', header: <FormattedMessage id="sponsorship.sponsor.kind" />, value: (s) => label('kind', s.kind) },
    { key: 'region', header: <FormattedMessage id="sponsorship.sponsor.region" />, value: (s) => s.region || null },
    { key: 'size', header: <FormattedMessage id="sponsorship.sponsor.householdSize" />, value: (s) => s.householdSize, numeric: true },
    { key: 'status', header: <FormattedMessage id="sponsorship.sponsor.status" />, value: (s) => label('status', s.status) },
  ];
  return (
    <>
      <PageHeader title={<FormattedMessage id="sponsorship.sponsors.title" />} />
      <Subnav />
      <p className="lead">
        <FormattedMessage id="sponsorship.sponsors.lead" />
      </p>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('sponsorship.sponsors.filter')}>
        <div className="field">
          <label htmlFor={ids.status}>
            <FormattedMessage id="sponsorship.sponsor.status" />
          </label>
          <select id={ids.status} value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">{t('sponsorship.any')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {label('status', s)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {sponsors.status !== 'success' ? (
        <NotReady query={sponsors} />
      ) : (
        <DataTable
          caption={t('sponsorship.sponsors.caption')}
          columns={columns}
          rows={sponsors.data}
          rowKey={(s) => String(s.id)}
          initialSort={{ key: 'name' }}
        />
      )}
      {state && <NewSponsorForm state={state} />}
    </>
  );
}

function NewSponsorForm({ state }: { state: StateCode }) {
  const { t, label } = useLabel();
  const navigate = useNavigate();
  const refresh = useRefresh();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ids = { h: useId(), org: useId(), name: useId(), kind: useId(), region: useId(), size: useId(), langs: useId(), email: useId() };
  const fields = error instanceof ApiError ? fieldErrorsOf(error.details) : {};
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const f = new FormData(e.currentTarget);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    setBusy(true);
    setError(null);
    try {
      const created = await calls.createSponsor({
        state,
        organisation: s('organisation'),
        kind: s('kind') as (typeof SPONSOR_KINDS)[number],
        name: s('name'),
        region: s('region'),
        householdSize: Number(s('householdSize')),
        needsSupported: f.getAll('needs').map(String) as never,
        languages: s('languages')
          .split(/[\s,]+/)
          .filter(Boolean),
        contact: s('email') ? { email: s('email') } : {},
      });
      await refresh();
      await navigate({ to: '/sponsors/$id', params: { id: String(created.id) } });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const err = (k: string) =>
    fields[k] ? (
      <p className="field-error" id={`${k}-error`}>
        {fields[k]!.join(' ')}
      </p>
    ) : null;
  return (
    <section className="panel" aria-labelledby={ids.h}>
      <h2 id={ids.h}>
        <FormattedMessage id="sponsorship.sponsors.new" />
      </h2>
      <form className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={ids.name}>
            <FormattedMessage id="sponsorship.sponsor.name" />
          </label>
          <input id={ids.name} name="name" required maxLength={200} />
          {err('name')}
        </div>
        <div className="field">
          <label htmlFor={ids.org}>
            <FormattedMessage id="sponsorship.sponsor.organisation" />
          </label>
          <input id={ids.org} name="organisation" required aria-describedby={`${ids.org}-hint`} pattern="[a-z0-9][a-z0-9._-]{1,63}" />
          <p className="hint" id={`${ids.org}-hint`}>
            <FormattedMessage id="sponsorship.sponsor.organisationHint" />
          </p>
          {err('organisation')}
        </div>
        <div className="field">
          <label htmlFor={ids.kind}>
            <FormattedMessage id="sponsorship.sponsor.kind" />
          </label>
          <select id={ids.kind} name="kind" defaultValue="group">
            {SPONSOR_KINDS.map((k) => (
              <option key={k} value={k}>
                {label('kind', k)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.region}>
            <FormattedMessage id="sponsorship.sponsor.region" />
          </label>
          <input id={ids.region} name="region" maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor={ids.size}>
            <FormattedMessage id="sponsorship.sponsor.householdSize" />
          </label>
          <input id={ids.size} name="householdSize" type="number" min={1} max={30} defaultValue={4} required />
          {err('householdSize')}
        </div>
        <fieldset className="field">
          <legend>
            <FormattedMessage id="sponsorship.sponsor.needsSupported" />
          </legend>
          {NEEDS.map((n) => (
            <label key={n}>
              <input type="checkbox" name="needs" value={n} /> {label('need', n)}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={ids.langs}>
            <FormattedMessage id="sponsorship.sponsor.languages" />
          </label>
          <input id={ids.langs} name="languages" aria-describedby={`${ids.langs}-hint`} />
          <p className="hint" id={`${ids.langs}-hint`}>
            <FormattedMessage id="sponsorship.sponsor.languagesHint" />
          </p>
        </div>
        <div className="field">
          <label htmlFor={ids.email}>
            <FormattedMessage id="sponsorship.sponsor.email" />
          </label>
          <input id={ids.email} name="email" type="email" autoComplete="off" />
        </div>
        <div>
          <button type="submit" disabled={busy}>
            {t('sponsorship.sponsors.record')}
          </button>
        </div>
        {error !== null && <Refusal error={error} />}
      </form>
    </section>
  );
}
