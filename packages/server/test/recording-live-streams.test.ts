import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LiveStreams } from '../src/recording/live/live-streams';

test('STREAM-LIVE: a stream’s folder is its own (0700), its AES-128 key is handed to ffmpeg in a file that goes once the playlist exists, and everything goes when it ends', async () => {
  const streams = new LiveStreams();
  const output = await streams.open('m1', 'o1');
  const stream = streams.get('m1')!;
  assert.equal(stream.key.length, 16);
  assert.equal(statSync(stream.folder).mode & 0o777, 0o700);
  const keyInfo = output.packing[output.packing.indexOf('-hls_key_info_file') + 1]!;
  assert.equal(statSync(keyInfo).mode & 0o777, 0o600);
  assert.ok(output.packing.includes(`${stream.folder}/index.m3u8`));

  assert.equal(await streams.playlist(stream), null, 'nothing to play before ffmpeg wrote it');
  assert.ok(existsSync(join(stream.folder, 'key')), 'ffmpeg has not read the key yet');
  writeFileSync(join(stream.folder, 'index.m3u8'), '#EXTM3U\n');
  writeFileSync(join(stream.folder, 'seg00001.ts'), 'sealed');
  assert.equal(await streams.playlist(stream), '#EXTM3U\n');
  assert.deepEqual(
    readdirSync(stream.folder).sort(),
    ['index.m3u8', 'seg00001.ts'],
    'the key files are gone',
  );

  assert.equal((await streams.segment(stream, 'seg00001.ts'))?.toString(), 'sealed');
  for (const name of ['../key', 'index.m3u8', 'seg1.ts', 'seg00002.ts']) {
    assert.equal(await streams.segment(stream, name), null, name);
  }
  await output.finish();
  assert.equal(streams.get('m1'), undefined);
  assert.equal(existsSync(stream.folder), false);
});
