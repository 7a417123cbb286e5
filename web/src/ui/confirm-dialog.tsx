import { useRef, type ReactNode } from 'react';
import { FormattedMessage } from 'react-intl';
import { Modal } from './modal.tsx';

/**
 * A yes/no confirmation in the shared modal dialog: focus starts on Cancel (the harmless choice),
 * Escape or Cancel closes it, and focus goes back to what opened it.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: ReactNode;
  children: ReactNode;
  confirmLabel: ReactNode;
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  if (!props.open) return null;
  return (
    <Modal title={props.title} onClose={props.onClose} dialogRef={dialog} initialFocus={cancel}>
      {props.children}
      <div className="downloads">
        <button type="button" className="button-danger" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" className="button-secondary" ref={cancel} onClick={() => dialog.current?.close()}>
          <FormattedMessage id="common.cancel" />
        </button>
      </div>
    </Modal>
  );
}
