import { FormattedMessage } from 'react-intl';
import type { ProgrammeStatus } from './programmes.api.ts';

const KIND: Record<ProgrammeStatus, string> = {
  planned: 'badge',
  active: 'badge badge-success',
  suspended: 'badge badge-warning',
  closed: 'badge badge-danger',
};

/** A programme's status as a badge: its word, never its colour alone. */
export const StatusBadge = ({ status }: { status: ProgrammeStatus }) => (
  <span className={KIND[status]}>
    <FormattedMessage id={`programmes.status.${status}`} />
  </span>
);
