import { useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { authRequest } from '../api/client.ts';
import { signedIn, useMe } from '../api/session.ts';
import { stateName } from '../admin/states.ts';
import { Field, type FieldErrors } from '../ui/field.tsx';
import { ErrorNotice, Loading, Notice, PageHeader } from '../ui/status.tsx';
import { formatMoment } from '../ui/format.ts';

/** The server's minimum (src/identity/password.ts PASSWORD_MIN). */
const PASSWORD_MIN = 15;

/**
 * The signed-in person's account: who the platform takes them for (name, role, state or
 * organisation, until when the session runs), and the change of their own password. A change
 * ends the account's other sessions; the server says why where it refuses.
 */
export function AccountPage() {
  const intl = useIntl();
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (!signedIn(me.data)) return null;
  const { user, expiresAt } = me.data;
  return (
    <>
      <PageHeader title={<FormattedMessage id="account.title" />} />
      <section className="panel" aria-labelledby="account-facts-title">
        <h2 id="account-facts-title">
          <FormattedMessage id="account.facts.heading" />
        </h2>
        <dl className="facts" data-testid="account-facts">
          <dt>
            <FormattedMessage id="account.facts.username" />
          </dt>
          <dd>{user.username}</dd>
          <dt>
            <FormattedMessage id="account.facts.role" />
          </dt>
          <dd>{intl.formatMessage({ id: `role.${user.role}` })}</dd>
          {user.stateCode && (
            <>
              <dt>
                <FormattedMessage id="common.state" />
              </dt>
              <dd>
                {stateName(user.stateCode, intl.locale)} ({user.stateCode})
              </dd>
            </>
          )}
          {user.organisation && (
            <>
              <dt>
                <FormattedMessage id="account.facts.organisation" />
              </dt>
              <dd>{user.organisation}</dd>
            </>
          )}
          <dt>
            <FormattedMessage id="account.facts.session" />
          </dt>
          <dd>
            <time dateTime={expiresAt}>{formatMoment(intl, expiresAt)}</time>
          </dd>
        </dl>
      </section>
      <PasswordChange />
    </>
  );
}

function PasswordChange() {
  const intl = useIntl();
  const t = (id: string, v?: Record<string, string | number>) => intl.formatMessage({ id }, v);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    setFailure(null);
    const local: FieldErrors = {};
    if (!current) local.current = [t('account.password.required')];
    if ([...next].length < PASSWORD_MIN) local.new = [t('account.password.short', { min: PASSWORD_MIN })];
    else if (next === current) local.new = [t('account.password.same')];
    if (repeat !== next) local.repeat = [t('account.password.mismatch')];
    setErrors(local);
    if (Object.keys(local).length > 0) {
      document.getElementById(`password-f-${Object.keys(local)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await authRequest<{ sessionsEnded: number }>('/password', { current, new: next });
      setDone(true);
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (x) {
      setFailure(x);
    } finally {
      setBusy(false);
    }
  };

  const input = (f: 'current' | 'new' | 'repeat', value: string, set: (v: string) => void, autoComplete: string, hint?: string) => (
    <Field
      id={`password-f-${f}`}
      label={t(`account.password.${f}`)}
      hint={hint}
      errors={errors[f]}
      control={(p) => <input {...p} type="password" autoComplete={autoComplete} value={value} onChange={(e) => set(e.target.value)} />}
    />
  );

  return (
    <section className="panel" aria-labelledby="account-password-title">
      <h2 id="account-password-title">
        <FormattedMessage id="account.password.heading" />
      </h2>
      <form className="form narrow" onSubmit={onSubmit} noValidate>
        {input('current', current, setCurrent, 'current-password')}
        {input('new', next, setNext, 'new-password', t('account.password.hint', { min: PASSWORD_MIN }))}
        {input('repeat', repeat, setRepeat, 'new-password')}
        {failure !== null && <ErrorNotice error={failure} />}
        {done && (
          <Notice kind="success">
            <p>
              <FormattedMessage id="account.password.changed" />
            </p>
          </Notice>
        )}
        <p>
          <button type="submit" disabled={busy}>
            <FormattedMessage id="account.password.submit" />
          </button>
        </p>
      </form>
    </section>
  );
}
