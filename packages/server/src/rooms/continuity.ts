import { fromBase64Url, toBase64Url } from '@conclave/e2ee';
import type { TrackSource } from '@conclave/protocol';
import { AppError } from '../common/errors';
import type { MeetingRecord, Principal } from '../domain';
import type { MediaLogger } from '../media/logger';
import type { MediaPlane } from '../media/media-plane';
import { VideoRoom } from '../media/videoroom';
import { HeldSink } from './held-sink';
import type { HeldParticipants } from './held-participants';
import { Participant } from './participant';
import type { RoomEncryption } from './encryption';
import type { LobbyDesk } from './lobby-desk';
import type { MeetingCaptures } from './recording';
import type { Publishing } from './publishing';
import type { RoomMedia, RoomMediaHandle } from './room-media';
import {
  RoomStateKeeper,
  type KnockState,
  type ParticipantState,
  type RoomState,
  type RoomStates,
} from './room-state';
import { samePerson, tokenMatches } from './resume-tokens';
import type { Subscriptions } from './subscriptions';

/** How long a participant taken over from a dead node waits for its connection to come back. */
const RESUME_WAIT_MS = 15_000;

/** The parts of a meeting room its continuity reads and rebuilds. */
export interface ContinuityParts {
  meeting: MeetingRecord;
  plane: MediaPlane;
  logger: MediaLogger;
  /** Settles once the meeting's memory is taken back: mute locks come from it. */
  recalled: Promise<void>;
  participants: Map<string, Participant>;
  media: RoomMediaHandle;
  publishing: Publishing;
  subscriptions: Subscriptions;
  /** Who waits to be let in: the waits move with the room. */
  lobby: LobbyDesk;
  /** Its recording and live stream: who started them and when move with the room. */
  captures: Pick<MeetingCaptures, 'state' | 'restore'>;
  /** The meeting's end-to-end encryption, if it has it: its group moves with the room. */
  encryption: Pick<RoomEncryption, 'state' | 'restore'> | null;
  /** A moderator's mute locks on this person (from the meeting's memory). */
  locksOf(principal: Principal): Map<TrackSource, string>;
  /** Where the room was placed, and whether anyone was in. */
  placed(): { nearest: string[] | null; started: boolean };
  /** Takes back where the room was placed, and whether anyone was in. */
  replace(nearest: string[] | null, started: boolean): void;
  /** Where participants taken over wait for their connections to resume. */
  held: HeldParticipants;
  /** Points every participant's subscription at every other participant's active streams. */
  refreshSubscriptions(): void;
}

/**
 * Keeps a meeting room going when the control-plane node holding it dies (NET-SCALE): the room's
 * state is written through to the shared store as it changes; a room made for the meeting on another
 * node first takes that state up, claiming the dead node's Janus session (which Janus keeps for a
 * while, everyone's PeerConnections running), so that every participant is back under the same id
 * with the same media as soon as its connection resumes, and nobody's media stops meanwhile.
 */
export class RoomContinuity {
  /** Settles once an earlier room's state, if any, is taken up. */
  readonly restored: Promise<void>;
  private readonly keeper: RoomStateKeeper;
  /** The earlier room's state, if any, is taken up: from now on this room's is what counts. */
  private taken = false;
  /** Waits in the lobby taken over whose connection has not resumed yet, by knock id. */
  private readonly knocking = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: RoomStates,
    private readonly parts: ContinuityParts,
  ) {
    this.keeper = new RoomStateKeeper(store, parts.meeting.id, () => this.snapshot(), parts.logger);
    this.restored = this.restore().finally(() => {
      this.taken = true;
    });
  }

  /** Something the state holds changed: it is written soon (never before an earlier room's is taken up). */
  changed(): void {
    if (this.taken) this.keeper.changed();
  }

  /**
   * A new connection takes up a wait in the lobby taken over from a dead node, with its token: its
   * knock id, or null when no such wait is waiting to resume (a participation may be, see
   * HeldParticipants). The wrong token or another person is refused.
   */
  resumeKnock(knockId: string, token: string, principal: Principal): string | null {
    const knock = this.parts.lobby.book.get(knockId);
    const knocking = this.knocking.get(knockId);
    if (!knock || !knocking) return null;
    if (!tokenMatches(knock.resumeHash, token) || !samePerson(knock.principal, principal)) {
      throw new AppError(
        409,
        'resume_failed',
        'This participation cannot be taken up again; join the meeting again',
      );
    }
    this.knocking.delete(knockId);
    clearTimeout(knocking);
    return knockId;
  }

  /** Writes the state as it is now, and resolves once it is written. */
  flush(): Promise<void> {
    return this.keeper.flush();
  }

  /** The room is over here: nothing more is written, and unless another node holds it now, its state goes. */
  stop(forget: boolean): void {
    for (const timer of this.knocking.values()) clearTimeout(timer);
    this.knocking.clear();
    this.keeper.stop(forget);
  }

  private snapshot(): RoomState {
    const ready = this.parts.media.ready;
    const { nearest, started } = this.parts.placed();
    const capture = this.parts.captures.state();
    const participants: ParticipantState[] = [];
    for (const p of this.parts.participants.values()) {
      if (p.resumeHash === null) continue;
      participants.push({
        id: p.id,
        principal: p.principal,
        joinedAt: p.joinedAt,
        moderator: p.moderator,
        resumeHash: p.resumeHash,
        tracks: [...p.tracks].map(([source, t]) => ({ source, mid: t.mid, muted: t.muted })),
        muted: [...p.muted],
        publisher: p.publisher && !p.publisher.closed ? p.publisher.state() : null,
        subscriber: p.subscriber && !p.subscriber.closed ? p.subscriber.state() : null,
        videoSubscription: p.videoSubscription,
        view: [...p.view],
      });
    }
    return {
      v: 2,
      media: ready && {
        serverId: ready.node.serverId,
        sessionId: ready.session.id,
        room: ready.room.state(),
      },
      nearest,
      started,
      participants,
      lobby: this.parts.lobby.book.all().flatMap((k) =>
        k.resumeHash === undefined
          ? []
          : [
              {
                id: k.id,
                principal: k.principal,
                since: k.since,
                resumeHash: k.resumeHash,
                ...(k.identityKey && { identityKey: toBase64Url(k.identityKey) }),
                ...(k.regionRtts && { regionRtts: k.regionRtts }),
                ...(k.videoSubscription && { videoSubscription: k.videoSubscription }),
              },
            ],
      ),
      e2ee: this.parts.encryption?.state() ?? null,
      ...((capture.recording || capture.stream) && { capture }),
    };
  }

  private async restore(): Promise<void> {
    const { meeting, logger } = this.parts;
    let state: RoomState | null;
    try {
      await this.parts.recalled;
      state = await this.store.load(meeting.id);
    } catch (err) {
      logger.warn({ err, meetingId: meeting.id }, 'could not load the meeting room’s live state');
      return;
    }
    // An earlier version's state (a rolling upgrade) is not taken up: its people join again.
    if (state?.v !== 2) return;
    const media = state.media && (await this.claim(state.media));
    // Unknown (Janus did not answer, twice): the state is trusted, as republishing everyone would stop
    // everyone's video for a second or more; a publisher that did go down is found by its client.
    const publishing = media
      ? await media.room
          .publishingFeeds()
          .catch(() => media.room.publishingFeeds())
          .catch(() => null)
      : new Set<number>();
    this.parts.replace(state.nearest, state.started);
    if (media) this.parts.media.adopt(media);
    for (const ps of state.participants) this.takeUp(ps, media, publishing);
    for (const ks of state.lobby) this.keepWaiting(ks);
    if (state.e2ee) this.parts.encryption?.restore(state.e2ee, this.parts.participants);
    if (state.capture) this.parts.captures.restore(state.capture);
    logger.info(
      { meetingId: meeting.id, participants: state.participants.length, media: media !== null },
      'took a meeting room over from a node that died',
    );
    if (media) this.parts.refreshSubscriptions();
    this.keeper.changed();
  }

  /** Claims the dead node's Janus session of the room; null when it is gone or unreachable. */
  private async claim(state: NonNullable<RoomState['media']>): Promise<RoomMedia | null> {
    const node = this.parts.plane.nodeOfServer(state.serverId);
    if (!node) return null;
    try {
      const session = await node.client.claimSession(state.sessionId);
      return { node, session, room: VideoRoom.adopt(session, state.room) };
    } catch (err) {
      this.parts.logger.warn(
        { err, meetingId: this.parts.meeting.id, server: state.serverId },
        'could not claim the meeting’s Janus session; its participants publish again',
      );
      return null;
    }
  }

  /**
   * One participant as the dead node left it, waiting for its connection to resume. Without its
   * publisher (gone, or Janus no longer lists it) it is told to publish again when it resumes.
   */
  private takeUp(
    ps: ParticipantState,
    media: RoomMedia | null,
    publishing: ReadonlySet<number> | null,
  ): void {
    const p = new Participant(
      ps.id,
      ps.principal,
      new HeldSink(() => undefined),
      ps.joinedAt,
      ps.moderator,
      this.parts.locksOf(ps.principal),
    );
    p.resumeHash = ps.resumeHash;
    p.videoSubscription = ps.videoSubscription ?? 'auto';
    p.view = ps.view ?? [];
    for (const [source, muted] of ps.muted) p.muted.set(source, muted);
    const publisher = ps.publisher && media?.room.adoptPublisher(ps.publisher);
    // A publisher Janus no longer lists went down after the last write: it publishes again.
    const mediaLost = !publisher || (publishing !== null && !publishing.has(publisher.feedId));
    if (!mediaLost) {
      for (const t of ps.tracks) p.tracks.set(t.source, { mid: t.mid, muted: t.muted });
      this.parts.publishing.attach(p, publisher);
      if (ps.subscriber && media) p.subscriber = this.parts.subscriptions.adopt(p, media.room, ps.subscriber);
    } else if (media) {
      // Its handles, if they still exist, are nobody's now.
      void publisher?.close();
      if (ps.subscriber) void media.room.adoptSubscriber({}, ps.subscriber).close();
    }
    this.parts.participants.set(p.id, p);
    this.parts.held.hold(p, RESUME_WAIT_MS);
  }

  /** One wait in the lobby as the dead node left it, until its connection resumes. */
  private keepWaiting(ks: KnockState): void {
    const { identityKey, ...knock } = ks;
    this.parts.lobby.restore({
      ...knock,
      sink: new HeldSink(() => undefined),
      ...(identityKey !== undefined && { identityKey: fromBase64Url(identityKey) }),
    });
    const timer = setTimeout(() => {
      this.knocking.delete(ks.id);
      this.parts.lobby.leave(ks.id);
    }, RESUME_WAIT_MS);
    timer.unref();
    this.knocking.set(ks.id, timer);
  }
}
