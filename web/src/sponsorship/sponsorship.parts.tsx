import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useId, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { ApiError } from '../api/client.ts';
import { DataTable, type Column } from '../ui/data-table.tsx';
import { ErrorNotice, isStale } from '../ui/status.tsx';
import { calls, PHASES, useLabel, useMessages, type Roles } from './sponsorship.api.ts';
import { NotReady } from '../ui/page-state.tsx';
import { formatMoment } from '../ui/format.ts';

/** The pages of the state's side of sponsorship, one link each. */
export function Subnav() {
  const { t } = useLabel();
  const links = [
    { to: '/sponsors', label: 'sponsorship.nav.sponsors' },
    { to: '/sponsorship-schemes', label: 'sponsorship.nav.schemes' },
    { to: '/memoranda', label: 'sponsorship.nav.memoranda' },
    { to: '/sponsorships', label: 'sponsorship.nav.sponsorships' },
  ] as const;
  return (
    <nav aria-label={t('sponsorship.nav.label')} className="downloads">
      {links.map((l) => (
        <Link key={l.to} to={l.to} activeProps={{ 'aria-current': 'page' }}>
          {t(l.label)}
        </Link>
      ))}
    </nav>
  );
}

/** Who does what in each phase (P 15), as the scheme's roles say: shown to both sides. */
export function RolesTable({ roles, phases, caption }: { roles: Roles; phases?: readonly string[]; caption?: string }) {
  const { t, label } = useLabel();
  const rows = PHASES.map((p) => ({ phase: p, holder: roles[p] }));
  const columns: Column<(typeof rows)[number]>[] = [
    { key: 'phase', header: <FormattedMessage id="sponsorship.roles.phase" />, value: (r) => label('phase', r.phase) },
    { key: 'holder', header: <FormattedMessage id="sponsorship.roles.holder" />, value: (r) => label('holder', r.holder) },
    ...(phases
      ? [
          {
            key: 'yours',
            header: <FormattedMessage id="sponsorship.roles.held" />,
            value: (r: (typeof rows)[number]) => (phases.includes(r.phase) ? t('sponsorship.yes') : t('sponsorship.no')),
          },
        ]
      : []),
  ];
  return <DataTable caption={caption ?? t('sponsorship.roles.caption')} columns={columns} rows={rows} rowKey={(r) => r.phase} />;
}

/** A refusal of the API, with what its details name: the criteria refused (Charter art. 21), a household's problems. */
export function Refusal({ error }: { error: unknown }) {
  const { label } = useLabel();
  // A stale version is said as on every page.
  if (!(error instanceof ApiError) || isStale(error)) return <ErrorNotice error={error} />;
  const criteria = Array.isArray(error.details.criteria)
    ? (error.details.criteria as { criterion: string; label: string; characteristic: string; article: string }[])
    : [];
  return (
    <div className="notice notice-error" role="alert">
      <p>{error.message}</p>
      {criteria.length > 0 && (
        <ul>
          {criteria.map((c) => (
            <li key={c.criterion}>
              <FormattedMessage
                id="sponsorship.criteria.refused"
                values={{ label: c.label, characteristic: label('characteristic', c.characteristic), article: c.article }}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The messages of a sponsorship (P 17: channels kept open), and a form to write one. */
export function MessagesThread({ sponsorshipId, canWrite }: { sponsorshipId: number; canWrite: boolean }) {
  const { t, label, intl } = useLabel();
  const messages = useMessages(sponsorshipId);
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const id = useId();
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const body = String(new FormData(form).get('body') ?? '').trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    try {
      await calls.send(sponsorshipId, body);
      form.reset();
      setSent(true);
      await client.invalidateQueries({ queryKey: ['sponsorship', 'messages', sponsorshipId] });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>
        <FormattedMessage id="sponsorship.messages.title" />
      </h2>
      {messages.status !== 'success' ? (
        <NotReady query={messages} />
      ) : messages.data.length === 0 ? (
        <p>
          <FormattedMessage id="sponsorship.messages.none" />
        </p>
      ) : (
        <ol className="messages">
          {messages.data.map((m) => (
            <li key={m.id}>
              <p>
                <strong>{label('side', m.side)}</strong> · {m.author} · <time dateTime={m.at}>{formatMoment(intl, m.at)}</time>
              </p>
              <p>{m.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canWrite && (
        <form className="form" onSubmit={submit} noValidate>
          <div className="field">
            <label htmlFor={id}>
              <FormattedMessage id="sponsorship.messages.body" />
            </label>
            <textarea id={id} name="body" rows={3} maxLength={4000} required />
          </div>
          <div>
            <button type="submit" disabled={busy}>
              <FormattedMessage id="sponsorship.messages.send" />
            </button>
          </div>
          {sent && !error && <p role="status">{t('sponsorship.messages.sent')}</p>}
          {error !== null && <Refusal error={error} />}
        </form>
      )}
    </section>
  );
}
