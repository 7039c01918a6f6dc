import type { Room, RoomEvents } from '@conclave/client';
import { useEffect, useState } from 'react';

const ROOM_EVENTS: (keyof RoomEvents)[] = [
  'connectionStateChanged',
  'participantJoined',
  'participantLeft',
  'participantUpdated',
  'trackSubscribed',
  'trackUnsubscribed',
  'trackMuted',
  'trackUnmuted',
  'localTrackChanged',
  'disconnected',
  'e2eeChanged',
  // The lobby list, and the locks a moderator's mute puts on this client's toggles (MEET-MOD-MUTE).
  'lobbyChanged',
  'mutedByModerator',
  'unmuteAllowed',
  'connectionQualityChanged',
  'mediaPathChanged',
  // The "Recording" and "Live" marks, and who may press Record or Go live (REC-NOTICE, REC-START).
  'recordingChanged',
  'streamChanged',
  'captureRightsChanged',
];

/**
 * Events that come within this long of each other make one render: a join into a large meeting
 * brings dozens at once (a track for each tile of the page), and rendering the stage for each one
 * kept the page's thread from showing the pictures that had arrived. About a frame; a timer, not an
 * animation frame, so that a page in the background still mounts what it must play.
 */
const COALESCE_MS = 16;

/**
 * Re-renders whenever anything in the room changes. Components read the room's state directly
 * (participants, publications, tracks); this only tells React when to look again.
 */
export function useRoomVersion(room: Room | null): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!room) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const bump = () => {
      timer ??= setTimeout(() => {
        timer = null;
        setVersion((v) => v + 1);
      }, COALESCE_MS);
    };
    const offs = ROOM_EVENTS.map((event) => room.on(event, bump));
    setVersion((v) => v + 1);
    return () => {
      offs.forEach((off) => off());
      if (timer !== null) clearTimeout(timer);
    };
  }, [room]);
  return version;
}

/** Lists cameras, microphones and speakers, and follows devices being plugged in or out. */
export function useDevices(refreshKey: unknown = null): MediaDeviceInfo[] {
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  useEffect(() => {
    const md = navigator.mediaDevices;
    if (typeof md?.enumerateDevices !== 'function') return;
    let cancelled = false;
    // A failed enumeration keeps the last list.
    const load = () => {
      md.enumerateDevices().then(
        (list) => !cancelled && setDevices(list.filter((d) => d.deviceId !== '')),
        () => undefined,
      );
    };
    load();
    md.addEventListener('devicechange', load);
    return () => {
      cancelled = true;
      md.removeEventListener('devicechange', load);
    };
  }, [refreshKey]);
  return devices;
}
