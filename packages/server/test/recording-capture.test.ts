import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import type { EgressServerMessage } from '@conclave/protocol';
import {
  Capture,
  type CaptureOutput,
  type CaptureParts,
  type LaunchedBrowser,
  type RecorderLink,
  type RunningPackager,
} from '../src/recording/capture/capture';

/** Stands in for ffmpeg: what goes in comes out, upper-cased, so that the packing is visible. */
class FakePackager implements RunningPackager {
  readonly input = new PassThrough();
  readonly output = new PassThrough();
  readonly done: Promise<void>;
  killed = false;
  private fail!: (err: Error) => void;

  constructor() {
    this.input.on('data', (chunk: Buffer) => this.output.write(chunk.toString().toUpperCase()));
    this.done = new Promise((resolve, reject) => {
      this.fail = reject;
      this.input.on('end', () => {
        this.output.end();
        resolve();
      });
    });
    this.done.catch(() => undefined);
  }
  finish(): void {
    this.input.end();
  }
  kill(): void {
    this.killed = true;
    this.output.destroy();
    this.fail(new Error('killed'));
  }
  crash(): void {
    this.fail(new Error('ffmpeg ended with 1: broken input'));
  }
}

class FakeBrowser implements LaunchedBrowser {
  readonly exited: Promise<void>;
  closed = false;
  exit!: () => void;
  constructor() {
    this.exited = new Promise((resolve) => (this.exit = resolve));
  }
  async close(): Promise<void> {
    this.closed = true;
    this.exit();
  }
}

class FakeLink implements RecorderLink {
  readonly sent: EgressServerMessage['type'][] = [];
  closed = false;
  send(message: EgressServerMessage): void {
    this.sent.push(message.type);
  }
  close(): void {
    this.closed = true;
  }
  pause(): void {}
  resume(): void {}
}

class FakeOutput implements CaptureOutput {
  readonly packing = ['-f', 'mp4', 'pipe:1'];
  written = '';
  state: 'open' | 'final' | 'aborted' = 'open';
  async write(bytes: Uint8Array): Promise<void> {
    this.written += Buffer.from(bytes).toString();
  }
  async finish(): Promise<void> {
    this.state = 'final';
  }
  async abort(): Promise<void> {
    this.state = 'aborted';
  }
}

function setUp(overrides: Partial<CaptureParts> = {}) {
  const browser = new FakeBrowser();
  const packager = new FakePackager();
  const output = new FakeOutput();
  const failures: string[] = [];
  let released = 0;
  const capture = new Capture(
    {
      launch: async () => browser,
      pack: (packing) => {
        assert.deepEqual(packing, output.packing, 'packed as its output asks');
        return packager;
      },
      output: async () => output,
      release: () => released++,
      helloTimeoutMs: 200,
      endTimeoutMs: 200,
      ...overrides,
    },
    (err) => failures.push(err.message),
  );
  return { capture, browser, packager, output, failures, released: () => released };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('REC-START: a capture’s life (recorder browser, its socket, ffmpeg and the output, faked)', () => {
  test('REC-START: started once the page connects; what it sends is packed into the output in order; stop asks the page for the rest and makes the output final', async () => {
    const { capture, browser, output, failures, released } = setUp();
    const started = capture.begin();
    const link = new FakeLink();
    assert.equal(await capture.connected(link), true);
    await started;
    assert.deepEqual(link.sent, ['ready']);
    capture.media(Buffer.from('one,'));
    capture.media(Buffer.from('two,'));
    const stopped = capture.stop();
    assert.deepEqual(link.sent, ['ready', 'stop']);
    capture.media(Buffer.from('last'));
    capture.ended();
    await stopped;
    assert.equal(output.written, 'ONE,TWO,LAST');
    assert.equal(output.state, 'final');
    assert.equal(browser.closed, true);
    assert.equal(link.closed, true);
    assert.equal(released(), 1);
    assert.deepEqual(failures, []);
  });

  test('REC-START: a second page with the same token is refused; media before the start is ignored', async () => {
    const { capture, output } = setUp();
    capture.media(Buffer.from('early'));
    const started = capture.begin();
    assert.equal(await capture.connected(new FakeLink()), true);
    assert.equal(await capture.connected(new FakeLink()), false);
    await started;
    await capture.stop();
    assert.equal(output.written, '');
  });

  test('REC-START: a recorder that never connects fails the start in time, and its browser goes', async () => {
    const { capture, browser, released } = setUp();
    await assert.rejects(capture.begin(), /did not start in time/);
    assert.equal(browser.closed, true);
    assert.equal(released(), 1);
  });

  test('REC-START: a browser that cannot be launched fails the start', async () => {
    const { capture } = setUp({ launch: () => Promise.reject(new Error('no chromium')) });
    await assert.rejects(capture.begin(), /no chromium/);
  });

  test('REC-START: the page’s socket closing while recording fails the capture: the output is aborted, ffmpeg killed, the failure told once', async () => {
    const { capture, packager, output, failures, browser } = setUp();
    const started = capture.begin();
    await capture.connected(new FakeLink());
    await started;
    capture.media(Buffer.from('partial'));
    capture.disconnected();
    capture.disconnected();
    await tick();
    assert.equal(output.state, 'aborted');
    assert.equal(packager.killed, true);
    assert.equal(browser.closed, true);
    assert.deepEqual(failures, ['The recorder’s connection closed']);
  });

  test('REC-START: ffmpeg failing fails the capture', async () => {
    const { capture, packager, output, failures } = setUp();
    const started = capture.begin();
    await capture.connected(new FakeLink());
    await started;
    packager.crash();
    await tick();
    assert.equal(output.state, 'aborted');
    assert.match(failures.join(), /ffmpeg ended with 1/);
  });

  test('REC-START: the browser exiting while recording fails the capture', async () => {
    const { capture, browser, failures } = setUp();
    const started = capture.begin();
    await capture.connected(new FakeLink());
    await started;
    browser.exit();
    await tick();
    assert.deepEqual(failures, ['The recorder’s browser exited']);
  });

  test('REC-START: a page that ends by itself (its meeting ended) leaves a final output, and says the capture is over', async () => {
    const { capture, output, failures } = setUp();
    const started = capture.begin();
    await capture.connected(new FakeLink());
    await started;
    capture.media(Buffer.from('all of it'));
    capture.ended();
    await tick();
    assert.equal(output.state, 'final');
    assert.equal(output.written, 'ALL OF IT');
    assert.deepEqual(failures, ['The recorder stopped']);
    await capture.stop();
  });

  test('REC-START: a stopped page that does not answer in time: what came so far is the recording', async () => {
    const { capture, output, failures } = setUp();
    const started = capture.begin();
    await capture.connected(new FakeLink());
    await started;
    capture.media(Buffer.from('so far'));
    await capture.stop();
    assert.equal(output.state, 'final');
    assert.equal(output.written, 'SO FAR');
    assert.deepEqual(failures, []);
  });

  test('REC-START: stopped before the page connected, the start is called off and nothing is written', async () => {
    const { capture, browser, output } = setUp();
    const started = capture.begin();
    await tick();
    await capture.stop();
    await assert.rejects(started, /stopped before it started/);
    assert.equal(browser.closed, true);
    assert.equal(await capture.connected(new FakeLink()), false);
    assert.equal(output.state, 'open');
  });
});
