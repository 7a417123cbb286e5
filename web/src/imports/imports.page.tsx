import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function ImportsPage() {
  return <PageHeader title={<FormattedMessage id="nav.imports" />} />;
}
