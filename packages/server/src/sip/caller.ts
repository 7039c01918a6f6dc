import { userPartOf, type IncomingCallInfo } from './incoming-call';

/**
 * Who a SIP call is, as the meeting's roster shows them: a SIP endpoint by its display name (else its
 * URI's user part), or a phone by its number masked to the last four digits (the full number is
 * nobody's business in a roster; docs/sip.md).
 */
export interface CallerIdentity {
  kind: 'sip' | 'phone';
  displayName: string;
}

/** Names are cut here: a SIP display name is the caller's to choose, and rosters are small. */
const MAX_NAME = 60;

/**
 * A call through a trunk is a phone, and so is a caller whose user part is a telephone number (7–15
 * digits, E.164's length, an optional `+` and the usual separators): that is how trunks present the
 * calling number. A trunk's caller without a number (withheld) is a phone all the same.
 */
export function callerIdentity(
  info: Pick<IncomingCallInfo, 'caller' | 'displayName'> & Partial<Pick<IncomingCallInfo, 'trunk'>>,
): CallerIdentity {
  const user = userPartOf(info.caller);
  const digits = user.replace(/[\s().-]/g, '');
  // Through a trunk, a shorter number too (a carrier's own short codes): still only its last four.
  if (/^\+?\d{7,15}$/.test(digits) || (info.trunk && /^\+?\d{4,15}$/.test(digits))) {
    const last = digits.slice(-4);
    return { kind: 'phone', displayName: `Phone ••• ••• ${last.slice(0, 2)} ${last.slice(2)}` };
  }
  if (info.trunk) return { kind: 'phone', displayName: 'Phone (number withheld)' };
  const name = (info.displayName ?? '').replace(/\p{Cc}/gu, ' ').trim() || user.trim() || 'SIP caller';
  return { kind: 'sip', displayName: name.slice(0, MAX_NAME) };
}
