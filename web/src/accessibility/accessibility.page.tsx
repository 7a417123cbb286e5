import { FormattedMessage } from 'react-intl';
import { PageHeader } from '../ui/status.tsx';

export function AccessibilityPage() {
  return <PageHeader title={<FormattedMessage id="nav.accessibility" />} />;
}
