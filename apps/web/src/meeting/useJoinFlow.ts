import { Room, type ConclaveError, type DisconnectReason, type LocalSourceOptions } from '@conclave/client';
import { startTransition, useCallback, useEffect, useRef, useState } from 'react';
import { applyNoiseSuppression } from './audioPreferences';
import { backgroundPreferred, backgroundProcessor } from './backgroundEffect';
import { describeJoinError } from './joinError';
import type { LobbyError } from './Lobby';
import { exposeRoom, withdrawRoom } from './testHook';

/**
 * Every room of the web app receives only the videos its stage shows (MEET-QUALITY): each tile asks
 * for its own while it is on screen (`setSubscribed`), so a large meeting costs what one page costs.
 */
export const ROOM_OPTIONS = { autoSubscribe: false } as const;

/** Where a participant is: the lobby, the meeting, or a page that says why they are out of it. */
type Phase =
  /** `joining` is the room being joined from the lobby: the lobby stays until it is in. */
  | { kind: 'lobby'; error: LobbyError | null; joining: Room | null }
  /** In the meeting's lobby (MEET-LOBBY) until a moderator admits or rejects: the room is joining. */
  | { kind: 'waiting'; room: Room }
  | { kind: 'meeting'; room: Room; joining: boolean; selfName: string }
  | { kind: 'left' }
  | { kind: 'ended'; reason: DisconnectReason; error?: ConclaveError | undefined };

export interface JoinChoice {
  name: string;
  /** The meeting's passcode, when it asks for one (MEET-PASSCODE). */
  passcode?: string;
  microphone: LocalSourceOptions;
  camera: LocalSourceOptions;
}

export interface JoinFlow {
  phase: Phase;
  /**
   * Joins with these choices, from the lobby (with the room it prepared) or as a rejoin.
   * Resolves false when joining failed (the lobby then shows why).
   */
  join: (choice: JoinChoice, from: 'lobby' | 'rejoin', prepared?: Room) => Promise<boolean>;
  /** Leaves the meeting for the "you left" page. */
  leave: () => void;
  /** Stops waiting in the lobby and goes back to the join page. */
  stopWaiting: () => void;
  /** Joins again with the last choices (from the left or ended page). */
  rejoin: () => void;
}

/**
 * The join flow of one meeting: lobby → (waiting →) meeting → left or ended, and back by rejoining.
 * `userName` is the signed-in user's name; without one, the person joins as a guest by name. An
 * end-to-end encrypted meeting (`e2ee`) is joined encrypted or not at all.
 */
export function useJoinFlow(meetingId: string, userName: string | null, e2ee: boolean): JoinFlow {
  const [phase, setPhase] = useState<Phase>({ kind: 'lobby', error: null, joining: null });
  const last = useRef<JoinChoice | null>(null);

  /**
   * From the lobby, the lobby stays (its button busy) until the room is in: the server has said
   * who is there (`joined`); a rejoin shows the stage at once. The stage renders then, while the
   * camera is still being published, because it is the stage that says which videos to receive
   * (each tile on the page asks for its own): the sooner it mounts, the sooner they come.
   */
  const join = useCallback(
    async (choice: JoinChoice, from: 'lobby' | 'rejoin', prepared?: Room): Promise<boolean> => {
      last.current = {
        name: choice.name,
        ...(choice.passcode !== undefined && { passcode: choice.passcode }),
        // A rejoin opens the devices again; the tracks handed over this time are gone by then.
        microphone: { enabled: choice.microphone.enabled ?? true, ...pickDevice(choice.microphone) },
        camera: { enabled: choice.camera.enabled ?? true, ...pickDevice(choice.camera) },
      };
      const room = prepared ?? new Room(ROOM_OPTIONS);
      // The camera's background effect, this device's choice: queued before connect() opens the camera,
      // so the first picture sent already has it.
      void room.localParticipant
        .setProcessor('camera', backgroundProcessor(backgroundPreferred()))
        .catch(() => undefined);
      // And the microphone's noise suppression, so the first words sent have it too.
      void applyNoiseSuppression(room).catch(() => undefined);
      const mine = (p: Phase) =>
        (p.kind === 'lobby' && p.joining === room) ||
        ((p.kind === 'meeting' || p.kind === 'waiting') && p.room === room);
      setPhase(
        from === 'lobby'
          ? { kind: 'lobby', error: null, joining: room }
          : { kind: 'meeting', room, joining: true, selfName: choice.name },
      );
      const enter = () => {
        if (room.state !== 'connected') return;
        // A transition renders in slices, so the connection's own events (candidates) go out meanwhile.
        startTransition(() =>
          setPhase((p) =>
            mine(p) && !(p.kind === 'meeting' && !p.joining)
              ? { kind: 'meeting', room, joining: false, selfName: choice.name }
              : p,
          ),
        );
      };
      room.on('connectionStateChanged', (state) => {
        if (state === 'connected' && room.state === 'connected') {
          exposeRoom(room);
          enter();
        }
        // Only while joining: a meeting already shown keeps its stage, whose banner says it waits.
        if (state === 'waiting') {
          setPhase((p) =>
            (p.kind === 'lobby' && p.joining === room) ||
            (p.kind === 'meeting' && p.room === room && p.joining)
              ? { kind: 'waiting', room }
              : p,
          );
        }
      });
      room.on('disconnected', (reason, error) => {
        withdrawRoom(room);
        if (reason === 'join_failed') return; // reported where connect() is awaited
        setPhase((p) => (mine(p) ? { kind: 'ended', reason, error } : p));
      });
      try {
        // Resolves once admitted, when the lobby holds the join; `enter()` then leaves the waiting screen.
        // A guest names themselves in the join itself: no request for a token stands before it.
        await room.connect({
          meetingId,
          ...(userName === null && { displayName: choice.name }),
          microphone: choice.microphone,
          camera: choice.camera,
          e2ee,
          ...(choice.passcode !== undefined && { passcode: choice.passcode }),
        });
        enter();
        return true;
      } catch (err) {
        // connect() releases what it was given; tracks never handed to it are stopped here.
        choice.microphone.track?.stop();
        choice.camera.track?.stop();
        withdrawRoom(room);
        setPhase((p) => (mine(p) ? { kind: 'lobby', error: describeJoinError(err), joining: null } : p));
        return false;
      }
    },
    [meetingId, userName, e2ee],
  );

  // Leaving the page leaves the meeting.
  const room =
    phase.kind === 'meeting' || phase.kind === 'waiting'
      ? phase.room
      : phase.kind === 'lobby'
        ? phase.joining
        : null;
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
    withdrawRoom(phase.room);
    setPhase({ kind: 'left' });
    void phase.room.disconnect();
  };

  // Back to the join page, which makes a new room; this one stops waiting (connect() then rejects, unheard).
  const stopWaiting = () => {
    if (phase.kind !== 'waiting') return;
    withdrawRoom(phase.room);
    setPhase({ kind: 'lobby', error: null, joining: null });
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

  return { phase, join, leave, stopWaiting, rejoin };
}

function pickDevice(o: LocalSourceOptions): { deviceId?: string } {
  const id = o.deviceId ?? o.track?.getSettings().deviceId;
  return id ? { deviceId: id } : {};
}
