import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JanusClient, type Jsep } from '../src/media/janus-client';
import { freePort } from '../src/media/janus-supervisor';
import { GatewayLine, KamailioSupervisor, type SipCall } from '../src/sip';
import { freeUdpPort } from '../src/sip/options-ping';
import { mediaAddress } from '../src/turn/media-address';
import { startTestJanus, waitFor } from './media-support/janus';
import { Baresip } from './support/baresip';
import { sendInvite } from './support/sip-client';
import { DevtoolsPage } from './support/devtools-page';
import { makeTestTls, type TestTls } from './support/tls';
import { sipCallUnavailableReason } from './support/sip-support';

const DOMAIN = 'sip.conclave.test';
/** A carrier's address: loopback's /8 gives the test callers addresses of their own. */
const TRUNK_ADDRESS = '127.0.0.40';
const mediaIp = mediaAddress(process.env.CONCLAVE_MEDIA_INTERFACE ?? null);

/**
 * The WebRTC side of a SIP call as the gateway page will hold it: answers Janus's offer with a
 * WebAudio tone and a canvas picture (what the meeting's mix and active speaker will be), and keeps
 * the PeerConnection in `window.pc` to read its counters.
 */
function answerScript(offer: Jsep): string {
  return `(async () => {
    const pc = new RTCPeerConnection();
    window.pc = pc;
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const out = audio.createMediaStreamDestination();
    tone.connect(out);
    tone.start();
    const canvas = document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const g = canvas.getContext('2d');
    let n = 0;
    setInterval(() => { g.fillStyle = 'hsl(' + (n++ % 360) + ',80%,50%)'; g.fillRect(0, 0, 320, 240); }, 50);
    const stream = new MediaStream([...out.stream.getAudioTracks(), ...canvas.captureStream(15).getVideoTracks()]);
    await pc.setRemoteDescription(${JSON.stringify(offer)});
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
    });
    return { type: 'answer', sdp: pc.localDescription.sdp };
  })()`;
}

interface Received {
  audioPackets: number;
  videoFrames: number;
}

const receivedScript = `(async () => {
  const r = { audioPackets: 0, videoFrames: 0 };
  (await window.pc.getStats()).forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    if (s.kind === 'audio') r.audioPackets = s.packetsReceived;
    if (s.kind === 'video') r.videoFrames = s.framesDecoded;
  });
  return r;
})()`;

describe(
  'INTEROP-SIP: the SIP gateway’s SIP leg (Kamailio over TLS → Janus SIP plugin)',
  { skip: sipCallUnavailableReason(mediaIp) },
  () => {
    let tls: TestTls;
    let kamailio: KamailioSupervisor;
    let janus: Awaited<ReturnType<typeof startTestJanus>>;
    let client: JanusClient;
    let line: GatewayLine;
    let tlsPort: number;
    let udpPort: number;

    before(async () => {
      tls = makeTestTls(mediaIp!);
      tlsPort = await freePort();
      udpPort = await freeUdpPort();
      kamailio = new KamailioSupervisor({
        tls: { ip: mediaIp!, port: tlsPort, certFile: tls.certFile, keyFile: tls.keyFile },
        gatewayPort: 0,
        domain: DOMAIN,
        invitesPerMinute: 60,
        udpPort,
        trunks: [{ name: 'carrier', addresses: [TRUNK_ADDRESS], transport: 'udp' }],
        restartBackoff: { initialMs: 100, maxMs: 1000 },
      });
      const proxy = await kamailio.start();
      janus = await startTestJanus({
        sip: { signalingIp: '127.0.0.1', mediaIp: mediaIp!, rtpPortRange: { min: 41000, max: 41999 } },
      });
      client = await JanusClient.connect(janus.endpoint.url, { apiSecret: janus.endpoint.apiSecret });
      line = await GatewayLine.open(await client.createSession(), {
        proxy: proxy.proxy,
        domain: DOMAIN,
        // One handle per test: a refused call's handle can stay busy until its transaction times out.
        maxCalls: 3,
      });
    });
    after(async () => {
      await line?.close();
      client?.close();
      await janus?.stop();
      await kamailio?.stop();
      tls?.remove();
    });

    const endpoint = (mediaenc?: 'none') =>
      Baresip.start({
        ip: mediaIp!,
        proxy: `${mediaIp!}:${tlsPort}`,
        caFile: tls.caFile,
        account: `"Room 101" <sip:room101@${DOMAIN}>`,
        ...(mediaenc && { mediaenc }),
      });

    test('INTEROP-SIP: a SIP video endpoint dials an extension over TLS with SRTP; the gateway is told who called which extension, answers, and audio and video flow both ways', async () => {
      const baresip = await endpoint();
      const page = await DevtoolsPage.open();
      try {
        const ringing = waitFor<SipCall>((resolve) => line.once('call', resolve), 15_000, 'the call');
        baresip.command(`/dial sip:7654321@${DOMAIN}`);
        const call = await ringing;
        assert.deepEqual(
          { ...call.info, callId: typeof call.info.callId },
          {
            callId: 'string',
            caller: `sip:room101@${DOMAIN}`,
            displayName: 'Room 101',
            extension: '7654321',
            srtp: 'mandatory',
            trunk: null,
          },
        );
        assert.equal(line.activeCalls(), 1);

        await call.accept(await page.evaluate<Jsep>(answerScript(call.offer)));
        await baresip.waitFor(/Call established/, 10_000);
        await baresip.waitFor(/srtp: video: SRTP is Enabled/, 1_000);

        // The endpoint's tone and picture reach the browser side, decoded.
        let received: Received = { audioPackets: 0, videoFrames: 0 };
        const deadline = Date.now() + 15_000;
        while (Date.now() < deadline) {
          received = await page.evaluate<Received>(receivedScript);
          if (received.audioPackets > 100 && received.videoFrames > 20) break;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        assert.ok(received.audioPackets > 100, `audio packets from the endpoint: ${received.audioPackets}`);
        assert.ok(
          received.videoFrames > 20,
          `video frames decoded from the endpoint: ${received.videoFrames}`,
        );

        // We hang up (BYE back over the endpoint's TLS connection); the endpoint got our media.
        const ended = waitFor<string>((resolve) => call.once('ended', resolve), 10_000, 'the call to end');
        await call.hangup();
        assert.match(await ended, /^200 /);
        const stats = await baresip.callStats();
        assert.ok(stats.audio.received > 100, `audio packets the endpoint received: ${stats.audio.received}`);
        assert.ok(stats.video.received > 20, `video packets the endpoint received: ${stats.video.received}`);
        assert.equal(line.activeCalls(), 0);
      } finally {
        await page.close();
        await baresip.stop();
      }
    });

    test('INTEROP-SIP: an endpoint offering plain RTP is refused (488) before anyone is told of it', async () => {
      const baresip = await endpoint('none');
      let told = false;
      const onCall = () => (told = true);
      line.on('call', onCall);
      try {
        baresip.command(`/dial sip:7654321@${DOMAIN}`);
        await baresip.waitFor(/488 Not Acceptable Here/, 15_000);
        assert.equal(told, false);
        assert.equal(line.activeCalls(), 0);
      } finally {
        line.off('call', onCall);
        await baresip.stop();
      }
    });

    test('INTEROP-PSTN: a phone call from a trunk allowed plain SIP/UDP, with plain RTP, rings on the line marked as the trunk’s; the same call from anyone else is refused', async () => {
      const calls: SipCall[] = [];
      const onCall = (call: SipCall) => calls.push(call);
      line.on('call', onCall);
      try {
        const ringing = waitFor<SipCall>((resolve) => line.once('call', resolve), 15_000, 'the call');
        const answer = sendInvite({
          transport: 'udp',
          from: TRUNK_ADDRESS,
          to: { host: mediaIp!, port: udpPort },
          uri: `sip:+41445550000@${DOMAIN}`,
          timeoutMs: 15_000,
        });
        const call = await ringing;
        assert.deepEqual(
          { caller: call.info.caller, srtp: call.info.srtp, trunk: call.info.trunk },
          {
            caller: `sip:caller@${TRUNK_ADDRESS}`,
            srtp: 'none',
            trunk: { name: 'carrier', transport: 'udp' },
          },
        );
        assert.equal(call.isOver, false, 'not refused for its plain RTP');
        await call.decline(486);
        assert.equal((await answer).status, 486);

        // The same plain offer over UDP from an address that is no trunk's: refused before the line.
        const other = await sendInvite({
          transport: 'udp',
          from: '127.0.0.41',
          to: { host: mediaIp!, port: udpPort },
          uri: `sip:+41445550000@${DOMAIN}`,
        });
        assert.equal(other.status, 403);
        assert.equal(calls.length, 1);
      } finally {
        line.off('call', onCall);
      }
    });
  },
);
