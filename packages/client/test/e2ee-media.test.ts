/// <reference types="node" />
// E2EE-FRAME, the page's side: which encoded transform API E2eeMedia uses, what it hands the media
// worker, and what it reports back, against stand-ins for Worker and the WebRTC classes.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FrameStats } from '@conclave/e2ee';
import { E2eeMedia } from '../src/e2ee/media';
import type { ToWorker } from '../src/e2ee/messages';

class FakeWorker {
  static made: FakeWorker[] = [];
  readonly posted: { message: ToWorker; transfer: unknown[] }[] = [];
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: ((event: { message: string }) => void) | null = null;
  terminated = false;

  constructor(
    readonly url: URL,
    readonly options: WorkerOptions,
  ) {
    FakeWorker.made.push(this);
  }
  postMessage(message: ToWorker, transfer: unknown[]): void {
    this.posted.push({ message, transfer });
  }
  terminate(): void {
    this.terminated = true;
  }
}

class FakeScriptTransform {
  constructor(
    readonly worker: FakeWorker,
    readonly options: unknown,
  ) {}
}

/** A sender or receiver; `createEncodedStreams` is there only when the fallback is installed. */
class FakeEndpoint {
  transform: unknown = null;
  encodedStreams = 0;
  track: { kind: string } | null = { kind: 'video' };
  /** The sender's first encoding: whether it is encoding, and each `active` set on it. */
  active = true;
  readonly setActive: boolean[] = [];
  failSets = 0;
  getParameters() {
    return { encodings: [{ active: this.active }] };
  }
  async setParameters(p: { encodings: { active: boolean }[] }) {
    await Promise.resolve();
    if (this.failSets > 0) {
      this.failSets--;
      throw new Error('InvalidStateError');
    }
    this.active = p.encodings[0]!.active;
    this.setActive.push(this.active);
  }
}

function fakeEncodedStreams(this: FakeEndpoint) {
  this.encodedStreams++;
  return { readable: { id: `r${this.encodedStreams}` }, writable: { id: `w${this.encodedStreams}` } };
}

const globals = globalThis as Record<string, unknown>;
const NAMES = ['Worker', 'RTCRtpScriptTransform', 'RTCRtpSender', 'RTCRtpReceiver'] as const;
let saved: Record<string, unknown> = {};

function install(api: 'script' | 'streams' | 'none'): void {
  globals.Worker = FakeWorker;
  if (api === 'script') globals.RTCRtpScriptTransform = FakeScriptTransform;
  class Sender extends FakeEndpoint {}
  class Receiver extends FakeEndpoint {}
  if (api === 'streams') {
    Object.assign(Sender.prototype, { createEncodedStreams: fakeEncodedStreams });
    Object.assign(Receiver.prototype, { createEncodedStreams: fakeEncodedStreams });
  }
  globals.RTCRtpSender = Sender;
  globals.RTCRtpReceiver = Receiver;
}

const asSender = (e: FakeEndpoint) => e as unknown as RTCRtpSender;
const asReceiver = (e: FakeEndpoint) => e as unknown as RTCRtpReceiver;
const newEndpoint = (name: 'RTCRtpSender' | 'RTCRtpReceiver') =>
  new (globals[name] as new () => FakeEndpoint)();

describe('E2eeMedia', () => {
  beforeEach(() => {
    saved = Object.fromEntries(NAMES.map((n) => [n, globals[n]]));
    for (const n of NAMES) delete globals[n];
    FakeWorker.made = [];
  });
  afterEach(() => {
    for (const n of NAMES) {
      if (saved[n] === undefined) delete globals[n];
      else globals[n] = saved[n];
    }
  });

  test('E2EE-FRAME: E2EE media is supported only where an encoded transform API exists', () => {
    install('none');
    assert.equal(E2eeMedia.supported(), false);
    install('streams');
    assert.equal(E2eeMedia.supported(), true);
    install('script');
    assert.equal(E2eeMedia.supported(), true);
  });

  test('E2EE-FRAME: with RTCRtpScriptTransform, each protected sender and receiver runs in the one media worker, told its stream', () => {
    install('script');
    assert.deepEqual(E2eeMedia.peerConnectionOptions(), {}, 'no special peer connection');
    const media = new E2eeMedia();
    const [worker] = FakeWorker.made;
    assert.equal(worker?.options.type, 'module');
    assert.match(worker.url.pathname, /\/e2ee\/media-worker\.ts$/);

    const mic = newEndpoint('RTCRtpSender');
    const camera = newEndpoint('RTCRtpSender');
    const receiver = newEndpoint('RTCRtpReceiver');
    media.protectSender(asSender(mic), 'microphone');
    media.protectSender(asSender(camera), 'camera');
    media.protectReceiver(asReceiver(receiver), 'video');
    const first = mic.transform;
    media.protectSender(asSender(mic), 'microphone');
    assert.equal(mic.transform, first, 'protecting twice changes nothing');
    const described = [mic, camera, receiver].map((e) => {
      assert.ok(e.transform instanceof FakeScriptTransform);
      assert.equal(e.transform.worker, worker);
      return e.transform.options;
    });
    assert.deepEqual(described, [
      { side: 'send', stream: 'audio' },
      { side: 'send', stream: 'camera' },
      { side: 'receive', kind: 'video' },
    ]);
  });

  test('E2EE-FRAME: without it, the createEncodedStreams streams are transferred to the worker, on peer connections made with encodedInsertableStreams', () => {
    install('streams');
    assert.deepEqual(E2eeMedia.peerConnectionOptions(), { encodedInsertableStreams: true });
    const media = new E2eeMedia();
    const sender = newEndpoint('RTCRtpSender');
    const receiver = newEndpoint('RTCRtpReceiver');
    media.protectSender(asSender(sender), 'camera');
    media.protectReceiver(asReceiver(receiver), 'audio');
    media.protectReceiver(asReceiver(receiver), 'audio');
    assert.equal(receiver.encodedStreams, 1, 'the streams of an endpoint can be taken only once');
    assert.deepEqual(FakeWorker.made[0]?.posted, [
      {
        message: {
          type: 'streams',
          readable: { id: 'r1' },
          writable: { id: 'w1' },
          side: 'send',
          stream: 'camera',
        },
        transfer: [{ id: 'r1' }, { id: 'w1' }],
      },
      {
        message: {
          type: 'streams',
          readable: { id: 'r1' },
          writable: { id: 'w1' },
          side: 'receive',
          kind: 'audio',
        },
        transfer: [{ id: 'r1' }, { id: 'w1' }],
      },
    ]);
  });

  test('E2EE-FRAME: epoch keys reach the worker in the order the group gives them; its counts and errors come back', () => {
    install('script');
    const media = new E2eeMedia();
    const worker = FakeWorker.made[0]!;
    const baseKey = new Uint8Array(16).fill(3);
    media.install(4n, baseKey, 2);
    media.activate(4n, false);
    media.clear();
    assert.deepEqual(
      worker.posted.map((p) => p.message),
      [
        { type: 'install', epoch: 4n, baseKey, ownLeaf: 2 },
        { type: 'activate', epoch: 4n },
        { type: 'clear' },
      ],
    );

    const heard: FrameStats[] = [];
    const errors: string[] = [];
    media.on('stats', (s) => heard.push(s));
    media.on('error', (e) => errors.push(e.message));
    assert.equal(media.stats().decrypted, 0);
    const stats: FrameStats = {
      encrypted: 10,
      decrypted: 7,
      withheld: 1,
      dropped: { malformed: 0, unknown_key: 2, replayed: 0, too_old: 0, auth_failed: 1 },
    };
    worker.onmessage?.({ data: { type: 'stats', stats, offered: { audio: 0, camera: 0, screen: 0 } } });
    worker.onmessage?.({ data: { type: 'error', message: 'E2EE activate: epoch 5 is not installed' } });
    assert.deepEqual(heard, [stats]);
    assert.deepEqual(media.stats(), stats);
    assert.deepEqual(errors, ['E2EE activate: epoch 5 is not installed']);
  });

  test('E2EE-ROTATE: when an epoch brings someone new, the camera starts again on a key frame (its encoding paused and resumed); otherwise, and for the microphone, nothing changes', async () => {
    install('script');
    const media = new E2eeMedia();
    const mic = newEndpoint('RTCRtpSender');
    mic.track = { kind: 'audio' };
    const camera = newEndpoint('RTCRtpSender');
    const cameraOff = newEndpoint('RTCRtpSender');
    cameraOff.track = null;
    media.protectSender(asSender(mic), 'microphone');
    media.protectSender(asSender(camera), 'camera');
    media.protectSender(asSender(cameraOff), 'camera');
    media.install(1n, new Uint8Array(16), 0);
    media.install(2n, new Uint8Array(16), 0);
    media.activate(1n, false);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(camera.setActive, [], 'nobody new: the video goes on as it is');
    media.activate(2n, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      camera.setActive,
      [false, true],
      'paused, then resumed: the encoder restarts on a key frame',
    );
    assert.equal(camera.active, true);
    assert.deepEqual(mic.setActive, [], 'audio has no key frames');
    assert.deepEqual(cameraOff.setActive, [], 'a camera that is off encodes nothing');

    // A resume that fails once is tried again: a paused camera would be a frozen picture for everyone.
    camera.setActive.length = 0;
    const resumeOnce = camera.setParameters.bind(camera);
    let calls = 0;
    camera.setParameters = async (p) => {
      if (++calls === 2) camera.failSets = 1;
      return resumeOnce(p);
    };
    media.activate(3n, true);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(camera.setActive, [false, true]);
    assert.equal(camera.active, true);
  });

  test('E2EE-FRAME: close stops the worker, keys and all; nothing is protected or posted after', () => {
    install('script');
    const media = new E2eeMedia();
    const worker = FakeWorker.made[0]!;
    media.close();
    assert.equal(worker.terminated, true);
    media.install(1n, new Uint8Array(16), 0);
    assert.deepEqual(worker.posted, []);
    assert.throws(() => media.protectSender(asSender(newEndpoint('RTCRtpSender')), 'camera'), /closed/);
  });
});
