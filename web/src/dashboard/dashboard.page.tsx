import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function DashboardPage() {
  return <PageHeader title={<FormattedMessage id="nav.dashboard" />} />;
}
