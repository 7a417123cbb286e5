import { Link } from '@tanstack/react-router';
import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function NotFound() {
  return (
    <>
      <PageHeader title={<FormattedMessage id="app.notFound.title" />} />
      <p>
        <FormattedMessage id="app.notFound.body" />{' '}
        <Link to="/dashboard">
          <FormattedMessage id="nav.dashboard" />
        </Link>
      </p>
    </>
  );
}
