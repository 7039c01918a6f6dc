import { useId } from 'react';
import { Button } from '../ui/components';
import { useModalDialog } from '../ui/useModalDialog';

/**
 * Asks before something that cannot be undone (e.g. removing everyone): a modal dialog whose
 * `confirm` button acts and whose Cancel (or Escape) does not. Focus goes back to the opener.
 */
export function ConfirmDialog({
  open,
  title,
  message,
  confirm,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  message: string;
  /** The confirming button's text, which says what it does. */
  confirm: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const { ref, close } = useModalDialog(open, onClose);
  const id = useId();

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-message`}
      onClose={close}
    >
      <div className="dialog-body">
        <h2 id={`${id}-title`}>{title}</h2>
        <p id={`${id}-message`} className="muted-dark">
          {message}
        </p>
        <div className="dialog-actions confirm-actions">
          {/* Cancel first and focused first: the safe choice is the default one. */}
          <Button variant="ghost-dark" onClick={close} autoFocus>
            Cancel
          </Button>
          <Button
            variant="danger"
            onClick={() => {
              onConfirm();
              close();
            }}
          >
            {confirm}
          </Button>
        </div>
      </div>
    </dialog>
  );
}
