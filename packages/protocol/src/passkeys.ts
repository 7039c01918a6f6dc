import { z } from 'zod';
import { textSchema } from './text';

/**
 * Passkeys (WebAuthn, IAM-LOCAL): registered from the account page, they sign in alone (the device
 * checks who holds it, so it is both factors) or confirm a sign-in after the password. What the
 * browser's WebAuthn calls return travels as the JSON of @simplewebauthn/browser; the options the
 * browser passes to them come from the server as that library's JSON too.
 */

/** base64url as WebAuthn JSON carries it; a credential id is at most 1023 bytes (1364 characters). */
const base64url = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/, 'Expected base64url');
const credentialId = base64url(1364);
/**
 * No extension is asked for and none is read. Browsers add `credProps` unasked; it and anything else
 * are dropped (naming it keeps the type that of the WebAuthn JSON the browser library returns).
 */
const clientExtensionResults = z.object({ credProps: z.object({ rk: z.boolean() }).partial().optional() });

/** A passkey's id in URLs: the credential id. */
export const PASSKEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,1364}$/;

/** navigator.credentials.create(), as startRegistration returns it. */
export const passkeyRegistrationSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(4096),
    attestationObject: base64url(32_768),
    transports: z.array(z.string().max(32)).max(10).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults,
});

/** navigator.credentials.get(), as startAuthentication returns it. */
export const passkeyAssertionSchema = z.object({
  id: credentialId,
  rawId: credentialId,
  type: z.literal('public-key'),
  response: z.object({
    clientDataJSON: base64url(4096),
    authenticatorData: base64url(4096),
    signature: base64url(1024),
    userHandle: base64url(128).optional(),
  }),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
  clientExtensionResults,
});
export type PasskeyAssertion = z.input<typeof passkeyAssertionSchema>;

/** Names people give their passkeys ("Laptop", "Blue key"): the one text rule. */
export const passkeyNameSchema = textSchema({ label: 'Name', min: 1, max: 64 });

/**
 * POST /api/account/passkeys: the new credential, answering the options of POST
 * /api/account/passkeys/options (whose body is a Confirmation: a passkey signs in alone, so making one
 * needs the current password or another of the person's passkeys, as changing the password does).
 */
export const registerPasskeyRequestSchema = z.object({
  name: passkeyNameSchema,
  response: passkeyRegistrationSchema,
});
export type RegisterPasskeyRequest = z.input<typeof registerPasskeyRequestSchema>;

/** PATCH /api/account/passkeys/:id. */
export const renamePasskeyRequestSchema = z.object({ name: passkeyNameSchema });
export type RenamePasskeyRequest = z.input<typeof renamePasskeyRequestSchema>;

/** POST /api/auth/passkey: a passkey alone signs in; the answer is a SessionView. */
export const passkeySignInRequestSchema = z.object({ response: passkeyAssertionSchema });
export type PasskeySignInRequest = z.input<typeof passkeySignInRequestSchema>;

/** One of the person's passkeys, as their account page lists it. */
export interface PasskeyView {
  id: string;
  name: string;
  createdAt: string;
  /** Null until it first signs in. */
  lastUsedAt: string | null;
}

/** POST /api/account/passkeys. */
export interface RegisteredPasskeyView {
  passkey: PasskeyView;
  /**
   * Recovery codes, shown this once, when this passkey is the account's first second factor (or it had
   * no unused codes left); empty when the account keeps the codes it has.
   */
  recoveryCodes: string[];
}
