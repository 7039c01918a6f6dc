import { z } from 'zod';
import { brandingSettingsSchema } from './branding';
import { textSchema } from './text';

/**
 * The organisation's settings (ADM-SETTINGS), one section per permission of SPEC.md section 4, so a
 * Superuser or Administrator changes each as allowed. Sections for features not built yet (recording,
 * streaming, calendar, room-system alerts, branding) are here so those features only read them.
 */

/** A domain name as people type it after the @: letters, digits, dashes, dots; lower-cased. */
const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(
    /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    'Enter a domain such as example.com',
  );

/** A telephone number as invitations show it (ADM-INVITE); also what a SIP trunk's numbers are (INTEROP-PSTN). */
export const phoneNumberSchema = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{3,32}$/, 'Enter a telephone number such as +41 44 123 45 67');

export const settingsSectionsSchema = z.object({
  chat: z.object({ enabled: z.boolean() }),
  recording: z.object({ enabled: z.boolean() }),
  /** Whether meetings may be streamed at all; each meeting then enables it for itself. */
  streaming: z.object({
    enabled: z.boolean(),
    /**
     * Live streams are watched by people of the organisation only, signed in (STREAM-LIVE); else by
     * anyone with the meeting's watch link. Older stored sections lack it: off.
     */
    organisationOnly: z.boolean().default(false),
  }),
  roomAlerts: z.object({ enabled: z.boolean() }),
  calendar: z.object({ enabled: z.boolean() }),
  /** What invitations carry besides the link (ADM-INVITE). */
  invites: z.object({
    dialInNumbers: z
      .array(z.object({ label: textSchema({ label: 'Label', min: 1, max: 40 }), number: phoneNumberSchema }))
      .max(20),
    callDetails: textSchema({ label: 'Call details', min: 0, max: 1000, multiline: true }),
  }),
  /** Colours; the logo and wallpaper are uploaded on their own (see branding.ts). */
  branding: brandingSettingsSchema,
  layouts: z.object({ default: z.enum(['gallery', 'speaker']) }),
  /** Email domains whose addresses may get new accounts (IAM-DOMAINS); empty: any. */
  domains: z.object({ allowed: z.array(domainSchema).max(100) }),
  /**
   * Who must confirm a password sign-in with a second factor (IAM-LOCAL); those without one set it up
   * at their next sign-in before anything else. The Administrator decides.
   */
  security: z.object({
    requireSecondFactor: z.enum(['nobody', 'managers', 'everyone']),
    /**
     * Every participant's media goes through the TURN relays, never directly (NET-TURN): for networks
     * that allow only outbound connections to known hosts. Older stored sections lack it: off.
     */
    relayOnly: z.boolean().default(false),
    /**
     * Recordings are viewed by people of the organisation only (REC-ACCESS): no owner may share one by
     * link, and links already given stop working. Older stored sections lack it: off.
     */
    recordingsOrganisationOnly: z.boolean().default(false),
  }),
});
export type Settings = z.infer<typeof settingsSectionsSchema>;
export type SettingsSection = keyof Settings;
export const SETTINGS_SECTIONS = Object.keys(settingsSectionsSchema.shape) as SettingsSection[];

/** What a new organisation starts with. */
export const DEFAULT_SETTINGS: Settings = {
  chat: { enabled: true },
  recording: { enabled: false },
  streaming: { enabled: false, organisationOnly: false },
  roomAlerts: { enabled: false },
  calendar: { enabled: false },
  invites: { dialInNumbers: [], callDetails: '' },
  // The web app's own colours: an organisation that sets none sees the app as it is.
  branding: { accentColour: '#4f46e5', headerColour: '#ffffff' },
  layouts: { default: 'gallery' },
  domains: { allowed: [] },
  security: { requireSecondFactor: 'nobody', relayOnly: false, recordingsOrganisationOnly: false },
};

/** PATCH /api/settings: whole sections, any number of them; the answer is every section. */
export const updateSettingsRequestSchema = settingsSectionsSchema.partial().strict();
export type UpdateSettingsRequest = z.input<typeof updateSettingsRequestSchema>;
