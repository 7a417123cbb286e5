import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function CasePage() {
  return <PageHeader title={<FormattedMessage id="nav.cases" />} />;
}
