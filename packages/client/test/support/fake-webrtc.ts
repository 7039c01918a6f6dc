/// <reference types="node" />
/**
 * Stand-ins for the browser's WebRTC objects, as much as the SDK uses of them: peer connections that
 * negotiate a toy SDP (an `m=` line and an `a=mid:` per media section), gather one host candidate,
 * and can be made to fail; media tracks and streams. `installFakeWebRtc()` puts them in place of the
 * globals for a test file.
 */

type Kind = 'audio' | 'video';

let nextTrackId = 1;

export class FakeTrack {
  readonly id = `track-${nextTrackId++}`;
  readyState: MediaStreamTrackState = 'live';
  enabled = true;

  constructor(readonly kind: Kind) {}

  stop(): void {
    this.readyState = 'ended';
  }
  getSettings(): MediaTrackSettings {
    return {};
  }
  private readonly listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  /** Ends the track from its side (device unplugged, a processor giving up): fires `ended`, as browsers do. */
  end(): void {
    this.readyState = 'ended';
    for (const listener of this.listeners.get('ended') ?? []) listener();
  }
}

/** A fake track typed as what the SDK takes. */
export function fakeTrack(kind: Kind): MediaStreamTrack {
  return new FakeTrack(kind) as unknown as MediaStreamTrack;
}

class FakeSender {
  track: MediaStreamTrack | null = null;
  replaceTrack(track: MediaStreamTrack | null): Promise<void> {
    this.track = track;
    return Promise.resolve();
  }
}

export class FakeTransceiver {
  mid: string | null = null;
  readonly sender = new FakeSender();
  readonly receiver: { track: FakeTrack };

  constructor(
    readonly kind: Kind,
    readonly direction: RTCRtpTransceiverDirection,
  ) {
    this.receiver = { track: new FakeTrack(kind) };
  }
}

export interface ToySection {
  mid: string;
  kind: Kind;
}

export function toySdp(sections: readonly ToySection[]): string {
  return ['v=0', ...sections.flatMap((s) => [`m=${s.kind} 9 UDP/TLS/RTP/SAVPF 96`, `a=mid:${s.mid}`])].join(
    '\r\n',
  );
}

function parseToySdp(sdp: string): ToySection[] {
  const sections: ToySection[] = [];
  let kind: Kind | null = null;
  for (const line of sdp.split('\r\n')) {
    if (line.startsWith('m=')) kind = line.startsWith('m=audio') ? 'audio' : 'video';
    else if (line.startsWith('a=mid:') && kind) sections.push({ mid: line.slice('a=mid:'.length), kind });
  }
  return sections;
}

export const HOST_CANDIDATE = {
  candidate: 'candidate:1 1 udp 2122260223 10.77.0.2 50000 typ host',
  sdpMid: '0',
  sdpMLineIndex: 0,
};

export class FakePeerConnection {
  /** Every connection made since the fakes were installed, in order. */
  static created: FakePeerConnection[] = [];

  configuration: RTCConfiguration;
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  readonly remoteCandidates: (RTCIceCandidateInit | null)[] = [];
  onicecandidate: ((event: { candidate: typeof HOST_CANDIDATE | null }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  closed = false;
  private readonly transceivers: FakeTransceiver[] = [];
  private nextMid = 0;
  private gathered = false;

  constructor(configuration: RTCConfiguration = {}) {
    this.configuration = configuration;
    FakePeerConnection.created.push(this);
  }

  /** The tracks this connection sends, by media section order. */
  get sending(): (MediaStreamTrack | null)[] {
    return this.transceivers.filter((t) => t.direction === 'sendonly').map((t) => t.sender.track);
  }

  setConfiguration(configuration: RTCConfiguration): void {
    this.configuration = configuration;
  }

  addTransceiver(trackOrKind: MediaStreamTrack | Kind, init: RTCRtpTransceiverInit = {}): FakeTransceiver {
    const kind = typeof trackOrKind === 'string' ? trackOrKind : (trackOrKind.kind as Kind);
    const transceiver = new FakeTransceiver(kind, init.direction ?? 'sendrecv');
    if (typeof trackOrKind !== 'string') transceiver.sender.track = trackOrKind;
    this.transceivers.push(transceiver);
    return transceiver;
  }

  getTransceivers(): FakeTransceiver[] {
    return [...this.transceivers];
  }

  createOffer(): Promise<RTCSessionDescriptionInit> {
    for (const t of this.transceivers) t.mid ??= String(this.nextMid++);
    return Promise.resolve({ type: 'offer', sdp: toySdp(this.sections()) });
  }

  createAnswer(): Promise<RTCSessionDescriptionInit> {
    return Promise.resolve({ type: 'answer', sdp: toySdp(this.sections()) });
  }

  setLocalDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.localDescription = description;
    if (!this.gathered) {
      this.gathered = true;
      setTimeout(() => {
        this.onicecandidate?.({ candidate: HOST_CANDIDATE });
        this.onicecandidate?.({ candidate: null });
      }, 0);
    }
    return Promise.resolve();
  }

  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
    this.remoteDescription = description;
    if (description.type === 'offer') {
      for (const section of parseToySdp(description.sdp ?? '')) {
        if (this.transceivers.some((t) => t.mid === section.mid)) continue;
        const transceiver = new FakeTransceiver(section.kind, 'recvonly');
        transceiver.mid = section.mid;
        this.transceivers.push(transceiver);
      }
    }
    return Promise.resolve();
  }

  addIceCandidate(candidate?: RTCIceCandidateInit): Promise<void> {
    this.remoteCandidates.push(candidate ?? null);
    return Promise.resolve();
  }

  getStats(): Promise<Map<string, unknown>> {
    return Promise.resolve(new Map());
  }

  close(): void {
    this.closed = true;
    this.connectionState = 'closed';
  }

  /** ICE gave up: what a dead media server or network looks like to the page. */
  fail(): void {
    this.connectionState = 'failed';
    this.onconnectionstatechange?.();
  }

  private sections(): ToySection[] {
    return this.transceivers.flatMap((t) => (t.mid === null ? [] : [{ mid: t.mid, kind: t.kind }]));
  }
}

class FakeMediaStream {
  constructor(readonly tracks: MediaStreamTrack[] = []) {}
}

/** Installs the fakes as RTCPeerConnection and MediaStream; returns a function that restores the globals. */
export function installFakeWebRtc(): () => void {
  const globals = globalThis as Record<string, unknown>;
  const saved = { RTCPeerConnection: globals.RTCPeerConnection, MediaStream: globals.MediaStream };
  globals.RTCPeerConnection = FakePeerConnection;
  globals.MediaStream = FakeMediaStream;
  FakePeerConnection.created = [];
  return () => {
    globals.RTCPeerConnection = saved.RTCPeerConnection;
    globals.MediaStream = saved.MediaStream;
  };
}

/** The open connection that sends (the publisher), if there is one. */
export function publisherConnection(): FakePeerConnection | undefined {
  return FakePeerConnection.created.findLast(
    (pc) => !pc.closed && pc.getTransceivers().some((t) => t.direction === 'sendonly'),
  );
}

/** The open connection that receives (the subscriber), once it was offered something. */
export function subscriberConnection(): FakePeerConnection | undefined {
  return FakePeerConnection.created.findLast(
    (pc) => !pc.closed && pc.getTransceivers().some((t) => t.direction === 'recvonly'),
  );
}
