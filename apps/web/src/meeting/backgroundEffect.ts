import { BackgroundProcessor, type BackgroundEffect } from '@conclave/client';

/**
 * The camera's background effect (issue 19), remembered on this device: none, blur, one of the
 * pictures the app ships, or one the person uploaded (kept in this browser only, as a small JPEG in
 * localStorage; it never goes to the server).
 */
export type BackgroundChoice = 'none' | 'blur-light' | 'blur-strong' | `picture:${string}` | 'upload';

/** Where the web app serves MediaPipe's files (vite.config.ts): nothing comes from another host. */
const EFFECT_ASSETS = '/effects/mediapipe/';

/** The pictures under public/effects/backgrounds/. */
export const PICTURES = [
  { id: 'office', label: 'Office' },
  { id: 'hills', label: 'Hills' },
  { id: 'dusk', label: 'Dusk' },
] as const;

export const pictureUrl = (id: string) => `/effects/backgrounds/${id}.jpg`;

const CHOICE_KEY = 'conclave.background';
const UPLOAD_KEY = 'conclave.backgroundUpload';
/** An upload is scaled down to fit this before it is kept: a camera picture needs no more. */
const UPLOAD_SIZE = { width: 1280, height: 720 };

export const EFFECTS_UNAVAILABLE = 'Effects unavailable on this device';

function isChoice(value: string | null): value is BackgroundChoice {
  return (
    value === 'none' ||
    value === 'blur-light' ||
    value === 'blur-strong' ||
    value === 'upload' ||
    PICTURES.some((p) => value === `picture:${p.id}`)
  );
}

export function backgroundPreferred(): BackgroundChoice {
  try {
    const value = localStorage.getItem(CHOICE_KEY);
    if (value === 'upload' && !localStorage.getItem(UPLOAD_KEY)) return 'none';
    return isChoice(value) ? value : 'none';
  } catch {
    return 'none';
  }
}

export function rememberBackground(choice: BackgroundChoice): void {
  try {
    localStorage.setItem(CHOICE_KEY, choice);
  } catch {
    // Storage blocked: it applies to this page only.
  }
}

/** The uploaded picture, if one is kept. */
export function uploadedBackground(): string | null {
  try {
    return localStorage.getItem(UPLOAD_KEY);
  } catch {
    return null;
  }
}

/** Keeps `file` (an image) in this browser, scaled down to a JPEG; rejects if it is not a picture. */
export async function keepUpload(file: Blob): Promise<void> {
  const image = await createImageBitmap(file);
  const scale = Math.min(1, UPLOAD_SIZE.width / image.width, UPLOAD_SIZE.height / image.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(image.width * scale);
  canvas.height = Math.round(image.height * scale);
  canvas.getContext('2d')?.drawImage(image, 0, 0, canvas.width, canvas.height);
  image.close();
  localStorage.setItem(UPLOAD_KEY, canvas.toDataURL('image/jpeg', 0.8));
}

/** A data: URL as a Blob (the page's CSP allows no fetch of data: URLs). */
function dataUrlBlob(url: string): Blob {
  const [head = '', body = ''] = url.split(',', 2);
  const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: head.slice('data:'.length).split(';')[0] ?? '' });
}

function effectOf(choice: BackgroundChoice): BackgroundEffect | null {
  if (choice === 'blur-light') return { mode: 'blur', strength: 'light' };
  if (choice === 'blur-strong') return { mode: 'blur', strength: 'strong' };
  if (choice === 'upload') {
    const upload = uploadedBackground();
    return upload ? { mode: 'replace', image: dataUrlBlob(upload) } : null;
  }
  if (choice.startsWith('picture:')) return { mode: 'replace', image: pictureUrl(choice.slice(8)) };
  return null;
}

/** The SDK processor for `choice`, or null for none. */
export function backgroundProcessor(choice: BackgroundChoice): BackgroundProcessor | null {
  const effect = effectOf(choice);
  return effect ? new BackgroundProcessor({ effect, assetsUrl: EFFECT_ASSETS }) : null;
}
