import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildSdk } from '../lib/sdk.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Manifest {
  name: string;
  private?: boolean;
  type: string;
  exports: Record<string, string | Record<string, string>>;
  files: string[];
  dependencies?: Record<string, string>;
}

/**
 * The browser SDK as another web app gets it (docs/sdk.md): built by scripts/build.mjs's SDK step into
 * an app's node_modules, then imported and typechecked there as that app would, with nothing of the
 * monorepo's source in reach.
 */
describe('the SDK package', () => {
  const app = mkdtempSync(join(tmpdir(), 'conclave-sdk-consumer-'));
  const pkg = join(app, 'node_modules/@conclave/client');
  let manifest: Manifest;

  before(async () => {
    mkdirSync(dirname(pkg), { recursive: true });
    await buildSdk(pkg);
    manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as Manifest;
  });
  after(() => rmSync(app, { recursive: true, force: true }));

  test('IAM-GUEST: the built package is an ES module with declarations; its exports, files and workers exist, and it needs no workspace package', async () => {
    assert.equal(manifest.name, '@conclave/client');
    assert.equal(manifest.type, 'module');
    assert.equal(manifest.private, undefined, 'it can be packed and installed');
    assert.deepEqual(manifest.exports['.'], { types: './index.d.ts', default: './index.js' });
    for (const file of manifest.files) assert.ok(existsSync(join(pkg, file)), `${file} is in the package`);
    assert.deepEqual(Object.keys(manifest.dependencies ?? {}).sort(), ['ts-mls', 'zod']);

    const bundle = readFileSync(join(pkg, 'index.js'), 'utf8');
    assert.doesNotMatch(bundle, /from\s*["'](@conclave\/|zod|ts-mls)/, 'everything is inside the module');
    const workers = [...bundle.matchAll(/new URL\("\.\/([^"]+)", import\.meta\.url\)/g)].map((m) => m[1]!);
    assert.deepEqual(workers.sort(), [
      'codeword.worker.js',
      'media-worker.js',
      'noise-suppression.worklet.js',
      'watermark.worker.js',
    ]);
    for (const worker of workers) assert.ok(manifest.files.includes(worker), `${worker} is shipped`);
    // An AudioWorklet cannot fetch: RNNoise's WebAssembly must be inside its module, which imports nothing.
    const worklet = readFileSync(join(pkg, 'noise-suppression.worklet.js'), 'utf8');
    assert.match(worklet, /data:application\/octet-stream;base64,AGFzbQ/, 'the WebAssembly is inlined');
    assert.doesNotMatch(worklet, /^\s*import\s/m, 'the worklet module is self-contained');

    // Resolved by its `exports` from an app's own file, as Node (and a bundler) would.
    writeFileSync(join(app, 'consumer.mjs'), "export * from '@conclave/client';\n");
    const sdk = (await import(pathToFileURL(join(app, 'consumer.mjs')).href)) as Record<string, unknown>;
    for (const name of [
      'Room',
      'RemoteParticipant',
      'RemoteTrackPublication',
      'ConclaveError',
      'NoiseSuppressionProcessor',
    ]) {
      assert.equal(typeof sdk[name], 'function', `${name} is exported`);
    }
  });

  test('IAM-GUEST: an app typechecks against the package’s declarations under nodenext, without skipLibCheck; they are typed, not any', () => {
    // What npm would install beside it: the packages its declarations name.
    for (const dep of Object.keys(manifest.dependencies ?? {})) {
      symlinkSync(join(repo, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
    }
    writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          lib: ['ES2023', 'DOM', 'DOM.Iterable'],
          types: [],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
        },
        files: ['app.ts'],
      }),
    );
    writeFileSync(
      join(app, 'app.ts'),
      `import {
  ConclaveError,
  NoiseSuppressionProcessor,
  Room,
  type DisconnectReason,
  type RemoteParticipant,
  type TrackProcessor,
} from '@conclave/client';

const room = new Room();
room.on('trackSubscribed', (track: MediaStreamTrack, publication, participant: RemoteParticipant) => {
  const source: 'microphone' | 'camera' | 'screen' = publication.source;
  console.log(track.kind, source, participant.displayName);
});
room.on('disconnected', (reason: DisconnectReason, error?: ConclaveError) => console.log(reason, error?.code));
// @ts-expect-error: no such event
room.on('noSuchEvent', () => undefined);
// @ts-expect-error: a guest token is a string
void room.connect({ meetingId: 'm', guestToken: 42 });
export const joined: Promise<void> = room.connect({ meetingId: 'm', guestToken: 't', signalingUrl: 'wss://x/api/signal' });
declare const microphone: MediaStreamTrack;
const rnnoise: TrackProcessor = new NoiseSuppressionProcessor({ workletUrl: '/assets/noise-suppression.worklet.js' });
export const denoised: Promise<MediaStreamTrack> = rnnoise.process(microphone);
export const supported: boolean = NoiseSuppressionProcessor.isSupported();
`,
    );
    const r = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', app], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});
