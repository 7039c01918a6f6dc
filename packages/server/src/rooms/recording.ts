import type { CaptureEndReason, CaptureNotice, CaptureRight, ServerMessage } from '@conclave/protocol';
import { may } from '../access';
import type { Clock } from '../common/clock';
import { AppError } from '../common/errors';
import type {
  CaptureActor,
  CaptureAudit,
  CaptureNotices,
  CapturePolicy,
  CapturePurpose,
  CaptureRules,
  MeetingCapture,
  MeetingRecord,
  Principal,
  RunningCapture,
} from '../domain';
import type { MediaLogger } from '../media/logger';

/** What a meeting's recording and streaming need of its room. */
export interface CaptureRoom {
  meeting: MeetingRecord;
  clock: Clock;
  logger: MediaLogger;
  /** Null: this server captures nothing (`recording_unavailable`). */
  capture: MeetingCapture | null;
  /** Null: nothing is allowed (deny by default). */
  policy: CapturePolicy | null;
  /** Null: nothing is audited (tests of rooms alone). */
  audit: CaptureAudit | null;
  /** The media region the meeting runs in, once it has media: a recording is stored there (REC-STORE). */
  region(): string | null;
  /** To everyone in the room, guests included. */
  broadcast(message: ServerMessage): void;
  /** Something another node would need to take the room over changed. */
  changed(): void;
}

/** One running recording or stream as the room's live state keeps it (NET-SCALE). */
export interface RunState extends CaptureNotice {
  /** Who started it: they may stop it, as may the owner. */
  starter: { userId: string; displayName: string };
}

export interface CaptureState {
  recording: RunState | null;
  stream: RunState | null;
}

/** A start in flight: the slot is taken before the capture is awaited, so two starts never race. */
interface Reservation {
  starter: RunState['starter'];
  /** The capture failed before its start resolved. */
  failed: boolean;
}

type Slot =
  | { kind: 'idle' }
  | { kind: 'starting'; reservation: Reservation }
  | { kind: 'running'; reservation: Reservation; run: RunState; capture: RunningCapture }
  | { kind: 'stopping' };

const PURPOSES: readonly CapturePurpose[] = ['recording', 'stream'];

const NOTHING_ALLOWED: CaptureRules = {
  recordingEnabled: false,
  streamingEnabled: false,
  recordingByModerators: false,
  meetingStreaming: false,
};

const words = (purpose: CapturePurpose) => (purpose === 'recording' ? 'recording' : 'live stream');

const unavailable = (purpose: CapturePurpose, why: string) =>
  new AppError(503, 'recording_unavailable', `The ${words(purpose)} could not start: ${why}`);

/**
 * A meeting's recording and live stream (REC-START, REC-NOTICE, STREAM-LIVE, E2EE-LIMITS), each a slot
 * moving idle → starting → running → stopping → idle. Only a deliberate request starts one: the
 * owner's, or a moderator's when the owner allows it (recordings only); the organisation must have it
 * on, the meeting must not be end-to-end encrypted, and for streams a Superuser or Administrator must
 * have enabled the meeting. It ends when its starter or the owner stops it, when the capture fails, or
 * with the room. Everyone is told of each start and end; later joiners read it in `joined`.
 */
export class MeetingCaptures {
  private readonly slots: Record<CapturePurpose, Slot> = {
    recording: { kind: 'idle' },
    stream: { kind: 'idle' },
  };
  private closed = false;

  constructor(private readonly r: CaptureRoom) {}

  /** What runs now, for `joined` and the join page. */
  notices(): CaptureNotices {
    return { recording: this.notice('recording'), streaming: this.notice('stream') };
  }

  /** What continuity keeps: running captures only (one starting or stopping is not taken up again). */
  state(): CaptureState {
    const run = (purpose: CapturePurpose) => {
      const slot = this.slots[purpose];
      return slot.kind === 'running' ? slot.run : null;
    };
    return { recording: run('recording'), stream: run('stream') };
  }

  /**
   * Takes up what ran in the room on a node that is gone (NET-SCALE): its capture went with that node,
   * so each is started again here under the same notice; one that cannot start is told as failed.
   */
  restore(state: CaptureState): void {
    for (const purpose of PURPOSES) {
      const run = purpose === 'recording' ? state.recording : state.stream;
      if (run) void this.resume(purpose, run);
    }
  }

  /** What `p` may start, as its client shows it (the server checks again at each request). */
  async rightsOf(principal: Principal): Promise<Record<'recording' | 'streaming', CaptureRight>> {
    if (this.r.meeting.e2ee || !this.r.capture || principal.kind === 'guest') {
      return { recording: 'no', streaming: 'no' };
    }
    const rules = await this.rules();
    return {
      recording: rules.recordingEnabled ? this.right(principal, 'recording', rules) : 'no',
      streaming:
        rules.streamingEnabled && rules.meetingStreaming ? this.right(principal, 'stream', rules) : 'no',
    };
  }

  async start(principal: Principal, moderator: boolean, purpose: CapturePurpose): Promise<void> {
    const { meeting, capture } = this.r;
    if (meeting.e2ee) {
      throw new AppError(
        409,
        'e2ee_unavailable',
        `This meeting is end-to-end encrypted: the server cannot make a ${words(purpose)} of it`,
      );
    }
    const rules = await this.rules();
    if (purpose === 'recording' ? !rules.recordingEnabled : !rules.streamingEnabled) {
      throw new AppError(
        403,
        purpose === 'recording' ? 'recording_disabled' : 'streaming_disabled',
        `The organisation has ${purpose === 'recording' ? 'recording' : 'live streaming'} turned off`,
      );
    }
    const right = this.right(principal, purpose, rules);
    if (principal.kind !== 'user' || !(right === 'yes' || (right === 'asModerator' && moderator))) {
      throw new AppError(
        403,
        'forbidden',
        purpose === 'recording'
          ? 'Only the meeting’s owner, or its moderators when the owner allows it, may record'
          : 'Only the meeting’s owner may stream it live',
      );
    }
    if (purpose === 'stream' && !rules.meetingStreaming) {
      throw new AppError(403, 'streaming_disabled', 'Live streaming is not enabled for this meeting');
    }
    if (!capture) throw new AppError(503, 'recording_unavailable', 'This server cannot record or stream');
    if (this.slots[purpose].kind !== 'idle') {
      throw new AppError(409, 'invalid_state', `A ${words(purpose)} is already running or changing`);
    }
    const reservation: Reservation = {
      starter: { userId: principal.userId, displayName: principal.displayName },
      failed: false,
    };
    this.slots[purpose] = { kind: 'starting', reservation };
    await this.launch(purpose, reservation, this.r.clock.now().toISOString(), true);
  }

  /** Only who started it, or the meeting's owner, stops it; everyone is told once its output is final. */
  async stop(principal: Principal, purpose: CapturePurpose): Promise<void> {
    const slot = this.slots[purpose];
    if (slot.kind !== 'running') {
      throw new AppError(
        409,
        'invalid_state',
        slot.kind === 'starting'
          ? `The ${words(purpose)} is still starting; try again in a moment`
          : `No ${words(purpose)} is running`,
      );
    }
    const isStarter = principal.kind === 'user' && principal.userId === slot.run.starter.userId;
    if (!isStarter && !this.isOwner(principal)) {
      throw new AppError(
        403,
        'forbidden',
        `Only who started the ${words(purpose)}, or the meeting’s owner, may stop it`,
      );
    }
    this.slots[purpose] = { kind: 'stopping' };
    this.r.audit?.ended(this.r.meeting, purpose, actorOf(principal), 'stopped');
    const reason = await this.finish(purpose, slot.capture);
    this.slots[purpose] = { kind: 'idle' };
    this.tell(purpose, null, reason);
  }

  /**
   * The room is over here: every capture stops. `handedOver`: another node holds the meeting now and
   * takes its captures up.
   */
  close(handedOver = false): void {
    this.closed = true;
    for (const purpose of PURPOSES) {
      const slot = this.slots[purpose];
      this.slots[purpose] = { kind: 'idle' };
      // One still starting is stopped as soon as its start resolves (see launch).
      if (slot.kind !== 'running') continue;
      // Handed to another node, it goes on there: only a meeting that ended ends it.
      if (!handedOver) this.r.audit?.ended(this.r.meeting, purpose, null, 'meetingEnded');
      void this.finish(purpose, slot.capture);
    }
  }

  private notice(purpose: CapturePurpose): CaptureNotice | null {
    const slot = this.slots[purpose];
    return slot.kind === 'running' ? { by: slot.run.by, since: slot.run.since } : null;
  }

  /**
   * The owner (`meeting.record`, `meeting.stream` of access/) may; for recordings, so may any
   * moderator once the owner allows it. Guests never: a capture is started by a person of the
   * organisation.
   */
  private right(principal: Principal, purpose: CapturePurpose, rules: CaptureRules): CaptureRight {
    if (principal.kind !== 'user' || principal.organisationId !== this.r.meeting.organisationId) return 'no';
    const action = purpose === 'recording' ? 'meeting.record' : 'meeting.stream';
    if (may(principal, action, { kind: 'meeting', ownerId: this.r.meeting.ownerId })) return 'yes';
    return purpose === 'recording' && rules.recordingByModerators ? 'asModerator' : 'no';
  }

  private isOwner(principal: Principal): boolean {
    return principal.kind === 'user' && principal.userId === this.r.meeting.ownerId;
  }

  private async rules(): Promise<CaptureRules> {
    return this.r.policy ? this.r.policy.rulesOf(this.r.meeting) : NOTHING_ALLOWED;
  }

  /**
   * Starts the capture of a reserved slot. On success it runs and everyone is told (unless `announce`
   * is false: a capture taken over runs under the notice everyone has). A start that fails, or a
   * capture that fails before its start resolved, gives the slot back and throws for the requester.
   */
  private async launch(
    purpose: CapturePurpose,
    reservation: Reservation,
    since: string,
    announce: boolean,
  ): Promise<void> {
    const { meeting, logger } = this.r;
    const capture = this.r.capture;
    let running: RunningCapture;
    try {
      if (!capture) throw new Error('no capture on this server');
      running = await capture.start(
        {
          meetingId: meeting.id,
          organisationId: meeting.organisationId,
          purpose,
          startedBy: reservation.starter,
          ...regionOf(this.r.region()),
        },
        (error) => this.failed(purpose, reservation, error),
      );
    } catch (err) {
      if (this.holds(purpose, reservation)) this.slots[purpose] = { kind: 'idle' };
      logger.warn({ err, meetingId: meeting.id, purpose }, 'capture could not start');
      throw unavailable(purpose, 'the capture did not start');
    }
    if (this.closed || !this.holds(purpose, reservation) || reservation.failed) {
      void this.finish(purpose, running);
      if (this.holds(purpose, reservation)) this.slots[purpose] = { kind: 'idle' };
      if (this.closed) return;
      throw unavailable(purpose, 'the capture stopped as it started');
    }
    const run: RunState = { by: reservation.starter.displayName, since, starter: reservation.starter };
    this.slots[purpose] = { kind: 'running', reservation, run, capture: running };
    logger.info({ meetingId: meeting.id, purpose }, 'capture started');
    // One taken up from another node was audited where it started.
    if (announce) {
      this.r.audit?.started(meeting, purpose, reservation.starter);
      this.tell(purpose, { by: run.by, since: run.since });
    } else this.r.changed();
  }

  private async resume(purpose: CapturePurpose, run: RunState): Promise<void> {
    const reservation: Reservation = { starter: run.starter, failed: false };
    this.slots[purpose] = { kind: 'starting', reservation };
    try {
      await this.launch(purpose, reservation, run.since, false);
    } catch {
      if (!this.closed) this.tell(purpose, null, 'failed');
    }
  }

  /** The capture stopped by itself: everyone is told it ended. */
  private failed(purpose: CapturePurpose, reservation: Reservation, error: Error): void {
    const slot = this.slots[purpose];
    this.r.logger.warn({ err: error, meetingId: this.r.meeting.id, purpose }, 'capture failed');
    if (slot.kind === 'starting' && slot.reservation === reservation) {
      reservation.failed = true;
      return;
    }
    if (slot.kind !== 'running' || slot.reservation !== reservation) return;
    this.slots[purpose] = { kind: 'idle' };
    this.tell(purpose, null, 'failed');
    this.r.audit?.ended(this.r.meeting, purpose, null, 'failed');
    // Whatever it left is made final; it failed, so a failure to stop is only logged.
    void this.finish(purpose, slot.capture);
  }

  /** Stops a capture; 'failed' if its output may not be final. */
  private async finish(purpose: CapturePurpose, capture: RunningCapture): Promise<CaptureEndReason> {
    try {
      await capture.stop();
      this.r.logger.info({ meetingId: this.r.meeting.id, purpose }, 'capture stopped');
      return 'stopped';
    } catch (err) {
      this.r.logger.warn({ err, meetingId: this.r.meeting.id, purpose }, 'capture did not stop cleanly');
      return 'failed';
    }
  }

  private holds(purpose: CapturePurpose, reservation: Reservation): boolean {
    const slot = this.slots[purpose];
    return slot.kind === 'starting' && slot.reservation === reservation;
  }

  private tell(purpose: CapturePurpose, notice: CaptureNotice | null, reason?: CaptureEndReason): void {
    const end = notice === null && reason ? { reason } : {};
    this.r.broadcast(
      purpose === 'recording'
        ? { type: 'recordingChanged', recording: notice, ...end }
        : { type: 'streamChanged', streaming: notice, ...end },
    );
    this.r.changed();
  }
}

const actorOf = (principal: Principal): CaptureActor | null =>
  principal.kind === 'user' ? { userId: principal.userId, displayName: principal.displayName } : null;

const regionOf = (region: string | null) => (region === null ? {} : { region });
