import { z } from 'zod';

/**
 * The organisation's branding (ADM-SETTINGS): colours, a logo and the room systems' wallpaper. The
 * colours live with the other settings; the images are uploaded on their own (PUT
 * /api/settings/branding/logo, …/wallpaper) and everyone reads what is public through GET /api/branding.
 */

/** What text on a coloured surface needs at least (WCAG 2.x, level AA, normal text). */
export const MIN_TEXT_CONTRAST = 4.5;

const WHITE = '#ffffff';
const BLACK = '#000000';

/** A colour as `#rrggbb`. */
export const colourSchema = z.string().regex(/^#[0-9a-f]{6}$/i, 'Enter a colour such as #2457d6');

/** WCAG's relative luminance of a `#rrggbb` colour, 0 (black) to 1 (white). */
export function relativeLuminance(colour: string): number {
  const channel = (offset: number) => {
    const c = parseInt(colour.slice(offset, offset + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG's contrast ratio of two colours, 1 (none) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [
    number,
    number,
  ];
  return (light + 0.05) / (dark + 0.05);
}

/** White or black, whichever reads better on `background`, and by how much. */
export function textColourOn(background: string): { colour: '#ffffff' | '#000000'; contrast: number } {
  const onWhite = contrastRatio(background, WHITE);
  const onBlack = contrastRatio(background, BLACK);
  return onWhite >= onBlack ? { colour: WHITE, contrast: onWhite } : { colour: BLACK, contrast: onBlack };
}

/** "4.52:1", as contrast is written. */
export const contrastText = (ratio: number) => `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;

/**
 * Why `accent` cannot be the accent colour, or null. It is the colour of links and of primary buttons
 * on white pages, with white text on those buttons, so it must read against white.
 */
export function accentColourProblem(accent: string): string | null {
  const ratio = contrastRatio(accent, WHITE);
  return ratio >= MIN_TEXT_CONTRAST
    ? null
    : `The accent colour is used for links and buttons with white text; ${accent} reaches only ${contrastText(ratio)} against white (at least ${MIN_TEXT_CONTRAST}:1 is needed). Choose a darker colour.`;
}

/**
 * Why `header` cannot be the header's colour, or null. Its text is white or black, whichever reads
 * better, so only a colour where neither reaches the minimum is refused. (In sRGB every colour reaches
 * at least 4.58:1 with one of them, so this guards the rule rather than refusing real choices.)
 */
export function headerColourProblem(header: string): string | null {
  const { contrast } = textColourOn(header);
  return contrast >= MIN_TEXT_CONTRAST
    ? null
    : `Neither white nor black text reaches ${MIN_TEXT_CONTRAST}:1 on ${header} (the better reaches ${contrastText(contrast)}). Choose a lighter or darker colour.`;
}

export const brandingSettingsSchema = z.object({
  accentColour: colourSchema.superRefine((colour, ctx) => {
    const problem = accentColourProblem(colour);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  /** The app header's background; its text is white or black for contrast. Older stored sections lack it. */
  headerColour: colourSchema
    .superRefine((colour, ctx) => {
      const problem = headerColourProblem(colour);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .default(WHITE),
});
export type BrandingSettings = z.infer<typeof brandingSettingsSchema>;

/** The images an organisation may upload. */
export const BRANDING_IMAGE_KINDS = ['logo', 'wallpaper'] as const;
export type BrandingImageKind = (typeof BRANDING_IMAGE_KINDS)[number];

/**
 * The only formats taken: raster images a browser shows as images and nothing else. Never SVG, which
 * can carry script.
 */
export const BRANDING_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type BrandingImageType = (typeof BRANDING_IMAGE_TYPES)[number];

/** How big each image may be: in bytes, and in pixels (read from the image's header). */
export const BRANDING_IMAGE_LIMITS: Record<
  BrandingImageKind,
  { label: string; maxBytes: number; maxWidth: number; maxHeight: number }
> = {
  logo: { label: 'The logo', maxBytes: 512 * 1024, maxWidth: 2000, maxHeight: 2000 },
  wallpaper: { label: 'The wallpaper', maxBytes: 4 * 1024 * 1024, maxWidth: 3840, maxHeight: 2160 },
};

/**
 * GET /api/branding: what pages show before anyone signs in (the sign-in and join pages) and what room
 * systems show. Nothing but the branding: no other setting, not even the organisation's name.
 */
export interface PublicBranding {
  accentColour: string;
  headerColour: string;
  /** White or black, whichever reads better on the header colour. */
  headerTextColour: '#ffffff' | '#000000';
  /** Where the logo is (its URL changes with it), or null without one. */
  logoUrl: string | null;
  /** The room systems' wallpaper, or null without one. */
  wallpaperUrl: string | null;
}
