import type { ReactNode } from 'react';
import { FormattedMessage } from 'react-intl';

/** Loading, failure and empty states, said the same way on every page (and announced to screen readers). */
export const Loading = () => (
  <p className="loading" role="status">
    <FormattedMessage id="common.loading" />
  </p>
);

export function ErrorNotice({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="notice notice-error" role="alert">
      <p>{message}</p>
    </div>
  );
}

export const Notice = ({ kind = 'info', children }: { kind?: 'info' | 'success' | 'warning'; children: ReactNode }) => (
  <div className={`notice notice-${kind}`} role={kind === 'info' ? 'status' : 'alert'}>
    {children}
  </div>
);

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1 id="page-title" tabIndex={-1}>
        {title}
      </h1>
      {children}
    </header>
  );
}
