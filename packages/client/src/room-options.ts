import { SIGNALING_PATH } from '@conclave/protocol';
import { ConclaveError } from './errors';
import type { LocalSourceOptions } from './local-participant';
import type { FetchLike } from './regions';
import type { SocketFactory } from './signaling';

export interface ConnectOptions {
  meetingId: string;
  /**
   * For guests: the token from POST /api/meetings/:id/guests, or from the platform API's
   * POST /api/v1/meetings/:id/guests (another web app's backend, docs/sdk.md). Signed-in users use
   * their session cookie.
   */
  guestToken?: string;
  /**
   * For guests without a token: the name to join under. The server issues a guest token with the
   * join (no request beforehand), which the room keeps to rejoin as the same guest.
   */
  displayName?: string;
  /**
   * For the recorder the server launches (REC-START): the token it was started with. It joins
   * unseen and only receives; publish nothing with it.
   */
  egressToken?: string;
  /**
   * For a room system's screen (ADM-ROOMS): joins as the room system this browser was paired as, by
   * its room cookie rather than a person's session.
   */
  roomSystem?: boolean;
  /**
   * Defaults to `/api/signal` on the page's own host (ws: or wss: to match the page). A page of another
   * web app passes the server's (the platform API gives it with the guest token), and the server must
   * list that app's origin in CONCLAVE_EMBED_ORIGINS.
   */
  signalingUrl?: string;
  microphone?: boolean | LocalSourceOptions;
  camera?: boolean | LocalSourceOptions;
  /**
   * Join end-to-end encrypted (the meeting's `e2ee` flag says whether it must). Rejects with
   * `e2ee_unsupported` where the browser cannot encrypt frames; never joins unencrypted instead.
   */
  e2ee?: boolean;
  /**
   * The meeting's passcode, when it has one (the join page's `passcodeRequired`); kept for
   * rejoining after a lost connection. Refused with `passcode_required`, `passcode_wrong`, or
   * `rate_limited` after too many wrong ones.
   */
  passcode?: string;
}

/** What `Room.recoveries` counts. */
export interface RecoveryCounts {
  iceRestarts: number;
  resumes: number;
  rejoins: number;
}

export interface RoomOptions {
  /** Give up restoring a lost connection after this long (default 60 s). */
  reconnectTimeoutMs?: number;
  /** Signaling request timeout (default 10 s). */
  requestTimeoutMs?: number;
  /** How to open the signaling socket (default: the browser's WebSocket); tests pass a stand-in. */
  createSocket?: SocketFactory;
  /** How to make HTTP requests, to measure the media regions (default: the browser's fetch). */
  fetch?: FetchLike;
  /**
   * Whether the server picks the videos this client receives (the default: the first MAX_VIEW_VIDEO,
   * screens first). False: only those the app wants (`RemoteTrackPublication.setSubscribed`), which
   * is what a page showing part of a large meeting does (MEET-QUALITY). Audio is the server's either way.
   */
  autoSubscribe?: boolean;
  /**
   * Media only through the TURN relays the server gives, never directly (NET-TURN), as when the
   * organisation requires it; for networks that let nothing else out.
   */
  forceRelay?: boolean;
}

export function sourceOptions(value: boolean | LocalSourceOptions | undefined): LocalSourceOptions {
  if (value === undefined) return { enabled: true };
  if (typeof value === 'boolean') return { enabled: value };
  return value;
}

export function defaultSignalingUrl(): string {
  if (typeof location === 'undefined') {
    throw new ConclaveError('invalid_state', 'signalingUrl is required outside a browser page');
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${SIGNALING_PATH}`;
}
