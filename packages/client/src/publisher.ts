import type { IceCandidate, TrackSource } from '@conclave/protocol';
import { CandidateExchange } from './candidates';
import { E2eeMedia, type E2eePeerOptions } from './e2ee/media';
import { ConclaveError, toConclaveError } from './errors';
import { IceRecovery, RESTART_ANSWER_MS } from './ice-recovery';
import { StallWatch } from './stall-watch';
import { SOURCE_KIND } from './publication';
import { SCREEN_ENCODING } from './screen-capture';
import { SerialQueue } from './serial';
import type { SignalingChannel } from './signaling';
import { CAMERA_ENCODINGS } from './simulcast';
import { NO_ICE, peerConfiguration, peerConnectionFor, type IceSetup } from './webrtc';

/** The sources every publisher has a media section for from the start; a screen gets one when shared. */
const SOURCES: readonly TrackSource[] = ['microphone', 'camera'];

/** How each source's section sends: the camera in three simulcast layers, a screen in one. */
function transceiverInit(source: TrackSource, stream: MediaStream): RTCRtpTransceiverInit {
  const init: RTCRtpTransceiverInit = { direction: 'sendonly', streams: [stream] };
  if (source === 'camera') init.sendEncodings = CAMERA_ENCODINGS.map((e) => ({ ...e }));
  if (source === 'screen') init.sendEncodings = [{ ...SCREEN_ENCODING }];
  return init;
}

/**
 * A sending connection with its media sections, made ahead of joining (creating a connection and
 * its transceivers are blocking calls into the WebRTC threads). Its ICE servers come later, see
 * `peerConnectionFor`; `Publisher.start` fills in the tracks.
 */
export function preparePublisherConnection(e2ee: E2eePeerOptions = {}): RTCPeerConnection {
  const pc = new RTCPeerConnection(peerConfiguration(NO_ICE, e2ee));
  const stream = new MediaStream();
  for (const source of SOURCES) pc.addTransceiver(SOURCE_KIND[source], transceiverInit(source, stream));
  return pc;
}

/**
 * The sending connection: one sendonly transceiver per source, kept for the whole session so
 * muting, unmuting and switching devices only swap tracks (replaceTrack) and never renegotiate.
 * The only renegotiation is a screen's first share, which adds its section (MEET-SHARE); stopping
 * it sends nothing on that section, which waits for the next share.
 */
export class Publisher {
  private readonly pc: RTCPeerConnection;
  private readonly transceivers = new Map<TrackSource, RTCRtpTransceiver>();
  private readonly candidates: CandidateExchange;
  private readonly stream = new MediaStream();
  private readonly recovery: IceRecovery;
  private readonly stalls: StallWatch;
  /** Counts ICE restarts: only the latest one's answer is applied. */
  private restartGeneration = 0;
  /** One offer at a time: a screen's first share and an ICE restart would otherwise collide. */
  private readonly offers = new SerialQueue();
  private closed = false;

  constructor(
    private readonly signaling: SignalingChannel,
    ice: IceSetup,
    /** Its connection is down (restarting ICE) or back up; `failed`: it could not be brought back. */
    events: { onInterrupted(down: boolean): void; onFailed(): void; onRestart(): void },
    /** From `preparePublisherConnection`, never negotiated (made with E2EE's options in an E2EE call). */
    prepared?: RTCPeerConnection,
    /** In an E2EE call: encrypts every frame of every source. */
    private readonly e2ee?: Pick<E2eeMedia, 'protectSender'>,
  ) {
    this.pc = peerConnectionFor(ice, prepared, e2ee && E2eeMedia.peerConnectionOptions());
    this.candidates = new CandidateExchange(this.pc, signaling, 'publisher');
    this.recovery = new IceRecovery({ ...events, restart: () => this.restartIce() });
    this.pc.onconnectionstatechange = () => {
      if (!this.closed) this.recovery.update(this.pc.connectionState);
    };
    this.stalls = new StallWatch(this.pc, (stalled) => this.recovery.stalled(stalled));
  }

  /**
   * Offers the microphone and camera (a null track sends nothing yet) and a shared screen when
   * there is one, publishes, and applies the answer.
   */
  async start(tracks: Record<TrackSource, MediaStreamTrack | null>): Promise<void> {
    const existing = this.pc.getTransceivers();
    try {
      for (const [i, source] of SOURCES.entries()) {
        const track = tracks[source];
        const prepared = existing[i];
        const transceiver =
          prepared ??
          this.pc.addTransceiver(track ?? SOURCE_KIND[source], transceiverInit(source, this.stream));
        // Before negotiating, so before any frame can leave.
        this.e2ee?.protectSender(transceiver.sender, source);
        // Made ahead of time (prepared): only the track is new.
        if (prepared && track) await transceiver.sender.replaceTrack(track);
        this.transceivers.set(source, transceiver);
      }
      if (tracks.screen) this.addScreenSection(tracks.screen);
    } catch (err) {
      throw toConclaveError(err, 'negotiation_failed', 'Could not prepare the outgoing media');
    }
    await this.offers.run(() => this.negotiate(true));
  }

  /** Offers every section, publishes (or renegotiates), and applies the media server's answer. */
  private async negotiate(first: boolean): Promise<void> {
    let sdp: string;
    try {
      const offer = await this.pc.createOffer();
      await this.pc.setLocalDescription(offer);
      sdp = this.pc.localDescription?.sdp ?? offer.sdp ?? '';
    } catch (err) {
      throw toConclaveError(err, 'negotiation_failed', 'Could not prepare the outgoing media');
    }
    const published: Array<{ source: TrackSource; mid: string }> = [];
    for (const [source, transceiver] of this.transceivers) {
      if (transceiver.mid !== null) published.push({ source, mid: transceiver.mid });
    }
    const replied = this.signaling.request({ type: 'publish', sdp, tracks: published });
    // The server handles a socket's messages in order, so candidates may follow the offer at once.
    if (first) this.candidates.releaseLocal();
    const reply = await replied;
    if (this.closed) return;
    try {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: reply.sdp });
    } catch (err) {
      throw toConclaveError(err, 'negotiation_failed', 'The media server answer could not be applied');
    }
    if (first) await this.candidates.remoteDescriptionSet();
    const screen = this.transceivers.get('screen');
    if (screen) await keepResolution(screen.sender);
  }

  /** The screen's section, protected (under E2EE) before it is ever negotiated. */
  private addScreenSection(track: MediaStreamTrack): void {
    const transceiver = this.pc.addTransceiver(track, transceiverInit('screen', this.stream));
    this.e2ee?.protectSender(transceiver.sender, 'screen');
    this.transceivers.set('screen', transceiver);
  }

  /** Frames the encoder produced for `source` so far (0 before it sends). */
  async framesEncoded(source: TrackSource): Promise<number> {
    const sender = this.transceivers.get(source)?.sender;
    if (!sender || this.closed) return 0;
    let frames = 0;
    for (const s of (await sender.getStats()).values() as Iterable<{
      type: string;
      framesEncoded?: number;
    }>) {
      if (s.type === 'outbound-rtp') frames += s.framesEncoded ?? 0;
    }
    return frames;
  }

  /**
   * Swaps what a source sends; null sends nothing while keeping the media section. A screen's first
   * share adds its section and renegotiates.
   */
  async replaceTrack(source: TrackSource, track: MediaStreamTrack | null): Promise<void> {
    if (this.closed) return;
    if (source === 'screen' && track && !this.transceivers.has('screen')) {
      try {
        this.addScreenSection(track);
      } catch (err) {
        throw toConclaveError(err, 'negotiation_failed', 'Could not add the shared screen');
      }
      await this.offers.run(() => this.negotiate(false));
      return;
    }
    const sender = this.transceivers.get(source)?.sender;
    if (!sender) return;
    try {
      await sender.replaceTrack(track);
    } catch (err) {
      throw new ConclaveError('negotiation_failed', `Could not switch the ${source}`, { cause: err });
    }
  }

  /** The sending connection's stats (for the local participant's connection quality). */
  async getStats(): Promise<RTCStatsReport | null> {
    return this.closed ? null : this.pc.getStats();
  }

  addRemoteCandidate(candidate: IceCandidate | null): void {
    this.candidates.addRemote(candidate);
  }

  /**
   * Restarts ICE (MEET-RECONNECT): an offer with new credentials for the same sections goes to the
   * server, which hands it to Janus and returns its answer. The media keeps its DTLS session and
   * its encryption; only the path is found anew. An earlier restart nobody answered is rolled back.
   */
  private restartIce(): Promise<void> {
    return this.offers.run(() => this.offerIceRestart());
  }

  private async offerIceRestart(): Promise<void> {
    if (this.closed) return;
    const generation = ++this.restartGeneration;
    let sdp: string;
    this.candidates.holdLocal();
    try {
      if (this.pc.signalingState === 'have-local-offer') {
        await this.pc.setLocalDescription({ type: 'rollback' });
      }
      const offer = await this.pc.createOffer({ iceRestart: true });
      await this.pc.setLocalDescription(offer);
      sdp = this.pc.localDescription?.sdp ?? offer.sdp ?? '';
    } catch (err) {
      this.candidates.releaseLocal();
      throw toConclaveError(err, 'negotiation_failed', 'Could not restart the outgoing connection');
    }
    const replied = this.signaling.request({ type: 'restartPublisherIce', sdp }, RESTART_ANSWER_MS);
    this.candidates.releaseLocal();
    const reply = await replied;
    if (this.closed || generation !== this.restartGeneration) return;
    if (this.pc.signalingState !== 'have-local-offer') return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp: reply.sdp });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.recovery.stop();
    this.stalls.stop();
    this.candidates.close();
    this.pc.onconnectionstatechange = null;
    this.pc.close();
  }
}

/** A shared screen keeps its resolution when it must give way (text stays sharp; the frame rate drops). */
async function keepResolution(sender: RTCRtpSender): Promise<void> {
  const parameters = sender.getParameters();
  if (parameters.degradationPreference === 'maintain-resolution') return;
  parameters.degradationPreference = 'maintain-resolution';
  await sender.setParameters(parameters).catch(() => undefined);
}
