import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function RoundsPage() {
  return <PageHeader title={<FormattedMessage id="nav.rounds" />} />;
}
