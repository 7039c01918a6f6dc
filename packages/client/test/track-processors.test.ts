/// <reference types="node" />
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EffectUnavailableError, type TrackProcessor } from '../src/effects/processor';
import { EffectError } from '../src/errors';
import { FakeServer } from './support/fake-server';
import { FakeTrack, fakeTrack, publisherConnection } from './support/fake-webrtc';
import { recordEvents, roomTests } from './support/rooms';

const { joinRoom } = roomTests();

/**
 * A processor as the SDK sees one: each `process` gives a new track (and ends the one before, as a
 * processor moved to another input does); it can be told to refuse, as one that cannot run here.
 */
class FakeProcessor implements TrackProcessor {
  readonly inputs: MediaStreamTrack[] = [];
  readonly outputs: FakeTrack[] = [];
  stops = 0;
  refuse = false;

  constructor(
    readonly kind: 'audio' | 'video',
    readonly name = 'fake-effect',
  ) {}

  process(input: MediaStreamTrack): Promise<MediaStreamTrack> {
    if (this.refuse) return Promise.reject(new EffectUnavailableError('No WebAssembly here'));
    this.outputs.at(-1)?.stop();
    this.inputs.push(input);
    const output = new FakeTrack(this.kind);
    this.outputs.push(output);
    return Promise.resolve(output as unknown as MediaStreamTrack);
  }

  stop(): void {
    this.stops++;
    this.outputs.at(-1)?.stop();
  }

  get output(): MediaStreamTrack | undefined {
    return this.outputs.at(-1) as unknown as MediaStreamTrack | undefined;
  }
}

/** getUserMedia answering with fake tracks (the SDK opens devices when switching and turning on). */
const opened: FakeTrack[] = [];
let restoreMediaDevices: () => void = () => {};
before(() => {
  const saved = Object.getOwnPropertyDescriptor(navigator, 'mediaDevices');
  Object.defineProperty(navigator, 'mediaDevices', {
    configurable: true,
    value: {
      getUserMedia: (constraints: MediaStreamConstraints) => {
        const track = new FakeTrack(constraints.video === undefined ? 'audio' : 'video');
        opened.push(track);
        const tracks = [track as unknown as MediaStreamTrack];
        return Promise.resolve({ getAudioTracks: () => tracks, getVideoTracks: () => tracks });
      },
    },
  });
  restoreMediaDevices = () => {
    if (saved) Object.defineProperty(navigator, 'mediaDevices', saved);
    else delete (navigator as { mediaDevices?: unknown }).mediaDevices;
  };
});
after(() => restoreMediaDevices());

const sentCamera = () => publisherConnection()?.sending[1] ?? null;
const sentMicrophone = () => publisherConnection()?.sending[0] ?? null;

describe('LocalParticipant: track processors (issue 19 effects)', () => {
  test('MEET-QUALITY: a camera processor set before joining is what is sent and what the self view shows; the device stays under it', async () => {
    const server = new FakeServer();
    const camera = fakeTrack('video');
    const blur = new FakeProcessor('video', 'background-blur');
    const room = await joinRoom(server, { camera: { track: camera } });
    await room.localParticipant.setProcessor('camera', blur);

    assert.deepEqual(blur.inputs, [camera]);
    assert.equal(sentCamera(), blur.output, 'the processed track goes out');
    assert.equal(room.localParticipant.cameraTrack, blur.output, 'the self view shows the effect');
    assert.equal(room.localParticipant.device('camera'), camera);
    assert.equal(room.localParticipant.getProcessor('camera'), blur);
    assert.equal(camera.readyState, 'live');

    await room.localParticipant.setProcessor('camera', null);
    assert.equal(sentCamera(), camera, 'none: the plain camera again');
    assert.equal(room.localParticipant.cameraTrack, camera);
    assert.equal(blur.stops, 1);
    assert.equal(blur.outputs[0]?.readyState, 'ended');
    assert.equal(camera.readyState, 'live', 'the device is not stopped by removing the effect');
    assert.equal(server.socket.sent('publish').length, 1, 'swapping effects never renegotiates');
  });

  test('MEET-QUALITY: the effect survives a device switch and the camera turned off and on (it runs on each new device track)', async () => {
    const server = new FakeServer();
    const camera = fakeTrack('video');
    const blur = new FakeProcessor('video');
    const room = await joinRoom(server, { camera: { track: camera } });
    await room.localParticipant.setProcessor('camera', blur);
    const first = blur.output;

    await room.switchActiveDevice('videoinput', 'usb-camera');
    const usb = opened.at(-1) as unknown as MediaStreamTrack;
    assert.deepEqual(blur.inputs, [camera, usb]);
    assert.equal(sentCamera(), blur.output);
    assert.notEqual(blur.output, first);
    assert.equal(first?.readyState, 'ended', 'the effect on the old device ended');
    assert.equal(camera.readyState, 'ended', 'the old device is released');
    assert.equal(room.localParticipant.cameraTrack, blur.output);

    await room.setCameraEnabled(false);
    assert.equal(sentCamera(), null);
    assert.equal(room.localParticipant.cameraTrack, null);
    assert.equal(usb.readyState, 'ended', 'off releases the device (its light goes out)');
    assert.equal(blur.outputs.at(-1)?.readyState, 'ended', 'and ends the effect’s track');
    assert.equal(room.localParticipant.getProcessor('camera'), blur, 'the effect is kept for later');

    await room.setCameraEnabled(true);
    const reopened = opened.at(-1) as unknown as MediaStreamTrack;
    assert.equal(blur.inputs.at(-1), reopened);
    assert.equal(sentCamera(), blur.output);
    assert.equal(room.localParticipant.cameraTrack, blur.output);
    assert.equal(blur.outputs.at(-1)?.readyState, 'live');
  });

  test('MEET-QUALITY: a processor that cannot run here sends the plain camera and the room reports effect_unavailable', async () => {
    const server = new FakeServer();
    const camera = fakeTrack('video');
    const room = await joinRoom(server, { camera: { track: camera } });
    const log = recordEvents(room);
    const errors: EffectError[] = [];
    room.on('error', (error) => {
      if (error instanceof EffectError) errors.push(error);
    });
    const blur = new FakeProcessor('video', 'background-blur');
    blur.refuse = true;

    await room.localParticipant.setProcessor('camera', blur);
    assert.equal(sentCamera(), camera, 'never a frozen or missing picture: the camera as it is');
    assert.equal(room.localParticipant.cameraTrack, camera);
    assert.equal(room.localParticipant.getProcessor('camera'), null, 'the effect is dropped');
    assert.deepEqual(log, ['error:effect_unavailable']);
    assert.equal(errors[0]?.source, 'camera');
    assert.equal(errors[0]?.effect, 'background-blur');
  });

  test('MEET-QUALITY: an effect whose track ends later (too slow for this device) gives way to the plain camera, reported once', async () => {
    const server = new FakeServer();
    const camera = fakeTrack('video');
    const blur = new FakeProcessor('video');
    const room = await joinRoom(server, { camera: { track: camera } });
    await room.localParticipant.setProcessor('camera', blur);
    const log = recordEvents(room);

    blur.outputs.at(-1)?.end();
    for (let i = 0; i < 5 && sentCamera() !== camera; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(sentCamera(), camera);
    assert.equal(room.localParticipant.cameraTrack, camera);
    assert.equal(room.localParticipant.getProcessor('camera'), null);
    assert.deepEqual(log, ['error:effect_unavailable']);
  });

  test('MEET-QUALITY: an effect set while the camera is off starts only when it is turned on', async () => {
    const server = new FakeServer();
    const blur = new FakeProcessor('video');
    const room = await joinRoom(server, { camera: false });
    await room.localParticipant.setProcessor('camera', blur);
    assert.deepEqual(blur.inputs, [], 'nothing to process while off');

    await room.setCameraEnabled(true);
    assert.equal(blur.inputs.length, 1);
    assert.equal(sentCamera(), blur.output);
  });

  test('MEET-QUALITY: a microphone processor plugs in the same way; muting silences the device and the effect, unmuting sends the effect again', async () => {
    const server = new FakeServer();
    const microphone = fakeTrack('audio');
    const room = await joinRoom(server, { microphone: { track: microphone } });
    const denoise = new FakeProcessor('audio', 'noise-suppression');
    await assert.rejects(
      room.localParticipant.setProcessor('microphone', new FakeProcessor('video')),
      TypeError,
      'a video processor is refused for the microphone',
    );

    await room.localParticipant.setProcessor('microphone', denoise);
    assert.equal(sentMicrophone(), denoise.output);
    await room.setMicrophoneEnabled(false);
    assert.equal(sentMicrophone(), null);
    assert.equal(microphone.enabled, false);
    assert.equal(denoise.output?.enabled, false);
    await room.setMicrophoneEnabled(true);
    assert.equal(sentMicrophone(), denoise.output);
    assert.equal(microphone.enabled, true);
    assert.equal(denoise.output?.enabled, true);
    assert.deepEqual(denoise.inputs, [microphone], 'the open microphone is not processed anew');
  });
});
