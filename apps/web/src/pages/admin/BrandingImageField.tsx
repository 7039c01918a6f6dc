import {
  BRANDING_IMAGE_LIMITS,
  BRANDING_IMAGE_TYPES,
  type BrandingImageKind,
  type PublicBranding,
} from '@conclave/protocol';
import { useId, useRef, useState, type ChangeEvent } from 'react';
import { removeBrandingImage, uploadBrandingImage } from '../../api/endpoints';
import { useApiErrorText } from '../../app/session';
import { Button } from '../../ui/components';

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;

/**
 * One branding image (ADM-SETTINGS): what is there now, a file input that uploads the chosen image
 * at once, and Remove. The format and the size are checked here first; the server checks them again
 * by the image's own bytes, with its pixel size, and its refusal shows next to the field too.
 */
export function BrandingImageField({
  kind,
  label,
  url,
  hint,
  onChange,
}: {
  kind: BrandingImageKind;
  label: string;
  url: string | null;
  hint: string;
  onChange: (branding: PublicBranding) => void;
}) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const handle = useApiErrorText();
  const [busy, setBusy] = useState<'upload' | 'remove' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState('');
  const limits = BRANDING_IMAGE_LIMITS[kind];
  const rules = `PNG, JPEG or WebP, at most ${sizeText(limits.maxBytes)} and ${limits.maxWidth}×${limits.maxHeight} pixels.`;

  const run = async (what: 'upload' | 'remove', work: () => Promise<PublicBranding>, said: string) => {
    setBusy(what);
    setError(null);
    setDone('');
    try {
      onChange(await work());
      setDone(said);
    } catch (err) {
      setError(handle(err));
    } finally {
      setBusy(null);
      if (input.current) input.current.value = '';
    }
  };

  const chosen = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    setDone('');
    if (!(BRANDING_IMAGE_TYPES as readonly string[]).includes(file.type)) {
      setError(`${file.name} is not a PNG, JPEG or WebP image.`);
      e.target.value = '';
      return;
    }
    if (file.size > limits.maxBytes) {
      setError(
        `${file.name} is ${sizeText(file.size)}; ${label.toLowerCase()} can be at most ${sizeText(limits.maxBytes)}.`,
      );
      e.target.value = '';
      return;
    }
    void run('upload', () => uploadBrandingImage(kind, file), `${label} saved.`);
  };

  return (
    <div className={`field admin-image ${error ? 'field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <div className={`admin-image-preview admin-image-${kind}`}>
        {url ? (
          <img src={url} alt={`${label} as shown now`} />
        ) : (
          <span className="muted">None: the product’s own look.</span>
        )}
      </div>
      <input
        ref={input}
        id={id}
        type="file"
        name={kind}
        accept={BRANDING_IMAGE_TYPES.join(',')}
        onChange={chosen}
        disabled={busy !== null}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : `${id}-hint`}
      />
      {error ? (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      ) : (
        <p className="field-hint" id={`${id}-hint`}>
          {hint} {rules}
        </p>
      )}
      <div className="admin-image-actions">
        {url && (
          <Button
            size="sm"
            busy={busy === 'remove'}
            disabled={busy !== null}
            onClick={() => void run('remove', () => removeBrandingImage(kind), `${label} removed.`)}
          >
            Remove {label.toLowerCase()}
          </Button>
        )}
        <span role="status" className="muted">
          {busy === 'upload' ? 'Uploading…' : done}
        </span>
      </div>
    </div>
  );
}
