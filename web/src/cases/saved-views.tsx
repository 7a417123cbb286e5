import { useQueryClient } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useId, useRef, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { ErrorNotice } from '../ui/status.tsx';
import type { Filters } from './case-options.ts';
import { deleteView, saveView, useSavedViews } from './cases.api.ts';
import { useLabels } from './labels.ts';

const same = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

/**
 * The caller's saved views of the list: the filters under a name, kept on the server per account
 * (never in the browser). Opening one is following its link. Not shown where the server has no
 * saved views.
 */
export function SavedViews({ query }: { query: Filters }) {
  const { t } = useLabels();
  const views = useSavedViews();
  const client = useQueryClient();
  const nameId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const current = Object.fromEntries(Object.entries(query).filter((e): e is [string, string] => typeof e[1] === 'string'));

  if (views.isPending || views.data === null) return null;

  const run = async (work: () => Promise<string>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      setMessage(await work());
      await client.invalidateQueries({ queryKey: ['views', 'cases'] });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const name = String(new FormData(form).get('name') ?? '').trim();
    if (!name) {
      setMessage(null);
      setError(new Error(t('cases.views.nameMissing')));
      return;
    }
    void run(async () => {
      const saved = await saveView(name, current);
      form.reset();
      return t('cases.views.saved', { name: saved.name });
    });
  };

  const remove = (id: number, name: string) =>
    void run(async () => {
      await deleteView(id);
      // The button is gone with the view: focus goes back to the panel's title.
      heading.current?.focus();
      return t('cases.views.deleted', { name });
    });

  return (
    <section className="panel" aria-labelledby="saved-views">
      <h2 id="saved-views" ref={heading} tabIndex={-1}>
        <FormattedMessage id="cases.views.heading" />
      </h2>
      <div role="status">{message && <p className="hint">{message}</p>}</div>
      {error !== null && <ErrorNotice error={error} />}
      {views.isError ? (
        <ErrorNotice error={views.error} />
      ) : views.data.length === 0 ? (
        <p>
          <FormattedMessage id="cases.views.none" />
        </p>
      ) : (
        <ul className="views-list">
          {views.data.map((v) => (
            <li key={v.id}>
              <Link to="/cases" search={v.params} aria-current={same(v.params, current) ? 'true' : undefined}>
                {v.name}
              </Link>
              <button type="button" className="button-link" onClick={() => remove(v.id, v.name)}>
                <FormattedMessage id="cases.views.delete" />
                <span className="visually-hidden"> {v.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="views-save" onSubmit={save} noValidate>
        <div className="field">
          <label htmlFor={nameId}>
            <FormattedMessage id="cases.views.name" />
          </label>
          <input id={nameId} name="name" maxLength={80} autoComplete="off" required />
        </div>
        <button type="submit" aria-disabled={busy}>
          <FormattedMessage id="cases.views.save" />
        </button>
      </form>
    </section>
  );
}
