import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function UsersPage() {
  return <PageHeader title={<FormattedMessage id="nav.users" />} />;
}
