import { EGRESS_MIME_TYPE } from '@conclave/protocol';
import { Room, type RemoteParticipant } from '@conclave/client';
import { Compositor, type Tile } from './compositor';
import { MAX_TILES } from './layout';
import { Mixer } from './mixer';
import { Uplink } from './uplink';

const WIDTH = 1280;
const HEIGHT = 720;
const FPS = 25;
/**
 * A keyframe every second: a live stream's segments start on one (so a viewer is a few seconds
 * behind, STREAM-LIVE), and so does seeking in a recording.
 */
const KEYFRAME_EVERY_MS = 1_000;
/** What is recorded goes to the server this often: the live stream's delay includes it. */
const CHUNK_MS = 500;

/**
 * The recorder the server launches in a headless browser for a recording or live stream (REC-START,
 * STREAM-LIVE): it joins the meeting by the token in its address, unseen, draws the meeting's layout
 * and mixes every voice, records both, and sends the recording back to the server as it goes.
 */
async function record(): Promise<void> {
  const params = new URLSearchParams(location.hash.slice(1));
  const meetingId = params.get('meeting');
  const token = params.get('token');
  // The token stays out of the page's history and of anything that reads the address later.
  history.replaceState(null, '', location.pathname);
  if (!meetingId || !token) throw new Error('The recorder needs a meeting and a token');

  const canvas = document.getElementById('stage') as HTMLCanvasElement;
  canvas.width = WIDTH;
  canvas.height = HEIGHT;
  const compositor = new Compositor(canvas);
  const mixer = new Mixer(document.getElementById('voices') as HTMLElement);
  const videos = new Map<MediaStreamTrack, HTMLVideoElement>();
  const room = new Room();

  const retile = () => compositor.show(tilesOf(room, videos));
  room.on('trackSubscribed', (track) => {
    if (track.kind === 'audio') mixer.add(track);
    else videos.set(track, playing(track));
    retile();
  });
  room.on('trackUnsubscribed', (track) => {
    mixer.remove(track);
    const video = videos.get(track);
    if (video) video.srcObject = null;
    videos.delete(track);
    retile();
  });
  for (const event of [
    'participantJoined',
    'participantLeft',
    'participantUpdated',
    'trackMuted',
    'trackUnmuted',
    'activeSpeakersChanged',
  ] as const) {
    room.on(event, retile);
  }

  await mixer.resume();
  await room.connect({ meetingId, egressToken: token, microphone: false, camera: false });
  retile();
  compositor.start(FPS);

  const stream = new MediaStream([compositor.capture(), mixer.track]);
  const recorder = new MediaRecorder(stream, {
    mimeType: EGRESS_MIME_TYPE,
    videoBitsPerSecond: 2_500_000,
    audioBitsPerSecond: 128_000,
    videoKeyFrameIntervalDuration: KEYFRAME_EVERY_MS,
  } as MediaRecorderOptions);
  let sent: Promise<void> = Promise.resolve();
  const stopping = () => {
    if (recorder.state !== 'inactive') recorder.stop();
  };
  const uplink = await Uplink.open(token, stopping);
  // Chunks go out in the order they were recorded, each once its bytes are read.
  recorder.ondataavailable = (event) => {
    sent = sent.then(async () => uplink.send(await event.data.arrayBuffer()));
  };
  recorder.onstop = () => {
    void sent.then(async () => {
      uplink.end();
      compositor.stop();
      await room.disconnect();
    });
  };
  // The meeting ended, or the server let the recorder go: what was recorded is still sent.
  room.on('disconnected', stopping);
  uplink.onClose(() => {
    stopping();
    void room.disconnect();
  });
  recorder.start(CHUNK_MS);
  document.title = 'Recording';
}

/** A muted, playing video element for a received track: what the compositor draws from. */
function playing(track: MediaStreamTrack): HTMLVideoElement {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  void video.play().catch(() => undefined);
  return video;
}

/**
 * The tiles, as the app's stage shows them: shared screens first, then everyone's camera (or their
 * name while it is off) in the order they came; in a larger meeting, the latest speakers first.
 */
function tilesOf(room: Room, videos: ReadonlyMap<MediaStreamTrack, HTMLVideoElement>): Tile[] {
  const speaking = new Set(room.activeSpeakers.map((p) => p.id));
  const people = [...room.remoteParticipants.values()];
  const videoOf = (p: RemoteParticipant, source: 'camera' | 'screen') => {
    const publication = p.getPublication(source);
    const track = publication && !publication.muted ? publication.track : null;
    return (track && videos.get(track)) ?? null;
  };
  const screens: Tile[] = people.flatMap((p) => {
    const video = videoOf(p, 'screen');
    return video
      ? [{ key: `${p.id}/screen`, name: p.displayName, video, screen: true, speaking: false }]
      : [];
  });
  const ranked =
    people.length + screens.length > MAX_TILES
      ? [...people].sort((a, b) => Number(speaking.has(b.id)) - Number(speaking.has(a.id)))
      : people;
  const cameras: Tile[] = ranked.map((p) => ({
    key: `${p.id}/camera`,
    name: p.displayName,
    video: videoOf(p, 'camera'),
    screen: false,
    speaking: speaking.has(p.id),
  }));
  return [...screens, ...cameras].slice(0, MAX_TILES);
}

record().catch((err: unknown) => {
  document.title = `Recorder failed: ${err instanceof Error ? err.message : String(err)}`;
  console.error(err);
});
