import type { ErrorCode, TrackSource } from '@conclave/protocol';

/** Codes for failures the SDK detects itself, next to the server's stable `ErrorCode`s. */
export type ClientErrorCode =
  /** A request got no reply in time. */
  | 'request_timeout'
  /** The signaling socket closed (or was never opened) while a request was pending. */
  | 'connection_closed'
  /** The signaling socket could not be opened, or a media connection failed for good. */
  | 'connection_failed'
  /** An HTTP request of the SDK (chat) could not reach the server, or its answer was not JSON. */
  | 'request_failed'
  /** The server sent something that does not fit the protocol. */
  | 'protocol_error'
  /** A WebRTC offer/answer step failed in the browser. */
  | 'negotiation_failed'
  /** The camera or microphone is missing, busy or was unplugged. */
  | 'device_unavailable'
  /** The person or the browser refused access to the camera or microphone. */
  | 'permission_denied'
  /** The call does not fit the room's current state (e.g. connect twice). */
  | 'invalid_state'
  /** This browser lacks an API the feature needs (e.g. MediaStreamTrackProcessor for the E2EE watermark). */
  | 'not_supported'
  /** The meeting is end-to-end encrypted and this browser cannot encrypt media (no encoded transforms). */
  | 'e2ee_unsupported'
  /** A step of the end-to-end encryption failed on this client. */
  | 'e2ee_failed'
  /** A camera or microphone effect (`setProcessor`) cannot run on this device; the plain track is sent. */
  | 'effect_unavailable';

export type ConclaveErrorCode = ErrorCode | ClientErrorCode;

/** Every error the SDK hands out carries a stable code to switch on and a human message. */
export class ConclaveError extends Error {
  override name = 'ConclaveError';
  readonly code: ConclaveErrorCode;
  /** The input field that was wrong, when the server named one. */
  readonly field: string | undefined;

  constructor(code: ConclaveErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options.field;
  }
}

/** An `error` frame from the server, with the server's stable code. */
export class SignalingError extends ConclaveError {
  override name = 'SignalingError';
  declare readonly code: ErrorCode;
  readonly rid: string | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; rid?: string } = {}) {
    super(code, message, options);
    this.rid = options.rid;
  }
}

/** The camera or microphone could not be used. */
export class MediaDeviceError extends ConclaveError {
  override name = 'MediaDeviceError';
  readonly source: TrackSource;

  constructor(
    code: 'device_unavailable' | 'permission_denied',
    source: TrackSource,
    message: string,
    cause?: unknown,
  ) {
    super(code, message, { cause });
    this.source = source;
  }
}

/** A track processor (background blur, noise suppression…) could not run; the source goes out without it. */
export class EffectError extends ConclaveError {
  override name = 'EffectError';
  declare readonly code: 'effect_unavailable';
  readonly source: Exclude<TrackSource, 'screen'>;
  /** The processor's `name`, e.g. "background-blur". */
  readonly effect: string;

  constructor(source: Exclude<TrackSource, 'screen'>, effect: string, message: string, cause?: unknown) {
    super('effect_unavailable', message, { cause });
    this.source = source;
    this.effect = effect;
  }
}

/** Wraps anything thrown into a ConclaveError, keeping ConclaveErrors as they are. */
export function toConclaveError(err: unknown, code: ConclaveErrorCode, message: string): ConclaveError {
  if (err instanceof ConclaveError) return err;
  const detail = err instanceof Error && err.message ? `: ${err.message}` : '';
  return new ConclaveError(code, `${message}${detail}`, { cause: err });
}
