import type { MeetingInviteView, MeetingView } from '@conclave/protocol';
import { useEffect, useId, useState } from 'react';
import { getMeetingInvite } from '../api/endpoints';
import { useApiErrorText } from '../app/session';
import { Alert, Button, CopyButton, Spinner } from '../ui/components';
import { useModalDialog } from '../ui/useModalDialog';

/** A file name from the meeting's name: letters and digits kept, the rest dashes. */
const fileName = (name: string) =>
  `${
    name
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'meeting'
  }.ics`;

/**
 * "Invite" on a meeting (ADM-INVITE): the invitation as copyable text (link, extension, passcode
 * policy, dial-in numbers and call details as the organisation configured them; never the passcode)
 * and, for a scheduled meeting, a calendar file to download.
 */
export function InviteDialog({ meeting, onClose }: { meeting: MeetingView; onClose: () => void }) {
  const id = useId();
  const handle = useApiErrorText();
  const { ref, close } = useModalDialog(true, onClose);
  const [invite, setInvite] = useState<MeetingInviteView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    getMeetingInvite(meeting.id).then(
      (view) => !cancelled && setInvite(view),
      (err: unknown) => !cancelled && setError(handle(err)),
    );
    return () => {
      cancelled = true;
    };
  }, [meeting.id, handle]);

  const download = (ics: string) => {
    const url = URL.createObjectURL(new Blob([ics], { type: 'text/calendar' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = fileName(meeting.name);
    link.click();
    // After the click has handed the file to the browser's download.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  return (
    <dialog
      ref={ref}
      className="dialog page-dialog"
      aria-labelledby={`${id}-title`}
      onClose={close}
      onClick={(e) => e.target === ref.current && close()}
    >
      <div className="dialog-body">
        <h2 id={`${id}-title`}>
          Invite to <bdi>{meeting.name}</bdi>
        </h2>
        {error && <Alert>{error}</Alert>}
        {!invite && !error && <Spinner label="Loading the invitation" />}
        {invite && (
          <>
            <div className="field">
              <label htmlFor={`${id}-text`}>Invitation</label>
              <textarea
                id={`${id}-text`}
                className="invite-text"
                readOnly
                rows={Math.min(16, invite.text.split('\n').length + 1)}
                value={invite.text}
                onFocus={(e) => e.target.select()}
              />
              <p className="field-hint">
                Paste it into an email or chat. It never holds the passcode: share that separately.
              </p>
            </div>
            <div className="dialog-actions invite-actions">
              <CopyButton text={invite.text} label="Copy invitation" variant="secondary" size="md" />
              {invite.ics !== null && <Button onClick={() => download(invite.ics!)}>Download .ics</Button>}
              <Button variant="primary" onClick={close}>
                Close
              </Button>
            </div>
          </>
        )}
        {!invite && (
          <div className="dialog-actions">
            <Button variant="primary" onClick={close}>
              Close
            </Button>
          </div>
        )}
      </div>
    </dialog>
  );
}
