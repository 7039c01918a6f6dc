import type { RecordingView } from '@conclave/protocol';
import { useState } from 'react';
import { deleteRecording } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { ConfirmDialog } from '../meeting/ConfirmDialog';
import { Button } from '../ui/components';
import { TrashIcon } from '../ui/icons';
import { startedText } from './format';

/** Deleting a recording, for its owner or a Superuser or Administrator, once they confirm it. */
export function DeleteRecording({
  view,
  onDeleted,
  onError,
}: {
  view: RecordingView;
  onDeleted: () => void;
  onError: (message: string) => void;
}) {
  const errorText = useApiErrorText();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  // Shows its own errors, so the dialog need not wait for it.
  const remove = async () => {
    setBusy(true);
    try {
      await deleteRecording(view.id);
      onDeleted();
    } catch (err) {
      onError(errorText(err));
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant="danger" size="sm" busy={busy} onClick={() => setConfirming(true)}>
        <TrashIcon size={16} />
        Delete recording
      </Button>
      <ConfirmDialog
        open={confirming}
        title="Delete this recording?"
        message={`The recording of “${view.meetingName}” from ${startedText(view.startedAt)} is deleted for everyone who can view it, its link included. This cannot be undone.`}
        confirm="Delete recording"
        onConfirm={() => void remove()}
        onClose={() => setConfirming(false)}
      />
    </>
  );
}
