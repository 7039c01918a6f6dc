import type { Confirmation, PasskeyAssertion, RegisteredPasskeyView, SessionView } from '@conclave/protocol';
import { startAuthentication, startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import {
  completeSignIn,
  getConfirmPasskeyOptions,
  getPasskeyRegistrationOptions,
  getPasskeySignInOptions,
  getSecondFactorPasskeyOptions,
  registerPasskey,
  signInWithPasskey,
} from './endpoints';

/**
 * The WebAuthn ceremonies (IAM-LOCAL): the server's options go to the browser, which asks the device,
 * and its answer goes back. The browser's refusals become errors in words; the server's are ApiErrors.
 */

/** Signs in with whichever of this site's passkeys the device offers: both factors at once. */
export async function signInWithAPasskey(): Promise<SessionView> {
  const optionsJSON = await getPasskeySignInOptions();
  const response = await ceremony(() => startAuthentication({ optionsJSON }));
  return signInWithPasskey({ response });
}

/** Confirms a sign-in whose password was right with one of that account's passkeys. */
export async function confirmWithAPasskey(): Promise<SessionView> {
  const optionsJSON = await getSecondFactorPasskeyOptions();
  const response = await ceremony(() => startAuthentication({ optionsJSON }));
  return completeSignIn({ method: 'passkey', response });
}

/**
 * One of the signed-in person's passkeys answering a challenge made to confirm a change: sent in place
 * of their current password (a Confirmation).
 */
export async function answerWithAPasskey(): Promise<PasskeyAssertion> {
  const optionsJSON = await getConfirmPasskeyOptions();
  return ceremony(() => startAuthentication({ optionsJSON }));
}

/** Makes a passkey on this device for the signed-in person, under the name they gave. */
export async function addAPasskey(name: string, confirmation: Confirmation): Promise<RegisteredPasskeyView> {
  const optionsJSON = await getPasskeyRegistrationOptions(confirmation);
  const response = await ceremony(() => startRegistration({ optionsJSON }));
  return registerPasskey({ name, response });
}

async function ceremony<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new Error(ceremonyText(err));
  }
}

function ceremonyText(err: unknown): string {
  if (err instanceof WebAuthnError && err.code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED') {
    return 'This device holds one of your passkeys already.';
  }
  // Browsers say NotAllowedError for a cancelled prompt, a timeout, and no passkey to offer alike.
  if (err instanceof Error && (err.name === 'NotAllowedError' || err.name === 'AbortError')) {
    return 'No passkey was used: the request was cancelled, timed out, or this device has none for this site.';
  }
  return 'This browser could not use a passkey here.';
}
