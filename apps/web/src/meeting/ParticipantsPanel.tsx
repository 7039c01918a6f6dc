import type { Room } from '@conclave/client';
import { useState } from 'react';
import { AddPeople } from '../calls/AddPeople';
import { Button } from '../ui/components';
import { ConfirmDialog } from './ConfirmDialog';
import { remoteActions } from './moderation';
import { ParticipantRow, type RowAction } from './ParticipantRow';
import { WaitingList } from './WaitingList';

/** Raised hands first, in the order they went up; then everyone else as they were. */
function byRaisedHand<P extends { handRaisedAt: string | null }>(people: P[]): P[] {
  const raised = people
    .filter((p) => p.handRaisedAt !== null)
    .sort((a, b) => (a.handRaisedAt as string).localeCompare(b.handRaisedAt as string));
  return [...raised, ...people.filter((p) => p.handRaisedAt === null)];
}

/**
 * The Participants side panel: everyone in the meeting, this client first; for moderators also the
 * lobby (MEET-LOBBY), actions on each person (MEET-MOD-MUTE, MEET-MOD-REMOVE, MEET-MODERATORS) and on
 * everyone at once. The server decides in the end: refusals (`forbidden`) come back through `onError`.
 * Reads the room on every render; the stage re-renders it on the room's events.
 */
export function ParticipantsPanel({
  id,
  open,
  room,
  selfName,
  e2ee,
  joinUrl,
  onError,
  pinned,
  onTogglePin,
}: {
  id: string;
  open: boolean;
  room: Room;
  selfName: string;
  e2ee: boolean;
  /** The meeting's link (`…/m/<id>`): moderators ring people in or copy it (MEET-ADD). */
  joinUrl: string;
  onError: (message: string) => void;
  pinned: string | null;
  onTogglePin: (participantId: string) => void;
}) {
  const [confirmRemoveAll, setConfirmRemoveAll] = useState(false);
  const local = room.localParticipant;
  const remotes = byRaisedHand([...room.remoteParticipants.values()]);
  const moderator = local.isModerator;
  const group = room.e2ee;

  // Shows its own errors, so buttons need not wait for it.
  const run = (request: () => Promise<void>) => {
    try {
      request().catch((err: unknown) => onError(err instanceof Error ? err.message : 'That did not work'));
    } catch (err) {
      // The room throws at once when it is not in the meeting (e.g. reconnecting).
      onError(err instanceof Error ? err.message : 'That did not work');
    }
  };

  const act = (participantId: string, action: RowAction) => {
    const ids = [participantId];
    const requests: Record<RowAction, () => Promise<void>> = {
      mute: () => room.muteParticipants({ source: 'microphone', participantIds: ids, allowUnmute: false }),
      stopCamera: () => room.muteParticipants({ source: 'camera', participantIds: ids, allowUnmute: false }),
      allowUnmute: () => room.allowUnmute('microphone', ids),
      allowCamera: () => room.allowUnmute('camera', ids),
      remove: () => room.removeParticipants(ids),
      make: () => room.setModerator(participantId, true),
      unmake: () => room.setModerator(participantId, false),
    };
    run(requests[action]);
  };

  const standing = { isModerator: moderator, kind: local.kind };
  return (
    <aside id={id} className="participants-panel" aria-label="Participants" hidden={!open}>
      <div className="panel-head">
        <h2>
          Participants <span className="panel-count">{remotes.length + 1}</span>
        </h2>
      </div>

      {moderator && <AddPeople meetingId={joinUrl.split('/').pop() ?? ''} joinUrl={joinUrl} />}

      {moderator && (
        <WaitingList
          waiting={room.lobby}
          e2ee={e2ee}
          onAdmit={(ids) => run(() => room.admit(ids))}
          onReject={(ids) => run(() => room.reject(ids))}
        />
      )}

      <section className="panel-section" aria-labelledby={`${id}-people`}>
        <h3 id={`${id}-people`} className="sr-only">
          In the meeting
        </h3>
        <ul className="panel-list" data-testid="participant-list">
          <ParticipantRow
            participant={local}
            name={local.displayName || selfName}
            isSelf
            codeword={e2ee ? (group?.ownCodeword ?? null) : undefined}
            actions={null}
            onAction={() => undefined}
            pinned={pinned === local.id}
            onTogglePin={() => onTogglePin(local.id)}
            // The control bar's "Lower hand" does it for oneself.
            onLowerHand={null}
          />
          {remotes.map((p) => (
            <ParticipantRow
              key={p.id}
              participant={p}
              name={p.displayName}
              isSelf={false}
              codeword={e2ee ? (group?.codewords.get(p.id) ?? null) : undefined}
              actions={remoteActions(standing, {
                isModerator: p.isModerator,
                microphoneOn: p.isMicrophoneEnabled,
                cameraOn: p.isCameraEnabled,
              })}
              onAction={(action) => act(p.id, action)}
              pinned={pinned === p.id}
              onTogglePin={() => onTogglePin(p.id)}
              onLowerHand={moderator ? () => run(() => room.lowerHand(p.id)) : null}
            />
          ))}
        </ul>
      </section>

      {moderator && (
        <section className="panel-section panel-everyone" aria-labelledby={`${id}-everyone`}>
          <h3 id={`${id}-everyone`}>Everyone but moderators</h3>
          <div className="panel-actions">
            <Button
              size="sm"
              variant="ghost-dark"
              onClick={() => run(() => room.muteParticipants({ source: 'microphone', allowUnmute: false }))}
            >
              Mute all
            </Button>
            <Button
              size="sm"
              variant="ghost-dark"
              onClick={() => run(() => room.muteParticipants({ source: 'camera', allowUnmute: false }))}
            >
              Stop all cameras
            </Button>
            {/* Both sources: whoever a moderator locked, by microphone or camera, may turn it on again. */}
            <Button
              size="sm"
              variant="ghost-dark"
              onClick={() =>
                run(async () => {
                  await room.allowUnmute('microphone');
                  await room.allowUnmute('camera');
                })
              }
            >
              Allow all to unmute
            </Button>
            <Button
              size="sm"
              variant="danger"
              aria-haspopup="dialog"
              onClick={() => setConfirmRemoveAll(true)}
            >
              Remove all
            </Button>
          </div>
        </section>
      )}

      <ConfirmDialog
        open={confirmRemoveAll}
        title="Remove everyone?"
        message="Everyone but the moderators leaves the meeting at once. They can join again (through the lobby, if the meeting has one)."
        confirm="Remove everyone"
        onConfirm={() => run(() => room.removeParticipants())}
        onClose={() => setConfirmRemoveAll(false)}
      />
    </aside>
  );
}
