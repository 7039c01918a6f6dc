import { z } from 'zod';

/**
 * The SIP gateway page's socket (INTEROP-SIP, INTEROP-PSTN, docs/sip.md): the headless page the server
 * launches for one SIP call says `hello` with its token, gets the call's WebRTC `offer` (Janus's,
 * made from the caller's SDP) and sends its `answer`; then the server has it play IVR `prompt`s
 * (the page says `prompted` when one has played), hears the caller's keypad tones from it (`dtmf`,
 * detected in the received audio), and finally sends it into a meeting (`enter`) with a guest token
 * of its own. The page says `left` when it is no longer in the meeting (removed, meeting over), and
 * the server says `hangup` when the caller hung up.
 */
export const SIP_GATEWAY_PATH = '/api/sip-gateway';
export const SIP_GATEWAY_SUBPROTOCOL = 'conclave.sip-gateway.v1';

/** What the page plays the caller: short tone patterns (no speech engine in a headless browser). */
export type SipPrompt =
  /** "Enter the meeting number, then #." */
  | 'extension'
  /** "There is no such meeting." */
  | 'unknown'
  /** "Enter the passcode, then #." */
  | 'passcode'
  /** "That passcode is wrong." */
  | 'wrong'
  /** "This meeting is end-to-end encrypted; phones cannot join." */
  | 'e2ee'
  /** Before the gateway hangs up. */
  | 'goodbye';

const sdp = z
  .string()
  .min(1)
  .max(64 * 1024);

export const sipGatewayClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), token: z.string().min(16).max(128) }),
  z.object({ type: z.literal('answer'), sdp }),
  z.object({ type: z.literal('prompted') }),
  z.object({ type: z.literal('dtmf'), digit: z.string().regex(/^[0-9*#A-D]$/) }),
  z.object({ type: z.literal('entered') }),
  z.object({ type: z.literal('left'), reason: z.string().max(200) }),
]);
export type SipGatewayClientMessage = z.infer<typeof sipGatewayClientMessageSchema>;

export type SipGatewayServerMessage =
  | { type: 'offer'; sdp: string }
  | { type: 'prompt'; prompt: SipPrompt }
  /** Into the meeting as the caller: audio only for a phone. */
  | { type: 'enter'; meetingId: string; guestToken: string; audioOnly: boolean }
  | { type: 'hangup' };
