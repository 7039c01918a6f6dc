import type { Room } from '@conclave/client';
import { useEffect, useRef } from 'react';
import { playChime } from './chime';
import { arrivalAnnouncement, mutedNotice, newArrivals, unmuteAllowedNotice } from './moderation';

/**
 * What moderation tells this participant without being asked: a notice when a moderator mutes them
 * or lets them unmute (through `notify`, the stage's alerts), and, for moderators, a cue when
 * someone starts waiting in the lobby, said through `announce` (the stage's polite live region).
 * Everyone hears who raises their hand.
 * `panelOpen`: the Participants panel shows the lobby, so no beep is needed then.
 */
export function useModerationCues(
  room: Room,
  panelOpen: boolean,
  notify: (message: string) => void,
  announce: (text: string) => void,
): void {
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
      announce(arrivalAnnouncement(arrivals));
      if (!panelOpenRef.current) playChime();
    });
  }, [room, announce]);

  useEffect(() => {
    const up = new Set([...room.remoteParticipants.values()].filter((p) => p.isHandRaised).map((p) => p.id));
    const offUpdated = room.on('participantUpdated', (p) => {
      if (p.isLocal) return;
      if (p.isHandRaised && !up.has(p.id)) {
        up.add(p.id);
        announce(`${p.displayName} raised their hand`);
      } else if (!p.isHandRaised) {
        up.delete(p.id);
      }
    });
    const offLeft = room.on('participantLeft', (p) => up.delete(p.id));
    return () => {
      offUpdated();
      offLeft();
    };
  }, [room, announce]);
}
