import type { Room } from '@conclave/client';
import { useCallback, useEffect, useState } from 'react';
import type { ChosenLayout } from './stageLayout';

/** The layout this device's person chose last (MEET-LAYOUT); the organisation's default until they do. */
const LAYOUT_KEY = 'conclave.layout';

function storedLayout(): ChosenLayout | null {
  try {
    const value = localStorage.getItem(LAYOUT_KEY);
    return value === 'gallery' || value === 'speaker' ? value : null;
  } catch {
    return null; // storage blocked: the default it is
  }
}

/**
 * The stage's choices: the layout (remembered on this device, else `defaultLayout`), who is pinned,
 * and who spoke last among the others (kept while nobody speaks, so the big tile does not jump back).
 */
export function useStage(
  room: Room,
  defaultLayout: ChosenLayout,
): {
  layout: ChosenLayout;
  chooseLayout: (layout: ChosenLayout) => void;
  pinned: string | null;
  togglePin: (participantId: string) => void;
  lastSpeaker: string | null;
} {
  const [chosen, setChosen] = useState<ChosenLayout | null>(storedLayout);
  const [pinned, setPinned] = useState<string | null>(null);
  const [lastSpeaker, setLastSpeaker] = useState<string | null>(null);

  const chooseLayout = useCallback((layout: ChosenLayout) => {
    setChosen(layout);
    try {
      localStorage.setItem(LAYOUT_KEY, layout);
    } catch {
      // Not remembered, still applied.
    }
  }, []);

  const togglePin = useCallback((id: string) => setPinned((p) => (p === id ? null : id)), []);

  useEffect(() => {
    const offSpeakers = room.on('activeSpeakersChanged', (speakers) => {
      const other = speakers.find((p) => !p.isLocal);
      if (other) setLastSpeaker(other.id);
    });
    const offLeft = room.on('participantLeft', (p) => {
      setPinned((id) => (id === p.id ? null : id));
      setLastSpeaker((id) => (id === p.id ? null : id));
    });
    return () => {
      offSpeakers();
      offLeft();
    };
  }, [room]);

  return { layout: chosen ?? defaultLayout, chooseLayout, pinned, togglePin, lastSpeaker };
}
