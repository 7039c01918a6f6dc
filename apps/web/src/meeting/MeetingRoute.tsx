import { ConclaveError, Room, type DisconnectReason, type LocalSourceOptions } from '@conclave/client';
import type { MeetingPublicView } from '@conclave/protocol';
import { startTransition, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { getPublicMeeting, requestGuestToken } from '../api/endpoints';
import { ApiError } from '../api/http';
import { Link } from '../app/router';
import { useSession } from '../app/session';
import { AppHeader } from '../pages/AppHeader';
import { Button, Spinner } from '../ui/components';
import { LogoMark } from '../ui/icons';
import { prepareClock } from './ControlBar';
import { Lobby, type LobbyError } from './Lobby';
import { MeetingStage } from './MeetingStage';
import { usePreview } from './usePreview';

declare global {
  interface Window {
    /** Test and debugging hook: the SDK Room of the current meeting, undefined outside one. */
    __conclave?: { room?: Room | undefined };
  }
}

function exposeRoom(room: Room | undefined): void {
  window.__conclave = { ...window.__conclave, room };
}

type Phase =
  /** `joining` is the room being joined from the lobby: the lobby stays until it is in. */
  | { kind: 'lobby'; error: LobbyError | null; joining: Room | null }
  | { kind: 'meeting'; room: Room; joining: boolean; selfName: string }
  | { kind: 'left' }
  | { kind: 'ended'; title: string; message: string };

type MeetingInfo =
  | { status: 'loading' }
  | { status: 'ready'; meeting: MeetingPublicView }
  | { status: 'missing' }
  | { status: 'failed'; message: string };

interface JoinChoice {
  name: string;
  microphone: LocalSourceOptions;
  camera: LocalSourceOptions;
}

/** `/m/:id`: the join page, then the meeting, then the "you left" screen. */
export function MeetingRoute({ meetingId }: { meetingId: string }) {
  const session = useSession();
  const [info, setInfo] = useState<MeetingInfo>({ status: 'loading' });
  const [phase, setPhase] = useState<Phase>({ kind: 'lobby', error: null, joining: null });
  const [attempt, setAttempt] = useState(0);
  const last = useRef<JoinChoice | null>(null);
  const userName = session.session?.user.displayName ?? null;

  useEffect(() => {
    let cancelled = false;
    setInfo({ status: 'loading' });
    getPublicMeeting(meetingId).then(
      (meeting) => {
        if (cancelled) return;
        setInfo({ status: 'ready', meeting });
        document.title = `${meeting.name} · Conclave`;
      },
      (err: unknown) => {
        if (cancelled) return;
        if (err instanceof ApiError && (err.code === 'meeting_not_found' || err.status === 404)) {
          setInfo({ status: 'missing' });
        } else {
          setInfo({
            status: 'failed',
            message: err instanceof Error ? err.message : 'Could not load the meeting',
          });
        }
      },
    );
    return () => {
      cancelled = true;
      document.title = 'Conclave';
    };
  }, [meetingId, attempt]);

  /**
   * Joins with the given choices. From the lobby, the lobby stays (its button busy) until the room
   * is in, so that rendering the stage does not compete with joining; a rejoin shows the stage at once.
   * "In" is the first remote track subscribed (its connection then needs a moment, in which the stage
   * renders) or the join completed, whichever comes first. Rendering the stage takes the page's
   * thread for a while: any earlier and it holds up the subscription, which people wait for.
   * Resolves false when joining failed (the lobby then shows why).
   */
  const join = useCallback(
    async (choice: JoinChoice, from: 'lobby' | 'rejoin', prepared?: Room): Promise<boolean> => {
      last.current = {
        name: choice.name,
        // A rejoin opens the devices again; the tracks handed over this time are gone by then.
        microphone: { enabled: choice.microphone.enabled ?? true, ...pickDevice(choice.microphone) },
        camera: { enabled: choice.camera.enabled ?? true, ...pickDevice(choice.camera) },
      };
      const room = prepared ?? new Room();
      const mine = (p: Phase) =>
        (p.kind === 'lobby' && p.joining === room) || (p.kind === 'meeting' && p.room === room);
      setPhase(
        from === 'lobby'
          ? { kind: 'lobby', error: null, joining: room }
          : { kind: 'meeting', room, joining: true, selfName: choice.name },
      );
      const enter = () => {
        if (room.state !== 'connected') return;
        // A transition renders in slices, so the connection's own events (candidates) go out meanwhile.
        startTransition(() =>
          setPhase((p) => (mine(p) ? { kind: 'meeting', room, joining: false, selfName: choice.name } : p)),
        );
      };
      room.on('connectionStateChanged', (state) => {
        if (state === 'connected' && room.state === 'connected') exposeRoom(room);
      });
      const offSubscribed = room.on('trackSubscribed', () => {
        offSubscribed();
        enter();
      });
      room.on('disconnected', (reason, error) => {
        if (window.__conclave?.room === room) exposeRoom(undefined);
        if (reason === 'join_failed') return; // reported where connect() is awaited
        setPhase((p) => (mine(p) ? endedPhase(reason, error) : p));
      });
      try {
        const guestToken =
          userName === null ? (await requestGuestToken(meetingId, choice.name)).token : undefined;
        await room.connect({
          meetingId,
          ...(guestToken !== undefined && { guestToken }),
          microphone: choice.microphone,
          camera: choice.camera,
        });
        offSubscribed();
        enter();
        return true;
      } catch (err) {
        // connect() releases what it was given; tracks never handed to it are stopped here.
        choice.microphone.track?.stop();
        choice.camera.track?.stop();
        if (window.__conclave?.room === room) exposeRoom(undefined);
        setPhase((p) => (mine(p) ? { kind: 'lobby', error: describeJoinError(err), joining: null } : p));
        return false;
      }
    },
    [meetingId, userName],
  );

  // Leaving the page leaves the meeting.
  const room = phase.kind === 'meeting' ? phase.room : phase.kind === 'lobby' ? phase.joining : null;
  useEffect(() => {
    if (!room) return;
    const leave = () => void room.disconnect();
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
    };
  }, [room]);
  useEffect(() => () => void room?.disconnect(), [room]);

  const leave = () => {
    if (phase.kind !== 'meeting') return;
    exposeRoom(undefined);
    setPhase({ kind: 'left' });
    void phase.room.disconnect();
  };

  const rejoin = () => {
    const choice = last.current;
    if (choice) {
      void join({ ...choice, microphone: { ...choice.microphone }, camera: { ...choice.camera } }, 'rejoin');
    } else {
      setPhase({ kind: 'lobby', error: null, joining: null });
    }
  };

  if (info.status === 'loading') {
    return (
      <div className="center-page">
        <Spinner size={28} label="Loading meeting" />
      </div>
    );
  }
  if (info.status === 'missing') {
    return (
      <MessagePage
        title="This meeting does not exist"
        message="The link may be mistyped, or the meeting was deleted by its owner."
        action={
          <Link href="/" className="btn btn-primary btn-md">
            Go to home screen
          </Link>
        }
      />
    );
  }
  if (info.status === 'failed') {
    return (
      <MessagePage
        title="Cannot load this meeting"
        message={info.message}
        action={
          <Button variant="primary" onClick={() => setAttempt((n) => n + 1)}>
            Try again
          </Button>
        }
      />
    );
  }

  const meeting = info.meeting;
  switch (phase.kind) {
    case 'meeting':
      return (
        <MeetingStage
          room={phase.room}
          meetingName={meeting.name}
          joinUrl={`${window.location.origin}/m/${meeting.id}`}
          selfName={phase.selfName}
          joining={phase.joining}
          onLeave={leave}
        />
      );
    case 'left':
    case 'ended':
      return (
        <MessagePage
          title={phase.kind === 'left' ? 'You left the meeting' : phase.title}
          message={phase.kind === 'left' ? meeting.name : phase.message}
          action={
            <>
              <Button variant="primary" onClick={rejoin}>
                Rejoin
              </Button>
              {session.session && (
                <Link href="/" className="btn btn-secondary btn-md">
                  Return to home screen
                </Link>
              )}
            </>
          }
        />
      );
    case 'lobby':
      return (
        <div className="join-page">
          <AppHeader signInNext={`/m/${meetingId}`} wide />
          <LobbyWithPreview
            meeting={meeting}
            userName={userName}
            error={phase.error}
            busy={phase.joining !== null}
            onJoin={(choice, prepared) => join(choice, 'lobby', prepared)}
          />
        </div>
      );
  }
}

/** The preview lives only while the lobby is shown, so the camera is released when it goes away. */
function LobbyWithPreview({
  meeting,
  userName,
  error,
  busy,
  onJoin,
}: {
  meeting: MeetingPublicView;
  userName: string | null;
  error: LobbyError | null;
  busy: boolean;
  onJoin: (choice: JoinChoice, prepared: Room | undefined) => Promise<boolean>;
}) {
  const preview = usePreview();
  // The signaling connection opens while the person looks at the preview, so joining need not wait for it.
  const prepared = useRef<Room | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const room = new Room();
    room.prepareConnection();
    prepared.current = room;
    return () => {
      if (prepared.current !== room) return; // handed to join()
      prepared.current = null;
      void room.disconnect();
    };
  }, [attempt]);
  // Slow first-time work of the meeting stage, done while the join page is idle.
  useEffect(() => {
    const timer = setTimeout(prepareClock, 100);
    return () => clearTimeout(timer);
  }, []);

  const join = async (name: string) => {
    const room = prepared.current ?? undefined;
    prepared.current = null;
    if (await onJoin({ name, ...preview.handOver() }, room)) return;
    // The room owns (and on failure has stopped) the tracks it was given: open the preview again.
    preview.restart();
    setAttempt((n) => n + 1);
  };
  return (
    <Lobby
      meeting={meeting}
      userName={userName}
      preview={preview}
      busy={busy}
      error={error}
      onJoin={(name) => void join(name)}
    />
  );
}

function MessagePage({ title, message, action }: { title: string; message: string; action: ReactNode }) {
  return (
    <div className="message-page">
      <main className="message-card">
        <LogoMark size={44} />
        <h1>{title}</h1>
        <p className="muted">{message}</p>
        <div className="message-actions">{action}</div>
      </main>
    </div>
  );
}

function pickDevice(o: LocalSourceOptions): { deviceId?: string } {
  const id = o.deviceId ?? o.track?.getSettings().deviceId;
  return id ? { deviceId: id } : {};
}

function endedPhase(reason: DisconnectReason, error?: ConclaveError): Phase {
  switch (reason) {
    case 'removed':
      return {
        kind: 'ended',
        title: 'You were removed from the meeting',
        message: 'A moderator removed you.',
      };
    case 'replaced':
      return {
        kind: 'ended',
        title: 'You joined from somewhere else',
        message: 'This meeting is now open in another tab or on another device.',
      };
    case 'server_shutdown':
      return {
        kind: 'ended',
        title: 'The meeting server restarted',
        message: 'Rejoin to continue the meeting.',
      };
    case 'media_failure':
      return {
        kind: 'ended',
        title: 'The media server failed',
        message: 'Your audio and video were interrupted. Rejoin to continue.',
      };
    default:
      return {
        kind: 'ended',
        title: 'Your connection was lost',
        message: error?.message ?? 'Check your network, then rejoin.',
      };
  }
}

function describeJoinError(err: unknown): LobbyError {
  if (err instanceof ApiError) {
    if (err.field === 'displayName' || err.code === 'validation_failed')
      return { message: err.message, field: 'displayName' };
    if (err.code === 'rate_limited') return { message: 'Too many attempts. Wait a minute, then try again.' };
    if (err.code === 'meeting_not_found') return { message: 'This meeting no longer exists.' };
    return { message: err.message };
  }
  if (err instanceof ConclaveError) {
    switch (err.code) {
      case 'meeting_not_found':
        return { message: 'This meeting no longer exists.' };
      case 'unauthorized':
        return { message: 'Your invitation to this meeting has expired. Join again.' };
      case 'forbidden':
        return { message: 'You are not allowed to join this meeting.' };
      case 'media_unavailable':
        return { message: 'The media server is not ready yet. Try again in a moment.' };
      case 'connection_failed':
      case 'connection_closed':
      case 'request_timeout':
        return { message: 'Could not connect to the meeting server. Check your connection and try again.' };
      default:
        return { message: err.message };
    }
  }
  return { message: err instanceof Error ? err.message : 'Could not join the meeting' };
}
