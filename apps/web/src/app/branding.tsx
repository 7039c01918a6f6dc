import { DEFAULT_SETTINGS, type PublicBranding } from '@conclave/protocol';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { getBranding } from '../api/endpoints';
import { LogoMark } from '../ui/icons';

/**
 * The organisation's branding (ADM-SETTINGS) on every page, signed in or not: its colours as CSS
 * custom properties on the document, and its logo for the headers to show. Until it is known, and
 * wherever the organisation kept the defaults, the stylesheet's own colours stay untouched. What this
 * browser saw last is shown at once on the next visit (no flash of the product's colours), then
 * replaced by what the server says now.
 */

const REMEMBERED_KEY = 'conclave.branding';

interface BrandingContextValue {
  /** Null until GET /api/branding answers (or when it could not). */
  branding: PublicBranding | null;
  /** What an upload or a save answered, shown at once. */
  update(branding: PublicBranding): void;
  /** Asks again (after the colours were saved with the other settings). */
  reload(): void;
}

const BrandingContext = createContext<BrandingContextValue | null>(null);

export function BrandingProvider({ children }: { children: ReactNode }) {
  const [branding, setBranding] = useState<PublicBranding | null>(remembered);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let cancelled = false;
    // Without an answer the page keeps the product's own look; nothing else depends on it.
    getBranding().then(
      (b) => !cancelled && setBranding(b),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);

  // Before the browser paints, so that no frame shows other colours.
  useLayoutEffect(() => {
    if (branding) applyColours(document.documentElement, branding);
  }, [branding]);
  useEffect(() => {
    if (branding) remember(branding);
  }, [branding]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const value = useMemo(() => ({ branding, update: setBranding, reload }), [branding, reload]);
  return <BrandingContext.Provider value={value}>{children}</BrandingContext.Provider>;
}

export function useBranding(): BrandingContextValue {
  const value = useContext(BrandingContext);
  if (!value) throw new Error('useBranding outside BrandingProvider');
  return value;
}

/**
 * The accent becomes the brand colour and its shades (hover, soft background, focus ring); a header
 * colour other than white becomes the header's background with its text colour, marked on the root
 * element so the header's parts follow it (app.css).
 */
function applyColours(root: HTMLElement, branding: PublicBranding): void {
  const { style } = root;
  const accent = branding.accentColour.toLowerCase();
  if (accent === DEFAULT_SETTINGS.branding.accentColour) {
    for (const name of ['--brand', '--brand-hover', '--brand-soft', '--focus-ring'])
      style.removeProperty(name);
  } else {
    style.setProperty('--brand', accent);
    style.setProperty('--brand-hover', mix(accent, '#000000', 0.15));
    style.setProperty('--brand-soft', mix(accent, '#ffffff', 0.9));
    style.setProperty('--focus-ring', `0 0 0 3px ${accent}66`);
  }
  if (branding.headerColour.toLowerCase() === DEFAULT_SETTINGS.branding.headerColour) {
    delete root.dataset.header;
    style.removeProperty('--header-bg');
    style.removeProperty('--header-fg');
  } else {
    root.dataset.header = 'branded';
    style.setProperty('--header-bg', branding.headerColour);
    style.setProperty('--header-fg', branding.headerTextColour);
  }
}

/** `colour` moved `amount` (0 to 1) of the way towards `towards`, both `#rrggbb`. */
function mix(colour: string, towards: string, amount: number): string {
  const channel = (hex: string, i: number) => parseInt(hex.slice(1 + i * 2, 3 + i * 2), 16);
  return `#${[0, 1, 2]
    .map((i) => Math.round(channel(colour, i) + (channel(towards, i) - channel(colour, i)) * amount))
    .map((c) => c.toString(16).padStart(2, '0'))
    .join('')}`;
}

/**
 * The organisation's logo where the product's mark would be, or that mark without one. `name` is its
 * text alternative: what the logo says (the organisation's name) or, in a link, where it leads.
 */
export function BrandLogo({ size, name = 'Organisation logo' }: { size: number; name?: string }) {
  const logoUrl = useBranding().branding?.logoUrl;
  if (!logoUrl) return <LogoMark size={size} />;
  return <img className="brand-logo" src={logoUrl} alt={name} style={{ height: size }} />;
}

/** What this browser saw last, if it still looks like branding (it ends up in CSS and an image URL). */
function remembered(): PublicBranding | null {
  try {
    const raw = localStorage.getItem(REMEMBERED_KEY);
    const v = raw ? (JSON.parse(raw) as Partial<PublicBranding>) : null;
    const colour = (c: unknown) => typeof c === 'string' && /^#[0-9a-f]{6}$/i.test(c);
    const url = (u: unknown) => u === null || (typeof u === 'string' && u.startsWith('/api/branding/'));
    const valid =
      v !== null &&
      colour(v.accentColour) &&
      colour(v.headerColour) &&
      (v.headerTextColour === '#ffffff' || v.headerTextColour === '#000000') &&
      url(v.logoUrl) &&
      url(v.wallpaperUrl);
    return valid ? (v as PublicBranding) : null;
  } catch {
    return null;
  }
}

function remember(branding: PublicBranding): void {
  try {
    localStorage.setItem(REMEMBERED_KEY, JSON.stringify(branding));
  } catch {
    // Private mode: nothing to remember.
  }
}
