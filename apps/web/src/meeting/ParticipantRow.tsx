import type { Codeword, Participant } from '@conclave/client';
import { Button } from '../ui/components';
import { CameraIcon, CameraOffIcon, HandIcon, MicIcon, MicOffIcon } from '../ui/icons';
import { kindMark, type RemoteActions } from './moderation';

/** What a moderator's button in a row asks of the room, for one participant. */
export type RowAction = 'mute' | 'stopCamera' | 'allowUnmute' | 'allowCamera' | 'remove' | 'make' | 'unmake';

/**
 * One person in the Participants panel: name, "(you)", Guest and Moderator marks, microphone and
 * camera state (in words for screen readers, not by icon alone), the Codeword under E2EE, and for a
 * moderator the buttons that act on them. Buttons carry the person's name in their accessible name,
 * since a list of "Mute" buttons says nothing to someone who cannot see the rows.
 */
export function ParticipantRow({
  participant,
  name,
  isSelf,
  codeword,
  actions,
  onAction,
  pinned,
  onTogglePin,
  onLowerHand,
}: {
  participant: Participant;
  name: string;
  isSelf: boolean;
  /** Only in an E2EE meeting: their Codeword, null while the group holds none for them. */
  codeword: Codeword | null | undefined;
  actions: RemoteActions | null;
  onAction: (action: RowAction) => void;
  pinned: boolean;
  onTogglePin: () => void;
  /** Lowers their raised hand: one's own, or a moderator's for anyone; absent when not allowed. */
  onLowerHand: (() => void) | null;
}) {
  const micOn = participant.isMicrophoneEnabled;
  const camOn = participant.isCameraEnabled;
  // Until the server has told who this is (an id), its kind is not known either.
  const mark = participant.id === '' ? null : kindMark(participant.kind);
  return (
    <li
      className="panel-person"
      data-testid="participant-row"
      data-participant-id={participant.id}
      data-self={isSelf ? 'true' : 'false'}
      data-hand={participant.isHandRaised ? 'raised' : undefined}
    >
      <div className="panel-person-line">
        {participant.isHandRaised && (
          <span className="panel-hand" title="Hand raised">
            <HandIcon size={16} />
            <span className="sr-only">Hand raised</span>
          </span>
        )}
        <bdi className="panel-name">{name}</bdi>
        {isSelf && <span className="panel-you">(you)</span>}
        {mark && <span className="panel-mark">{mark}</span>}
        {participant.isModerator && <span className="panel-mark panel-mark-moderator">Moderator</span>}
        <span className="panel-media">
          <span title={micOn ? 'Microphone on' : 'Microphone muted'} data-microphone={micOn ? 'on' : 'off'}>
            {micOn ? <MicIcon size={16} /> : <MicOffIcon size={16} />}
            <span className="sr-only">{micOn ? 'Microphone on' : 'Microphone muted'}</span>
          </span>
          <span title={camOn ? 'Camera on' : 'Camera off'} data-camera={camOn ? 'on' : 'off'}>
            {camOn ? <CameraIcon size={16} /> : <CameraOffIcon size={16} />}
            <span className="sr-only">{camOn ? 'Camera on' : 'Camera off'}</span>
          </span>
        </span>
      </div>
      {codeword !== undefined && (
        <div className="panel-codeword">
          {codeword ? (
            <>
              <span className="sr-only">Codeword:</span>
              <span className="codeword-text" data-testid="codeword">
                {codeword.text}
              </span>
            </>
          ) : (
            <span className="muted-dark">No Codeword: waiting for keys</span>
          )}
        </div>
      )}
      <div className="panel-actions">
        {participant.id && (
          <Button
            size="sm"
            variant="ghost-dark"
            aria-label={`${pinned ? 'Unpin' : 'Pin'} ${name}`}
            onClick={onTogglePin}
          >
            {pinned ? 'Unpin' : 'Pin'}
          </Button>
        )}
        {participant.isHandRaised && onLowerHand && (
          <Button size="sm" variant="ghost-dark" aria-label={`Lower hand, ${name}`} onClick={onLowerHand}>
            Lower hand
          </Button>
        )}
      </div>
      {actions && <RowButtons name={name} actions={actions} onAction={onAction} />}
    </li>
  );
}

function RowButtons({
  name,
  actions,
  onAction,
}: {
  name: string;
  actions: RemoteActions;
  onAction: (action: RowAction) => void;
}) {
  // Short visible words; the accessible name says whom each acts on, after those words (a name that
  // contains the visible words is what speech input users say: WCAG 2.5.3).
  const buttons: { action: RowAction; show: boolean; label: string; text: string }[] = [
    { action: 'mute', show: actions.mute, label: `Mute ${name}`, text: 'Mute' },
    { action: 'stopCamera', show: actions.stopCamera, label: `Stop camera, ${name}`, text: 'Stop camera' },
    {
      action: 'allowUnmute',
      show: actions.allowUnmute,
      label: `Allow unmute, ${name}`,
      text: 'Allow unmute',
    },
    {
      action: 'allowCamera',
      show: actions.allowCamera,
      label: `Allow camera, ${name}`,
      text: 'Allow camera',
    },
    {
      action: 'make',
      show: actions.moderator === 'make',
      label: `Make moderator, ${name}`,
      text: 'Make moderator',
    },
    {
      action: 'unmake',
      show: actions.moderator === 'unmake',
      label: `Remove as moderator, ${name}`,
      text: 'Remove as moderator',
    },
    { action: 'remove', show: actions.remove, label: `Remove ${name}`, text: 'Remove' },
  ];
  return (
    <div className="panel-actions" role="group" aria-label={`Moderate ${name}`}>
      {buttons
        .filter((b) => b.show)
        .map((b) => (
          <Button
            key={b.action}
            size="sm"
            variant={b.action === 'remove' ? 'danger' : 'ghost-dark'}
            aria-label={b.label}
            title={b.label}
            onClick={() => onAction(b.action)}
          >
            {b.text}
          </Button>
        ))}
    </div>
  );
}
