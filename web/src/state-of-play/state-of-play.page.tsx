import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function StateOfPlayPage() {
  return <PageHeader title={<FormattedMessage id="nav.stateOfPlay" />} />;
}
