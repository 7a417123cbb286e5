import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function CasesPage() {
  return <PageHeader title={<FormattedMessage id="nav.cases" />} />;
}
