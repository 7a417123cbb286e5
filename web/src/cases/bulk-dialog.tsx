import { useId, useRef, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { holdable, type CaseSummary, type StateCode } from './case-options.ts';
import { moveCases, type BulkOutcome } from './cases.api.ts';
import { useLabels } from './labels.ts';
import { Modal } from '../ui/modal.tsx';

export type BulkDone = BulkOutcome & { action: 'hold' | 'resume' };

/**
 * The confirmation of a hold or resumption of the chosen cases: how many it moves, which of the
 * choice it leaves as they are (a hold only before departure, a resumption only of cases on hold),
 * and the reason, which goes into each case's history.
 */
export function BulkDialog(props: {
  state: StateCode;
  action: 'hold' | 'resume';
  cases: CaseSummary[];
  onClose: () => void;
  onDone: (o: BulkDone) => void;
}) {
  const { state, action, cases } = props;
  const { t } = useLabels();
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = { reason: useId(), problem: useId() };
  const eligible = cases.filter((c) => (action === 'hold' ? holdable(c.status) : c.status === 'on_hold'));
  const left = cases.length - eligible.length;
  const [problem, setProblem] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const count = (n: number) => t('common.cases', { count: n });

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (progress !== null || eligible.length === 0) return;
    const reason = String(new FormData(e.currentTarget).get('reason') ?? '').trim();
    if (!reason) return setProblem(true);
    setProblem(false);
    setProgress(0);
    const outcome = await moveCases(state, eligible, action, reason, setProgress);
    dialog.current?.close();
    props.onDone({ ...outcome, action });
  };

  return (
    <Modal
      title={t(action === 'hold' ? 'cases.bulk.holdTitle' : 'cases.bulk.resumeTitle', { cases: count(eligible.length) })}
      description={<FormattedMessage id={action === 'hold' ? 'cases.bulk.holdExplain' : 'cases.bulk.resumeExplain'} />}
      onClose={props.onClose}
      dialogRef={dialog}
    >
      {left > 0 && (
        <p className="notice notice-warning">
          <FormattedMessage id={action === 'hold' ? 'cases.bulk.leftHold' : 'cases.bulk.leftResume'} values={{ cases: count(left) }} />
        </p>
      )}
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        {eligible.length > 0 && (
          <div className="field">
            <label htmlFor={ids.reason}>
              <FormattedMessage id="cases.dialog.reasonRequired" />
            </label>
            <textarea
              id={ids.reason}
              name="reason"
              rows={3}
              maxLength={2000}
              required
              aria-invalid={problem || undefined}
              aria-describedby={problem ? ids.problem : undefined}
            />
            {problem && (
              <p id={ids.problem} className="field-error" role="alert">
                <FormattedMessage id="cases.dialog.reasonMissing" />
              </p>
            )}
          </div>
        )}
        <p role="status" className="hint">
          {progress !== null && <FormattedMessage id="cases.bulk.working" values={{ done: progress, total: eligible.length }} />}
        </p>
        <div className="dialog-buttons">
          {eligible.length > 0 && (
            <button type="submit" aria-disabled={progress !== null}>
              <FormattedMessage
                id={action === 'hold' ? 'cases.bulk.holdConfirm' : 'cases.bulk.resumeConfirm'}
                values={{ cases: count(eligible.length) }}
              />
            </button>
          )}
          <button type="button" className="button-secondary" onClick={() => dialog.current?.close()}>
            <FormattedMessage id={eligible.length > 0 ? 'common.cancel' : 'common.close'} />
          </button>
        </div>
      </form>
    </Modal>
  );
}
