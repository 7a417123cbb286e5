import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useId, useState } from 'react';
import { FormattedMessage, useIntl } from 'react-intl';
import type { components } from '../../../src/api/openapi.types.ts';
import { api } from '../api/client.ts';
import { signedIn, useMe } from '../api/session.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { DownloadButtons } from '../ui/download-buttons.tsx';
import { ErrorNotice, Notice, PageHeader } from '../ui/status.tsx';
import { AddUserForm } from './add-user.form.tsx';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { STATE_CODES, stateName, type StateCode } from './states.ts';
import { NotReady } from '../ui/page-state.tsx';
import { formatMomentDay } from '../ui/format.ts';

type Account = components['schemas']['User'];

/**
 * The accounts: the platform's administrator sees and manages every account, a state's
 * administrator its state's officers and administrators. An account is added here, or disabled
 * (after a confirmation; its sessions end at once, its history stays). Secrets are never shown.
 */
export function UsersPage() {
  const intl = useIntl();
  const t = (id: string, v?: Record<string, string | number>) => intl.formatMessage({ id }, v);
  const me = useMe();
  const by = signedIn(me.data) ? me.data.user : null;
  const queryClient = useQueryClient();
  const isSystemAdmin = by?.role === 'system_admin';
  const [stateFilter, setStateFilter] = useState<StateCode | ''>('');
  const filterId = useId();
  const users = useQuery({
    queryKey: ['admin-area', 'users', stateFilter],
    queryFn: async () => (await api.GET('/api/users', { params: { query: stateFilter ? { state: stateFilter } : {} } })).data!.users,
    enabled: !!by,
  });
  const [added, setAdded] = useState<string | null>(null);
  const [disabled, setDisabled] = useState<{ username: string; sessionsEnded: number } | null>(null);
  const [toDisable, setToDisable] = useState<Account | null>(null);
  const [disableError, setDisableError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const closeDialog = useCallback(() => setToDisable(null), []);
  // Setting a password or forgetting the authenticator: the user service decides who may (as for disabling).
  const [toReset, setToReset] = useState<{ user: Account; what: 'password' | 'totp' } | null>(null);
  const [newPassword, setNewPassword] = useState('');
  const [resetError, setResetError] = useState<unknown>(null);
  const [resetDone, setResetDone] = useState<{ id: string; username: string; sessions: number } | null>(null);
  const closeReset = useCallback(() => setToReset(null), []);

  if (!by) return null;
  // What this administrator may change (src/access/policy.ts manageUsers).
  // As the server's `disableUser` policy; one's own account is never offered (the server refuses it).
  const mayManage = (u: Account) =>
    u.username.toLowerCase() !== by.username.toLowerCase() &&
    (isSystemAdmin ||
      (by.role === 'state_admin' &&
        u.stateCode === by.stateCode &&
        ['state_officer', 'state_admin', 'referral_partner', 'sponsor'].includes(u.role)));

  const disable = async () => {
    if (!toDisable) return;
    setBusy(true);
    setDisableError(null);
    try {
      const { data } = await api.POST('/api/users/disable', {
        body: { username: toDisable.username },
        params: { header: { 'Idempotency-Key': crypto.randomUUID() } },
      });
      setDisabled({ username: toDisable.username, sessionsEnded: data!.sessionsEnded });
      setAdded(null);
      setToDisable(null);
      await queryClient.invalidateQueries({ queryKey: ['admin-area', 'users'] });
    } catch (x) {
      setDisableError(x);
    } finally {
      setBusy(false);
    }
  };

  const reset = async () => {
    if (!toReset) return;
    setBusy(true);
    setResetError(null);
    try {
      const header = { 'Idempotency-Key': crypto.randomUUID() };
      const username = toReset.user.username;
      const { data } =
        toReset.what === 'password'
          ? await api.POST('/api/users/password', { body: { username, password: newPassword }, params: { header } })
          : await api.POST('/api/users/totp-reset', { body: { username }, params: { header } });
      setResetDone({ id: toReset.what === 'password' ? 'users.passwordDone' : 'users.totpDone', username, sessions: data!.sessionsEnded });
      setAdded(null);
      setDisabled(null);
      setToReset(null);
      setNewPassword('');
      await queryClient.invalidateQueries({ queryKey: ['admin-area', 'users'] });
    } catch (x) {
      setResetError(x);
    } finally {
      setBusy(false);
    }
  };
  const openReset = (user: Account, what: 'password' | 'totp') => {
    setResetError(null);
    setNewPassword('');
    setToReset({ user, what });
  };

  const statusOf = (u: Account) => (u.disabled ? 'disabled' : u.locked ? 'locked' : 'active');
  const signIn = (u: Account) =>
    [u.password ? t('users.signIn.password') : null, u.oidc ? t('users.signIn.oidc') : null].filter(Boolean).join(', ') ||
    t('users.signIn.none');
  const columns: Column<Account>[] = [
    { key: 'username', header: <FormattedMessage id="users.col.username" />, value: (u) => u.username },
    { key: 'displayName', header: <FormattedMessage id="users.col.displayName" />, value: (u) => u.displayName },
    { key: 'role', header: <FormattedMessage id="users.col.role" />, value: (u) => t(`role.${u.role}`) },
    { key: 'state', header: <FormattedMessage id="common.state" />, value: (u) => u.stateCode },
    { key: 'organisation', header: <FormattedMessage id="users.col.organisation" />, value: (u) => u.organisation },
    { key: 'signIn', header: <FormattedMessage id="users.col.signIn" />, value: signIn },
    { key: 'totp', header: <FormattedMessage id="users.col.totp" />, value: (u) => t(u.totpEnabled ? 'users.yes' : 'users.no') },
    {
      key: 'status',
      header: <FormattedMessage id="users.col.status" />,
      value: (u) => t(`users.status.${statusOf(u)}`),
      render: (u) => (
        <span className={u.disabled ? 'badge badge-danger' : u.locked ? 'badge badge-warning' : 'badge badge-success'}>
          {t(`users.status.${statusOf(u)}`)}
        </span>
      ),
    },
    {
      key: 'created',
      header: <FormattedMessage id="users.col.created" />,
      value: (u) => u.createdAt,
      render: (u) => formatMomentDay(intl, u.createdAt),
    },
    {
      key: 'actions',
      header: <FormattedMessage id="users.col.actions" />,
      value: () => null,
      fixed: true,
      render: (u) =>
        !u.disabled && mayManage(u) && u.username !== by.username ? (
          <span className="row-actions">
            <button
              type="button"
              className="button-link"
              onClick={() => {
                setDisableError(null);
                setToDisable(u);
              }}
            >
              <FormattedMessage id="users.disable" />
              <span className="visually-hidden"> {u.username}</span>
            </button>{' '}
            {u.password && (
              <button type="button" className="button-link" onClick={() => openReset(u, 'password')}>
                <FormattedMessage id="users.setPassword" />
                <span className="visually-hidden"> {u.username}</span>
              </button>
            )}{' '}
            {u.totpEnabled && (
              <button type="button" className="button-link" onClick={() => openReset(u, 'totp')}>
                <FormattedMessage id="users.resetTotp" />
                <span className="visually-hidden"> {u.username}</span>
              </button>
            )}
          </span>
        ) : null,
    },
  ];
  const caption = t('users.caption');

  return (
    <>
      <PageHeader title={<FormattedMessage id="users.title" />} />
      <p className="lead">
        <FormattedMessage id={isSystemAdmin ? 'users.lead.system' : 'users.lead.state'} values={{ state: by.stateCode ?? '' }} />
      </p>
      {added && (
        <Notice kind="success">
          <p>
            <FormattedMessage id="users.added" values={{ username: added }} />
          </p>
        </Notice>
      )}
      {resetDone && (
        <Notice kind="success">
          <p data-testid="reset-done">
            <FormattedMessage
              id={resetDone.id}
              values={{ username: resetDone.username, sessions: intl.formatNumber(resetDone.sessions) }}
            />
          </p>
        </Notice>
      )}
      {disabled && (
        <Notice kind="success">
          <p>
            <FormattedMessage
              id="users.disabled"
              values={{ username: disabled.username, sessions: intl.formatNumber(disabled.sessionsEnded) }}
            />
          </p>
        </Notice>
      )}
      <section className="panel" aria-labelledby="users-list-title">
        <div className="panel-head">
          <h2 id="users-list-title">
            <FormattedMessage id="users.list.heading" />
          </h2>
          {users.data && (
            <DownloadButtons
              what={caption}
              filename="users"
              sheet={() => ({
                name: caption,
                header: columns.filter((c) => c.key !== 'actions').map((c) => t(c.key === 'state' ? 'common.state' : `users.col.${c.key}`)),
                rows: users.data.map((u) => [
                  u.username,
                  u.displayName,
                  t(`role.${u.role}`),
                  u.stateCode,
                  u.organisation,
                  signIn(u),
                  t(u.totpEnabled ? 'users.yes' : 'users.no'),
                  t(`users.status.${statusOf(u)}`),
                  u.createdAt,
                ]),
              })}
            />
          )}
        </div>
        {isSystemAdmin && (
          <div className="filters">
            <div className="field">
              <label htmlFor={filterId}>
                <FormattedMessage id="common.state" />
              </label>
              <select id={filterId} value={stateFilter} onChange={(e) => setStateFilter(e.target.value as StateCode | '')}>
                <option value="">{t('common.all')}</option>
                {STATE_CODES.map((c) => (
                  <option key={c} value={c}>
                    {stateName(c, intl.locale)} ({c})
                  </option>
                ))}
              </select>
            </div>
          </div>
        )}
        <NotReady query={users} />
        {users.data && <DataTable caption={caption} captionHidden columns={columns} rows={users.data} rowKey={(u) => String(u.id)} />}
      </section>

      <section className="panel" aria-labelledby="users-add-title">
        <h2 id="users-add-title">
          <FormattedMessage id="users.form.heading" />
        </h2>
        <AddUserForm
          by={by}
          onAdded={(username) => {
            setAdded(username);
            setDisabled(null);
            void queryClient.invalidateQueries({ queryKey: ['admin-area', 'users'] });
          }}
        />
      </section>

      <ConfirmDialog
        open={toDisable !== null}
        title={<FormattedMessage id="users.confirm.title" values={{ username: toDisable?.username ?? '' }} />}
        confirmLabel={<FormattedMessage id="users.confirm.confirm" />}
        busy={busy}
        onConfirm={() => void disable()}
        onClose={closeDialog}
      >
        <p>
          <FormattedMessage
            id="users.confirm.body"
            values={{ name: toDisable?.displayName ?? '', role: toDisable ? t(`role.${toDisable.role}`) : '' }}
          />
        </p>
        {disableError !== null && <ErrorNotice error={disableError} />}
      </ConfirmDialog>

      <ConfirmDialog
        open={toReset !== null}
        title={<FormattedMessage id={toReset?.what === 'totp' ? 'users.resetTotp' : 'users.setPassword'} />}
        confirmLabel={<FormattedMessage id={toReset?.what === 'totp' ? 'users.resetTotp' : 'users.setPassword'} />}
        busy={busy}
        onConfirm={() => void reset()}
        onClose={closeReset}
      >
        {toReset?.what === 'password' ? (
          <div className="field">
            <label htmlFor={`${filterId}-password`}>
              <FormattedMessage id="users.newPassword" values={{ username: toReset.user.username }} />
            </label>
            <input
              id={`${filterId}-password`}
              type="password"
              autoComplete="new-password"
              value={newPassword}
              onChange={(e) => setNewPassword(e.target.value)}
            />
          </div>
        ) : (
          <p>
            <FormattedMessage id="users.totpConfirm" values={{ username: toReset?.user.username ?? '' }} />
          </p>
        )}
        {resetError !== null && <ErrorNotice error={resetError} />}
      </ConfirmDialog>
    </>
  );
}
