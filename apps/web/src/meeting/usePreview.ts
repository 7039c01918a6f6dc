import { createLocalTrack, type LocalSourceOptions, type CaptureSource } from '@conclave/client';
import { noiseSuppressionPreferred } from './audioPreferences';
import { backgroundPreferred, rememberBackground, type BackgroundChoice } from './backgroundEffect';
import { useBackgroundPreview } from './BackgroundPicker';
import { useCallback, useEffect, useRef, useState } from 'react';

/** Media choices remembered between visits. */
export interface MediaPrefs {
  micOn: boolean;
  camOn: boolean;
  micId?: string | undefined;
  camId?: string | undefined;
}

const PREFS_KEY = 'conclave.media';

function loadPrefs(): MediaPrefs {
  try {
    const raw = localStorage.getItem(PREFS_KEY);
    const v = raw ? (JSON.parse(raw) as Partial<MediaPrefs>) : {};
    return {
      micOn: v.micOn !== false,
      camOn: v.camOn !== false,
      micId: typeof v.micId === 'string' ? v.micId : undefined,
      camId: typeof v.camId === 'string' ? v.camId : undefined,
    };
  } catch {
    return { micOn: true, camOn: true };
  }
}

function savePrefs(prefs: MediaPrefs): void {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    // Private mode: nothing to remember.
  }
}

export interface SourcePreview {
  on: boolean;
  track: MediaStreamTrack | null;
  starting: boolean;
  error: string | undefined;
  deviceId: string | undefined;
}

/** Opens one source while it is on; the track is stopped when turned off or unmounted, unless handed over. */
function useSource(
  source: CaptureSource,
  on: boolean,
  deviceId: string | undefined,
  handedOver: Set<MediaStreamTrack>,
  generation: number,
) {
  const [track, setTrack] = useState<MediaStreamTrack | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (!on) {
      setTrack(null);
      setStarting(false);
      return;
    }
    let cancelled = false;
    let opened: MediaStreamTrack | null = null;
    setStarting(true);
    createLocalTrack(source, {
      ...(deviceId && { deviceId }),
      ...(source === 'microphone' && { noiseSuppression: noiseSuppressionPreferred() }),
    }).then(
      (t) => {
        if (cancelled) {
          t.stop();
          return;
        }
        opened = t;
        setTrack(t);
        setError(undefined);
        setStarting(false);
      },
      (err: unknown) => {
        if (cancelled) return;
        setTrack(null);
        setError(err instanceof Error ? err.message : `The ${source} could not be started`);
        setStarting(false);
      },
    );
    return () => {
      cancelled = true;
      if (opened && !handedOver.has(opened)) opened.stop();
    };
  }, [source, on, deviceId, handedOver, generation]);
  return { track, starting, error };
}

/** Camera and microphone preview for the join page, with device choice. */
export function usePreview() {
  const [prefs, setPrefs] = useState(loadPrefs);
  const handedOver = useRef(new Set<MediaStreamTrack>()).current;
  const [generation, setGeneration] = useState(0);
  const mic = useSource('microphone', prefs.micOn, prefs.micId, handedOver, generation);
  const cam = useSource('camera', prefs.camOn, prefs.camId, handedOver, generation);

  useEffect(() => savePrefs(prefs), [prefs]);
  const [background, setBackground] = useState(backgroundPreferred);
  const effect = useBackgroundPreview(cam.track, background);

  const update = useCallback((change: Partial<MediaPrefs>) => setPrefs((p) => ({ ...p, ...change })), []);

  /** Hands the open tracks to the room (which stops them when done) and says how each source starts. */
  const stopEffect = effect.stop;
  const handOver = useCallback((): { microphone: LocalSourceOptions; camera: LocalSourceOptions } => {
    stopEffect();
    const options = (on: boolean, s: { track: MediaStreamTrack | null; starting: boolean }, id?: string) => {
      if (s.track) handedOver.add(s.track);
      return {
        enabled: on && (s.track !== null || s.starting),
        ...(s.track && { track: s.track }),
        ...(id && { deviceId: id }),
      };
    };
    return {
      microphone: options(prefs.micOn, mic, prefs.micId),
      camera: options(prefs.camOn, cam, prefs.camId),
    };
  }, [prefs, mic, cam, handedOver, stopEffect]);

  const source = (on: boolean, s: typeof mic, id: string | undefined): SourcePreview => ({
    on,
    track: s.track,
    starting: s.starting,
    error: s.error,
    deviceId: id ?? s.track?.getSettings().deviceId,
  });

  return {
    prefs,
    microphone: source(prefs.micOn, mic, prefs.micId),
    camera: source(prefs.camOn, cam, prefs.camId),
    setMicOn: (on: boolean) => update({ micOn: on }),
    setCamOn: (on: boolean) => update({ camOn: on }),
    chooseMic: (id: string) => update({ micId: id, micOn: true }),
    chooseCam: (id: string) => update({ camId: id, camOn: true }),
    /** The camera's background effect, remembered on this device; the room applies it on joining. */
    background,
    chooseBackground: (choice: BackgroundChoice) => {
      rememberBackground(choice);
      setBackground(choice);
    },
    /** What the preview shows: the camera with its background effect once that runs. */
    cameraView: effect.track,
    effectsUnavailable: effect.unavailable,
    handOver,
    /** Opens the devices again (after tracks handed over were stopped). */
    restart: () => setGeneration((g) => g + 1),
  };
}
