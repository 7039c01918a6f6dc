import { z } from 'zod';
import { displayNameSchema, newPasswordSchema, type UserView } from './api';
import type { PasskeyView } from './passkeys';

/**
 * A person's own account (IAM-LOCAL): their name and password, and where they are signed in. Every
 * change is in the organisation's audit log (ADM-AUDIT).
 */

/** GET /api/account. */
export interface AccountView {
  user: UserView;
  /** The account signs in with a password here (not only through single sign-on). */
  hasPassword: boolean;
  /** Passwords are off for this account: its organisation signs in through its identity provider only. */
  ssoOnly: boolean;
  secondFactors: {
    /** An authenticator app is set up (confirmed). */
    totp: boolean;
    /** The person's passkeys, oldest first. */
    passkeys: PasskeyView[];
    /** Unused recovery codes left. */
    recoveryCodesLeft: number;
  };
}

/** POST /api/account/totp: a new authenticator-app secret, active once a code from it is confirmed. */
export interface TotpSetupView {
  /** Base32, for typing into the app by hand. */
  secret: string;
  /** otpauth:// URI, for the QR code. */
  otpauthUri: string;
}

/** POST /api/account/totp/confirm: a code from the app proves it holds the secret. */
export const confirmTotpRequestSchema = z.object({
  code: z
    .string()
    .transform((c) => c.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6 digits your authenticator app shows')),
});
export type ConfirmTotpRequest = z.input<typeof confirmTotpRequestSchema>;

/**
 * One-time recovery codes, shown this once (only their hashes are kept). Confirming an authenticator
 * app answers an empty list when the account keeps the unused codes it has (from a passkey).
 */
export interface RecoveryCodesView {
  codes: string[];
}

/**
 * POST /api/account/totp/remove, POST /api/account/recovery-codes, POST /api/account/passkeys/options,
 * POST /api/account/passkeys/:id/remove: the current password confirms.
 */
export const confirmPasswordRequestSchema = z.object({ currentPassword: z.string().min(1).max(256) });
export type ConfirmPasswordRequest = z.input<typeof confirmPasswordRequestSchema>;

/** PATCH /api/account. */
export const updateAccountRequestSchema = z.object({ displayName: displayNameSchema });
export type UpdateAccountRequest = z.input<typeof updateAccountRequestSchema>;

/** POST /api/account/password: the current password confirms; every other session then ends. */
export const changePasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: newPasswordSchema,
});
export type ChangePasswordRequest = z.input<typeof changePasswordRequestSchema>;

/** GET /api/account/sessions: one place the person is signed in. */
export interface AccountSessionView {
  id: string;
  /** "Firefox on Windows"; null when the browser did not say. */
  device: string | null;
  createdAt: string;
  lastSeenAt: string;
  /** The session this request came with. */
  current: boolean;
}
