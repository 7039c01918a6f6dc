import { z } from 'zod';
import { displayNameSchema, newPasswordSchema, type UserView } from './api';
import { passkeyAssertionSchema, type PasskeyView } from './passkeys';

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
 * Who confirms a change that guards the account (POST /api/account/password, /totp/remove,
 * /recovery-codes, /passkeys/options, /passkeys/:id/remove): the current password, `{ currentPassword }`,
 * or instead `{ passkey }`, a fresh answer of one of the person's own passkeys to the options of POST
 * /api/account/confirm/passkey-options (its device verifies who holds it, so it is worth the password).
 * Exactly one: without a passkey the password is what is missing, so its errors keep naming
 * `currentPassword` (a wrong one is 400 `invalid_credentials` there; a refused passkey `passkey_failed`).
 */
export const confirmationSchema = z
  .object({
    currentPassword: z.string().min(1).max(256).optional(),
    passkey: passkeyAssertionSchema.optional(),
  })
  .transform((proof, ctx) => {
    if (proof.passkey === undefined) {
      if (proof.currentPassword !== undefined) return { currentPassword: proof.currentPassword };
      ctx.addIssue({ code: 'custom', path: ['currentPassword'], message: 'Enter your current password' });
    } else if (proof.currentPassword === undefined) {
      return { passkey: proof.passkey };
    } else {
      ctx.addIssue({
        code: 'custom',
        path: ['passkey'],
        message: 'Confirm with a password or a passkey, not both',
      });
    }
    return z.NEVER;
  });
export type Confirmation = z.input<typeof confirmationSchema>;
/** A Confirmation as the server reads it: the one proof sent. */
export type ConfirmationProof = z.output<typeof confirmationSchema>;

/** PATCH /api/account. */
export const updateAccountRequestSchema = z.object({ displayName: displayNameSchema });
export type UpdateAccountRequest = z.input<typeof updateAccountRequestSchema>;

/** POST /api/account/password: a Confirmation, and the new password; every other session then ends. */
export const changePasswordRequestSchema = z.intersection(
  confirmationSchema,
  z.object({ newPassword: newPasswordSchema }),
);
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
