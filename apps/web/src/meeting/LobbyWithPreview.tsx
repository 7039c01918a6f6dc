import { Room } from '@conclave/client';
import type { MeetingPublicView } from '@conclave/protocol';
import { useEffect, useRef, useState } from 'react';
import { prepareClock } from './ControlBar';
import { Lobby, type LobbyError } from './Lobby';
import { ROOM_OPTIONS, type JoinChoice } from './useJoinFlow';
import { usePreview } from './usePreview';

/** The preview lives only while the lobby is shown, so the camera is released when it goes away. */
export function LobbyWithPreview({
  meeting,
  userName,
  error,
  busy,
  onJoin,
  onPrepared,
  autoJoin = false,
}: {
  meeting: MeetingPublicView;
  userName: string | null;
  error: LobbyError | null;
  busy: boolean;
  onJoin: (choice: JoinChoice, prepared: Room | undefined) => Promise<boolean>;
  /** The room made ahead for joining, so the meeting stage can be rendered with it before the click. */
  onPrepared: (room: Room | null) => void;
  /** Join as soon as the devices are open, without a click: an accepted call leads here (MEET-CALL). */
  autoJoin?: boolean;
}) {
  const preview = usePreview();
  // The signaling connection opens while the person looks at the preview, so joining need not wait for it.
  const prepared = useRef<Room | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const room = new Room(ROOM_OPTIONS);
    room.prepareConnection();
    prepared.current = room;
    onPrepared(room);
    return () => {
      if (prepared.current !== room) return; // handed to join()
      prepared.current = null;
      onPrepared(null);
      void room.disconnect();
    };
  }, [attempt, onPrepared]);
  // Slow first-time work of the meeting stage, done while the join page is idle.
  useEffect(() => {
    const timer = setTimeout(prepareClock, 100);
    return () => clearTimeout(timer);
  }, []);

  const join = async (name: string, passcode: string | undefined) => {
    const room = prepared.current ?? undefined;
    prepared.current = null;
    if (await onJoin({ name, ...(passcode !== undefined && { passcode }), ...preview.handOver() }, room))
      return;
    // The room owns (and on failure has stopped) the tracks it was given: open the preview again.
    preview.restart();
    setAttempt((n) => n + 1);
  };
  const joinRef = useRef(join);
  joinRef.current = join;
  const autoJoined = useRef(false);
  // Each source the person wants is open, or failed: joining earlier would join without it.
  const settled = (s: { on: boolean; track: MediaStreamTrack | null; error: string | undefined }) =>
    !s.on || s.track !== null || s.error !== undefined;
  const devicesReady = settled(preview.microphone) && settled(preview.camera);
  useEffect(() => {
    if (!autoJoin || autoJoined.current || userName === null || !devicesReady) return;
    autoJoined.current = true;
    void joinRef.current(userName, undefined);
  }, [autoJoin, userName, devicesReady]);
  return (
    <Lobby
      meeting={meeting}
      userName={userName}
      preview={preview}
      busy={busy}
      error={error}
      onJoin={(name, passcode) => void join(name, passcode)}
      // The server closes a socket that does not join soon; have a fresh one ready when it matters.
      onIntent={() => prepared.current?.prepareConnection()}
    />
  );
}
