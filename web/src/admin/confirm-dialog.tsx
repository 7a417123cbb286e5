import { useEffect, useId, useRef, type ReactNode } from 'react';
import { FormattedMessage } from 'react-intl';

/**
 * A confirmation in the browser's own modal dialog (`<dialog>` opened with showModal): focus moves
 * into it (on Cancel, the harmless choice), the rest of the page is inert, Escape closes it, and
 * focus goes back to the element that opened it (or to the page's title where that is gone).
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
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const opener = useRef<Element | null>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (props.open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
      cancel.current?.focus();
    } else if (!props.open && dialog.open) {
      dialog.close();
    }
  }, [props.open]);

  // Escape (the 'cancel' event) and close() both end in 'close': the parent learns, focus returns.
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const onClose = () => {
      props.onClose();
      // The opener may be gone (a disabled account's row has no button any more): then the page's title.
      const back = opener.current instanceof HTMLElement && opener.current.isConnected ? opener.current : document.getElementById('page-title');
      back?.focus();
    };
    dialog.addEventListener('close', onClose);
    return () => dialog.removeEventListener('close', onClose);
  }, [props.onClose]);

  return (
    <dialog ref={ref} aria-labelledby={titleId} aria-describedby={bodyId}>
      <h2 id={titleId}>{props.title}</h2>
      <div id={bodyId}>{props.children}</div>
      <div className="downloads">
        <button type="button" className="button-danger" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" className="button-secondary" ref={cancel} onClick={() => ref.current?.close()}>
          <FormattedMessage id="common.cancel" />
        </button>
      </div>
    </dialog>
  );
}
