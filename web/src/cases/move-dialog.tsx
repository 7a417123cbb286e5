import { useId, useRef, useState, type FormEvent } from 'react';
import { FormattedMessage } from 'react-intl';
import { ErrorNotice, isStale, StaleNotice } from '../ui/status.tsx';
import { MODALITIES, needsOf, today, type CaseView, type Move, type StateCode, type Status, type Transition } from './case-options.ts';
import { moveCase, type TransitionInput } from './cases.api.ts';
import { useLabels } from './labels.ts';
import { Modal } from '../ui/modal.tsx';

export type MoveOutcome = { kind: 'moved'; from: Status; to: Status; arrived: number } | { kind: 'reload' };

/**
 * The confirmation of one move: what it does, and what it needs (the day, a reason where the rules
 * ask one, how the case is reviewed, the members a split decision accepts). Sent with If-Match =
 * the ETag the case was read at: if someone changed the case meanwhile (412) it says so and offers
 * to reload; any other refusal shows the server's message.
 */
export function MoveDialog(props: {
  state: StateCode;
  view: CaseView;
  etag: string;
  move: Move;
  onClose: () => void;
  onDone: (o: MoveOutcome) => void;
}) {
  const { state, view, etag, move } = props;
  const { label, t } = useLabels();
  const needs = needsOf(move);
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = { on: useId(), reason: useId(), modality: useId(), problem: useId() };
  const members = (view.members ?? []).filter((m) => m.personRef && !m.excludedReason);
  const [accepted, setAccepted] = useState<Set<string>>(() => new Set(members.map((m) => m.personRef!)));
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const split = needs.members && accepted.size < members.length;
  const reasonRequired = needs.reason || split;
  const stale = isStale(error);
  const title = move.action === 'resume' ? t('cases.move.resume', { stage: label('status', move.to) }) : t(`cases.move.${move.to}`);

  const finish = (outcome: MoveOutcome) => {
    // Closed first (focus goes back to the opener), then the caller moves focus to the result.
    dialog.current?.close();
    props.onDone(outcome);
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy || stale) return;
    const form = new FormData(e.currentTarget);
    const reason = String(form.get('reason') ?? '').trim();
    const modality = String(form.get('modality') ?? '');
    const on = String(form.get('on') ?? '');
    setError(null);
    if (needs.members && accepted.size === 0) return setProblem(t('cases.dialog.membersNone'));
    if (reasonRequired && !reason) return setProblem(t(split ? 'cases.dialog.reasonSplit' : 'cases.dialog.reasonMissing'));
    setProblem(null);
    const input: TransitionInput = {
      ...(on ? { on } : {}),
      ...(reason ? { reason } : {}),
      ...(modality ? { modality: modality as NonNullable<Transition['modality']> } : {}),
      ...(split ? { members: [...accepted] } : {}),
    };
    setBusy(true);
    try {
      const r = await moveCase(state, view.caseRef!, etag, move, input);
      finish({ kind: 'moved', from: r.from, to: r.to, arrived: r.arrived });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      title={title}
      description={
        <FormattedMessage
          id={`cases.explain.${move.action === 'resume' ? 'resume' : move.to}`}
          values={{ ref: view.caseRef, stage: label('status', move.to) }}
        />
      }
      onClose={props.onClose}
      dialogRef={dialog}
      className="move-dialog"
    >
      <form onSubmit={(e) => void submit(e)} className="form" noValidate>
        <div className="field">
          <label htmlFor={ids.on}>
            <FormattedMessage id="cases.dialog.on" />
          </label>
          <input id={ids.on} name="on" type="date" defaultValue={today()} min={view.statusOn ?? undefined} max={today()} required />
        </div>
        {needs.modality && (
          <div className="field">
            <label htmlFor={ids.modality}>
              <FormattedMessage id={needs.modality === 'review' ? 'cases.dialog.modalityReview' : 'cases.dialog.modalityOrientation'} />
            </label>
            <select id={ids.modality} name="modality" defaultValue="">
              <option value="">{t('cases.dialog.modalityNone')}</option>
              {MODALITIES.filter((m) => needs.modality === 'review' || m !== 'dossier').map((m) => (
                <option key={m} value={m}>
                  {label('modality', m)}
                </option>
              ))}
            </select>
          </div>
        )}
        {needs.members && members.length > 1 && (
          <fieldset className="field">
            <legend>
              <FormattedMessage id="cases.dialog.members" />
            </legend>
            <p className="hint">
              <FormattedMessage id="cases.dialog.membersHint" />
            </p>
            {members.map((m) => (
              <label key={m.personRef} className="check">
                <input
                  type="checkbox"
                  checked={accepted.has(m.personRef!)}
                  onChange={(e) => {
                    const next = new Set(accepted);
                    if (e.target.checked) next.add(m.personRef!);
                    else next.delete(m.personRef!);
                    setAccepted(next);
                  }}
                />{' '}
                {m.personRef} ({label('relationship', m.relationship)}, {m.birthYear ?? '—'})
              </label>
            ))}
          </fieldset>
        )}
        <div className="field">
          <label htmlFor={ids.reason}>
            <FormattedMessage id={reasonRequired ? 'cases.dialog.reasonRequired' : 'cases.dialog.reasonOptional'} />
          </label>
          <textarea
            id={ids.reason}
            name="reason"
            rows={3}
            maxLength={2000}
            required={reasonRequired}
            aria-invalid={problem !== null && reasonRequired ? true : undefined}
            aria-describedby={problem ? ids.problem : undefined}
          />
        </div>
        {problem && (
          <p id={ids.problem} className="field-error" role="alert">
            {problem}
          </p>
        )}
        {stale ? (
          <StaleNotice
            message={<FormattedMessage id="cases.stale" />}
            reload={{ label: <FormattedMessage id="cases.reload" />, onClick: () => finish({ kind: 'reload' }) }}
          />
        ) : (
          error !== null && <ErrorNotice error={error} />
        )}
        <div className="dialog-buttons">
          {!stale && (
            <button
              type="submit"
              aria-disabled={busy}
              className={move.to === 'withdrawn' || move.to === 'rejected' ? 'button-danger' : undefined}
            >
              <FormattedMessage id="cases.dialog.confirm" values={{ action: title }} />
            </button>
          )}
          <button type="button" className="button-secondary" onClick={() => dialog.current?.close()}>
            <FormattedMessage id="common.cancel" />
          </button>
        </div>
      </form>
    </Modal>
  );
}
