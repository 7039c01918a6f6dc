import type { IceCandidate, PeerTarget } from '@conclave/protocol';
import type { SignalingChannel } from './signaling';
import { toIceCandidate } from './webrtc';

/**
 * Trickle ICE for one peer connection. Local candidates wait until our description is on its way,
 * so the server never sees a candidate before the description it belongs to; remote candidates wait
 * until the remote description is set, since a connection cannot take them before.
 */
export class CandidateExchange {
  private outgoing: (IceCandidate | null)[] | null = [];
  private readonly incoming: (IceCandidate | null)[] = [];
  private remoteReady = false;
  private closed = false;

  constructor(
    private readonly pc: RTCPeerConnection,
    private readonly signaling: SignalingChannel,
    private readonly target: PeerTarget,
    /** Told when gathering ends (the null candidate). */
    onGathered: () => void = () => {},
  ) {
    pc.onicecandidate = (e) => {
      const candidate = e.candidate?.candidate ? toIceCandidate(e.candidate) : null;
      if (this.outgoing) this.outgoing.push(candidate);
      else this.send(candidate);
      if (!e.candidate) onGathered();
    };
  }

  /**
   * A new local description is about to be made (an ICE restart): its candidates wait, as the first
   * ones did, until it has gone out.
   */
  holdLocal(): void {
    this.outgoing ??= [];
  }

  /** Our description has gone out: send what was gathered so far, and from now on at once. */
  releaseLocal(): void {
    const queued = this.outgoing ?? [];
    this.outgoing = null;
    for (const candidate of queued) this.send(candidate);
  }

  /** Whether local candidates are still being held back. */
  get holdingLocal(): boolean {
    return this.outgoing !== null;
  }

  addRemote(candidate: IceCandidate | null): void {
    if (this.remoteReady) void this.apply(candidate);
    else this.incoming.push(candidate);
  }

  /** The remote description is set: apply the candidates that waited for it. */
  async remoteDescriptionSet(): Promise<void> {
    this.remoteReady = true;
    for (const candidate of this.incoming.splice(0)) await this.apply(candidate);
  }

  close(): void {
    this.closed = true;
    this.pc.onicecandidate = null;
  }

  private send(candidate: IceCandidate | null): void {
    this.signaling.send({ type: 'trickle', target: this.target, candidate });
  }

  private async apply(candidate: IceCandidate | null): Promise<void> {
    if (this.closed) return;
    try {
      await this.pc.addIceCandidate(candidate ?? undefined);
    } catch {
      // A candidate the browser cannot use (e.g. an unsupported transport) is not fatal.
    }
  }
}
