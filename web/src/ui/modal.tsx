import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';

/**
 * A modal dialog on the native `<dialog>` with `showModal()`: the browser keeps focus inside,
 * Escape closes it, and closing puts focus back on what opened it. Mounted to open; `onClose`
 * (Escape, a Cancel button calling `close()`) lets the caller unmount it. A caller that changes
 * the page moves focus itself after `close()`.
 */
export function Modal(props: {
  title: ReactNode;
  /** What the dialog is for: read out with its title when it opens. */
  description?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  dialogRef?: RefObject<HTMLDialogElement | null>;
  /** Where focus goes when it opens (a confirmation: the harmless choice); the first control otherwise. */
  initialFocus?: RefObject<HTMLElement | null>;
  className?: string;
}) {
  const own = useRef<HTMLDialogElement>(null);
  const ref = props.dialogRef ?? own;
  const titleId = useId();
  const descriptionId = useId();
  // The latest onClose, without reopening the dialog when the caller passes a new function.
  const onClose = useRef(props.onClose);
  useEffect(() => {
    onClose.current = props.onClose;
  });

  // Opened once per mount: the props read here (initial focus, onClose through its ref) must not reopen it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: run on mount only, by design
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    props.initialFocus?.current?.focus();
    const closed = () => {
      // Development's double mount reopens it before this event arrives: only a real close counts.
      if (dialog.open) return;
      if (document.activeElement === document.body || document.activeElement === null) {
        // The opener may be gone (a disabled account's row has no button any more): then the page's title.
        (opener?.isConnected ? opener : document.getElementById('page-title'))?.focus();
      }
      onClose.current();
    };
    dialog.addEventListener('close', closed);
    return () => {
      dialog.removeEventListener('close', closed);
      if (dialog.open) dialog.close();
    };
  }, [ref]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={props.description ? descriptionId : undefined}
      className={props.className}
    >
      <h2 id={titleId}>{props.title}</h2>
      {props.description && <p id={descriptionId}>{props.description}</p>}
      {props.children}
    </dialog>
  );
}
