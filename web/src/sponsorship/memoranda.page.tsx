import { useId, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { signedIn, useMe } from '../api/session.ts';
import { Notice, PageHeader } from '../ui/status.tsx';
import {
  calls,
  COST_ITEMS,
  useLabel,
  useMemoranda,
  useRefresh,
  useSchemes,
  useSponsors,
  type Memorandum,
  type StateCode,
} from './sponsorship.api.ts';
import { Refusal, Subnav } from './sponsorship.parts.tsx';
import { NotReady } from '../ui/page-state.tsx';

/**
 * Memoranda of understanding (humanitarian corridors, R 28): the parties, the dates, the places,
 * the costs the sponsors bear; each version kept, with what it changed from the one before.
 */
export function MemorandaPage() {
  const { t, label } = useLabel();
  const me = useMe();
  const state = (signedIn(me.data) ? me.data.user.stateCode : null) as StateCode | null;
  const memoranda = useMemoranda(state);
  const [editing, setEditing] = useState<Memorandum | null>(null);
  const value = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return (
    <>
      <PageHeader title={<FormattedMessage id="sponsorship.memoranda.title" />} />
      <Subnav />
      <p className="lead">
        <FormattedMessage id="sponsorship.memoranda.lead" />
      </p>
      {memoranda.status !== 'success' ? (
        <NotReady query={memoranda} />
      ) : memoranda.data.length === 0 ? (
        <p>
          <FormattedMessage id="sponsorship.memoranda.none" />
        </p>
      ) : (
        memoranda.data.map((m) => (
          <section key={m.code} className="panel" aria-labelledby={`memo-${m.code}`}>
            <div className="panel-head">
              <h2 id={`memo-${m.code}`}>{`${m.code} — ${m.versions[0]!.title}`}</h2>
              <button type="button" className="button-secondary" onClick={() => setEditing(m)}>
                {t('sponsorship.memoranda.newVersionOf', { code: m.code })}
              </button>
            </div>
            {m.versions.map((v, i) => (
              <details key={v.version} open={i === 0}>
                <summary>
                  {t(i === 0 ? 'sponsorship.memoranda.versionInForce' : 'sponsorship.memoranda.version', { version: v.version })}
                </summary>
                <dl className="facts">
                  <dt>
                    <FormattedMessage id="sponsorship.memoranda.parties" />
                  </dt>
                  <dd>{v.parties.map((p) => `${p.name} (${label('party', p.role)})`).join('; ')}</dd>
                  <dt>
                    <FormattedMessage id="sponsorship.memoranda.valid" />
                  </dt>
                  <dd>{`${v.validFrom} – ${v.validTo ?? '…'}`}</dd>
                  <dt>
                    <FormattedMessage id="sponsorship.memoranda.places" />
                  </dt>
                  <dd>{v.places ?? '—'}</dd>
                  <dt>
                    <FormattedMessage id="sponsorship.memoranda.costs" />
                  </dt>
                  <dd>{v.costsBorne.map((c) => label('cost', c.item)).join(', ') || '—'}</dd>
                </dl>
                {v.changes.length > 0 && (
                  <>
                    <h3>
                      <FormattedMessage id="sponsorship.memoranda.changes" />
                    </h3>
                    <ul>
                      {v.changes.map((c) => (
                        <li key={c.field}>
                          {t('sponsorship.memoranda.change', { field: label('memoField', c.field), from: value(c.from), to: value(c.to) })}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
              </details>
            ))}
          </section>
        ))
      )}
      {state && <MemorandumForm key={editing?.code ?? ''} state={state} memorandum={editing} onDone={() => setEditing(null)} />}
    </>
  );
}

function MemorandumForm({ state, memorandum, onDone }: { state: StateCode; memorandum: Memorandum | null; onDone: () => void }) {
  const { t, label } = useLabel();
  const refresh = useRefresh();
  const sponsors = useSponsors(state);
  const schemes = useSchemes(state);
  const latest = memorandum?.versions[0];
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = {
    h: useId(),
    code: useId(),
    title: useId(),
    from: useId(),
    to: useId(),
    signed: useId(),
    places: useId(),
    scheme: useId(),
    note: useId(),
  };
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const f = new FormData(e.currentTarget);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    const sponsorIds = f.getAll('sponsors').map(Number);
    const body = {
      title: s('title'),
      schemeId: s('scheme') ? Number(s('scheme')) : null,
      parties: [
        { name: state, role: 'state' as const },
        ...sponsorIds.map((id) => ({
          name: sponsors.data?.find((x) => x.id === id)?.name ?? String(id),
          role: 'sponsor' as const,
          sponsorId: id,
        })),
      ],
      signedOn: s('signedOn') || null,
      validFrom: s('validFrom'),
      validTo: s('validTo') || null,
      places: s('places') ? Number(s('places')) : null,
      costsBorne: f.getAll('costs').map((c) => ({ item: String(c) as (typeof COST_ITEMS)[number] })),
      note: s('note'),
    };
    setBusy(true);
    setError(null);
    try {
      const m = latest
        ? await calls.newMemorandumVersion(latest.id, latest.version, body)
        : await calls.createMemorandum({ state, code: s('code'), ...body });
      setDone(t('sponsorship.memoranda.recorded', { code: m.code, version: m.versions[0]!.version }));
      await refresh();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const partyIds = new Set(latest?.parties.flatMap((p) => (p.sponsorId ? [p.sponsorId] : [])) ?? []);
  return (
    <section className="panel" aria-labelledby={ids.h}>
      <h2 id={ids.h}>{memorandum ? t('sponsorship.memoranda.newVersionOf', { code: memorandum.code }) : t('sponsorship.memoranda.new')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        {!memorandum && (
          <div className="field">
            <label htmlFor={ids.code}>
              <FormattedMessage id="sponsorship.memoranda.code" />
            </label>
            <input id={ids.code} name="code" required maxLength={40} autoComplete="off" />
          </div>
        )}
        <div className="field">
          <label htmlFor={ids.title}>
            <FormattedMessage id="sponsorship.memoranda.titleField" />
          </label>
          <input id={ids.title} name="title" required maxLength={200} defaultValue={latest?.title ?? ''} />
        </div>
        <div className="field">
          <label htmlFor={ids.scheme}>
            <FormattedMessage id="sponsorship.memoranda.scheme" />
          </label>
          <select id={ids.scheme} name="scheme" defaultValue={latest?.schemeId ?? ''}>
            <option value="">—</option>
            {(schemes.data ?? []).map((s) => (
              <option key={s.id} value={s.id}>{`${s.code} — ${s.title}`}</option>
            ))}
          </select>
        </div>
        <fieldset className="field">
          <legend>
            <FormattedMessage id="sponsorship.memoranda.sponsors" />
          </legend>
          {(sponsors.data ?? []).map((s) => (
            <label key={s.id}>
              <input type="checkbox" name="sponsors" value={s.id} defaultChecked={partyIds.has(s.id)} /> {s.name}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={ids.signed}>
            <FormattedMessage id="sponsorship.memoranda.signedOn" />
          </label>
          <input id={ids.signed} name="signedOn" type="date" defaultValue={latest?.signedOn ?? ''} />
        </div>
        <div className="field">
          <label htmlFor={ids.from}>
            <FormattedMessage id="sponsorship.memoranda.validFrom" />
          </label>
          <input id={ids.from} name="validFrom" type="date" required defaultValue={latest?.validFrom ?? ''} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>
            <FormattedMessage id="sponsorship.memoranda.validTo" />
          </label>
          <input id={ids.to} name="validTo" type="date" defaultValue={latest?.validTo ?? ''} />
        </div>
        <div className="field">
          <label htmlFor={ids.places}>
            <FormattedMessage id="sponsorship.memoranda.places" />
          </label>
          <input id={ids.places} name="places" type="number" min={0} defaultValue={latest?.places ?? ''} />
        </div>
        <fieldset className="field">
          <legend>
            <FormattedMessage id="sponsorship.memoranda.costs" />
          </legend>
          {COST_ITEMS.map((c) => (
            <label key={c}>
              <input type="checkbox" name="costs" value={c} defaultChecked={latest?.costsBorne.some((x) => x.item === c)} />{' '}
              {label('cost', c)}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor={ids.note}>
            <FormattedMessage id="sponsorship.memoranda.note" />
          </label>
          <textarea id={ids.note} name="note" rows={2} defaultValue={latest?.note ?? ''} />
        </div>
        <div className="downloads">
          <button type="submit" disabled={busy}>
            <FormattedMessage id="sponsorship.memoranda.record" />
          </button>
          {memorandum && (
            <button type="button" className="button-secondary" onClick={onDone}>
              <FormattedMessage id="common.cancel" />
            </button>
          )}
        </div>
        {done && (
          <Notice kind="success">
            <p>{done}</p>
          </Notice>
        )}
        {error !== null && <Refusal error={error} />}
      </form>
    </section>
  );
}
