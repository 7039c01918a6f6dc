import { TRUNK_HEADER } from './kamailio-config';

/** A call our Kamailio took from a carrier's trunk (INTEROP-PSTN): which trunk, and over what. */
interface TrunkMark {
  name: string;
  /** `udp`: plain SIP from a trunk configured for it, whose media may be plain RTP too. */
  transport: 'tls' | 'udp';
}

/** What the gateway learns of a call when it rings (the Janus SIP plugin's `incomingcall`). */
export interface IncomingCallInfo {
  /** The SIP Call-ID: names the call in logs (it is no secret). */
  callId: string;
  /** The caller's SIP URI, e.g. `sip:room101@example.org`; a phone's number through a trunk. */
  caller: string;
  /** The caller's display name, unquoted, if it sent one. */
  displayName: string | null;
  /** The dialled user part: the meeting's extension, or empty for the IVR (docs/sip.md). */
  extension: string;
  /** Whether the caller offered SDES-SRTP, and whether it insisted on it. */
  srtp: 'mandatory' | 'optional' | 'none';
  /** The trunk it came through, as our Kamailio marked it (it strips the mark from anyone else). */
  trunk: TrunkMark | null;
}

/**
 * Reads an `incomingcall` event; null when it is something else. The extension comes from the URI
 * that was called (the To header: our proxy rewrites only the request URI).
 */
export function incomingCallOf(result: Record<string, unknown>, callId: unknown): IncomingCallInfo | null {
  if (result.event !== 'incomingcall' || typeof callId !== 'string') return null;
  if (typeof result.username !== 'string' || typeof result.callee !== 'string') return null;
  const display = typeof result.displayname === 'string' ? unquote(result.displayname) : '';
  return {
    callId,
    caller: result.username,
    displayName: display || null,
    extension: userPartOf(result.callee),
    srtp:
      result.srtp === 'sdes_mandatory' ? 'mandatory' : result.srtp === 'sdes_optional' ? 'optional' : 'none',
    trunk: trunkOf(result.headers),
  };
}

/**
 * The trunk mark among the headers the plugin passes on (`incoming_header_prefixes`), by its name in
 * any case: `<trunk>;transport=<tls|udp>`.
 */
function trunkOf(headers: unknown): TrunkMark | null {
  if (typeof headers !== 'object' || headers === null) return null;
  const wanted = TRUNK_HEADER.toLowerCase();
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === wanted)?.[1];
  if (typeof value !== 'string') return null;
  const match = /^([a-z0-9-]{1,32});transport=(tls|udp)$/.exec(value.trim());
  return match ? { name: match[1]!, transport: match[2] as TrunkMark['transport'] } : null;
}

/** The user part of a SIP URI (`sip:1234567@host;transport=tls` → `1234567`), unescaped; '' when none. */
export function userPartOf(uri: string): string {
  const match = /^sips?:([^@;?]*)@/i.exec(uri.trim());
  if (!match) return '';
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return match[1]!;
  }
}

function unquote(text: string): string {
  const t = text.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t;
}

/** A DTMF digit from an RFC 4733 event (`dtmf`) or a SIP INFO `application/dtmf-relay` body. */
export function dtmfOf(result: Record<string, unknown>): string | null {
  if (result.event === 'dtmf' && typeof result.signal === 'string') return digit(result.signal);
  if (result.event === 'info' && typeof result.type === 'string' && typeof result.content === 'string') {
    if (!/^application\/dtmf-relay/i.test(result.type)) return null;
    const signal = /^Signal\s*=\s*(\S)/im.exec(result.content);
    return signal ? digit(signal[1]!) : null;
  }
  return null;
}

const digit = (s: string) => (/^[0-9*#A-D]$/i.test(s) ? s.toUpperCase() : null);
