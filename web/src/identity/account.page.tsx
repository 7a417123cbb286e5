import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function AccountPage() {
  return <PageHeader title={<FormattedMessage id="app.signedInAs" />} />;
}
