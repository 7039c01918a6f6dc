import type { SipGatewayServerMessage } from '@conclave/protocol';
import { Room } from '@conclave/client';
import { Mixer } from '../egress/mixer';
import { CallLink } from './call-link';
import { listenForKeys } from './key-listener';
import { playPrompt } from './prompts';
import { SpeakerVideo } from './speaker-video';

/** What the caller sends: its voice, and its camera unless it is a phone. */
interface Caller {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
}

/**
 * The page the server launches in a headless browser for one SIP call (INTEROP-SIP, INTEROP-PSTN,
 * docs/sip.md): it answers the WebRTC side of the call, plays the IVR's prompts and hears the keys
 * the caller types, then joins the meeting as the caller, publishing the caller's voice and camera,
 * and sends the caller the meeting's voices mixed and the camera of whoever spoke last.
 */
async function bridge(): Promise<void> {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  // The token stays out of the page's history and of anything that reads the address later.
  history.replaceState(null, '', location.pathname);
  if (!token) throw new Error('The SIP gateway page needs a token');

  const voices = document.getElementById('voices') as HTMLElement;
  const mixer = new Mixer(voices);
  await mixer.resume();
  let title = 'Conclave';
  const speaker = new SpeakerVideo(document.getElementById('card') as HTMLCanvasElement, () => title);
  const caller: Caller = { audio: null, video: null };
  let pc: RTCPeerConnection | null = null;
  let room: Room | null = null;
  let listening: Promise<() => void> | null = null;
  const stopListening = () => void listening?.then((stop) => stop()).catch(() => undefined);
  let over = false;

  const hangUp = async () => {
    if (over) return;
    over = true;
    stopListening();
    await room?.disconnect().catch(() => undefined);
    // The server waits for this before it closes the browser (or the seat would be held a while).
    link.send({ type: 'left', reason: 'the call ended' });
    pc?.close();
    document.title = 'Call over';
  };

  const answer = async (sdp: string): Promise<string> => {
    const connection = new RTCPeerConnection();
    pc = connection;
    connection.ontrack = ({ track }) => {
      if (track.kind === 'video') {
        caller.video = track;
        return;
      }
      caller.audio = track;
      listening = listenForKeys(voices, mixer.context, track, (digit) => link.send({ type: 'dtmf', digit }));
    };
    await connection.setRemoteDescription({ type: 'offer', sdp });
    // Added after the offer, the tracks take its media sections: a phone's offer has no video.
    const outgoing = new MediaStream([mixer.track, speaker.placeholder]);
    for (const track of outgoing.getTracks()) {
      const sender = connection.addTrack(track, outgoing);
      if (track.kind === 'video') speaker.attach(sender);
    }
    await connection.setLocalDescription(await connection.createAnswer());
    // Janus takes the answer whole: every candidate in it, no trickling.
    await new Promise<void>((resolve) => {
      if (connection.iceGatheringState === 'complete') return resolve();
      connection.addEventListener('icegatheringstatechange', () => {
        if (connection.iceGatheringState === 'complete') resolve();
      });
    });
    return connection.localDescription?.sdp ?? '';
  };

  const enter = async (meetingId: string, guestToken: string, audioOnly: boolean) => {
    stopListening();
    const joined = new Room();
    room = joined;
    joined.on('trackSubscribed', (track, _publication, participant) => {
      if (track.kind === 'audio') mixer.add(track);
      else if (_publication.source === 'camera') speaker.add(participant.id, track);
    });
    joined.on('trackUnsubscribed', (track) => {
      mixer.remove(track);
      speaker.remove(track);
    });
    joined.on('activeSpeakersChanged', (speakers) =>
      speaker.speaking(speakers.filter((p) => !p.isLocal).map((p) => p.id)),
    );
    joined.on('disconnected', (reason) => {
      link.send({ type: 'left', reason: String(reason ?? 'left') });
      void hangUp();
    });
    link.send({ type: 'entered' });
    try {
      await joined.connect({
        meetingId,
        guestToken,
        microphone: caller.audio ? { track: caller.audio } : false,
        camera: !audioOnly && caller.video ? { track: caller.video } : false,
      });
      title = 'In the meeting';
      document.title = 'In a meeting';
    } catch (err) {
      link.send({
        type: 'left',
        reason: err instanceof Error ? err.message.slice(0, 200) : 'could not join',
      });
      await hangUp();
    }
  };

  const handle = async (message: SipGatewayServerMessage) => {
    switch (message.type) {
      case 'offer':
        link.send({ type: 'answer', sdp: await answer(message.sdp) });
        return;
      case 'prompt':
        await playPrompt(mixer.context, mixer.destination, message.prompt);
        link.send({ type: 'prompted' });
        return;
      case 'enter':
        await enter(message.meetingId, message.guestToken, message.audioOnly);
        return;
      case 'hangup':
        await hangUp();
        return;
    }
  };

  const link = await CallLink.open(token, (message) => {
    handle(message).catch((err: unknown) => {
      console.error(err);
      void hangUp();
    });
  });
  link.onClose(() => void hangUp());
  document.title = 'SIP call';
}

bridge().catch((err: unknown) => {
  document.title = `SIP gateway failed: ${err instanceof Error ? err.message : String(err)}`;
  console.error(err);
});
