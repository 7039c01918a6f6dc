import type { TrackSource } from '@conclave/client';
import type { WaitingInfo } from '@conclave/protocol';

/**
 * Words and decisions of the lobby and moderation UI (MEET-LOBBY, MEET-MOD-MUTE, MEET-MOD-REMOVE,
 * MEET-MODERATORS), kept free of React so that they can be tested on their own.
 */

/** What a moderator did to this participant's `source`, as the notice says it. */
export function mutedNotice(source: TrackSource, moderatorName: string, canUnmute: boolean): string {
  const what = source === 'microphone' ? 'muted your microphone' : 'turned off your camera';
  // The same words for both sources, as the SDK says "unmute" of either (and tests look for them).
  return canUnmute
    ? `${moderatorName} ${what}`
    : `${moderatorName} ${what}. You can unmute when a moderator allows it`;
}

/** A moderator lets this participant turn `source` on again. */
export function unmuteAllowedNotice(source: TrackSource, moderatorName: string): string {
  return source === 'microphone'
    ? `${moderatorName} lets you unmute your microphone`
    : `${moderatorName} lets you turn on your camera`;
}

/** Those in `waiting` who were not in the lobby before (`before`: the ids it held). */
export function newArrivals(before: ReadonlySet<string>, waiting: readonly WaitingInfo[]): WaitingInfo[] {
  return waiting.filter((w) => !before.has(w.id));
}

/** What the live region announces for people who just started waiting: one sentence each. */
export function arrivalAnnouncement(arrivals: readonly Pick<WaitingInfo, 'displayName'>[]): string {
  return arrivals.map((w) => `${w.displayName} is waiting to join`).join('. ');
}

/**
 * How the roster marks who is not a person of the organisation: guests, room systems, and SIP and
 * phone callers (INTEROP-SIP, INTEROP-PSTN); a signed-in person has no mark.
 */
const KIND_MARKS: Record<WaitingInfo['kind'], string | null> = {
  user: null,
  guest: 'Guest',
  room: 'Room system',
  sip: 'SIP',
  phone: 'Phone',
};

export function kindMark(kind: WaitingInfo['kind']): string | null {
  return KIND_MARKS[kind];
}

/**
 * How a waiting person joins, for the moderator who decides: the same marks, and "Signed in" for a
 * person of the organisation. A caller must never pass for one.
 */
export function waitingKindLabel(kind: WaitingInfo['kind']): string {
  return kindMark(kind) ?? 'Signed in';
}

/** Who this client is, as far as moderation goes. */
export interface LocalStanding {
  isModerator: boolean;
  kind: WaitingInfo['kind'];
}

/** What this client may try on one remote participant (the server has the last word). */
export interface RemoteActions {
  mute: boolean;
  stopCamera: boolean;
  /** Their microphone is off: maybe a moderator locked it, which nobody but the server knows. */
  allowUnmute: boolean;
  /** Their camera is off: the same for the camera. */
  allowCamera: boolean;
  remove: boolean;
  /**
   * 'make' or 'unmake' a moderator: offered to signed-in moderators only, since only the owner,
   * Superusers and Administrators may, and others' roles are not known here (the server refuses
   * promoted moderators with `forbidden`).
   */
  moderator: 'make' | 'unmake' | null;
}

export function remoteActions(
  local: LocalStanding,
  remote: { isModerator: boolean; microphoneOn: boolean; cameraOn: boolean },
): RemoteActions | null {
  if (!local.isModerator) return null;
  return {
    mute: true,
    stopCamera: true,
    allowUnmute: !remote.microphoneOn,
    allowCamera: !remote.cameraOn,
    remove: true,
    moderator: local.kind === 'user' ? (remote.isModerator ? 'unmake' : 'make') : null,
  };
}
