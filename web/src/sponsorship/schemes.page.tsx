import { useId, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { signedIn, useMe } from '../api/session.ts';
import { Notice, PageHeader } from '../ui/status.tsx';
import {
  calls,
  HOLDERS,
  PHASES,
  useLabel,
  useRefresh,
  useSchemes,
  type Criterion,
  type Roles,
  type Scheme,
  type StateCode,
} from './sponsorship.api.ts';
import { Refusal, RolesTable, Subnav } from './sponsorship.parts.tsx';
import { NotReady } from '../ui/page-state.tsx';
import { useRowKeys } from '../ui/keys.ts';

/** The fields a criterion may name: needs-based ones (the server refuses a protected characteristic with the article it breaks). */
const FIELDS = ['', 'householdSize', 'needs', 'primaryCategory', 'secondaryCategory', 'priority', 'countryOfDeparture'] as const;
const OPERATORS = ['eq', 'ne', 'in', 'lte', 'gte', 'includes'] as const;
const DEFAULT_ROLES: Roles = {
  selection: 'state',
  pre_departure: 'shared',
  reception: 'sponsor',
  housing: 'sponsor',
  integration: 'shared',
  finance: 'sponsor',
};

type Row = { id: string; label: string; field: string; operator: string; value: string };
const toRow = (c: Criterion): Row => ({
  id: c.id,
  label: c.label,
  field: c.field ?? '',
  operator: c.operator ?? '',
  value: c.value === undefined ? '' : Array.isArray(c.value) ? c.value.join(', ') : String(c.value),
});
const toCriterion = (r: Row): Criterion => {
  const value = r.value.trim();
  const parsed = r.operator === 'in' ? value.split(/\s*,\s*/).filter(Boolean) : value !== '' && /^\d+$/.test(value) ? Number(value) : value;
  return {
    id: r.id.trim(),
    label: r.label.trim(),
    ...(r.field ? { field: r.field } : {}),
    ...(r.operator ? { operator: r.operator as never } : {}),
    ...(value ? { value: parsed } : {}),
  } as Criterion;
};

/**
 * A state's sponsorship schemes (P 15): transparent, non-discriminatory selection criteria — one
 * that selects on a protected characteristic is refused, with the article it breaks — and who does
 * what in each phase, fixed from the start. Each published version is kept.
 */
export function SchemesPage() {
  const { t } = useLabel();
  const me = useMe();
  const state = (signedIn(me.data) ? me.data.user.stateCode : null) as StateCode | null;
  const schemes = useSchemes(state);
  const [editing, setEditing] = useState<Scheme | null>(null);
  return (
    <>
      <PageHeader title={<FormattedMessage id="sponsorship.schemes.title" />} />
      <Subnav />
      <p className="lead">
        <FormattedMessage id="sponsorship.schemes.lead" />
      </p>
      {schemes.status !== 'success' ? (
        <NotReady query={schemes} />
      ) : schemes.data.length === 0 ? (
        <p>
          <FormattedMessage id="sponsorship.schemes.none" />
        </p>
      ) : (
        schemes.data.map((s) => (
          <section key={s.id} className="panel" aria-labelledby={`scheme-${s.id}`}>
            <div className="panel-head">
              <h2 id={`scheme-${s.id}`}>{`${s.code} — ${s.title}`}</h2>
              <button type="button" className="button-secondary" onClick={() => setEditing(s)}>
                {t('sponsorship.schemes.newVersionOf', { code: s.code })}
              </button>
            </div>
            {s.versions.map((v, i) => (
              <details key={v.version} open={i === 0}>
                <summary>
                  {t(i === 0 ? 'sponsorship.schemes.versionInForce' : 'sponsorship.schemes.version', {
                    version: v.version,
                    on: v.publishedAt.slice(0, 10),
                  })}
                </summary>
                <h3>
                  <FormattedMessage id="sponsorship.criteria.title" />
                </h3>
                <ul>
                  {v.criteria.map((c) => (
                    <li key={c.id}>
                      {c.label}
                      {c.field ? ` (${c.field} ${c.operator ?? ''} ${Array.isArray(c.value) ? c.value.join(', ') : (c.value ?? '')})` : ''}
                    </li>
                  ))}
                </ul>
                <RolesTable roles={v.roles} caption={t('sponsorship.roles.captionVersion', { version: v.version })} />
              </details>
            ))}
          </section>
        ))
      )}
      {state && <SchemeForm key={editing?.id ?? 0} state={state} scheme={editing} onDone={() => setEditing(null)} />}
    </>
  );
}

function SchemeForm({ state, scheme, onDone }: { state: StateCode; scheme: Scheme | null; onDone: () => void }) {
  const { t, label } = useLabel();
  const refresh = useRefresh();
  const current = scheme?.versions[0];
  const [rows, setRows] = useState<Row[]>(
    () => current?.criteria.map(toRow) ?? [{ id: 'size', label: '', field: 'householdSize', operator: 'lte', value: '' }],
  );
  const rowKeys = useRowKeys(rows.length);
  const [roles, setRoles] = useState<Roles>(current?.roles ?? DEFAULT_ROLES);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { h: useId(), code: useId(), title: useId() };
  const set = (i: number, k: keyof Row, v: string) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const f = new FormData(e.currentTarget);
    const criteria = rows.filter((r) => r.label.trim()).map(toCriterion);
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const s = scheme
        ? await calls.publishScheme(scheme.id, scheme.version, { criteria, roles })
        : await calls.createScheme({
            state,
            code: String(f.get('code') ?? '').trim(),
            title: String(f.get('title') ?? '').trim(),
            programmeId: null,
            criteria,
            roles,
          });
      setDone(t('sponsorship.schemes.published', { code: s.code, version: s.version }));
      await refresh();
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby={ids.h}>
      <h2 id={ids.h}>{scheme ? t('sponsorship.schemes.newVersionOf', { code: scheme.code }) : t('sponsorship.schemes.new')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        {!scheme && (
          <>
            <div className="field">
              <label htmlFor={ids.code}>
                <FormattedMessage id="sponsorship.schemes.code" />
              </label>
              <input id={ids.code} name="code" required maxLength={40} autoComplete="off" />
            </div>
            <div className="field">
              <label htmlFor={ids.title}>
                <FormattedMessage id="sponsorship.schemes.titleField" />
              </label>
              <input id={ids.title} name="title" required maxLength={200} />
            </div>
          </>
        )}
        <fieldset>
          <legend>
            <FormattedMessage id="sponsorship.criteria.title" />
          </legend>
          <p className="hint">
            <FormattedMessage id="sponsorship.criteria.hint" />
          </p>
          {rows.map((r, i) => (
            <fieldset key={rowKeys.keys[i]} className="filters" aria-label={t('sponsorship.criteria.row', { n: i + 1 })}>
              <div className="field">
                <label htmlFor={`crit-${i}-id`}>
                  <FormattedMessage id="sponsorship.criteria.id" />
                </label>
                <input id={`crit-${i}-id`} value={r.id} onChange={(e) => set(i, 'id', e.target.value)} maxLength={40} />
              </div>
              <div className="field">
                <label htmlFor={`crit-${i}-label`}>
                  <FormattedMessage id="sponsorship.criteria.label" />
                </label>
                <input id={`crit-${i}-label`} value={r.label} onChange={(e) => set(i, 'label', e.target.value)} maxLength={300} />
              </div>
              <div className="field">
                <label htmlFor={`crit-${i}-field`}>
                  <FormattedMessage id="sponsorship.criteria.field" />
                </label>
                <select id={`crit-${i}-field`} value={r.field} onChange={(e) => set(i, 'field', e.target.value)}>
                  {FIELDS.map((f) => (
                    <option key={f} value={f}>
                      {f ? label('field', f) : t('sponsorship.criteria.noField')}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`crit-${i}-op`}>
                  <FormattedMessage id="sponsorship.criteria.operator" />
                </label>
                <select id={`crit-${i}-op`} value={r.operator} onChange={(e) => set(i, 'operator', e.target.value)}>
                  <option value="">—</option>
                  {OPERATORS.map((o) => (
                    <option key={o} value={o}>
                      {label('operator', o)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`crit-${i}-value`}>
                  <FormattedMessage id="sponsorship.criteria.value" />
                </label>
                <input id={`crit-${i}-value`} value={r.value} onChange={(e) => set(i, 'value', e.target.value)} maxLength={200} />
              </div>
              <button
                type="button"
                className="button-secondary"
                onClick={() => {
                  rowKeys.removed(i);
                  setRows((rs) => rs.filter((_, j) => j !== i));
                }}
              >
                {t('sponsorship.criteria.remove', { n: i + 1 })}
              </button>
            </fieldset>
          ))}
          <button
            type="button"
            className="button-secondary"
            onClick={() => setRows((rs) => [...rs, { id: `c${rs.length + 1}`, label: '', field: '', operator: '', value: '' }])}
          >
            <FormattedMessage id="sponsorship.criteria.add" />
          </button>
        </fieldset>
        <fieldset>
          <legend>
            <FormattedMessage id="sponsorship.roles.caption" />
          </legend>
          <p className="hint">
            <FormattedMessage id="sponsorship.roles.hint" />
          </p>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">
                  <FormattedMessage id="sponsorship.roles.phase" />
                </th>
                <th scope="col">
                  <FormattedMessage id="sponsorship.roles.holder" />
                </th>
              </tr>
            </thead>
            <tbody>
              {PHASES.map((p) => (
                <tr key={p}>
                  <th scope="row">
                    <label htmlFor={`role-${p}`}>{label('phase', p)}</label>
                  </th>
                  <td>
                    <select
                      id={`role-${p}`}
                      value={roles[p]}
                      onChange={(e) => setRoles((r) => ({ ...r, [p]: e.target.value as Roles[typeof p] }))}
                    >
                      {HOLDERS.map((h) => (
                        <option key={h} value={h}>
                          {label('holder', h)}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </fieldset>
        <div className="downloads">
          <button type="submit" disabled={busy}>
            <FormattedMessage id="sponsorship.schemes.publish" />
          </button>
          {scheme && (
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
