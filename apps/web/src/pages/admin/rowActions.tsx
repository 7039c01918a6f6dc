import { useState } from 'react';
import { ConfirmDialog } from '../../meeting/ConfirmDialog';
import { Button } from '../../ui/components';

/**
 * A table row's actions on one thing named `name`: one at a time (the others wait), each button named
 * "<label>, <name>" for screen readers, a refusal handed to `onError` (null clears it first).
 */
export function useRowActions(name: string, onError: (err: unknown) => void) {
  const [busy, setBusy] = useState<string | null>(null);

  // Shows its own errors (through onError), so the buttons need not wait for it.
  const run = async (label: string, act: () => Promise<void>) => {
    setBusy(label);
    onError(null);
    try {
      await act();
    } catch (err) {
      onError(err);
    } finally {
      setBusy(null);
    }
  };

  const action = (label: string, act: () => Promise<void>) => (
    <Button
      variant="ghost"
      size="sm"
      busy={busy === label}
      disabled={busy !== null}
      aria-label={`${label}, ${name}`}
      onClick={() => void run(label, act)}
    >
      <span aria-hidden="true">{label}</span>
    </Button>
  );

  return { busy, run, action };
}

/** "Delete, <name>", which asks first: `message` says what goes, `confirm` names the button that does it. */
export function DeleteWithConfirmation({
  name,
  message,
  confirm,
  actions,
  onDelete,
}: {
  name: string;
  message: string;
  confirm: string;
  actions: ReturnType<typeof useRowActions>;
  onDelete: () => Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <Button
        variant="ghost"
        size="sm"
        className="btn-icon-danger"
        busy={actions.busy === 'Delete'}
        disabled={actions.busy !== null}
        aria-label={`Delete, ${name}`}
        onClick={() => setConfirming(true)}
      >
        <span aria-hidden="true">Delete</span>
      </Button>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${name}?`}
        message={message}
        confirm={confirm}
        onConfirm={() => void actions.run('Delete', onDelete)}
        onClose={() => setConfirming(false)}
      />
    </>
  );
}
