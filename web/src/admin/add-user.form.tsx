import { useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { components } from '../../../src/api/openapi.types.ts';
import { api, ApiError } from '../api/client.ts';
import type { Role, User } from '../api/session.ts';
import { Field, fieldErrorsOf, type FieldErrors } from '../ui/field.tsx';
import { ErrorNotice } from '../ui/status.tsx';
import { STATE_CODES, stateName, type StateCode } from './states.ts';

type NewUser = components['schemas']['NewUser'];

/**
 * Roles by who may create them (src/access/policy.ts manageUsers): the platform's administrator only
 * roles that read no personal data; a state's administrator its state's staff and the referral
 * partners it has an agreement with and its sponsors' portal accounts. Auditors are added by the operator (`pathways users add`).
 */
const SYSTEM_ADMIN_ROLES: Role[] = ['commission_analyst', 'system_admin'];
const STATE_ADMIN_ROLES: Role[] = ['state_officer', 'state_admin', 'referral_partner', 'sponsor'];
const STATE_ROLES: Role[] = ['state_officer', 'state_admin'];
/** A referral partner belongs to the state of its referral agreement, a sponsor to the state that registered it. */
const STATE_BOUND_ROLES: Role[] = [...STATE_ROLES, 'referral_partner', 'sponsor'];
const ORGANISATION_ROLES: Role[] = ['referral_partner', 'sponsor'];
/** The server's minimum (src/identity/password.ts PASSWORD_MIN). */
const PASSWORD_MIN = 15;

interface Draft {
  username: string;
  displayName: string;
  role: Role;
  stateCode: StateCode | '';
  organisation: string;
  method: 'password' | 'oidc';
  password: string;
  oidcIssuer: string;
  oidcSubject: string;
}

const fid = (f: string) => `user-f-${f}`;

/**
 * Adds an account: its name, role, state or organisation where the role has one, and how it signs
 * in (a first password, or the organisation's sign-in by OpenID Connect). What the role needs is
 * asked for before the server is; the server's reasons are shown beside the fields.
 */
export function AddUserForm({ by, onAdded }: { by: User; onAdded: (username: string) => void }) {
  const intl = useIntl();
  const t = (id: string, v?: Record<string, string | number>) => intl.formatMessage({ id }, v);
  const roles = by.role === 'system_admin' ? SYSTEM_ADMIN_ROLES : STATE_ADMIN_ROLES;
  const fixedState = by.role === 'state_admin' ? (by.stateCode as StateCode) : null;
  const blank: Draft = {
    username: '',
    displayName: '',
    role: roles[0]!,
    stateCode: fixedState ?? '',
    organisation: '',
    method: 'password',
    password: '',
    oidcIssuer: '',
    oidcSubject: '',
  };
  const [d, setD] = useState<Draft>(blank);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));

  const hasState = STATE_BOUND_ROLES.includes(d.role) || d.role === 'auditor';
  const hasOrganisation = ORGANISATION_ROLES.includes(d.role);

  const check = (): FieldErrors => {
    const out: FieldErrors = {};
    const need = (f: keyof Draft, ok: boolean, key = 'users.form.required') => {
      if (!ok) out[f] = [t(key)];
    };
    need(
      'username',
      /^[A-Za-z0-9._@-]{2,64}$/.test(d.username.trim()),
      d.username.trim() ? 'users.form.usernameRule' : 'users.form.required',
    );
    need('displayName', d.displayName.trim().length > 0);
    if (STATE_BOUND_ROLES.includes(d.role)) need('stateCode', d.stateCode !== '', 'users.form.stateRequired');
    if (hasOrganisation) need('organisation', d.organisation.trim().length > 0);
    if (d.method === 'password') need('password', [...d.password].length >= PASSWORD_MIN, 'users.form.passwordShort');
    else {
      need('oidcIssuer', /^https?:\/\/\S+$/.test(d.oidcIssuer.trim()), d.oidcIssuer.trim() ? 'users.form.url' : 'users.form.required');
      need('oidcSubject', d.oidcSubject.trim().length > 0);
    }
    return out;
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    const local = check();
    setErrors(local);
    if (Object.keys(local).length > 0) {
      document.getElementById(fid(Object.keys(local)[0]!))?.focus();
      return;
    }
    const body: NewUser = {
      username: d.username.trim(),
      displayName: d.displayName.trim(),
      role: d.role,
      ...(hasState && d.stateCode ? { stateCode: d.stateCode } : {}),
      ...(hasOrganisation ? { organisation: d.organisation.trim() } : {}),
      ...(d.method === 'password' ? { password: d.password } : { oidcIssuer: d.oidcIssuer.trim(), oidcSubject: d.oidcSubject.trim() }),
    };
    setBusy(true);
    try {
      await api.POST('/api/users', { body, params: { header: { 'Idempotency-Key': crypto.randomUUID() } } });
      setD(blank);
      setErrors({});
      onAdded(body.username);
    } catch (x) {
      if (x instanceof ApiError) {
        const fields = fieldErrorsOf(x.details);
        if (x.code === 'conflict') fields.username = [...(fields.username ?? []), x.message];
        setErrors(fields);
      }
      setFailure(x);
    } finally {
      setBusy(false);
    }
  };

  const text = (f: keyof Draft, label: string, opts: { type?: string; hint?: string; autoComplete?: string } = {}) => (
    <Field
      id={fid(f)}
      label={label}
      hint={opts.hint}
      errors={errors[f]}
      control={(p) => (
        <input
          {...p}
          type={opts.type ?? 'text'}
          autoComplete={opts.autoComplete ?? 'off'}
          value={d[f] as string}
          onChange={(e) => set(f, e.target.value as never)}
        />
      )}
    />
  );

  return (
    <form className="form" onSubmit={onSubmit} noValidate>
      <div className="form-row">
        {text('username', t('users.form.username'), { hint: t('users.form.usernameHint') })}
        {text('displayName', t('users.form.displayName'))}
      </div>
      <div className="form-row">
        <Field
          id={fid('role')}
          label={t('users.form.role')}
          errors={errors.role}
          control={(p) => (
            <select {...p} value={d.role} onChange={(e) => set('role', e.target.value as Role)}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          )}
        />
        {hasState && (
          <Field
            id={fid('stateCode')}
            label={t(d.role === 'auditor' ? 'users.form.stateOptional' : 'users.form.state')}
            hint={d.role === 'auditor' ? t('users.form.auditorStateHint') : undefined}
            errors={errors.stateCode}
            control={(p) => (
              <select
                {...p}
                value={d.stateCode}
                disabled={fixedState !== null}
                onChange={(e) => set('stateCode', e.target.value as StateCode | '')}
              >
                <option value="">{t(d.role === 'auditor' ? 'users.form.commission' : 'users.form.chooseState')}</option>
                {STATE_CODES.map((c) => (
                  <option key={c} value={c}>
                    {stateName(c, intl.locale)} ({c})
                  </option>
                ))}
              </select>
            )}
          />
        )}
        {hasOrganisation && text('organisation', t('users.form.organisation'))}
      </div>
      <fieldset className="form-group">
        <legend>{t('users.form.method')}</legend>
        <div className="checks">
          <label className="check">
            <input type="radio" name="method" checked={d.method === 'password'} onChange={() => set('method', 'password')} />{' '}
            {t('users.form.methodPassword')}
          </label>
          <label className="check">
            <input type="radio" name="method" checked={d.method === 'oidc'} onChange={() => set('method', 'oidc')} />{' '}
            {t('users.form.methodOidc')}
          </label>
        </div>
        {d.method === 'password' ? (
          <div className="form-row">
            {text('password', t('users.form.password'), {
              type: 'password',
              autoComplete: 'new-password',
              hint: t('users.form.passwordHint', { min: PASSWORD_MIN }),
            })}
          </div>
        ) : (
          <div className="form-row">
            {text('oidcIssuer', t('users.form.oidcIssuer'), { type: 'url', hint: t('users.form.oidcIssuerHint') })}
            {text('oidcSubject', t('users.form.oidcSubject'))}
          </div>
        )}
      </fieldset>
      {failure !== null && <ErrorNotice error={failure} />}
      <p>
        <button type="submit" disabled={busy}>
          <FormattedMessage id="users.form.submit" />
        </button>
      </p>
    </form>
  );
}
