import { warmUpMls } from '@conclave/e2ee';
import { ConclaveError } from '../errors';
import { codewordInBackground } from './codewords';
import type { E2eeSetup } from './controller';
import { loadDeviceIdentity } from './identity-store';
import { E2eeMedia } from './media';
import { isE2eeSupported } from './support';

/** The device identity (made on first use), its Codeword and the media worker, or a clear refusal. */
export async function prepareE2ee(): Promise<E2eeSetup> {
  if (!isE2eeSupported()) {
    throw new ConclaveError(
      'e2ee_unsupported',
      'This meeting is end-to-end encrypted, and this browser cannot encrypt video calls. Use a current Chrome or Edge.',
    );
  }
  void warmUpMls();
  const identity = await loadDeviceIdentity();
  const ownCodeword = codewordInBackground(identity.publicKey);
  // Awaited once joined; a failure then fails the join, and meanwhile must not go unhandled.
  ownCodeword.catch(() => undefined);
  return { identity, ownCodeword, media: new E2eeMedia() };
}
