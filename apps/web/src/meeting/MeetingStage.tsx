import { EffectError, type ConnectionState, type Room } from '@conclave/client';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { Button, CopyButton, Spinner } from '../ui/components';
import { AlertIcon, SpeakerOffIcon, UsersIcon } from '../ui/icons';
import {
  noiseSuppressionPreferred,
  STRONG_NOISE_UNAVAILABLE,
  strongNoiseSuppressionPreferred,
} from './audioPreferences';
import { ChatPanel } from './ChatPanel';
import { ControlBar } from './ControlBar';
import { CaptureMarks, useCaptureCues } from './Capture';
import { E2eeIndicator, E2eeWarning } from './E2eeIndicator';
import { ParticipantsPanel } from './ParticipantsPanel';
import { ParticipantTile } from './ParticipantTile';
import { RemoteAudio } from './RemoteAudio';
import { ScreenShareTile } from './ScreenShareTile';
import { SettingsDialog } from './SettingsDialog';
import { EFFECTS_UNAVAILABLE } from './backgroundEffect';
import { ShortcutsDialog } from './ShortcutsDialog';
import type { ChosenLayout, StageTile } from './stageLayout';
import { StageView } from './StageView';
import { useChatCues, useChatVersion } from './useChat';
import { useModerationCues } from './useModerationCues';
import { useRoomVersion } from './useRoom';
import { useStage } from './useStage';
import { VerifyDialog } from './VerifyDialog';

interface Toast {
  id: number;
  message: string;
}

/**
 * The meeting itself: a dark stage with everyone's tiles and the controls; in an E2EE meeting also
 * the lock, each tile's Codeword and the Verify dialog. The Participants panel opens beside the tiles.
 */
export function MeetingStage({
  room,
  meetingName,
  joinUrl,
  selfName,
  joining,
  e2ee,
  defaultLayout,
  onLeave,
}: {
  room: Room;
  /** The organisation's default layout, for whoever has not chosen one on this device (MEET-LAYOUT). */
  defaultLayout: ChosenLayout;
  meetingName: string;
  /** The meeting is end-to-end encrypted. */
  e2ee: boolean;
  joinUrl: string;
  selfName: string;
  /** Joining has started but the room may not be connecting yet (e.g. fetching a guest token). */
  joining: boolean;
  onLeave: () => void;
}) {
  useRoomVersion(room);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [verifyOpen, setVerifyOpen] = useState(false);
  const [shortcutsOpen, setShortcutsOpen] = useState(false);
  const [speakerId, setSpeakerId] = useState<string | undefined>();
  const [audioBlocked, setAudioBlocked] = useState(false);
  const [toasts, setToasts] = useState<Toast[]>([]);
  const nextToast = useRef(1);

  const toast = useCallback((message: string) => {
    const id = nextToast.current++;
    setToasts((t) => [...t.filter((x) => x.message !== message), { id, message }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), 6000);
  }, []);

  const [effectsUnavailable, setEffectsUnavailable] = useState(false);
  useEffect(
    () =>
      room.on('error', (err) => {
        if (err.code !== 'effect_unavailable') return toast(err.message);
        if (err instanceof EffectError && err.source === 'microphone') return toast(STRONG_NOISE_UNAVAILABLE);
        // The camera goes out without its background effect; Settings says why too.
        setEffectsUnavailable(true);
        toast(EFFECTS_UNAVAILABLE);
      }),
    [room, toast],
  );
  // The browser's own suppression as this device chose (the join flow set RNNoise up already).
  useEffect(
    () =>
      void room.localParticipant.setNoiseSuppression(
        noiseSuppressionPreferred() && !strongNoiseSuppressionPreferred(),
      ),
    [room],
  );

  // One side panel at a time: the Participants or the Chat.
  const [panel, setPanel] = useState<'participants' | 'chat' | null>(null);
  const panelOpen = panel === 'participants';
  const panelId = useId();
  const chatPanelId = useId();
  const togglePanel = (which: 'participants' | 'chat') => setPanel((p) => (p === which ? null : which));
  useChatVersion(room.chat);
  const [announcement, setAnnouncement] = useState({ text: '', n: 0 });
  const announce = useCallback((text: string) => setAnnouncement((a) => ({ text, n: a.n + 1 })), []);
  useModerationCues(room, panelOpen, toast, announce);
  useChatCues(room, panel === 'chat', announce);
  useCaptureCues(room, announce);
  const stage = useStage(room, defaultLayout);

  const remotes = [...room.remoteParticipants.values()];
  const local = room.localParticipant;
  const alone = remotes.length === 0;
  const tiles: StageTile[] = [local, ...remotes].map((p) => ({
    key: p.isLocal ? 'self' : p.id,
    participantId: p.id,
    kind: 'camera',
  }));
  const meetingTitle = room.meeting?.name ?? meetingName;
  // Whoever shares a screen is shown large in presentation layout (MEET-SHARE), the latest share first.
  const presentations: StageTile[] = room.participants
    .filter((p) => p.isScreenShareEnabled)
    .reverse()
    .map((p) => ({ key: p.isLocal ? 'screen:self' : `screen:${p.id}`, participantId: p.id, kind: 'screen' }));
  const group = room.e2ee;
  // Codewords come from the group's own credentials: whoever it does not hold gets none.
  const codewordOf = (id: string) => (e2ee ? (group?.codewords.get(id) ?? null) : undefined);

  const enableAudio = () => {
    for (const el of document.querySelectorAll<HTMLAudioElement>('audio[data-source="microphone"]')) {
      void el.play().catch(() => undefined);
    }
    setAudioBlocked(false);
  };

  return (
    <div className="stage" data-connection-state={room.state}>
      <header className="stage-top">
        <div className="stage-title">
          <h1>{meetingTitle}</h1>
          <span className="stage-count" data-testid="participant-count">
            <UsersIcon size={16} />
            <span>{remotes.length + 1}</span>
            {/* Said in full, and shown in full where there is room: "42 participants". */}
            <span className="stage-count-word"> {remotes.length === 0 ? 'participant' : 'participants'}</span>
          </span>
          {e2ee && <E2eeIndicator state={group} onVerify={() => setVerifyOpen(true)} />}
          <CaptureMarks room={room} />
        </div>
        <CopyButton text={joinUrl} label="Copy invite link" variant="ghost-dark" />
      </header>

      <ConnectionBanner state={joining && room.state === 'disconnected' ? 'connecting' : room.state} />
      {e2ee && <E2eeWarning state={group} />}
      {audioBlocked && (
        <div className="stage-banner stage-banner-warn" role="alert">
          <SpeakerOffIcon size={18} />
          <span>Your browser paused the meeting sound.</span>
          <Button size="sm" variant="primary" onClick={enableAudio}>
            Turn on sound
          </Button>
        </div>
      )}

      <RemoteAudio participants={remotes} speakerId={speakerId} onBlocked={() => setAudioBlocked(true)} />
      <div className="stage-body">
        <main className="stage-main">
          <StageView
            mode={stage.layout}
            tiles={tiles}
            presentations={presentations}
            pinned={stage.pinned}
            activeSpeaker={stage.lastSpeaker}
            speakers={stage.speakers}
            self={local.id}
            page={stage.page}
            onPage={stage.goToPage}
            onPaging={stage.onPaging}
            renderTile={(tile, size, place) => {
              const p =
                tile.key === 'self' || tile.key === 'screen:self'
                  ? local
                  : room.remoteParticipants.get(tile.participantId);
              if (!p) return null;
              const name = p.isLocal ? local.displayName || selfName : p.displayName;
              if (tile.kind === 'screen') {
                return <ScreenShareTile key={tile.key} participant={p} name={name} size={size} />;
              }
              return (
                <ParticipantTile
                  key={tile.key}
                  participant={p}
                  isSelf={p.isLocal}
                  name={name}
                  width={size.width}
                  height={size.height}
                  place={place}
                  pinned={stage.pinned !== null && stage.pinned === p.id}
                  onTogglePin={() => stage.togglePin(p.id)}
                  codeword={p.isLocal ? (e2ee ? (group?.ownCodeword ?? null) : undefined) : codewordOf(p.id)}
                />
              );
            }}
            {...(alone && {
              extra: (size: { width: number; height: number }) => (
                <div className="tile tile-invite" style={{ width: size.width, height: size.height }}>
                  <div className="invite-card">
                    <h2>Waiting for others to join</h2>
                    <p>Share this link with the people you want to meet.</p>
                    <div className="invite-link">
                      <span title={joinUrl}>{joinUrl}</span>
                    </div>
                    <CopyButton text={joinUrl} label="Copy link" variant="primary" size="md" />
                  </div>
                </div>
              ),
            })}
          />
        </main>
        {/* Rendered while closed too (hidden), so that the button's aria-controls always names it. */}
        <ParticipantsPanel
          id={panelId}
          open={panelOpen}
          room={room}
          selfName={selfName}
          e2ee={e2ee}
          joinUrl={joinUrl}
          onError={toast}
          pinned={stage.pinned}
          onTogglePin={stage.togglePin}
        />
        <ChatPanel id={chatPanelId} open={panel === 'chat'} room={room} onError={toast} />
      </div>

      <ControlBar
        room={room}
        meetingName={meetingTitle}
        onLeave={onLeave}
        onOpenSettings={() => setSettingsOpen(true)}
        onError={toast}
        participants={{
          open: panelOpen,
          onToggle: () => togglePanel('participants'),
          waiting: room.localParticipant.isModerator ? room.lobby.length : 0,
          panelId,
        }}
        chat={{
          open: panel === 'chat',
          onToggle: () => togglePanel('chat'),
          unread: room.chat.unread,
          panelId: chatPanelId,
        }}
        layout={{ value: stage.layout, presenting: presentations.length > 0, onChange: stage.chooseLayout }}
        pages={{ next: stage.nextPage, previous: stage.previousPage }}
        onOpenShortcuts={() => setShortcutsOpen(true)}
        announce={announce}
      />

      <ShortcutsDialog open={shortcutsOpen} onClose={() => setShortcutsOpen(false)} />

      <SettingsDialog
        room={room}
        open={settingsOpen}
        onClose={() => setSettingsOpen(false)}
        speakerId={speakerId}
        onSpeakerChange={setSpeakerId}
        onError={toast}
        effectsUnavailable={effectsUnavailable}
        onEffectChange={() => setEffectsUnavailable(false)}
      />

      {e2ee && (
        <VerifyDialog
          state={group}
          participants={room.participants}
          selfName={selfName}
          open={verifyOpen}
          onClose={() => setVerifyOpen(false)}
        />
      )}

      {/* Always there, so that a screen reader hears each change (MEET-LOBBY: who starts waiting). */}
      <div className="sr-only" aria-live="polite" data-testid="meeting-announcer">
        {/* A new node each time: the same words again (the same person back) are announced again. */}
        <span key={announcement.n}>{announcement.text}</span>
      </div>

      <div className="toasts" aria-live="assertive">
        {toasts.map((t) => (
          <div key={t.id} className="toast" role="alert">
            <AlertIcon size={18} />
            <span>{t.message}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'Joining the meeting…',
  waiting: 'Waiting for a moderator to let you in…',
  connected: 'Connected',
  reconnecting: 'Connection lost. Reconnecting…',
  disconnected: 'Disconnected',
};

/** Says how the connection is doing; stays out of sight while all is well. */
function ConnectionBanner({ state }: { state: ConnectionState }) {
  const visible = state !== 'connected';
  return (
    <div
      className={`stage-banner ${visible ? '' : 'sr-only'} ${state === 'reconnecting' ? 'stage-banner-warn' : ''}`}
      role="status"
      data-testid="connection-state"
      data-state={state}
    >
      {visible && state !== 'disconnected' && <Spinner size={16} />}
      <span>{STATE_TEXT[state]}</span>
    </div>
  );
}
