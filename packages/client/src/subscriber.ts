import type { IceCandidate, StreamInfo } from '@conclave/protocol';
import { CandidateExchange } from './candidates';
import { E2eeMedia } from './e2ee/media';
import { ConclaveError, toConclaveError } from './errors';
import { IceRecovery, RESTART_ANSWER_MS } from './ice-recovery';
import { StallWatch } from './stall-watch';
import type { SignalingChannel } from './signaling';
import type { StreamOwner } from './connection-quality';
import type { ConnectionStats } from './media-quality';
import { collectMediaStats, type InboundRtpLike, type MediaStats } from './stats';
import { indexByMid } from './streams';
import { SerialQueue } from './serial';
import { settledWithin } from './wait';
import { peerConnectionFor, type IceSetup } from './webrtc';

/** How long the first answer's tracks wait for the local candidates to go out. */
const GATHER_FIRST_MAX_MS = 150;

/** A subscribed stream and the track that carries its media. */
export interface ReceivedStream extends StreamInfo {
  track: MediaStreamTrack;
}

export interface SubscriberCallbacks {
  /** The full list of received streams after each completed negotiation. */
  onStreams(streams: ReceivedStream[]): void;
  onError(error: ConclaveError): void;
  /** The connection is down (restarting ICE) or back up. */
  onInterrupted(down: boolean): void;
  /** The connection could not be brought back (or never came up). */
  onFailed(): void;
  /** It restarts ICE. */
  onRestart(): void;
}

/**
 * The receiving connection: one RTCPeerConnection for all remote media. The server offers, this side
 * answers; offers are handled strictly in order, so one arriving mid-negotiation waits its turn.
 */
export class Subscriber {
  private readonly pc: RTCPeerConnection;
  private readonly queue = new SerialQueue();
  private streams: ReceivedStream[] = [];
  /** Local candidates wait until the first answer has gone out. */
  private readonly candidates: CandidateExchange;
  private readonly recovery: IceRecovery;
  private readonly stalls: StallWatch;
  private closed = false;
  private gatheredNow: () => void = () => {};
  /** Settles once the local candidates are all known (gathering ends with a null candidate). */
  private readonly gathered = new Promise<void>((resolve) => (this.gatheredNow = resolve));

  constructor(
    private readonly signaling: SignalingChannel,
    ice: IceSetup,
    private readonly callbacks: SubscriberCallbacks,
    /** Made ahead of joining (see Room.prepareConnection), never negotiated (with E2EE's options in an E2EE call). */
    prepared?: RTCPeerConnection,
    /** In an E2EE call: decrypts every frame received, and drops what does not authenticate. */
    private readonly e2ee?: Pick<E2eeMedia, 'protectReceiver'>,
  ) {
    this.pc = peerConnectionFor(ice, prepared, e2ee && E2eeMedia.peerConnectionOptions());
    this.candidates = new CandidateExchange(this.pc, signaling, 'subscriber', () => this.gatheredNow());
    // The server has Janus offer new credentials; the offer comes as any other (handleOffer).
    this.recovery = new IceRecovery({
      restart: async () =>
        void (await signaling.request({ type: 'restartSubscriberIce' }, RESTART_ANSWER_MS)),
      onInterrupted: (down) => callbacks.onInterrupted(down),
      onFailed: () => callbacks.onFailed(),
      onRestart: () => callbacks.onRestart(),
    });
    this.pc.onconnectionstatechange = () => {
      if (!this.closed) this.recovery.update(this.pc.connectionState);
    };
    this.stalls = new StallWatch(this.pc, (stalled) => this.recovery.stalled(stalled));
  }

  handleOffer(sdp: string, streams: StreamInfo[]): Promise<void> {
    return this.queue.run(() => this.negotiate(sdp, streams));
  }

  /**
   * Media sections now carry someone else's track, the server says (no new offer): after any offer
   * still being answered, the listed sections are renamed and the whole list is reported again.
   */
  handleSwitch(changes: StreamInfo[]): void {
    void this.queue.run(async () => {
      if (this.closed) return;
      const byMid = indexByMid(changes);
      this.streams = this.streams.map((s) => {
        const now = byMid.get(s.mid);
        return now && now.kind === s.kind ? { ...now, track: s.track } : s;
      });
      this.callbacks.onStreams(this.streams);
    });
  }

  addRemoteCandidate(candidate: IceCandidate | null): void {
    this.candidates.addRemote(candidate);
  }

  async getStats(): Promise<MediaStats[]> {
    if (this.closed) return [];
    const report = await this.pc.getStats();
    const midByTrackId = new Map<string, string>();
    for (const s of this.streams) midByTrackId.set(s.track.id, s.mid);
    return collectMediaStats(report.values() as Iterable<InboundRtpLike>, this.streams, midByTrackId);
  }

  /** The whole stats report with whose each stream is (for connection quality and bandwidth). */
  async qualityStats(): Promise<{ reports: ConnectionStats; streams: StreamOwner[] } | null> {
    if (this.closed) return null;
    const report = await this.pc.getStats();
    const streams = this.streams.map((s) => ({ mid: s.mid, participantId: s.participantId, kind: s.kind }));
    return { reports: [...(report.values() as Iterable<ConnectionStats[number]>)], streams };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.recovery.stop();
    this.stalls.stop();
    this.candidates.close();
    this.pc.onconnectionstatechange = null;
    this.pc.close();
    this.streams = [];
    this.gatheredNow();
  }

  private async negotiate(sdp: string, streams: StreamInfo[]): Promise<void> {
    if (this.closed) return;
    try {
      await this.pc.setRemoteDescription({ type: 'offer', sdp });
      // Each new receiver, before the answer lets its media in (protecting one again does nothing).
      for (const { receiver } of this.pc.getTransceivers())
        this.e2ee?.protectReceiver(receiver, receiver.track.kind === 'audio' ? 'audio' : 'video');
      await this.candidates.remoteDescriptionSet();
      const description = await this.pc.createAnswer();
      if (this.closed) return;
      // The answer goes out before it is applied here: the browser starts its connectivity checks as
      // soon as it is applied, and the media server can only answer them once it has the answer,
      // which travels through the control plane first. Candidates still follow it (releaseLocal).
      this.sendAnswer(description.sdp ?? '');
      await this.pc.setLocalDescription(description);
    } catch (err) {
      if (this.closed) return;
      this.callbacks.onError(
        toConclaveError(err, 'negotiation_failed', 'Could not accept the incoming media'),
      );
      return;
    }
    if (this.closed) return;
    const first = this.candidates.holdingLocal;
    this.candidates.releaseLocal();
    if (first) {
      // What the page does with new tracks (rendering them) can hold up the candidates the server
      // needs to connect: on the first answer, let them go out first (host candidates take a few ms).
      await settledWithin(this.gathered, GATHER_FIRST_MAX_MS);
      if (this.closed) return;
    }
    this.streams = this.resolve(streams);
    this.callbacks.onStreams(this.streams);
  }

  private sendAnswer(sdp: string): void {
    // The ack carries nothing we need; a refusal is reported, and the next offer is not held up for it.
    // An answer lost with its socket is not: a session that goes on is offered again what it had not
    // answered (NET-SCALE), and one that does not is closed.
    this.signaling.request({ type: 'subscriptionAnswer', sdp }).catch((err: unknown) => {
      if (this.closed || (err instanceof ConclaveError && err.code === 'connection_closed')) return;
      this.callbacks.onError(toConclaveError(err, 'negotiation_failed', 'Subscription refused'));
    });
  }

  /** Pairs each listed stream with the receiving track of its media section. */
  private resolve(streams: StreamInfo[]): ReceivedStream[] {
    const byMid = indexByMid(streams);
    const received: ReceivedStream[] = [];
    for (const transceiver of this.pc.getTransceivers()) {
      const mid = transceiver.mid;
      if (mid === null) continue;
      const stream = byMid.get(mid);
      if (!stream) continue;
      const track = transceiver.receiver.track;
      if (track.kind !== stream.kind) continue;
      received.push({ ...stream, track });
    }
    return received;
  }
}
