import { existsSync } from 'node:fs';
import { KAMAILIO_BINARY } from '../../src/sip/kamailio-supervisor';
import { findKamailioModulesDir } from '../../src/sip/kamailio-config';
import { janusUnavailableReason } from '../media-support/janus';
import { baresipUnavailableReason } from './baresip';
import { CHROMIUM_BINARY } from './devtools-page';

/** Why Kamailio cannot run here (not installed, or its modules missing), or null when it can. */
export function kamailioUnavailableReason(): string | null {
  if (!existsSync(KAMAILIO_BINARY)) return 'kamailio is not installed; node scripts/setup.mjs installs it';
  try {
    findKamailioModulesDir();
  } catch (err) {
    return (err as Error).message;
  }
  return null;
}

/**
 * Why a whole SIP call cannot be made here (Kamailio, Janus, baresip and a browser to answer it, on a
 * media address of the sandbox), or false when it can: a test's `skip`.
 */
export function sipCallUnavailableReason(mediaIp: string | null): string | false {
  if (!existsSync(CHROMIUM_BINARY)) return 'chromium is not installed; node scripts/setup.mjs installs it';
  if (!mediaIp) return 'no non-loopback IPv4 address for media (run inside scripts/sandbox.mjs)';
  return kamailioUnavailableReason() ?? janusUnavailableReason() ?? baresipUnavailableReason() ?? false;
}
