import type { BackgroundProcessor } from '@conclave/client';
import { useCallback, useEffect, useId, useRef, useState, type ChangeEvent } from 'react';
import {
  backgroundProcessor,
  EFFECTS_UNAVAILABLE,
  keepUpload,
  PICTURES,
  pictureUrl,
  uploadedBackground,
  type BackgroundChoice,
} from './backgroundEffect';

/**
 * The camera's background (issue 19): none, blur, a picture the app ships or the person's own
 * (uploaded into this browser only). Radio buttons, so arrow keys move between them.
 */
export function BackgroundPicker({
  value,
  onChange,
  unavailable,
  disabled,
}: {
  value: BackgroundChoice;
  onChange: (choice: BackgroundChoice) => void;
  /** The effect could not run on this device (the camera goes out without it). */
  unavailable: boolean;
  disabled?: boolean;
}) {
  const name = useId();
  const [upload, setUpload] = useState(uploadedBackground);
  const [uploadError, setUploadError] = useState<string | undefined>();
  const options: { choice: BackgroundChoice; label: string; picture?: string }[] = [
    { choice: 'none', label: 'None' },
    { choice: 'blur-light', label: 'Blur' },
    { choice: 'blur-strong', label: 'Strong blur' },
    ...PICTURES.map((p) => ({
      choice: `picture:${p.id}` as const,
      label: p.label,
      picture: pictureUrl(p.id),
    })),
    ...(upload ? [{ choice: 'upload' as const, label: 'Your picture', picture: upload }] : []),
  ];
  const chooseFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (!file) return;
    keepUpload(file).then(
      () => {
        setUpload(uploadedBackground());
        setUploadError(undefined);
        onChange('upload');
      },
      () => setUploadError('That file is not a picture this browser can show'),
    );
  };
  return (
    <fieldset className="background-picker" disabled={disabled}>
      <legend>Background</legend>
      <div className="background-options">
        {options.map((o) => (
          <label key={o.choice} className="background-option">
            <input
              type="radio"
              name={name}
              value={o.choice}
              checked={value === o.choice}
              onChange={() => onChange(o.choice)}
            />
            <span
              className={`background-swatch background-${o.picture ? 'picture' : o.choice}`}
              style={o.picture ? { backgroundImage: `url("${o.picture}")` } : undefined}
              aria-hidden="true"
            />
            <span className="background-label">{o.label}</span>
          </label>
        ))}
        <label className="background-option background-upload">
          <input type="file" accept="image/*" onChange={chooseFile} />
          <span className="background-swatch" aria-hidden="true">
            +
          </span>
          <span className="background-label">Upload your own</span>
        </label>
      </div>
      {uploadError && <p className="field-error">{uploadError}</p>}
      {unavailable && value !== 'none' && (
        <p className="field-error" role="status">
          {EFFECTS_UNAVAILABLE}
        </p>
      )}
    </fieldset>
  );
}

/**
 * The preview's camera with `choice` applied (the join page's live preview): the processed track
 * once it runs, the camera meanwhile; `unavailable` when the effect cannot run here.
 */
export function useBackgroundPreview(
  camera: MediaStreamTrack | null,
  choice: BackgroundChoice,
): { track: MediaStreamTrack | null; unavailable: boolean; stop: () => void } {
  const [processed, setProcessed] = useState<MediaStreamTrack | null>(null);
  const [unavailable, setUnavailable] = useState(false);
  const running = useRef<BackgroundProcessor | null>(null);
  useEffect(() => {
    setProcessed(null);
    setUnavailable(false);
    const processor = camera ? backgroundProcessor(choice) : null;
    if (!camera || !processor) return;
    running.current = processor;
    let cancelled = false;
    processor.process(camera).then(
      (track) => {
        if (cancelled) return;
        setProcessed(track);
        track.addEventListener('ended', () => {
          if (cancelled) return;
          setProcessed(null);
          setUnavailable(true);
        });
      },
      (err: unknown) => {
        if (cancelled || (err instanceof DOMException && err.name === 'AbortError')) return;
        console.warn('Background effect unavailable:', err);
        setUnavailable(true);
      },
    );
    return () => {
      cancelled = true;
      processor.stop();
      if (running.current === processor) running.current = null;
    };
  }, [camera, choice]);
  // Before the camera is handed to the room, whose own processor then reads it: two readers of one
  // camera at once were seen to end the room's (its effect then gave way to the plain camera).
  const stop = useCallback(() => {
    running.current?.stop();
    running.current = null;
  }, []);
  return { track: processed ?? camera, unavailable, stop };
}
