/**
 * The page of the E2EE frame tests (bundled by loopback.ts; runs in Chromium, not in Node): one
 * camera and microphone, sent over one peer connection pair per receiver, all inside the page and
 * without any server. Every sender is protected by one E2eeMedia (the sending member's worker); each
 * receiver has its own E2eeMedia (its own member, its own keys), except `plain`, which has none and
 * shows what anyone without E2EE, a media server for instance, gets from the wire.
 */
import { E2eeMedia } from '../../../packages/client/src/e2ee/media';
import type { FrameStats } from '@conclave/e2ee';

const RECEIVERS = ['good', 'wrong', 'late', 'plain'] as const;
export type ReceiverName = (typeof RECEIVERS)[number];
export type MemberName = 'sender' | Exclude<ReceiverName, 'plain'>;

export interface LoopbackOptions {
  /** Use createEncodedStreams, as browsers without RTCRtpScriptTransform do. */
  fallback: boolean;
}

export interface ReceiverStats {
  framesDecoded: number;
  packetsReceived: number;
  /** Key frame requests the receiver sent (PLI). */
  pliCount: number;
  /** Audio, on the link that carries it: what was played out, and how much of it was made up. */
  audio: { energy: number; samples: number; concealed: number } | null;
  /** Its member's worker counts; null for `plain`, which has none. */
  e2ee: FrameStats | null;
}

/** What the page offers the test (window.loopback). */
export interface LoopbackApi {
  start(options: LoopbackOptions): Promise<{ api: 'RTCRtpScriptTransform' | 'createEncodedStreams' }>;
  install(member: MemberName, epoch: number, baseKey: number[], ownLeaf: number): void;
  activate(member: MemberName, epoch: number): void;
  stats(): Promise<Record<ReceiverName, ReceiverStats> & { sender: FrameStats }>;
  /** What the members' E2eeMedia reported as errors, each after the member's name. */
  errors: string[];
}

interface Link {
  pc: RTCPeerConnection;
  media: E2eeMedia | null;
}

const links = new Map<ReceiverName, Link>();
const members = new Map<MemberName, E2eeMedia>();
const errors: string[] = [];

function watch(name: MemberName, media: E2eeMedia): E2eeMedia {
  media.on('error', (e) => errors.push(`${name}: ${e.message}`));
  members.set(name, media);
  return media;
}

/** A video shown, or audio played out (Chromium decodes received audio only for a sink that plays). */
function element(tag: 'video' | 'audio', id: string, tracks: MediaStreamTrack[]): void {
  const el = document.createElement(tag);
  el.id = id;
  el.autoplay = true;
  if (el instanceof HTMLVideoElement) {
    el.muted = true;
    el.playsInline = true;
    el.width = 320;
    el.height = 240;
  }
  el.srcObject = new MediaStream(tracks);
  document.body.append(el);
}

async function connect(
  name: ReceiverName,
  tracks: MediaStreamTrack[],
  sending: E2eeMedia,
  receiving: E2eeMedia | null,
): Promise<RTCPeerConnection> {
  // Both ends as an E2EE call makes them; `plain` as a browser that knows nothing of E2EE.
  const options = E2eeMedia.peerConnectionOptions() as RTCConfiguration;
  const a = new RTCPeerConnection(options);
  const b = new RTCPeerConnection(receiving ? options : {});
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined);
  for (const track of tracks) {
    // As the SDK's publisher does: the transceiver with its track, protected before negotiating.
    const { sender } = a.addTransceiver(track, { direction: 'sendonly' });
    sending.protectSender(sender, track.kind === 'audio' ? 'microphone' : 'camera');
  }
  const offer = await a.createOffer();
  await a.setLocalDescription(offer);
  await b.setRemoteDescription(offer);
  for (const t of b.getTransceivers())
    receiving?.protectReceiver(t.receiver, t.receiver.track.kind as 'audio' | 'video');
  const answer = await b.createAnswer();
  await b.setLocalDescription(answer);
  await a.setRemoteDescription(answer);
  const received = b.getReceivers().map((r) => r.track);
  element(
    'video',
    name,
    received.filter((t) => t.kind === 'video'),
  );
  const audio = received.filter((t) => t.kind === 'audio');
  if (audio.length > 0) element('audio', `${name}-audio`, audio);
  return b;
}

async function start(options: LoopbackOptions): ReturnType<LoopbackApi['start']> {
  if (options.fallback) {
    // What a browser without the standard API looks like to E2eeMedia.
    Reflect.deleteProperty(window, 'RTCRtpScriptTransform');
  }
  if (!E2eeMedia.supported()) throw new Error('this browser has no encoded transform API');
  const camera = await navigator.mediaDevices.getUserMedia({
    video: { width: 320, height: 240, frameRate: 15 },
    audio: true,
  });
  element('video', 'local', camera.getVideoTracks());
  const [videoTrack] = camera.getVideoTracks();
  const [audioTrack] = camera.getAudioTracks();
  if (!videoTrack || !audioTrack) throw new Error('no camera or microphone');
  const sending = watch('sender', new E2eeMedia());
  for (const name of RECEIVERS) {
    const receiving = name === 'plain' ? null : watch(name, new E2eeMedia());
    const tracks = name === 'good' ? [audioTrack, videoTrack] : [videoTrack];
    const pc = await connect(name, tracks, sending, receiving);
    links.set(name, { pc, media: receiving });
  }
  return {
    api: typeof RTCRtpScriptTransform === 'undefined' ? 'createEncodedStreams' : 'RTCRtpScriptTransform',
  };
}

function member(name: MemberName): E2eeMedia {
  const media = members.get(name);
  if (!media) throw new Error(`no member ${name}: start() first`);
  return media;
}

async function receiverStats(link: Link): Promise<ReceiverStats> {
  const out: ReceiverStats = {
    framesDecoded: 0,
    packetsReceived: 0,
    pliCount: 0,
    audio: null,
    e2ee: link.media?.stats() ?? null,
  };
  (await link.pc.getStats()).forEach((s: Record<string, unknown>) => {
    if (s.type !== 'inbound-rtp') return;
    if (s.kind === 'video') {
      out.framesDecoded = Number(s.framesDecoded ?? 0);
      out.packetsReceived = Number(s.packetsReceived ?? 0);
      out.pliCount = Number(s.pliCount ?? 0);
    } else if (s.kind === 'audio') {
      out.audio = {
        energy: Number(s.totalAudioEnergy ?? 0),
        samples: Number(s.totalSamplesReceived ?? 0),
        concealed: Number(s.concealedSamples ?? 0),
      };
    }
  });
  return out;
}

const api: LoopbackApi = {
  start,
  install: (name, epoch, baseKey, ownLeaf) =>
    member(name).install(BigInt(epoch), Uint8Array.from(baseKey), ownLeaf),
  activate: (name, epoch) => member(name).activate(BigInt(epoch), false),
  stats: async () => {
    const entries = await Promise.all(
      RECEIVERS.map(async (name) => [name, await receiverStats(links.get(name)!)] as const),
    );
    return {
      ...(Object.fromEntries(entries) as Record<ReceiverName, ReceiverStats>),
      sender: member('sender').stats(),
    };
  },
  errors,
};
(window as unknown as { loopback: LoopbackApi }).loopback = api;
