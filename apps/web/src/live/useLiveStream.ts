import Hls from 'hls.js';
import { useEffect, useState, type RefObject } from 'react';

/** `waiting`: nothing is streamed yet (or any more), asked again every few seconds. */
export type LiveState = 'connecting' | 'playing' | 'waiting';

const RETRY_MS = 3_000;

/**
 * Plays a meeting's live stream in `video` (STREAM-LIVE): HLS from /api/streams, its AES-128 key
 * fetched by hls.js from the key endpoint (checked by the server like every request), or by the
 * browser itself where it plays HLS natively (Safari).
 */
export function useLiveStream(meetingId: string, video: RefObject<HTMLVideoElement | null>): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    const source = `/api/streams/${encodeURIComponent(meetingId)}/index.m3u8`;
    let hls: Hls | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const start = () => {
      hls?.destroy();
      if (!Hls.isSupported()) {
        element.src = source;
        return;
      }
      hls = new Hls({ liveSyncDurationCount: 2 });
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        setState('playing');
        void element.play().catch(() => undefined);
      });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        setState('waiting');
        hls?.destroy();
        hls = null;
        retry = setTimeout(start, RETRY_MS);
      });
      hls.loadSource(source);
      hls.attachMedia(element);
    };
    start();
    const playing = () => setState('playing');
    element.addEventListener('playing', playing);
    return () => {
      element.removeEventListener('playing', playing);
      if (retry) clearTimeout(retry);
      hls?.destroy();
    };
  }, [meetingId, video]);
  return state;
}
