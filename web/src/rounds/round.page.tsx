import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function RoundPage() {
  return <PageHeader title={<FormattedMessage id="nav.rounds" />} />;
}
