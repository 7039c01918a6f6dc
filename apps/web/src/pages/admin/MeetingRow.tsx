import type { DirectoryMeetingEntry, MeetingView } from '@conclave/protocol';
import { useState } from 'react';
import { deleteMeeting, removeMeetingPasscode, updateMeeting } from '../../api/endpoints';
import { Button } from '../../ui/components';
import { E2eeBadge } from '../../ui/e2ee';
import { HiddenMark } from '../../ui/marks';
import { RenameMeetingForm } from './RenameMeetingForm';
import { DeleteWithConfirmation, useRowActions } from './rowActions';

/** The row's entry with what the server answered about the meeting after a change. */
const withView = (entry: DirectoryMeetingEntry, view: MeetingView): DirectoryMeetingEntry => ({
  ...entry,
  name: view.name,
  description: view.description,
  extension: view.extension,
  joinUrl: view.joinUrl,
  e2ee: view.e2ee,
  hasPasscode: view.hasPasscode,
  oneTime: view.oneTime,
  hidden: view.hidden,
  streaming: view.streaming,
});

/**
 * One meeting of the Meetings table, with what a Superuser or Administrator may do to any meeting.
 * Each action's answer replaces the row; a refusal goes to `onError` (null clears it).
 */
export function MeetingRow({
  meeting,
  onChanged,
  onDeleted,
  onError,
}: {
  meeting: DirectoryMeetingEntry;
  onChanged: (meeting: DirectoryMeetingEntry) => void;
  onDeleted: (id: string) => void;
  onError: (err: unknown) => void;
}) {
  const [renaming, setRenaming] = useState(false);
  const { name } = meeting;
  const actions = useRowActions(name, onError);
  const { action, busy } = actions;

  return (
    <>
      <tr data-testid="admin-meeting" data-meeting-id={meeting.id}>
        <th scope="row">
          <bdi>{name}</bdi>
        </th>
        <td>
          <bdi>{meeting.ownerName}</bdi>
        </td>
        <td>{meeting.extension}</td>
        <td>
          <span className="admin-marks">
            {meeting.e2ee && <E2eeBadge />}
            {meeting.hasPasscode && <span className="ext">Passcode</span>}
            {meeting.oneTime && <span className="ext">One-time</span>}
            {meeting.hidden && <HiddenMark />}
            {meeting.streaming && <span className="ext">Streaming</span>}
          </span>
        </td>
        <td>
          <div className="row-actions admin-actions">
            {/* A one-time meeting stays hidden: the server says it may not be shown (canHide). */}
            {meeting.canHide &&
              action(meeting.hidden ? 'Show in directory' : 'Hide from directory', async () =>
                onChanged(withView(meeting, await updateMeeting(meeting.id, { hidden: !meeting.hidden }))),
              )}
            <Button
              variant="ghost"
              size="sm"
              disabled={busy !== null}
              aria-label={`Rename, ${name}`}
              aria-expanded={renaming}
              onClick={() => {
                onError(null);
                setRenaming((r) => !r);
              }}
            >
              <span aria-hidden="true">Rename</span>
            </Button>
            {/* STREAM-TOGGLE: a Superuser or Administrator lets its owner stream it live (never under E2EE). */}
            {meeting.canSetStreaming &&
              (meeting.streaming || !meeting.e2ee) &&
              action(meeting.streaming ? 'Disable live streaming' : 'Enable live streaming', async () =>
                onChanged(
                  withView(meeting, await updateMeeting(meeting.id, { streaming: !meeting.streaming })),
                ),
              )}
            {meeting.hasPasscode &&
              action('Remove passcode', async () =>
                onChanged(withView(meeting, await removeMeetingPasscode(meeting.id))),
              )}
            <DeleteWithConfirmation
              name={name}
              message={`Everyone in ${name} is disconnected at once, and its link and extension stop working for ${meeting.ownerName} too. This cannot be undone.`}
              confirm="Delete meeting"
              actions={actions}
              onDelete={async () => {
                await deleteMeeting(meeting.id);
                onDeleted(meeting.id);
              }}
            />
          </div>
        </td>
      </tr>
      {renaming && (
        <tr className="admin-edit-row">
          <td colSpan={5}>
            <RenameMeetingForm
              meeting={meeting}
              onRenamed={(view) => {
                onChanged(withView(meeting, view));
                setRenaming(false);
              }}
              onCancel={() => setRenaming(false)}
              onError={onError}
            />
          </td>
        </tr>
      )}
    </>
  );
}
