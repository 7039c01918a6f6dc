import type { Settings } from '@conclave/protocol';
import type { SipConfig } from '../config/sip';
import type { DialInDetails } from './invite-text';

/**
 * What this installation's own SIP gateway adds to invitations (INTEROP-PSTN, INTEROP-SIP): its
 * trunks' numbers and the SIP domain. Only the installation's organisation has them, since only its
 * meetings can be dialled (docs/sip.md, "Which meetings").
 */
export interface InstallationDialIn {
  numbers: ReadonlyArray<{ label: string; number: string }>;
  sipDomain: string;
}

/** The gateway's part of invitations, or null when there is no gateway (CONCLAVE_SIP off). */
export function installationDialInOf(sip: SipConfig): InstallationDialIn | null {
  if (sip.mode === 'off') return null;
  return {
    numbers: sip.trunks.flatMap((trunk) => trunk.numbers.map((number) => ({ label: trunk.label, number }))),
    sipDomain: sip.domain,
  };
}

/** A number's digits, with its leading `+`: `+41 44 123 45 67` and `+41441234567` are one number. */
const digitsOf = (number: string) => number.replace(/[^\d+]/g, '');

/**
 * The dial-in an invitation shows: the trunks' numbers first (those reach this gateway), then the
 * organisation's own as its administrators configured them, each number once.
 */
export function dialInDetails(
  invites: Settings['invites'],
  installation: InstallationDialIn | null,
): DialInDetails {
  const seen = new Set<string>();
  const dialInNumbers = [...(installation?.numbers ?? []), ...invites.dialInNumbers].filter(({ number }) => {
    const digits = digitsOf(number);
    if (seen.has(digits)) return false;
    seen.add(digits);
    return true;
  });
  return { dialInNumbers, sipDomain: installation?.sipDomain ?? null, callDetails: invites.callDetails };
}
