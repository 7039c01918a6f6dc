import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, before, describe, test } from 'node:test';
import { DataKeys, UnknownMasterKeyError, Vault } from '../src/at-rest';
import { masterKey } from '../src/at-rest/master-keys';
import { AccountStore } from '../src/auth';
import { ManualClock } from '../src/common/clock';
import { ConfigError } from '../src/config';
import {
  createObjectStore,
  LocalStore,
  ObjectStoreError,
  parseRecordingStores,
  RecordingStorage,
  RecordingUnreadableError,
  S3Store,
  storeForRegion,
  type ObjectStore,
  type S3StoreOptions,
  type UnreadableReason,
} from '../src/recording/storage';
import { signRequest, sha256Hex } from '../src/recording/storage/sigv4';
import { createTestDatabase, type TestDatabase } from './support/database';
import { startS3Server } from './support/s3-server';

const ORG_A = 'org-a';
const ORG_B = 'org-b';
const WEBM_MAGIC = Buffer.from([0x1a, 0x45, 0xdf, 0xa3]);

/** Passes everything through, noting which keys were read and written. */
class CountingStore implements ObjectStore {
  gets: string[] = [];
  puts: string[] = [];
  constructor(readonly inner: ObjectStore) {}
  put(key: string, bytes: Uint8Array) {
    this.puts.push(key);
    return this.inner.put(key, bytes);
  }
  get(key: string) {
    this.gets.push(key);
    return this.inner.get(key);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  delete(keys: readonly string[]) {
    return this.inner.delete(keys);
  }
  reset() {
    this.gets = [];
    this.puts = [];
  }
}

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of chunks) parts.push(part);
  return Buffer.concat(parts);
}

/** Hands the writer `data` in pieces of varying sizes, as a producer's pipe would. */
async function writeInPieces(
  writer: { write(b: Uint8Array): Promise<void> },
  data: Buffer,
  max = 3000,
): Promise<void> {
  let offset = 0;
  let step = 1;
  while (offset < data.length) {
    const n = Math.min(data.length - offset, 1 + ((step * 7919) % max));
    await writer.write(data.subarray(offset, offset + n));
    offset += n;
    step += 1;
  }
}

/** Bytes that look like a WebM file with a recognisable text inside, to look for afterwards. */
function recognisable(size: number): Buffer {
  const text = Buffer.from('CONCLAVE-PLAINTEXT-MARKER ');
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += text.length) text.copy(data, i);
  WEBM_MAGIC.copy(data, 0);
  return data;
}

const unreadable = (reason: UnreadableReason) => (error: unknown) => {
  assert.ok(error instanceof RecordingUnreadableError, `a RecordingUnreadableError, not ${String(error)}`);
  assert.equal(error.reason, reason);
  return true;
};

const newId = () => randomBytes(16).toString('hex');

let database: TestDatabase;
let vault: Vault;
let folder: string;
const clock = new ManualClock();
const master = randomBytes(32);

before(async () => {
  database = await createTestDatabase('sqlite');
  const accounts = new AccountStore(database.db);
  const at = clock.now().toISOString();
  await accounts.createOrganisation({ id: ORG_A, name: 'A', createdAt: at });
  await accounts.createOrganisation({ id: ORG_B, name: 'B', createdAt: at });
  vault = new Vault(new DataKeys(database.db, { current: masterKey(master), previous: [] }, clock));
  folder = mkdtempSync(join(tmpdir(), 'conclave-recordings-'));
});
after(async () => {
  await database?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** A store in a fresh sub-folder, counted, and recordings in it with small chunks. */
function setUp(chunkSize = 1000) {
  const store = new CountingStore(new LocalStore(join(folder, newId())));
  return { store, recordings: new RecordingStorage({ store, vault, chunkSize }) };
}

async function record(recordings: RecordingStorage, data: Buffer, organisationId = ORG_A) {
  const id = newId();
  const writer = recordings.createWriter(organisationId, id);
  await writeInPieces(writer, data);
  const written = await writer.finish();
  return { id, written };
}

test('REC-STORE: a recording round-trips whole at 0 bytes, one chunk, a chunk and a byte, and many chunks', async () => {
  const chunkSize = 1024;
  const { store, recordings } = setUp(chunkSize);
  for (const size of [0, 1, chunkSize, chunkSize + 1, 10 * chunkSize + 77]) {
    const data = randomBytes(size);
    const { id, written } = await record(recordings, data);
    const chunks = Math.ceil(size / chunkSize);
    assert.deepEqual(written, { size, chunks });
    const keys = await store.list(`recordings/${id}/`);
    assert.deepEqual(
      keys,
      [
        ...Array.from({ length: chunks }, (_, i) => `recordings/${id}/${i}`),
        `recordings/${id}/header`,
      ].sort(),
    );
    const opened = await recordings.open(ORG_A, id);
    assert.equal(opened.size, size);
    assert.ok((await collect(opened.read())).equals(data), `${size} bytes come back as they went in`);
    assert.ok((await collect(opened.stream())).equals(data), `${size} bytes come back as a stream`);
  }

  // The real chunk size, one byte over a chunk.
  const real = setUp(1024 * 1024);
  const data = randomBytes(1024 * 1024 + 1);
  const { id, written } = await record(real.recordings, data);
  assert.deepEqual(written, { size: data.length, chunks: 2 });
  assert.ok((await collect((await real.recordings.open(ORG_A, id)).read())).equals(data));
});

test('REC-STORE: a range read returns exactly the bytes asked for and opens only the chunks it touches', async () => {
  const { store, recordings } = setUp(1000);
  const data = randomBytes(10_500);
  const { id } = await record(recordings, data);
  store.reset();
  const opened = await recordings.open(ORG_A, id);
  assert.deepEqual(store.gets, [`recordings/${id}/header`], 'opening reads the header only');

  const cases: Array<[number, number, number[]]> = [
    [0, 0, [0]],
    [999, 999, [0]],
    [999, 1000, [0, 1]],
    [1000, 1999, [1]],
    [1999, 2000, [1, 2]],
    [2500, 2600, [2]],
    [9999, 10_000, [9, 10]],
    [10_000, 10_499, [10]],
    [10_499, 10_499, [10]],
    [3000, 7999, [3, 4, 5, 6, 7]],
    [0, 10_499, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  ];
  for (const [start, end, touched] of cases) {
    store.reset();
    const bytes = await collect(opened.read(start, end));
    assert.ok(bytes.equals(data.subarray(start, end + 1)), `bytes ${start}-${end}`);
    assert.deepEqual(
      store.gets,
      touched.map((i) => `recordings/${id}/${i}`),
      `bytes ${start}-${end} open chunks ${touched.join(',')} only`,
    );
  }
  store.reset();
  const streamed = await collect(opened.stream(1999, 2000));
  assert.ok(streamed.equals(data.subarray(1999, 2001)));
  assert.equal(store.gets.length, 2);

  for (const [start, end] of [
    [-1, 5],
    [5, 4],
    [0, 10_500],
    [10_500, 10_500],
    [0.5, 3],
  ] as const) {
    assert.throws(() => opened.read(start, end), RangeError, `bytes ${start}-${end} are refused`);
  }
});

test('REC-STORE: the writer stores each chunk as soon as it is known not to be the last, and the header only at the end', async () => {
  const { store, recordings } = setUp(1000);
  const id = newId();
  const writer = recordings.createWriter(ORG_A, id);
  await writer.write(randomBytes(1000));
  assert.deepEqual(store.puts, [], 'a full chunk waits: the next byte decides whether it is the last');
  await writer.write(randomBytes(2500));
  assert.deepEqual(
    store.puts,
    [0, 1, 2].map((i) => `recordings/${id}/${i}`),
  );
  assert.equal(writer.bytesWritten, 3500);
  await assert.rejects(recordings.open(ORG_A, id), unreadable('incomplete'), 'unreadable before finish');
  await writer.finish();
  assert.deepEqual(store.puts.slice(3), [`recordings/${id}/3`, `recordings/${id}/header`]);
  await assert.rejects(writer.write(Buffer.from('late')), /finished/);
});

test('REC-STORE: no stored object contains the plaintext, its WebM signature or the content key', async () => {
  const inner = new LocalStore(join(folder, newId()));
  const recordings = new RecordingStorage({ store: inner, vault, chunkSize: 4096 });
  const data = recognisable(50_000);
  const { id } = await record(recordings, data);
  const keys = await inner.list('');
  assert.equal(keys.length, Math.ceil(50_000 / 4096) + 1);
  const header = (await inner.get(`recordings/${id}/header`))!;
  const contentKey = Buffer.from(
    (JSON.parse(await vault.open(ORG_A, header.toString(), `recording ${id} header`)) as { key: string }).key,
    'base64',
  );
  assert.equal(contentKey.length, 32);
  const needles = [
    WEBM_MAGIC,
    Buffer.from('CONCLAVE-PLAINTEXT'),
    Buffer.from('CONCLAVE-PLAINTEXT').toString('base64').slice(0, 16),
    contentKey,
    contentKey.toString('base64'),
    contentKey.toString('hex'),
  ];
  for (const key of keys) {
    const bytes = (await inner.get(key))!;
    for (const needle of needles)
      assert.ok(!bytes.includes(needle), `${key} does not hold ${String(needle)}`);
    assert.ok(!data.includes(bytes.subarray(0, 64)), `${key} is not a piece of the file`);
  }
});

test('REC-STORE: a flipped byte, swapped or moved chunks, a dropped last chunk or a replaced header fail with RecordingUnreadableError', async () => {
  const { store, recordings } = setUp(1000);
  const data = randomBytes(4500);
  const fresh = async () => (await record(recordings, data)).id;
  const chunk = (id: string, i: number) => `recordings/${id}/${i}`;
  const header = (id: string) => `recordings/${id}/header`;
  const readAll = async (id: string) => collect((await recordings.open(ORG_A, id)).read());

  // A flipped byte: the chunks before it are given, then the read fails; the chunk alone fails too.
  let id = await fresh();
  const sealed = (await store.get(chunk(id, 2)))!;
  sealed[17]! ^= 0x01;
  await store.put(chunk(id, 2), sealed);
  const given: Buffer[] = [];
  await assert.rejects(async () => {
    for await (const part of (await recordings.open(ORG_A, id)).read()) given.push(part);
  }, unreadable('chunk'));
  assert.ok(Buffer.concat(given).equals(data.subarray(0, 2000)), 'only authentic bytes came out');
  await assert.rejects(collect((await recordings.open(ORG_A, id)).read(2100, 2200)), unreadable('chunk'));

  // Two chunks swapped.
  id = await fresh();
  const [one, two] = [(await store.get(chunk(id, 1)))!, (await store.get(chunk(id, 2)))!];
  await store.put(chunk(id, 1), two);
  await store.put(chunk(id, 2), one);
  await assert.rejects(readAll(id), unreadable('chunk'));

  // A full chunk moved into the last place, to pass as the end.
  id = await fresh();
  await store.put(chunk(id, 4), (await store.get(chunk(id, 3)))!);
  await assert.rejects(collect((await recordings.open(ORG_A, id)).read(4000, 4499)), unreadable('chunk'));

  // The same chunk from another recording (another content key).
  id = await fresh();
  const other = await fresh();
  await store.put(chunk(id, 0), (await store.get(chunk(other, 0)))!);
  await assert.rejects(readAll(id), unreadable('chunk'));

  // Truncated: the last chunk dropped, or the last two.
  id = await fresh();
  await store.delete([chunk(id, 4)]);
  await assert.rejects(readAll(id), unreadable('missing-chunk'));
  await store.delete([chunk(id, 3)]);
  await assert.rejects(readAll(id), unreadable('missing-chunk'));

  // The header replaced by another recording's, altered, or removed.
  id = await fresh();
  await store.put(header(id), (await store.get(header(other)))!);
  await assert.rejects(recordings.open(ORG_A, id), unreadable('header'));
  const altered = (await store.get(header(other)))!;
  altered[altered.length - 5]! ^= 0x01;
  await store.put(header(other), altered);
  await assert.rejects(recordings.open(ORG_A, other), unreadable('header'));
  await store.delete([header(other)]);
  await assert.rejects(recordings.open(ORG_A, other), unreadable('incomplete'));
});

test("REC-STORE: another organisation's data key, or another installation's master key, cannot open a recording's header", async () => {
  const { recordings, store } = setUp(1000);
  const { id } = await record(recordings, randomBytes(3000));
  await assert.rejects(recordings.open(ORG_B, id), unreadable('header'));
  const elsewhere = new Vault(
    new DataKeys(database.db, { current: masterKey(randomBytes(32)), previous: [] }, clock),
  );
  // The same database with another master key: the organisation's data key itself does not unwrap.
  await assert.rejects(
    new RecordingStorage({ store, vault: elsewhere, chunkSize: 1000 }).open(ORG_A, id),
    UnknownMasterKeyError,
  );
  assert.equal((await collect((await recordings.open(ORG_A, id)).read())).length, 3000);
});

test('REC-STORE: abort and delete leave no object; a piped writer finishes with its source, or aborts when it fails', async () => {
  const { store, recordings } = setUp(1000);
  const aborted = recordings.createWriter(ORG_A, newId());
  await aborted.write(randomBytes(3500));
  await aborted.abort();
  await assert.rejects(aborted.write(Buffer.from('more')), /aborted/);
  assert.deepEqual(await store.list(''), []);

  const { id } = await record(recordings, randomBytes(2500));
  const kept = await record(recordings, randomBytes(10));
  await recordings.delete(id);
  assert.deepEqual(await store.list(`recordings/${id}/`), []);
  await assert.rejects(recordings.open(ORG_A, id), unreadable('incomplete'));
  assert.equal((await recordings.open(ORG_A, kept.id)).size, 10, 'another recording stays');
  await assert.rejects(
    (async () => {
      const finished = recordings.createWriter(ORG_A, newId());
      await finished.finish();
      await finished.abort();
    })(),
    /delete it instead/,
  );

  // As ffmpeg's output would be: piped in, in pieces of whatever size.
  const data = recognisable(7777);
  const piped = newId();
  const pieces = Array.from({ length: 20 }, (_, i) => data.subarray(i * 389, (i + 1) * 389));
  await pipeline(Readable.from(pieces), recordings.createWriter(ORG_A, piped).toWritable());
  assert.ok((await collect((await recordings.open(ORG_A, piped)).read())).equals(data));

  const failing = newId();
  async function* producerThatDies() {
    yield randomBytes(2500);
    throw new Error('ffmpeg exited with code 1');
  }
  const writer = recordings.createWriter(ORG_A, failing);
  await assert.rejects(pipeline(producerThatDies(), writer.toWritable()), /ffmpeg exited/);
  await writer.abort();
  assert.deepEqual(await store.list(`recordings/${failing}/`), [], 'what it had stored is gone');
});

/**
 * What every driver must do, run against each: the recording layer relies on nothing more.
 * `make` gives a fresh, empty store.
 */
function storeContract(driver: string, make: () => ObjectStore) {
  test(`REC-STORE: the ${driver} driver puts, gets, overwrites and deletes objects; a missing one is undefined`, async () => {
    const store = make();
    assert.equal(await store.get('recordings/r1/0'), undefined);
    await store.put('recordings/r1/0', Buffer.from('zero'));
    await store.put('recordings/r1/header', Buffer.from('h'));
    assert.equal((await store.get('recordings/r1/0'))?.toString(), 'zero');
    await store.put('recordings/r1/0', Buffer.from('zero again'));
    assert.equal((await store.get('recordings/r1/0'))?.toString(), 'zero again');
    const empty = Buffer.alloc(0);
    await store.put('recordings/r1/empty', empty);
    assert.deepEqual(await store.get('recordings/r1/empty'), empty);
    const big = randomBytes(3 * 1024 * 1024 + 5);
    await store.put('recordings/r1/big', big);
    assert.ok((await store.get('recordings/r1/big'))?.equals(big));
    await store.delete(['recordings/r1/0', 'recordings/r1/never-was']);
    assert.equal(await store.get('recordings/r1/0'), undefined);
    assert.equal((await store.get('recordings/r1/header'))?.toString(), 'h');
  });

  test(`REC-STORE: the ${driver} driver lists the keys under a prefix, sorted, and only those`, async () => {
    const store = make();
    const keys = ['recordings/a/0', 'recordings/a/1', 'recordings/a/10', 'recordings/a/header'];
    for (const key of [...keys, 'recordings/ab/0', 'other/a/0']) await store.put(key, Buffer.from(key));
    assert.deepEqual(await store.list('recordings/a/'), [...keys].sort());
    assert.deepEqual(await store.list('recordings/ab/'), ['recordings/ab/0']);
    assert.deepEqual(await store.list('recordings/a'), [...keys, 'recordings/ab/0'].sort());
    assert.deepEqual(await store.list('recordings/none/'), []);
    assert.equal((await store.list('')).length, 6);
    await store.delete(await store.list('recordings/a/'));
    assert.deepEqual(await store.list('recordings/'), ['recordings/ab/0']);
  });

  test(`REC-STORE: the ${driver} driver refuses keys that could reach outside its place`, async () => {
    const store = make();
    for (const key of ['../x', '/abs', 'a//b', 'a/../b', '.hidden', 'a/./b', 'a/', 'a\\b', 'a b', '']) {
      await assert.rejects(store.put(key, Buffer.from('x')), ObjectStoreError, JSON.stringify(key));
      await assert.rejects(store.get(key), ObjectStoreError, JSON.stringify(key));
    }
    await assert.rejects(store.list('../'), ObjectStoreError);
  });

  test(`REC-STORE: the ${driver} driver holds sealed recordings: a range read through it opens only the chunks it touches`, async () => {
    const store = new CountingStore(make());
    const recordings = new RecordingStorage({ store, vault, chunkSize: 8192 });
    const data = recognisable(100_000);
    const { id } = await record(recordings, data);
    const opened = await recordings.open(ORG_A, id);
    assert.ok((await collect(opened.read())).equals(data));
    store.reset();
    assert.ok((await collect(opened.read(40_000, 45_000))).equals(data.subarray(40_000, 45_001)));
    assert.equal(store.gets.length, 2);
    for (const key of await store.list('')) assert.ok(!(await store.get(key))!.includes(WEBM_MAGIC));
    await recordings.delete(id);
    assert.deepEqual(await store.list(''), []);
  });
}

describe('REC-STORE: the local-disk driver', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'conclave-local-store-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  storeContract('local', () => new LocalStore(join(root, newId())));

  test('REC-STORE: the local driver keeps objects in files only its user can read, in folders only its user can enter, and no temporary file', async () => {
    const base = join(root, newId());
    const store = new LocalStore(base);
    await store.put('recordings/r/0', randomBytes(100));
    await store.put('recordings/r/0', randomBytes(100));
    assert.equal(statSync(join(base, 'recordings/r/0')).mode & 0o777, 0o600);
    for (const dir of [base, join(base, 'recordings'), join(base, 'recordings/r')]) {
      assert.equal(statSync(dir).mode & 0o777, 0o700, dir);
    }
    assert.deepEqual(readdirSync(join(base, 'recordings/r')), ['0']);
    await store.delete(['recordings/r/0']);
    assert.deepEqual(readdirSync(base), [], 'emptied folders go too');
  });
});

describe('REC-STORE: the S3 driver against an S3-protocol server', () => {
  let server: Awaited<ReturnType<typeof startS3Server>>;
  let endpoint: string;
  let dir: string;
  const bucket = 'recordings';
  // s3rver's built-in key pair.
  const good = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const s3 = (options: Partial<S3StoreOptions> = {}) =>
    new S3Store({ endpoint, region: 'us-east-1', bucket, ...good, ...options });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'conclave-s3rver-'));
    server = await startS3Server(dir, bucket);
    endpoint = server.endpoint;
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Each store writes under a prefix of its own in the one bucket, so each starts empty.
  storeContract('S3', () => new PrefixedStore(s3({ listPageSize: 2 }), `t${newId()}`));

  test('REC-STORE: the S3 driver lists past one page of keys', async () => {
    const store = s3({ listPageSize: 2 });
    const prefix = `p${newId()}/`;
    const keys = Array.from({ length: 5 }, (_, i) => `${prefix}${i}`);
    for (const key of keys) await store.put(key, Buffer.from(key));
    assert.deepEqual(await store.list(prefix), keys);
  });

  test('REC-STORE: the S3 driver: a wrong secret key or access key is refused (403) with an error that names the cause and not the secret', async () => {
    const secret = 'not-the-secret-' + randomBytes(8).toString('hex');
    const wrongSecret = s3({ secretAccessKey: secret });
    for (const attempt of [
      () => wrongSecret.put('recordings/x/0', Buffer.from('x')),
      () => wrongSecret.get('recordings/x/0'),
      () => wrongSecret.list('recordings/'),
    ]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof ObjectStoreError);
        assert.equal(error.status, 403);
        assert.match(error.message, /403 SignatureDoesNotMatch \(check secretAccessKey\)/);
        assert.ok(!error.message.includes(secret));
        return true;
      });
    }
    await assert.rejects(s3({ accessKeyId: 'NOBODY' }).get('recordings/x/0'), /403 InvalidAccessKeyId/);
    await assert.rejects(s3({ bucket: 'no-such-bucket' }).get('recordings/x/0'), /404 NoSuchBucket/);
    await assert.rejects(
      s3({ endpoint: 'http://127.0.0.1:1' }).get('recordings/x/0'),
      /S3 GET recordings\/x\/0 at 127.0.0.1:1 failed: no answer/,
    );
  });
});

/** A store seen under a prefix of another: lets several contract runs share one bucket. */
class PrefixedStore implements ObjectStore {
  constructor(
    private readonly inner: ObjectStore,
    private readonly prefix: string,
  ) {}
  private at(key: string) {
    // Invalid keys must reach the driver as they are, to be refused there.
    return key === '' || key.startsWith('/') || key.startsWith('.') ? key : `${this.prefix}/${key}`;
  }
  put(key: string, bytes: Uint8Array) {
    return this.inner.put(this.at(key), bytes);
  }
  get(key: string) {
    return this.inner.get(this.at(key));
  }
  async list(prefix: string) {
    if (prefix.startsWith('.')) return this.inner.list(prefix);
    const keys = await this.inner.list(`${this.prefix}/${prefix}`);
    return keys.map((k) => k.slice(this.prefix.length + 1));
  }
  delete(keys: readonly string[]) {
    return this.inner.delete(keys.map((k) => this.at(k)));
  }
}

test("REC-STORE: SigV4 signing matches AWS's published example (GET an object with a Range header)", () => {
  const headers = signRequest(
    {
      method: 'GET',
      url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'),
      headers: { range: 'bytes=0-9' },
      payloadHash: sha256Hex(''),
    },
    {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
      service: 's3',
    },
    new Date('2013-05-24T00:00:00Z'),
  );
  assert.equal(headers['x-amz-date'], '20130524T000000Z');
  assert.equal(
    headers.authorization,
    'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
      'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
      'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
  );
});

test('REC-STORE: CONCLAVE_RECORDING_STORES names a store per media region; mistakes name the store and field, never a secret', () => {
  const where = 'CONCLAVE_RECORDING_STORES (environment)';
  const secret = 'very-secret-' + randomBytes(8).toString('hex');
  const eu = {
    kind: 's3' as const,
    endpoint: 'https://s3.eu-central-1.amazonaws.com',
    region: 'eu-central-1',
    bucket: 'conclave-recordings-eu',
    accessKeyId: 'AKIAEXAMPLE',
    secretAccessKey: secret,
  };
  const stores = parseRecordingStores(
    JSON.stringify({ default: { kind: 'local', folder: 'recordings' }, eu }),
    where,
    '/var/lib/conclave',
  );
  assert.deepEqual(stores, {
    default: { kind: 'local' as const, folder: '/var/lib/conclave/recordings' },
    eu,
  });
  assert.deepEqual(parseRecordingStores({ eu }, '/etc/conclave/conclave.json: recording.stores', '/'), {
    eu,
  });
  assert.equal(storeForRegion(stores, 'eu'), stores.eu);
  assert.equal(storeForRegion(stores, 'us-west'), stores.default);
  assert.throws(() => storeForRegion({ eu: stores.eu }, 'us-west'), /no recording store for region us-west/);
  assert.ok(createObjectStore(stores.default) instanceof LocalStore);
  assert.ok(createObjectStore(stores.eu) instanceof S3Store);

  const refused = (value: unknown, message: RegExp) => {
    assert.throws(
      () => parseRecordingStores(value, where, '/'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.where, where);
        assert.match(error.problem, message);
        assert.ok(!error.message.includes(secret), 'the secret is not repeated');
        return true;
      },
    );
  };
  refused(`{"eu": ${JSON.stringify(eu)}`, /must be JSON like/);
  refused('[]', /must be an object of region names to stores/);
  refused('{}', /must name at least one store/);
  refused({ EU: eu }, /not a region name .*: EU/);
  refused({ eu: { ...eu, kind: 'ftp' } }, /^eu\.kind: must be \{"kind":"local"/);
  refused({ eu: 'https://s3.example' }, /^eu: must be \{"kind":"local"/);
  refused({ eu: { ...eu, endpoint: `s3://${secret}@x` } }, /^eu\.endpoint: must be an http\(s\) URL/);
  refused({ eu: { ...eu, bucket: 'Bad_Bucket' } }, /^eu\.bucket: must be a bucket name/);
  refused({ eu: { ...eu, secretAccessKey: '' } }, /^eu\.secretAccessKey: must not be empty/);
  refused({ eu: { ...eu, secretKey: secret } }, /^eu: .*secretKey/);
  refused({ eu: { kind: 'local' } }, /^eu\.folder: must be a string/);
});
