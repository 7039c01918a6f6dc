import { z } from 'zod';
import { textSchema } from './text';

/**
 * Webhooks (issue 18, part 4): endpoints of other systems that Conclave tells when something happens
 * in the organisation, signed as Standard Webhooks sign them (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`). Superusers and Administrators manage them in Administration → Webhooks.
 */

/** What an endpoint can be told of. */
export const WEBHOOK_EVENTS = [
  /** A meeting's room opened: its first participant joined. */
  'meeting.started',
  /** Its room emptied: the time it was held ends. */
  'meeting.ended',
  'participant.joined',
  'participant.left',
  /** A recording is stored and playable (REC-STORE). */
  'recording.ready',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The most endpoints an organisation may have. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, 'Enter the address to send to')
  .max(2000, 'The address can be at most 2000 characters');

const webhookEventsSchema = z
  .array(z.enum(WEBHOOK_EVENTS))
  .min(1, 'Choose at least one event')
  .max(WEBHOOK_EVENTS.length)
  .transform((events) => WEBHOOK_EVENTS.filter((e) => events.includes(e)));

const webhookDescriptionSchema = textSchema({ label: 'Description', min: 0, max: 200 });

/** POST /api/webhooks: a new endpoint. The address is checked (https, not private) before it is kept. */
export const createWebhookRequestSchema = z.object({
  url: webhookUrlSchema,
  description: webhookDescriptionSchema.default(''),
  events: webhookEventsSchema,
});
export type CreateWebhookRequest = z.input<typeof createWebhookRequestSchema>;

/** PATCH /api/webhooks/:id: any of these; `enabled: false` stops its deliveries until enabled again. */
export const updateWebhookRequestSchema = z.object({
  url: webhookUrlSchema.optional(),
  description: webhookDescriptionSchema.optional(),
  events: webhookEventsSchema.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookRequest = z.input<typeof updateWebhookRequestSchema>;

/**
 * PUT /api/webhooks/settings (the Administrator only): whether endpoints may be on private, loopback
 * or link-local addresses, and on plain http. Off by default: no request forgery into the network
 * the server runs in.
 */
export const webhookSettingsSchema = z.object({ allowPrivateTargets: z.boolean() });
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event sent (or to be sent) to one endpoint. */
export interface WebhookDeliveryView {
  /** Sent as `webhook-id`: the same for every attempt, so receivers can drop a repeat. */
  id: string;
  type: WebhookEventType;
  status: WebhookDeliveryStatus;
  attempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  /** The HTTP status of the last answer; null when there was none (refused, timed out, unreachable). */
  responseStatus: number | null;
  /** Why the last attempt failed, in a few words; null after a success. */
  error: string | null;
  /** When the next attempt is due, while pending. */
  nextAttemptAt: string | null;
}

export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  events: WebhookEventType[];
  enabled: boolean;
  createdAt: string;
  /** Its latest delivery, for the console's "last status"; null before the first. */
  lastDelivery: WebhookDeliveryView | null;
}

/** POST /api/webhooks and POST /api/webhooks/:id/secret: the signing secret, shown this once. */
export interface WebhookSecretView {
  /** `whsec_` and the base64 of 32 random bytes, as Standard Webhooks libraries take it. */
  secret: string;
}

export type CreatedWebhookView = WebhookEndpointView & WebhookSecretView;

/** GET /api/webhooks. */
export interface WebhookListView {
  endpoints: WebhookEndpointView[];
  settings: WebhookSettings;
}

/** GET /api/webhooks/:id/deliveries: the latest, newest first. */
export interface WebhookDeliveryListView {
  deliveries: WebhookDeliveryView[];
}

/** The body of every delivery: ids and names only, never a passcode, token, link or key. */
export interface WebhookPayload {
  type: WebhookEventType;
  /** When it happened (ISO). */
  timestamp: string;
  data: Record<string, unknown>;
}
