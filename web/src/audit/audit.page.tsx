import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function AuditPage() {
  return <PageHeader title={<FormattedMessage id="nav.audit" />} />;
}
