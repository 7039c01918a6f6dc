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
];

/**
 * Re-renders whenever anything in the room changes. Components read the room's state directly
 * (participants, publications, tracks); this only tells React when to look again.
 */
export function useRoomVersion(room: Room | null): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (!room) return;
    const bump = () => setVersion((v) => v + 1);
    const offs = ROOM_EVENTS.map((event) => room.on(event, bump));
    bump();
    return () => offs.forEach((off) => off());
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
