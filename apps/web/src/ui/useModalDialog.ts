import { useEffect, useRef, type RefObject } from 'react';

/**
 * A `<dialog>` shown modally while `open`: focus moves into it (to `focusOnOpen` when given, else the
 * browser's choice) and, when it closes through `close`, back to what had it before.
 */
export function useModalDialog(
  open: boolean,
  onClose: () => void,
  focusOnOpen?: RefObject<HTMLElement | null>,
): { ref: RefObject<HTMLDialogElement | null>; close: () => void } {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<Element | null>(null);

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
      focusOnOpen?.current?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open, focusOnOpen]);

  const close = () => {
    onClose();
    if (opener.current instanceof HTMLElement) opener.current.focus();
    opener.current = null;
  };
  return { ref, close };
}
