// Where a ringing SIP call goes (issue 16, docs/sip.md): the meeting its extension names, or the IVR
// (meeting number, then passcode, by DTMF); end-to-end encrypted meetings refuse it.
import assert from 'node:assert/strict';
import type { SipPrompt } from '@conclave/protocol';
import { after, before, describe, test } from 'node:test';
import { hashPassword } from '../src/auth';
import { systemClock } from '../src/common/clock';
import { memoryLimiters } from '../src/common/rate-limit';
import type { MeetingRecord } from '../src/domain';
import type { JanusHandle, Jsep } from '../src/media/janus-client';
import { freePort } from '../src/media/janus-supervisor';
import { PasscodeGate } from '../src/meetings';
import { AppMetrics } from '../src/metrics';
import {
  callerIdentity,
  DialIn,
  dialledOf,
  E2EE_REFUSAL,
  SipGateway,
  sipReason,
  type AnsweredCall,
  type CallerIdentity,
  type SipBridge,
  type SipCall,
} from '../src/sip';
import { SipCall as Call } from '../src/sip/gateway-line';
import { mediaAddress } from '../src/turn/media-address';
import { JANUS_BINARY, waitFor } from './media-support/janus';
import { Baresip } from './support/baresip';
import { DevtoolsPage } from './support/devtools-page';
import { makeTestTls, type TestTls } from './support/tls';
import { sipCallUnavailableReason } from './support/sip-support';

const PASSCODE = '4711';

async function meetings() {
  const base = { organisationId: 'org', ownerId: 'owner', e2eeAnchorKey: null, lobby: 'off' as const };
  const list: Array<MeetingRecord & { extension: string }> = [
    { ...base, id: 'open', extension: '1234567', name: 'Open', e2ee: false, passcodeHash: null },
    {
      ...base,
      id: 'guarded',
      extension: '2345678',
      name: 'Guarded',
      e2ee: false,
      passcodeHash: await hashPassword(PASSCODE),
    },
    { ...base, id: 'secret', extension: '3456789', name: 'Secret', e2ee: true, passcodeHash: null },
  ];
  return {
    list,
    byExtension: async (extension: string) => list.find((m) => m.extension === extension) ?? null,
  };
}

/** A bridge that answers at once and remembers what the caller was played and where it went. */
function recordingBridge(answer: (call: SipCall) => Promise<void> = async () => undefined) {
  const prompts: SipPrompt[] = [];
  let answered = 0;
  let resolveEntered: (entered: { meetingId: string; caller: CallerIdentity }) => void = () => undefined;
  // A call that never enters fails its test instead of hanging it.
  const entered = new Promise<{ meetingId: string; caller: CallerIdentity }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the call did not enter; prompts: ${prompts.join(', ')}`)),
      20_000,
    );
    resolveEntered = (value) => {
      clearTimeout(timer);
      resolve(value);
    };
  });
  entered.catch(() => undefined);
  const bridge: SipBridge = {
    async answer(call) {
      answered++;
      await answer(call);
      const answeredCall: AnsweredCall = {
        prompt: async (prompt) => {
          prompts.push(prompt);
        },
        enter: async (meeting, caller) => resolveEntered({ meetingId: meeting.id, caller }),
      };
      return answeredCall;
    },
  };
  return { bridge, prompts, entered, answered: () => answered };
}

/** A ringing call on a stand-in Janus handle that records what was sent to it. */
function ringing(
  extension: string,
  caller = 'sip:room101@example.org',
  displayName: string | null = 'Room 101',
) {
  const sent: Array<Record<string, unknown>> = [];
  const handle = {
    send: async (body: Record<string, unknown>) => {
      sent.push(body);
      if (body.request === 'hangup') queueMicrotask(() => call.end('hung up'));
      return { data: {} };
    },
  } as unknown as JanusHandle;
  const call = new Call(
    { callId: 'c1', caller, displayName, extension, srtp: 'mandatory', trunk: null },
    { type: 'offer', sdp: '' },
    handle,
  );
  const dtmf = (keys: string) => {
    for (const key of keys) call.emit('dtmf', key);
  };
  return { call, sent, dtmf };
}

const fast = { firstDigitMs: 2_000, interDigitMs: 500, tries: 3, ivrMs: 10_000 };

describe('INTEROP-SIP: the dial-in, by extension or IVR', () => {
  test('INTEROP-PSTN: a phone is shown by its number masked to its last four digits; a SIP endpoint by its display name, else its user part', () => {
    assert.deepEqual(
      callerIdentity({ caller: 'sip:+41441234567@trunk.example', displayName: '+41441234567' }),
      {
        kind: 'phone',
        displayName: 'Phone ••• ••• 45 67',
      },
    );
    assert.deepEqual(callerIdentity({ caller: 'sip:room101@example.org', displayName: 'Room 101' }), {
      kind: 'sip',
      displayName: 'Room 101',
    });
    assert.deepEqual(callerIdentity({ caller: 'sips:lab@example.org', displayName: null }), {
      kind: 'sip',
      displayName: 'lab',
    });
    assert.deepEqual(dialledOf('1234567*4711'), { extension: '1234567', passcode: '4711' });
    assert.equal(dialledOf(''), null);
    assert.equal(dialledOf('conclave'), null);
  });

  test('E2EE-LIMITS: a call to an end-to-end encrypted meeting is refused 403 with a Reason saying why, before anything answers it', async () => {
    const m = await meetings();
    const { bridge, answered } = recordingBridge();
    const dialIn = new DialIn(m, new PasscodeGate(memoryLimiters(systemClock)), bridge, fast);
    const { call, sent } = ringing('3456789');
    assert.equal(await dialIn.take(call), 'refused_e2ee');
    assert.deepEqual(sent, [
      { request: 'decline', code: 403, headers: { Reason: sipReason(403, E2EE_REFUSAL) } },
    ]);
    assert.equal(sipReason(403, E2EE_REFUSAL), `SIP;cause=403;text="${E2EE_REFUSAL}"`);
    assert.equal(answered(), 0);
  });

  test('INTEROP-SIP: a call to an open meeting’s extension enters it at once, as the endpoint’s name; with a passcode after `*` too', async () => {
    const m = await meetings();
    const gate = new PasscodeGate(memoryLimiters(systemClock));
    for (const [extension, meetingId] of [
      ['1234567', 'open'],
      [`2345678*${PASSCODE}`, 'guarded'],
    ]) {
      const { bridge, prompts, entered } = recordingBridge();
      assert.equal(await new DialIn(m, gate, bridge, fast).take(ringing(extension!).call), 'entered');
      assert.deepEqual(await entered, { meetingId, caller: { kind: 'sip', displayName: 'Room 101' } });
      assert.deepEqual(prompts, []);
    }
  });

  test('INTEROP-PSTN: with no extension the IVR asks for the meeting number, then its passcode; wrong ones are asked again', async () => {
    const m = await meetings();
    const { bridge, prompts, entered } = recordingBridge();
    const dialIn = new DialIn(m, new PasscodeGate(memoryLimiters(systemClock)), bridge, fast);
    const { call, dtmf } = ringing('', 'sip:+41441234567@trunk.example', null);
    const taking = dialIn.take(call);
    dtmf('999#'); // no such meeting
    dtmf('2345678#');
    dtmf('1#'); // a wrong passcode
    dtmf(`${PASSCODE}#`);
    assert.equal(await taking, 'entered');
    assert.deepEqual(await entered, {
      meetingId: 'guarded',
      caller: { kind: 'phone', displayName: 'Phone ••• ••• 45 67' },
    });
    assert.deepEqual(prompts, ['extension', 'unknown', 'extension', 'passcode', 'wrong', 'passcode']);
  });

  test('E2EE-LIMITS: an end-to-end encrypted meeting reached through the IVR is told, then hung up; so is a caller out of tries', async () => {
    const m = await meetings();
    const gate = new PasscodeGate(memoryLimiters(systemClock));
    const e2ee = recordingBridge();
    const first = ringing('');
    const taking = new DialIn(m, gate, e2ee.bridge, fast).take(first.call);
    first.dtmf('3456789#');
    assert.equal(await taking, 'refused_e2ee');
    assert.deepEqual(e2ee.prompts, ['extension', 'e2ee', 'goodbye']);
    assert.equal(first.sent.at(-1)?.request, 'hangup');

    const lost = recordingBridge();
    const second = ringing('');
    const trying = new DialIn(m, gate, lost.bridge, fast).take(second.call);
    second.dtmf('1#2#3#');
    assert.equal(await trying, 'no_meeting');
    assert.deepEqual(lost.prompts, [
      'extension',
      'unknown',
      'extension',
      'unknown',
      'extension',
      'unknown',
      'goodbye',
    ]);
    assert.equal(second.sent.at(-1)?.request, 'hangup');
  });

  test('OPS-OBS, INTEROP-PSTN: a caller out of passcode tries is hung up as wrong_passcode; a call no gateway page can take is declined 503 as unanswered; both are counted', async () => {
    const m = await meetings();
    const gate = new PasscodeGate(memoryLimiters(systemClock));
    const guessing = recordingBridge();
    const guesser = ringing('2345678');
    const taking = new DialIn(m, gate, guessing.bridge, fast).take(guesser.call);
    guesser.dtmf('1#2#3#');
    assert.equal(await taking, 'wrong_passcode');
    assert.deepEqual(guessing.prompts, [
      'passcode',
      'wrong',
      'passcode',
      'wrong',
      'passcode',
      'wrong',
      'goodbye',
    ]);
    assert.equal(guesser.sent.at(-1)?.request, 'hangup');

    const nobody: SipBridge = {
      answer: async () => {
        throw new Error('no browser');
      },
    };
    const unanswered = ringing('1234567');
    assert.equal(await new DialIn(m, gate, nobody, fast).take(unanswered.call), 'unanswered');
    assert.deepEqual(unanswered.sent, [{ request: 'decline', code: 503 }]);

    const metrics = new AppMetrics();
    metrics.observeSipCalls(() => 1);
    for (const outcome of ['wrong_passcode', 'unanswered', 'entered', 'entered'] as const) {
      metrics.sipCallEnded(outcome);
    }
    const text = await metrics.exposition();
    for (const line of [
      'conclave_sip_calls_total{outcome="entered"} 2',
      'conclave_sip_calls_total{outcome="wrong_passcode"} 1',
      'conclave_sip_calls_total{outcome="unanswered"} 1',
      'conclave_sip_calls_total{outcome="refused_e2ee"} 0',
      'conclave_sip_calls_active 1',
    ]) {
      assert.ok(text.split('\n').includes(line), `${line} in\n${text}`);
    }
  });
});

const mediaIp = mediaAddress(process.env.CONCLAVE_MEDIA_INTERFACE ?? null);

/** Answers Janus's offer in a real browser (what the gateway page will do), with a tone as its audio. */
function answerScript(offer: Jsep): string {
  return `(async () => {
    const pc = new RTCPeerConnection();
    window.pc = pc;
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const out = audio.createMediaStreamDestination();
    tone.connect(out);
    tone.start();
    await pc.setRemoteDescription(${JSON.stringify(offer)});
    for (const track of out.stream.getTracks()) pc.addTrack(track, out.stream);
    await pc.setLocalDescription(await pc.createAnswer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') resolve();
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
    });
    return { type: 'answer', sdp: pc.localDescription.sdp };
  })()`;
}

const DOMAIN = 'sip.conclave.test';

describe(
  'INTEROP-SIP: the server’s SIP gateway takes real calls (Kamailio over TLS, its own Janus)',
  { skip: sipCallUnavailableReason(mediaIp) },
  () => {
    let tls: TestTls;
    let gateway: SipGateway;
    let tlsPort: number;
    const pages: DevtoolsPage[] = [];
    let bridge: ReturnType<typeof recordingBridge>;

    before(async () => {
      tls = makeTestTls(mediaIp!);
      tlsPort = await freePort();
      const m = await meetings();
      gateway = new SipGateway({
        config: {
          mode: 'embedded',
          domain: DOMAIN,
          tls: { port: tlsPort, certFile: tls.certFile, keyFile: tls.keyFile },
          maxCalls: 2,
          // Ports of its own: other test files run Janus servers at the same time.
          webrtcPorts: { min: 42000, max: 42499 },
          sipRtpPorts: { min: 42500, max: 42999 },
          invitesPerMinute: 60,
          trunks: [],
          udpPort: null,
        },
        ip: mediaIp!,
        janusBinary: JANUS_BINARY,
        meetings: m,
        entry: new PasscodeGate(memoryLimiters(systemClock)),
        // Each test sets the bridge it wants.
        bridge: { answer: (call) => bridge.bridge.answer(call) },
        dialIn: { firstDigitMs: 10_000, interDigitMs: 2_000 },
        restartBackoff: { initialMs: 100, maxMs: 1000 },
      });
      await gateway.start();
    });
    after(async () => {
      for (const page of pages) await page.close();
      await gateway?.stop();
      tls?.remove();
    });

    /** A bridge whose calls a real browser answers (the gateway page's first job). */
    const browserBridge = () =>
      recordingBridge(async (call) => {
        const page = await DevtoolsPage.open();
        pages.push(page);
        await call.accept(await page.evaluate<Jsep>(answerScript(call.offer)));
      });

    const endpoint = (account: string) =>
      Baresip.start({ ip: mediaIp!, proxy: `${mediaIp!}:${tlsPort}`, caFile: tls.caFile, account });

    test('INTEROP-SIP: a SIP video endpoint dialling a meeting’s extension is answered with SRTP into that meeting, by its name', async () => {
      bridge = browserBridge();
      const baresip = await endpoint(`"Room 101" <sip:room101@${DOMAIN}>`);
      try {
        baresip.command(`/dial sip:1234567@${DOMAIN}`);
        const entered = await waitFor<Awaited<typeof bridge.entered>>(
          (r) => void bridge.entered.then(r),
          20_000,
          'the call to enter',
        );
        assert.deepEqual(entered, { meetingId: 'open', caller: { kind: 'sip', displayName: 'Room 101' } });
        await baresip.waitFor(/srtp: audio: SRTP is Enabled/, 10_000);
        assert.equal(gateway.activeCalls(), 1);
      } finally {
        await baresip.stop();
      }
    });
  },
);
