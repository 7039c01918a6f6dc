import { createHash } from 'node:crypto';
import {
  BRANDING_IMAGE_LIMITS,
  BRANDING_IMAGE_TYPES,
  DEFAULT_SETTINGS,
  textColourOn,
  type BrandingImageKind,
  type BrandingSettings,
  type PublicBranding,
} from '@conclave/protocol';
import { authorize, ORGANISATION } from '../access';
import type { AuditActor, AuditLog } from '../audit';
import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import type { UserPrincipal } from '../domain';
import type { OrganisationSettings } from '../settings';
import { inspectImage } from './image-format';
import type { OrganisationImageStore, StoredImage } from './store';

export interface BrandingDeps {
  store: OrganisationImageStore;
  settings: OrganisationSettings;
  /** The organisation first-run setup made: whose branding pages show before anyone signs in. */
  installationOrganisation: () => Promise<string | null>;
  audit: AuditLog;
  clock: Clock;
}

/** Where each image is served; the query names the version, so a replaced image is a new URL. */
const imageUrl = (kind: BrandingImageKind, sha256: string) =>
  `/api/branding/${kind}?v=${sha256.slice(0, 16)}`;

/**
 * The organisation's branding (ADM-SETTINGS): its colours (a settings section) and its logo and
 * room-system wallpaper, uploaded by Superusers and Administrators, checked by their own bytes, and
 * shown to everyone, signed in or not. An installation has one organisation in practice: the public
 * branding is that of the organisation first-run setup made.
 */
export class Branding {
  constructor(private readonly deps: BrandingDeps) {}

  /** What GET /api/branding answers: the installation's branding, the defaults before setup. */
  async ofInstallation(): Promise<PublicBranding> {
    const organisationId = await this.deps.installationOrganisation();
    return organisationId ? this.of(organisationId) : publicBranding(DEFAULT_SETTINGS.branding, {});
  }

  /** The installation's image of that kind, for anyone; null without one. */
  async installationImage(kind: BrandingImageKind): Promise<StoredImage | null> {
    const organisationId = await this.deps.installationOrganisation();
    return organisationId ? this.deps.store.read(organisationId, kind) : null;
  }

  async of(organisationId: string): Promise<PublicBranding> {
    const [settings, hashes] = await Promise.all([
      this.deps.settings.of(organisationId),
      this.deps.store.hashes(organisationId),
    ]);
    return publicBranding(settings.branding, hashes);
  }

  /** Refuses anyone but Superusers and Administrators, before an upload's body is read. */
  assertMayChange(caller: UserPrincipal): void {
    authorize(
      caller,
      'settings.branding',
      ORGANISATION,
      'Only Superusers and Administrators can change the branding',
    );
  }

  /**
   * Stores an image as the organisation's logo or wallpaper, replacing any before, once its bytes
   * prove it a PNG, JPEG or WebP within the size allowed. Stored under the type its bytes say.
   */
  async upload(
    actor: AuditActor,
    kind: BrandingImageKind,
    contentType: string | undefined,
    body: unknown,
  ): Promise<PublicBranding> {
    const caller = actor.principal;
    this.assertMayChange(caller);
    const limits = BRANDING_IMAGE_LIMITS[kind];
    const declared = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!Buffer.isBuffer(body) || !(BRANDING_IMAGE_TYPES as readonly string[]).includes(declared)) {
      throw unsupported();
    }
    if (body.length > limits.maxBytes) throw tooLarge(kind);
    const facts = inspectImage(body);
    if (!facts) throw unsupported();
    if (facts.width > limits.maxWidth || facts.height > limits.maxHeight) {
      throw new AppError(
        400,
        'image_dimensions_too_large',
        `${limits.label} can be at most ${limits.maxWidth}×${limits.maxHeight} pixels; this one is ${facts.width}×${facts.height}`,
      );
    }
    const image: StoredImage = {
      contentType: facts.type,
      bytes: body,
      sha256: createHash('sha256').update(body).digest('hex'),
    };
    const before = await this.deps.store.read(caller.organisationId, kind);
    if (before?.sha256 !== image.sha256 || before.contentType !== image.contentType) {
      await this.deps.store.write(caller.organisationId, kind, image, this.deps.clock.now().toISOString());
      await this.audited(actor, kind, before, image);
    }
    return this.of(caller.organisationId);
  }

  /** Removes the organisation's image of that kind; pages go back to the product's own look. */
  async remove(actor: AuditActor, kind: BrandingImageKind): Promise<PublicBranding> {
    const caller = actor.principal;
    this.assertMayChange(caller);
    const before = await this.deps.store.read(caller.organisationId, kind);
    if (before && (await this.deps.store.remove(caller.organisationId, kind))) {
      await this.audited(actor, kind, before, null);
    }
    return this.of(caller.organisationId);
  }

  /** As a settings change of its own section (`branding.logo`), from what it was to what it is. */
  private async audited(
    actor: AuditActor,
    kind: BrandingImageKind,
    from: StoredImage | null,
    to: StoredImage | null,
  ): Promise<void> {
    const section = `branding.${kind}`;
    await this.deps.audit.record(
      actor,
      'settings.changed',
      { kind: 'settings', id: section, name: section },
      { section, from: describe(from), to: describe(to) },
    );
  }
}

function publicBranding(
  branding: BrandingSettings,
  hashes: Partial<Record<BrandingImageKind, string>>,
): PublicBranding {
  // Picked one by one: nothing stored beside the colours can come along.
  return {
    accentColour: branding.accentColour,
    headerColour: branding.headerColour,
    headerTextColour: textColourOn(branding.headerColour).colour,
    logoUrl: hashes.logo ? imageUrl('logo', hashes.logo) : null,
    wallpaperUrl: hashes.wallpaper ? imageUrl('wallpaper', hashes.wallpaper) : null,
  };
}

/** "image/png, 120×40, 3.2 KiB", or "none", for the audit log. */
function describe(image: StoredImage | null): string {
  if (!image) return 'none';
  const facts = inspectImage(image.bytes);
  const size =
    image.bytes.length < 1024
      ? `${image.bytes.length} bytes`
      : `${(image.bytes.length / 1024).toFixed(1)} KiB`;
  return [image.contentType, facts && `${facts.width}×${facts.height}`, size].filter(Boolean).join(', ');
}

export const unsupported = () =>
  new AppError(
    415,
    'image_unsupported',
    'Upload a PNG, JPEG or WebP image (SVG and other files are refused)',
  );

export function tooLarge(kind: BrandingImageKind): AppError {
  const { label, maxBytes } = BRANDING_IMAGE_LIMITS[kind];
  const size = maxBytes >= 1024 * 1024 ? `${maxBytes / (1024 * 1024)} MiB` : `${maxBytes / 1024} KiB`;
  return new AppError(413, 'image_too_large', `${label} can be at most ${size}`);
}
