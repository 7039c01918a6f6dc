import type { Room } from '@conclave/client';
import { useEffect, useRef, useState } from 'react';
import { playChime } from './chime';
import { arrivalAnnouncement, mutedNotice, newArrivals, unmuteAllowedNotice } from './moderation';

/**
 * What moderation tells this participant without being asked: a notice when a moderator mutes them
 * or lets them unmute (through `notify`, the stage's alerts), and, for moderators, a cue when
 * someone starts waiting in the lobby. Returns the text for the stage's polite live region, with a
 * count that changes with every announcement.
 * `panelOpen`: the Participants panel shows the lobby, so no beep is needed then.
 */
export function useModerationCues(
  room: Room,
  panelOpen: boolean,
  notify: (message: string) => void,
): { text: string; n: number } {
  const [announcement, setAnnouncement] = useState({ text: '', n: 0 });
  const panelOpenRef = useRef(panelOpen);
  panelOpenRef.current = panelOpen;

  useEffect(() => {
    const offMuted = room.on('mutedByModerator', (source, name, canUnmute) =>
      notify(mutedNotice(source, name, canUnmute)),
    );
    const offAllowed = room.on('unmuteAllowed', (source, name) => notify(unmuteAllowedNotice(source, name)));
    return () => {
      offMuted();
      offAllowed();
    };
  }, [room, notify]);

  useEffect(() => {
    let known = new Set(room.lobby.map((w) => w.id));
    return room.on('lobbyChanged', (waiting) => {
      const arrivals = newArrivals(known, waiting);
      known = new Set(waiting.map((w) => w.id));
      if (arrivals.length === 0) return;
      // Announced whether the panel is open or not: a screen reader does not see the list grow.
      setAnnouncement((a) => ({ text: arrivalAnnouncement(arrivals), n: a.n + 1 }));
      if (!panelOpenRef.current) playChime();
    });
  }, [room]);

  return announcement;
}
