import type { Room } from '@conclave/client';
import { useCallback, useEffect, useState } from 'react';
import type { ChosenLayout, Paging } from './stageLayout';

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

/** Speakers kept on every page of a large meeting: a conversation is usually two people. */
const KEPT_SPEAKERS = 2;

/**
 * The stage's choices: the layout (remembered on this device, else `defaultLayout`), who is pinned,
 * who spoke last among the others (kept while nobody speaks, so the big tile does not jump back and
 * the speakers' tiles stay put), and the page shown (MEET-LAYOUT).
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
  /** The latest speakers among the others, newest first: on every page. */
  speakers: readonly string[];
  /** The page asked for (the stage shows the last one there is when there are fewer). */
  page: number;
  /** Goes to a page; the stage shows the last one there is when asked for one past it. */
  goToPage: (page: number) => void;
  nextPage: () => void;
  previousPage: () => void;
  /** The stage says what it shows: a page past the end (people left) becomes the last one. */
  onPaging: (paging: Paging) => void;
} {
  const [chosen, setChosen] = useState<ChosenLayout | null>(storedLayout);
  const [pinned, setPinned] = useState<string | null>(null);
  const [speakers, setSpeakers] = useState<readonly string[]>([]);
  const [page, setPage] = useState(0);
  const [pages, setPages] = useState(1);

  const goToPage = useCallback((to: number) => setPage(Math.max(0, to)), []);
  const nextPage = useCallback(() => setPage((p) => Math.min(p + 1, pages - 1)), [pages]);
  const previousPage = useCallback(() => setPage((p) => Math.max(0, p - 1)), []);
  const onPaging = useCallback((paging: Paging) => {
    setPages(paging.pages);
    setPage(paging.page);
  }, []);

  const chooseLayout = useCallback((layout: ChosenLayout) => {
    // Gallery pages and strip pages are not the same pages.
    setPage(0);
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
      const others = speakers.filter((p) => !p.isLocal).map((p) => p.id);
      if (others.length === 0) return;
      setSpeakers((kept) => {
        const next = [...new Set([...others, ...kept])].slice(0, KEPT_SPEAKERS);
        return next.join() === kept.join() ? kept : next;
      });
    });
    const offLeft = room.on('participantLeft', (p) => {
      setPinned((id) => (id === p.id ? null : id));
      setSpeakers((kept) => (kept.includes(p.id) ? kept.filter((id) => id !== p.id) : kept));
    });
    return () => {
      offSpeakers();
      offLeft();
    };
  }, [room]);

  return {
    layout: chosen ?? defaultLayout,
    chooseLayout,
    pinned,
    togglePin,
    lastSpeaker: speakers[0] ?? null,
    speakers,
    page,
    goToPage,
    nextPage,
    previousPage,
    onPaging,
  };
}
