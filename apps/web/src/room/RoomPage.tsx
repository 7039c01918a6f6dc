import { ConclaveError, Room } from '@conclave/client';
import {
  PAIRING_POLL_MS,
  ROOM_SESSION_POLL_MS,
  type PairingStartView,
  type RoomSessionView,
} from '@conclave/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { getRoomPairing, getRoomSession, startRoomPairing } from '../api/endpoints';
import { ApiError } from '../api/http';
import { useBranding } from '../app/branding';
import { describeJoinError } from '../meeting/joinError';
import { MeetingStage } from '../meeting/MeetingStage';
import { exposeRoom, withdrawRoom } from '../meeting/testHook';
import { ROOM_OPTIONS } from '../meeting/useJoinFlow';
import { Spinner } from '../ui/components';
import { JoinPanel, type MeetingChoice } from './JoinPanel';
import { RoomRinging } from './RoomRinging';
import { RoomToday } from './RoomToday';

type Screen =
  | { kind: 'loading' }
  | { kind: 'unpaired'; pairing: PairingStartView | null; error: string | null }
  | { kind: 'paired'; room: RoomSessionView };

/**
 * `/room`: a meeting room's shared screen (ADM-ROOMS), with no personal account. Unpaired, it shows a
 * pairing code for an administrator to enter in Administration → Room systems, and a new one when
 * it expires; paired, a clock and "Join a meeting" by extension or link, joined as the room system
 * with the default camera and microphone. It checks its session every few seconds: revoked, it is
 * back at the pairing code within seconds, leaving any meeting it is in.
 */
/** Over the wallpaper, so that the large type stays readable on any picture. */
const DIMMED = 'linear-gradient(rgb(14 17 23 / 0.55), rgb(14 17 23 / 0.55))';

export function RoomPage() {
  const [screen, setScreen] = useState<Screen>({ kind: 'loading' });
  const wallpaper = useBranding().branding?.wallpaperUrl ?? null;

  const pair = useCallback(async () => {
    setScreen({ kind: 'unpaired', pairing: null, error: null });
    try {
      const pairing = await startRoomPairing();
      setScreen({ kind: 'unpaired', pairing, error: null });
    } catch (err) {
      setScreen({ kind: 'unpaired', pairing: null, error: messageOf(err) });
    }
  }, []);

  // First: is this screen paired already?
  useEffect(() => {
    getRoomSession().then(
      (room) => setScreen({ kind: 'paired', room }),
      () => void pair(),
    );
  }, [pair]);

  // Unpaired: has the code been entered? A code that expired is replaced.
  const pairing = screen.kind === 'unpaired' ? screen.pairing : null;
  useEffect(() => {
    if (!pairing) return;
    const timer = setInterval(() => {
      if (Date.now() >= Date.parse(pairing.expiresAt)) {
        void pair();
        return;
      }
      getRoomPairing().then(
        (status) => {
          if (status.state === 'paired') setScreen({ kind: 'paired', room: status.room });
          else if (status.state === 'expired') void pair();
        },
        () => undefined,
      );
    }, PAIRING_POLL_MS);
    return () => clearInterval(timer);
  }, [pairing, pair]);

  // Paired: still? (Each check-in also tells the administration the screen is online.)
  const paired = screen.kind === 'paired';
  useEffect(() => {
    if (!paired) return;
    const timer = setInterval(() => {
      getRoomSession().then(
        (room) =>
          setScreen((s) => (s.kind === 'paired' && s.room.name !== room.name ? { kind: 'paired', room } : s)),
        (err: unknown) => {
          if (err instanceof ApiError && err.status === 401) void pair();
        },
      );
    }, ROOM_SESSION_POLL_MS);
    return () => clearInterval(timer);
  }, [paired, pair]);

  return (
    // The organisation's room-system wallpaper, when it has one (ADM-SETTINGS).
    <main
      className="room-screen"
      data-testid="room-screen"
      style={wallpaper ? { backgroundImage: `${DIMMED}, url("${wallpaper}")` } : undefined}
    >
      {screen.kind === 'loading' && (
        <div className="room-center">
          <Spinner size={48} label="Starting" />
        </div>
      )}
      {screen.kind === 'unpaired' && (
        <PairingView pairing={screen.pairing} error={screen.error} onRetry={() => void pair()} />
      )}
      {screen.kind === 'paired' && <PairedView room={screen.room} onUnpaired={() => void pair()} />}
    </main>
  );
}

function PairingView({
  pairing,
  error,
  onRetry,
}: {
  pairing: PairingStartView | null;
  error: string | null;
  onRetry: () => void;
}) {
  return (
    <div className="room-center">
      <h1 className="room-title">Pair this screen</h1>
      {pairing ? (
        <>
          <p className="room-lead">
            Ask an administrator to enter this code in Administration → Room systems.
          </p>
          <p
            className="room-code"
            data-testid="pairing-code"
            aria-label={`Pairing code ${pairing.code.split('').join(' ')}`}
          >
            {pairing.code.slice(0, 4)}
            <span className="room-code-gap" aria-hidden="true" />
            {pairing.code.slice(4)}
          </p>
          <p className="room-muted">A new code appears when this one expires.</p>
        </>
      ) : error ? (
        <>
          <p className="room-lead" role="alert">
            {error}
          </p>
          <button type="button" className="room-button" onClick={onRetry}>
            Try again
          </button>
        </>
      ) : (
        <Spinner size={48} label="Getting a code" />
      )}
    </div>
  );
}

type InMeeting = { room: Room; meetingId: string; name: string; joining: boolean };

function PairedView({ room: roomSystem, onUnpaired }: { room: RoomSessionView; onUnpaired: () => void }) {
  const [meeting, setMeeting] = useState<InMeeting | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** A meeting of today's list whose passcode the number pad asks for. */
  const [ask, setAsk] = useState<Omit<MeetingChoice, 'passcode'> | null>(null);
  const current = useRef<Room | null>(null);
  const asked = useCallback(() => setAsk(null), []);

  const leave = useCallback(() => {
    const room = current.current;
    current.current = null;
    setMeeting(null);
    if (room) {
      withdrawRoom(room);
      void room.disconnect();
    }
  }, []);
  // Unpaired or gone: out of the meeting.
  useEffect(() => leave, [leave]);

  const join = async (choice: MeetingChoice) => {
    setError(null);
    const room = new Room(ROOM_OPTIONS);
    current.current = room;
    setMeeting({ room, meetingId: choice.meetingId, name: choice.name, joining: true });
    room.on('disconnected', (reason, err?: ConclaveError) => {
      if (current.current !== room) return;
      withdrawRoom(room);
      current.current = null;
      setMeeting(null);
      // Revoked or deleted: back to pairing at once (the session check would notice too).
      if (reason === 'session_ended') onUnpaired();
      else if (reason !== 'left' && reason !== 'join_failed') {
        setError(err ? describeJoinError(err).message : 'The meeting ended.');
      }
    });
    try {
      // The room's own camera and microphone, the defaults: nobody is there to pick.
      await room.connect({
        meetingId: choice.meetingId,
        roomSystem: true,
        microphone: true,
        camera: true,
        ...(choice.passcode && { passcode: choice.passcode }),
      });
      exposeRoom(room);
      setMeeting((m) => (m?.room === room ? { ...m, joining: false } : m));
    } catch (err) {
      if (current.current === room) leave();
      // Rung into a meeting with a passcode (MEET-ADD): the number pad asks for it, as for anyone.
      if (!choice.passcode && err instanceof ConclaveError && err.code === 'passcode_required') {
        setAsk({ meetingId: choice.meetingId, name: choice.name });
      } else setError(describeJoinError(err).message);
    }
  };

  return (
    <>
      {/* Rung into a meeting (MEET-ADD): out of any other, into that one. One socket, whatever is shown. */}
      <RoomRinging
        onAccepted={(m) => {
          leave();
          void join({ meetingId: m.id, name: m.name });
        }}
      />
      {meeting ? (
        <MeetingView room={roomSystem} meeting={meeting} onLeave={leave} />
      ) : (
        <div className="room-home">
          <header className="room-header">
            <span className="room-organisation">{roomSystem.organisation.name}</span>
            <span className="room-name" data-testid="room-name">
              {roomSystem.name}
            </span>
          </header>
          <Clock />
          <JoinPanel onJoin={join} error={error} ask={ask} onAsked={asked} />
          <RoomToday onJoin={join} onAskPasscode={setAsk} />
        </div>
      )}
    </>
  );
}

function MeetingView({
  room: roomSystem,
  meeting,
  onLeave: leave,
}: {
  room: RoomSessionView;
  meeting: InMeeting;
  onLeave: () => void;
}) {
  return (
    <div className="room-meeting">
      <div className="room-meeting-bar">
        <span className="room-meeting-name">
          <bdi>{roomSystem.name}</bdi> · <bdi>{meeting.name}</bdi>
        </span>
        <button type="button" className="room-button room-button-leave" onClick={leave}>
          Leave
        </button>
      </div>
      <MeetingStage
        room={meeting.room}
        meetingName={meeting.name}
        joinUrl={`${window.location.origin}/m/${meeting.meetingId}`}
        selfName={roomSystem.name}
        joining={meeting.joining}
        e2ee={false}
        defaultLayout="speaker"
        onLeave={leave}
      />
    </div>
  );
}

function Clock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <div className="room-clock" aria-live="off">
      <time dateTime={now.toISOString()}>
        {now.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
      </time>
      <span className="room-date">
        {now.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long' })}
      </span>
    </div>
  );
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : 'Something went wrong';
}
