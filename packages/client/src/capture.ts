import type { CaptureEndReason, CaptureNotice, CaptureRight, ServerMessageOf } from '@conclave/protocol';

/** A recording or live stream that runs (REC-NOTICE): who started it, and since when. */
export interface CaptureState {
  by: string;
  since: Date;
}

/** What this participant may start, as the server said after joining (see CaptureRight). */
export interface CaptureRights {
  recording: CaptureRight;
  streaming: CaptureRight;
}

/** What the server says of a meeting's recording and stream, after `joined`. */
export type CaptureMessage = ServerMessageOf<'recordingChanged' | 'streamChanged' | 'captureRights'>;

/** What changed, for the room to announce. */
export type CaptureChange =
  | { kind: 'recording'; state: CaptureState | null; reason?: CaptureEndReason }
  | { kind: 'streaming'; state: CaptureState | null; reason?: CaptureEndReason }
  | { kind: 'rights' };

const NONE: CaptureRights = { recording: 'no', streaming: 'no' };

const toState = (notice: CaptureNotice | null | undefined): CaptureState | null =>
  notice ? { by: notice.by, since: new Date(notice.since) } : null;

const same = (a: CaptureState | null, b: CaptureState | null) =>
  a === b || (a !== null && b !== null && a.by === b.by && a.since.getTime() === b.since.getTime());

/**
 * The meeting's recording and live stream as this client knows them (REC-NOTICE, STREAM-LIVE): from
 * `joined` (also after a resume or rejoin: only a real change is reported) and the server's
 * `recordingChanged`, `streamChanged` and `captureRights`.
 */
export class MeetingCaptureState {
  private _recording: CaptureState | null = null;
  private _streaming: CaptureState | null = null;
  private _rights: CaptureRights = NONE;

  get recording(): CaptureState | null {
    return this._recording;
  }

  get streaming(): CaptureState | null {
    return this._streaming;
  }

  get rights(): CaptureRights {
    return this._rights;
  }

  /** Whether a participant who is (or is not) a moderator now may use a right. */
  static allows(right: CaptureRight, moderator: boolean): boolean {
    return right === 'yes' || (right === 'asModerator' && moderator);
  }

  joined(joined: ServerMessageOf<'joined'>): CaptureChange[] {
    return [
      ...this.set('recording', toState(joined.recording)),
      ...this.set('streaming', toState(joined.streaming)),
    ];
  }

  apply(message: CaptureMessage): CaptureChange[] {
    switch (message.type) {
      case 'recordingChanged':
        return this.set('recording', toState(message.recording), message.reason);
      case 'streamChanged':
        return this.set('streaming', toState(message.streaming), message.reason);
      case 'captureRights': {
        const { recording, streaming } = message;
        if (recording === this._rights.recording && streaming === this._rights.streaming) return [];
        this._rights = { recording, streaming };
        return [{ kind: 'rights' }];
      }
    }
  }

  /** The room was left: nothing runs for this client any more, and it may start nothing. */
  clear(): void {
    this._recording = null;
    this._streaming = null;
    this._rights = NONE;
  }

  private set(
    kind: 'recording' | 'streaming',
    state: CaptureState | null,
    reason?: CaptureEndReason,
  ): CaptureChange[] {
    const before = kind === 'recording' ? this._recording : this._streaming;
    if (same(before, state)) return [];
    if (kind === 'recording') this._recording = state;
    else this._streaming = state;
    return [{ kind, state, ...(state === null && reason && { reason }) }];
  }
}
