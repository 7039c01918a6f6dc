import type { Room } from '@conclave/client';
import { useEffect, useState, type ReactNode } from 'react';
import {
  CameraIcon,
  CameraOffIcon,
  ChatIcon,
  HandIcon,
  KeyboardIcon,
  LeaveIcon,
  MicIcon,
  MicOffIcon,
  ScreenShareIcon,
  ScreenShareOffIcon,
  SettingsIcon,
  UsersIcon,
} from '../ui/icons';
import { CaptureButtons } from './Capture';
import { LayoutMenu } from './LayoutMenu';
import { isScrolling, isTyping, shortcutFor } from './shortcuts';
import type { ChosenLayout } from './stageLayout';

/** Said when a source a moderator keeps muted is turned on anyway (button or shortcut). */
const LOCKED = 'A moderator muted you';

/**
 * Round toggle; the accessible name says what pressing it does. `locked`: a moderator keeps it off
 * (MEET-MOD-MUTE); it stays focusable (aria-disabled, not disabled) so that its title explains why.
 */
function ToggleButton({
  on,
  onLabel,
  offLabel,
  shortcut,
  onClick,
  busy,
  locked,
  iconOn,
  iconOff,
}: {
  on: boolean;
  onLabel: string;
  offLabel: string;
  shortcut: string;
  onClick: () => void;
  busy: boolean;
  locked: boolean;
  iconOn: ReactNode;
  iconOff: ReactNode;
}) {
  const label = on ? onLabel : offLabel;
  return (
    <button
      type="button"
      className={`control ${on ? '' : 'control-off'} ${locked ? 'control-locked' : ''}`}
      aria-label={label}
      title={locked ? LOCKED : `${label} (${shortcut})`}
      onClick={() => !busy && onClick()}
      aria-disabled={busy || locked || undefined}
    >
      {on ? iconOn : iconOff}
    </button>
  );
}

export function ControlBar({
  room,
  onLeave,
  onOpenSettings,
  onError,
  meetingName,
  participants,
  chat,
  layout,
  pages,
  onOpenShortcuts,
  announce,
}: {
  room: Room;
  onLeave: () => void;
  onOpenSettings: () => void;
  onError: (message: string) => void;
  meetingName: string;
  participants: { open: boolean; onToggle: () => void; waiting: number; panelId: string };
  /** The Chat panel, and how many messages came in unread (CHAT-MEETING). */
  chat: { open: boolean; onToggle: () => void; unread: number; panelId: string };
  layout: { value: ChosenLayout; presenting: boolean; onChange: (layout: ChosenLayout) => void };
  /** The stage's pages (Page Up, Page Down). */
  pages: { next: () => void; previous: () => void };
  onOpenShortcuts: () => void;
  /** Says a change aloud to screen readers (the stage's polite live region). */
  announce: (text: string) => void;
}) {
  const local = room.localParticipant;
  const micOn = local.isMicrophoneEnabled;
  const camOn = local.isCameraEnabled;
  const micLocked = !micOn && !local.canUnmute('microphone');
  const camLocked = !camOn && !local.canUnmute('camera');
  const [busy, setBusy] = useState<{ mic: boolean; cam: boolean }>({ mic: false, cam: false });
  const clock = useClock();

  const handUp = local.isHandRaised;

  const toggleHand = () => {
    const raised = !local.isHandRaised;
    room.raiseHand(raised).then(
      () => announce(raised ? 'You raised your hand' : 'You lowered your hand'),
      (err: unknown) => onError(err instanceof Error ? err.message : 'That did not work'),
    );
  };

  const toggle = async (which: 'mic' | 'cam', viaKeyboard = false) => {
    if (busy[which]) return;
    // Turning it on would be refused anyway: say why without asking.
    if (which === 'mic' ? micLocked : camLocked) {
      onError(`${LOCKED}: you can turn it on when a moderator allows it`);
      return;
    }
    setBusy((b) => ({ ...b, [which]: true }));
    try {
      if (which === 'mic') await room.setMicrophoneEnabled(!local.isMicrophoneEnabled);
      else await room.setCameraEnabled(!local.isCameraEnabled);
      // A button says its new state by its new name; a shortcut pressed elsewhere needs the words.
      if (viaKeyboard) {
        if (which === 'mic') announce(local.isMicrophoneEnabled ? 'Microphone on' : 'Microphone muted');
        else announce(local.isCameraEnabled ? 'Camera on' : 'Camera off');
      }
    } catch (err) {
      onError(err instanceof Error ? err.message : 'That did not work');
    } finally {
      setBusy((b) => ({ ...b, [which]: false }));
    }
  };

  // The shortcuts of shortcuts.ts (listed in the "Keyboard shortcuts" dialog).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.repeat) return;
      const action = shortcutFor({
        key: e.key,
        code: e.code,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        shiftKey: e.shiftKey,
        typing: isTyping(e.target),
        scrolling: isScrolling(e.target),
      });
      if (!action) return;
      // An open dialog (settings, shortcuts, a confirmation) keeps the keys to itself.
      if (document.querySelector('dialog[open]') && action !== 'microphone' && action !== 'camera') return;
      e.preventDefault();
      if (action === 'microphone' || action === 'camera')
        void toggle(action === 'microphone' ? 'mic' : 'cam', true);
      else if (action === 'hand') toggleHand();
      else if (action === 'participants') participants.onToggle();
      else if (action === 'chat') chat.onToggle();
      else if (action === 'nextPage') pages.next();
      else if (action === 'previousPage') pages.previous();
      else onOpenShortcuts();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <footer className="control-bar">
      <div className="control-bar-side">
        <span className="clock">{clock}</span>
        <span className="divider" aria-hidden="true" />
        <span className="control-bar-title" title={meetingName}>
          {meetingName}
        </span>
      </div>
      <div className="control-bar-center" role="toolbar" aria-label="Meeting controls">
        <ToggleButton
          on={micOn}
          onLabel="Mute microphone"
          offLabel="Unmute microphone"
          shortcut="Ctrl+D"
          busy={busy.mic}
          locked={micLocked}
          onClick={() => void toggle('mic')}
          iconOn={<MicIcon size={22} />}
          iconOff={<MicOffIcon size={22} />}
        />
        <ToggleButton
          on={camOn}
          onLabel="Turn off camera"
          offLabel="Turn on camera"
          shortcut="Ctrl+E"
          busy={busy.cam}
          locked={camLocked}
          onClick={() => void toggle('cam')}
          iconOn={<CameraIcon size={22} />}
          iconOff={<CameraOffIcon size={22} />}
        />
        <ShareButton room={room} onError={onError} />
        <CaptureButtons room={room} onError={onError} />
        <button
          type="button"
          className={`control ${handUp ? 'control-active' : ''}`}
          aria-label={handUp ? 'Lower hand' : 'Raise hand'}
          title={`${handUp ? 'Lower hand' : 'Raise hand'} (Alt+Y)`}
          onClick={toggleHand}
        >
          <HandIcon size={22} />
        </button>
        <PanelButton
          open={participants.open}
          onToggle={participants.onToggle}
          panelId={participants.panelId}
          name="Participants"
          icon={<UsersIcon size={22} />}
          count={participants.waiting}
          counted="waiting to join"
          shortcut="Alt+U"
          badgeTestId="waiting-badge"
        />
        <PanelButton
          open={chat.open}
          onToggle={chat.onToggle}
          panelId={chat.panelId}
          name="Chat"
          icon={<ChatIcon size={22} />}
          count={chat.unread}
          counted="unread"
          shortcut="Alt+H"
          badgeTestId="chat-unread-badge"
        />
        <LayoutMenu {...layout} />
        <button
          type="button"
          className="control"
          aria-label="Settings"
          title="Audio and video settings"
          onClick={onOpenSettings}
        >
          <SettingsIcon size={22} />
        </button>
        <button
          type="button"
          className="control control-leave"
          aria-label="Leave meeting"
          title="Leave meeting"
          onClick={onLeave}
        >
          <LeaveIcon size={22} />
          <span className="control-leave-text" aria-hidden="true">
            Leave
          </span>
        </button>
      </div>
      <div className="control-bar-side control-bar-right">
        <button
          type="button"
          className="control control-quiet"
          aria-label="Keyboard shortcuts"
          aria-haspopup="dialog"
          title="Keyboard shortcuts (?)"
          onClick={onOpenShortcuts}
        >
          <KeyboardIcon size={20} />
        </button>
      </div>
    </footer>
  );
}

/**
 * Shares a screen, window or tab, or stops sharing (MEET-SHARE). Hidden where the browser cannot
 * share (phones). Cancelling the browser's picker is not an error worth a message.
 */
function ShareButton({ room, onError }: { room: Room; onError: (message: string) => void }) {
  const local = room.localParticipant;
  const sharing = local.isScreenShareEnabled;
  const locked = !sharing && !local.canUnmute('screen');
  const [busy, setBusy] = useState(false);
  if (typeof navigator === 'undefined' || typeof navigator.mediaDevices?.getDisplayMedia !== 'function') {
    return null;
  }
  const label = sharing ? 'Stop sharing' : 'Share screen';
  const onClick = async () => {
    if (busy) return;
    if (locked) {
      onError(`${LOCKED}: you can share when a moderator allows it`);
      return;
    }
    setBusy(true);
    try {
      await room.setScreenShareEnabled(!sharing);
    } catch (err) {
      const cancelled = err instanceof Error && 'code' in err && err.code === 'permission_denied';
      if (!cancelled) onError(err instanceof Error ? err.message : 'That did not work');
    } finally {
      setBusy(false);
    }
  };
  return (
    <button
      type="button"
      className={`control ${sharing ? 'control-active' : ''} ${locked ? 'control-locked' : ''}`}
      aria-label={label}
      title={locked ? LOCKED : label}
      aria-disabled={busy || locked || undefined}
      onClick={() => void onClick()}
    >
      {sharing ? <ScreenShareOffIcon size={22} /> : <ScreenShareIcon size={22} />}
    </button>
  );
}

/**
 * Opens a side panel: the Participants (people waiting in the lobby counted on it) or the Chat (messages
 * not read yet). The count shows while the panel is closed and is hidden from screen readers (the name
 * stays "Participants" or "Chat"), which hear a live announcement instead.
 */
function PanelButton({
  open,
  onToggle,
  panelId,
  name,
  icon,
  count,
  counted,
  shortcut,
  badgeTestId,
}: {
  open: boolean;
  onToggle: () => void;
  panelId: string;
  name: string;
  icon: ReactNode;
  count: number;
  /** What the count counts, for the tooltip: "waiting to join", "unread". */
  counted: string;
  shortcut: string;
  badgeTestId: string;
}) {
  const badge = !open && count > 0;
  return (
    <button
      type="button"
      className={`control control-panel ${open ? 'control-active' : ''}`}
      aria-label={name}
      aria-expanded={open}
      aria-controls={panelId}
      title={`${badge ? `${name} (${count} ${counted})` : name} (${shortcut})`}
      onClick={onToggle}
    >
      {icon}
      {badge && (
        <span className="control-badge" aria-hidden="true" data-testid={badgeTestId}>
          {count > 99 ? '99+' : count}
        </span>
      )}
    </button>
  );
}

let clockFormat: Intl.DateTimeFormat | null = null;

/**
 * The first time formatter costs tens of ms (locale data): made once, and ahead of time by
 * `prepareClock()` on the join page, so that it is not part of joining.
 */
export function prepareClock(): Intl.DateTimeFormat {
  if (!clockFormat) {
    clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
    clockFormat.format(0); // the first use is the slow part
  }
  return clockFormat;
}

function useClock(): string {
  const format = () => prepareClock().format(new Date());
  const [now, setNow] = useState(format);
  useEffect(() => {
    const timer = setInterval(() => setNow(format()), 10_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
