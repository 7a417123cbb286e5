import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import { authRequest, setCsrfToken } from '../api/client.ts';
import type { Me, SecondFactor, User } from '../api/session.ts';
import { ErrorNotice, PageHeader } from '../ui/status.tsx';
import { qrModules, qrPath } from '../ui/qr.ts';

type Step = { kind: 'password' } | { kind: 'code' } | { kind: 'enrol'; secret: string; otpauthUrl: string };

interface LoginAnswer {
  user: User;
  csrfToken: string;
  secondFactor: SecondFactor;
  expiresAt: string;
}

/**
 * Sign-in: name and password, then the six-digit code of the authenticator app (set up here at the
 * first sign-in: the key is shown to type or paste into the app), or the organisation's own sign-in
 * (OpenID Connect) where the platform is set up for it. The session lives in an HttpOnly cookie.
 */
export function LoginPage() {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const methods = useQuery({ queryKey: ['auth-methods'], queryFn: () => authRequest<{ oidc: boolean }>('/methods'), staleTime: Infinity });
  const ids = { user: useId(), password: useId(), code: useId() };

  const finish = (answer: { csrfToken: string; secondFactor: SecondFactor }) => {
    setCsrfToken(answer.csrfToken);
    if (answer.secondFactor === 'passed' || answer.secondFactor === 'not_needed') {
      void queryClient.invalidateQueries({ queryKey: ['me'] });
      return;
    }
    if (answer.secondFactor === 'required') setStep({ kind: 'code' });
    else
      void authRequest<{ secret: string; otpauthUrl: string }>('/totp/enrol', {}).then((e) => setStep({ kind: 'enrol', ...e }), setError);
  };

  const run = (work: () => Promise<void>) => async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const onPassword = run(async () => {
    const form = new FormData(document.getElementById('login-form') as HTMLFormElement);
    const answer = await authRequest<LoginAnswer>('/login', {
      username: String(form.get('username') ?? ''),
      password: String(form.get('password') ?? ''),
    });
    finish(answer);
  });

  const onCode = run(async () => {
    const form = new FormData(document.getElementById('code-form') as HTMLFormElement);
    const answer = await authRequest<Pick<Me, 'secondFactor'> & { csrfToken: string }>('/totp/verify', {
      code: String(form.get('code') ?? '').replace(/\s/g, ''),
    });
    finish(answer);
  });

  return (
    <div className="login">
      <PageHeader title={<FormattedMessage id="login.title" />} />
      {error !== null && <ErrorNotice error={error} />}
      {step.kind === 'password' && (
        <form id="login-form" onSubmit={onPassword} className="form narrow" noValidate>
          <div className="field">
            <label htmlFor={ids.user}>
              <FormattedMessage id="login.username" />
            </label>
            {/* biome-ignore lint/a11y/noAutofocus: the sign-in page has one task; its first field is where everyone starts */}
            <input id={ids.user} name="username" autoComplete="username" required autoFocus />
          </div>
          <div className="field">
            <label htmlFor={ids.password}>
              <FormattedMessage id="login.password" />
            </label>
            <input id={ids.password} name="password" type="password" autoComplete="current-password" required />
          </div>
          <button type="submit" disabled={busy}>
            <FormattedMessage id="login.submit" />
          </button>
          {methods.data?.oidc && (
            <p>
              <a className="button-secondary" href="/api/auth/oidc/login">
                <FormattedMessage id="login.oidc" />
              </a>
            </p>
          )}
        </form>
      )}
      {step.kind !== 'password' && (
        <form id="code-form" onSubmit={onCode} className="form narrow" noValidate>
          {step.kind === 'enrol' && (
            <div className="enrol">
              <p>
                <FormattedMessage id="login.enrol.intro" />
              </p>
              <TotpQr uri={step.otpauthUrl} label={intl.formatMessage({ id: 'login.enrol.qr' })} />
              <p>
                <FormattedMessage id="login.enrol.key" />{' '}
                <code className="secret" data-testid="totp-secret">
                  {step.secret}
                </code>
              </p>
              <p className="hint">
                <a href={step.otpauthUrl}>
                  <FormattedMessage id="login.enrol.link" />
                </a>
              </p>
            </div>
          )}
          <div className="field">
            <label htmlFor={ids.code}>
              <FormattedMessage id="login.code" />
            </label>
            <input
              id={ids.code}
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]*"
              maxLength={7}
              required
              // biome-ignore lint/a11y/noAutofocus: the code step follows the password step; focus goes to the only field
              autoFocus
              aria-describedby={`${ids.code}-hint`}
            />
            <p className="hint" id={`${ids.code}-hint`}>
              {intl.formatMessage({ id: 'login.codeHint' })}
            </p>
          </div>
          <button type="submit" disabled={busy}>
            <FormattedMessage id="login.verify" />
          </button>
        </form>
      )}
    </div>
  );
}

/** The authenticator's key as a QR code, drawn here from its otpauth:// URI (nothing fetched). */
function TotpQr({ uri, label }: { uri: string; label: string }) {
  const { size, d } = useMemo(() => qrPath(qrModules(uri)), [uri]);
  return (
    <svg
      className="totp-qr"
      data-testid="totp-qr"
      role="img"
      aria-label={label}
      viewBox={`0 0 ${size} ${size}`}
      width={size * 4}
      height={size * 4}
      shapeRendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
