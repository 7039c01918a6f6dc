import { fromBase64Url, type Codeword } from '@conclave/e2ee';
import { codewordInBackground } from './codewords';
import { loadDeviceIdentity } from './identity-store';
import { E2eeMedia } from './media';
import { canWatermark } from './watermark';

/** Whether this browser can take part in an E2EE meeting: encrypt frames and watermark the camera. */
export function isE2eeSupported(): boolean {
  return E2eeMedia.supported() && canWatermark();
}

/** This device's Codeword (its identity is made on first use), e.g. to show on a join page. */
export async function deviceCodeword(): Promise<Codeword> {
  return codewordInBackground((await loadDeviceIdentity()).publicKey);
}

/** The Codeword of an identity key given as base64url, e.g. the meeting owner's from the join page's data. */
export function codewordOfKey(identityKey: string): Promise<Codeword> {
  return codewordInBackground(fromBase64Url(identityKey));
}
