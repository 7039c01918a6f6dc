import { RemoteTrackPublication, type TrackPublication } from '@conclave/client';
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/**
 * Receives a remote video while the tile showing it is mounted, and lets it go when the tile goes
 * (MEET-QUALITY): the stage mounts only the current page, so only that page's videos arrive. A local
 * publication (this client's own camera or screen) needs nothing. Told as the tile is committed, not
 * after the browser painted it: a page of tiles is asked for in the task that mounted it.
 */
export function useShownVideo(publication: TrackPublication | undefined): void {
  useLayoutEffect(() => {
    if (!(publication instanceof RemoteTrackPublication)) return;
    publication.setSubscribed(true);
    return () => publication.setSubscribed(false);
  }, [publication]);
}

/** Plays one track in a media element for as long as the track is given. */
export function useTrackElement(
  ref: RefObject<HTMLMediaElement | null>,
  track: MediaStreamTrack | null,
  onBlocked?: () => void,
): void {
  // A notification, not an input: a new callback must not restart playback.
  const blocked = useRef(onBlocked);
  blocked.current = onBlocked;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (!track) {
      el.srcObject = null;
      return;
    }
    const stream = new MediaStream([track]);
    el.srcObject = stream;
    el.play().catch((err: unknown) => {
      // Autoplay with sound needs a user gesture; the meeting offers a button to start audio.
      if (err instanceof DOMException && err.name === 'NotAllowedError') blocked.current?.();
    });
    return () => {
      if (el.srcObject === stream) el.srcObject = null;
    };
  }, [ref, track]);
}

let sharedContext: AudioContext | null = null;

function audioContext(): AudioContext | null {
  if (typeof AudioContext === 'undefined') return null;
  if (!sharedContext) {
    const ctx = new AudioContext();
    sharedContext = ctx;
    // Browsers start audio only after a user gesture; meters come alive on the first one.
    const resume = () => void ctx.resume().catch(() => undefined);
    for (const type of ['pointerdown', 'keydown'] as const) {
      document.addEventListener(type, resume, { once: true, capture: true });
    }
  }
  if (sharedContext.state === 'suspended') void sharedContext.resume().catch(() => undefined);
  return sharedContext;
}

/**
 * Samples a live audio track's loudness (0–1) ten times a second and keeps what `reduce` makes of
 * it; the component re-renders only when that value changes.
 */
function useAudioSample<T>(
  track: MediaStreamTrack | null,
  active: boolean,
  initial: T,
  reduce: (level: number, previous: T) => T,
): T {
  const [value, setValue] = useState(initial);
  const reducer = useRef(reduce);
  reducer.current = reduce;
  useEffect(() => {
    const ctx = track && active && track.readyState === 'live' ? audioContext() : null;
    if (!ctx || !track) {
      setValue(initial);
      return;
    }
    const source = ctx.createMediaStreamSource(new MediaStream([track]));
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let current = initial;
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // Speech sits around 0.02–0.2 RMS; a square-root curve makes a meter that reads naturally.
      const level = Math.min(1, Math.sqrt(Math.sqrt(sum / samples.length) * 6));
      const next = reducer.current(level, current);
      if (!Object.is(next, current)) {
        current = next;
        setValue(next);
      }
    }, 100);
    return () => {
      clearInterval(timer);
      source.disconnect();
      analyser.disconnect();
    };
    // `initial` is only the resting value.
  }, [track, active]);
  return value;
}

/** Loudness for a level meter, in steps of 5 %. */
export function useAudioLevel(track: MediaStreamTrack | null, active = true): number {
  return useAudioSample(track, active, 0, (level) => Math.round(level * 20) / 20);
}
