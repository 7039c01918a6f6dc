import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type {
  AuditPageView,
  MeetingView,
  RecordingListView,
  RecordingView,
  SessionView,
  ShareRecordingResponse,
} from '@conclave/protocol';
import {
  addOrganisation,
  addUser,
  setUp,
  signedInClient,
  signedInUsers,
  startTestApp,
  TestClient,
  type TestApp,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

/** Stands in for what the recorder made: a recognisable file of several 1 MiB chunks. */
const FILE = Buffer.concat([
  Buffer.from([0x00, 0x00, 0x00, 0x18]),
  Buffer.from('ftypisom'),
  randomBytes(2.5 * 1024 * 1024),
]);

describeEachDatabase('recordings API', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let dave: TestClient;
  let olga: TestClient;
  const ids: Record<string, string> = {};
  let organisationId: string;

  /** A ready recording of a meeting Bob owns, sealed into the store as the capture leaves one. */
  async function recorded(name: string, status: 'ready' | 'recording' = 'ready'): Promise<string> {
    const meeting = (await bob.post('/api/meetings', { name })).json<MeetingView>();
    const id = `rec-${randomBytes(8).toString('hex')}`;
    await t.services.recordings.add({
      id,
      organisationId,
      meetingId: meeting.id,
      meetingName: name,
      ownerId: ids.bob!,
      startedById: ids.bob!,
      startedByName: 'Bob',
      startedAt: new Date().toISOString(),
      endedAt: null,
      status: 'recording',
      size: 0,
      store: 'default',
      visibility: 'owner',
      linkHash: null,
    });
    if (status === 'recording') return id;
    const writer = t.services.recordingStorages.of('default')!.createWriter(organisationId, id);
    await writer.write(FILE);
    await writer.finish();
    await t.services.recordings.end(id, 'ready', new Date().toISOString(), FILE.length);
    return id;
  }
  const media = (client: TestClient, id: string, range?: string, cookie?: string) =>
    client.request('GET', `/api/recordings/${id}/media`, undefined, {
      headers: { ...(range && { range }), ...(cookie && { cookie }) },
    });
  const share = (client: TestClient, id: string, visibility: string, viewerIds: string[] = []) =>
    client.put(`/api/recordings/${id}/sharing`, { visibility, viewerIds });
  const listed = async (client: TestClient) =>
    (await client.get('/api/recordings')).json<RecordingListView>().recordings.map((r) => r.id);

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const { session, client } = await setUp(t);
    organisationId = session.organisation.id;
    ada = client;
    [bob, carol, dave] = await signedInUsers(t, database, organisationId, ['Bob', 'Carol', 'Dave']);
    const globex = await addOrganisation(database, 'Globex');
    await addUser(database, globex, {
      email: 'olga@globex.test',
      password: 'Olga long password',
      displayName: 'Olga',
    });
    olga = await signedInClient(t, 'olga@globex.test', 'Olga long password');
    for (const [name, c] of Object.entries({ ada, bob, carol, dave, olga })) {
      ids[name] = (await c.get('/api/auth/session')).json<SessionView>().user.id;
    }
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('REC-STORE, REC-ACCESS: the owner plays the recording: the whole file, and any byte range of it exactly (206), as a player seeks; a range beyond the end is refused (416)', async () => {
    const id = await recorded('Board review');
    assert.deepEqual(await listed(bob), [id, ...(await listed(bob)).slice(1)]);
    const whole = await media(bob, id);
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.headers['content-type'], 'video/mp4');
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    assert.ok(whole.rawPayload.equals(FILE));
    for (const [range, from, to] of [
      ['bytes=0-99', 0, 99],
      ['bytes=1048570-1048600', 1_048_570, 1_048_600],
      ['bytes=2000000-', 2_000_000, FILE.length - 1],
      ['bytes=-500', FILE.length - 500, FILE.length - 1],
    ] as const) {
      const part = await media(bob, id, range);
      assert.equal(part.statusCode, 206, range);
      assert.equal(part.headers['content-range'], `bytes ${from}-${to}/${FILE.length}`);
      assert.ok(part.rawPayload.equals(FILE.subarray(from, to + 1)), range);
    }
    const beyond = await media(bob, id, `bytes=${FILE.length}-`);
    assert.equal(beyond.statusCode, 416);
    assert.equal(beyond.headers['content-range'], `bytes */${FILE.length}`);
  });

  test('REC-STORE: the stored objects are sealed: none holds the file’s bytes', async () => {
    const id = await recorded('Sealed');
    const folder = join(database.dir, 'recordings', 'recordings', id);
    const objects = readdirSync(folder);
    assert.ok(objects.includes('header') && objects.includes('2'), objects.join());
    for (const object of objects) {
      const bytes = readFileSync(join(folder, object));
      assert.equal(bytes.includes(FILE.subarray(0, 12)), false, object);
      assert.equal(bytes.includes(FILE.subarray(2_000_000, 2_000_032)), false, object);
    }
  });

  test('REC-ACCESS: a recording not shared is nobody else’s: colleagues, managers, another organisation and the signed-out get 404 for it, its file and its ranges, and do not see it listed', async () => {
    const id = await recorded('Private');
    for (const [who, client] of Object.entries({ carol, ada, olga, nobody: new TestClient(t.app) })) {
      assert.equal((await client.get(`/api/recordings/${id}`)).statusCode, 404, who);
      const file = await media(client, id, 'bytes=0-99');
      assert.equal(file.statusCode, 404, who);
      assert.equal(file.json<{ code: string }>().code, 'recording_not_found');
    }
    assert.equal((await listed(carol)).includes(id), false);
    assert.equal((await listed(ada)).includes(id), false);
  });

  test('REC-ACCESS: the owner shares with the organisation, then with chosen people, then with nobody: each range request is checked afresh', async () => {
    const id = await recorded('Planning');
    assert.equal((await share(bob, id, 'organisation')).statusCode, 200);
    assert.equal((await media(carol, id, 'bytes=0-9')).statusCode, 206);
    assert.ok((await listed(dave)).includes(id));
    assert.equal((await media(olga, id, 'bytes=0-9')).statusCode, 404, 'not another organisation');

    const toCarol = await share(bob, id, 'people', [ids.carol!]);
    assert.equal(toCarol.statusCode, 200, toCarol.body);
    assert.deepEqual(
      toCarol.json<ShareRecordingResponse>().recording.viewers.map((v) => v.displayName),
      ['Carol'],
    );
    assert.equal((await media(carol, id, 'bytes=10-19')).statusCode, 206);
    assert.equal((await media(dave, id, 'bytes=10-19')).statusCode, 404, 'Dave mid-way through watching');
    assert.equal(
      (await carol.get(`/api/recordings/${id}`)).json<RecordingView>().visibility,
      'owner',
      'not told',
    );

    const outsider = await share(bob, id, 'people', [ids.olga!]);
    assert.equal(outsider.statusCode, 400, 'only people of the organisation');

    assert.equal((await share(bob, id, 'owner')).statusCode, 200);
    assert.equal((await media(carol, id, 'bytes=20-29')).statusCode, 404);
  });

  test('REC-ACCESS: shared by link, anyone holding it watches signed out, by a cookie for that recording alone; a new link retires the old one', async () => {
    const id = await recorded('Town hall');
    const other = await recorded('Other');
    const shared = await share(bob, id, 'link');
    assert.equal(shared.statusCode, 200, shared.body);
    const link = new URL(shared.json<ShareRecordingResponse>().link!);
    assert.equal(link.pathname, `/r/${id}`);
    const key = new URLSearchParams(link.hash.slice(1)).get('key')!;
    assert.equal((await bob.get(`/api/recordings/${id}`)).json<RecordingView>().visibility, 'link');
    assert.equal(
      JSON.stringify((await bob.get('/api/recordings')).json()).includes(key),
      false,
      'shown once',
    );

    const stranger = new TestClient(t.app);
    assert.equal((await media(stranger, id, 'bytes=0-9')).statusCode, 404, 'not without the key');
    const wrong = await stranger.post(`/api/recordings/${id}/link`, {
      key: key.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
    });
    assert.equal(wrong.statusCode, 404);
    const opened = await stranger.post(`/api/recordings/${id}/link`, { key });
    assert.equal(opened.statusCode, 204);
    const cookie = opened.cookies.find((c) => c.name === 'conclave_recording_link')!;
    assert.equal(cookie.path, `/api/recordings/${id}`);
    assert.equal(cookie.httpOnly, true);
    const withKey = `conclave_recording_link=${cookie.value}`;
    assert.equal((await media(stranger, id, 'bytes=0-9', withKey)).statusCode, 206);
    assert.equal(
      (await stranger.request('GET', `/api/recordings/${id}`, undefined, { headers: { cookie: withKey } }))
        .statusCode,
      200,
    );
    assert.equal(
      (await media(stranger, other, 'bytes=0-9', withKey)).statusCode,
      404,
      'that recording alone',
    );

    const again = await share(bob, id, 'link');
    const newKey = new URLSearchParams(new URL(again.json<ShareRecordingResponse>().link!).hash.slice(1)).get(
      'key',
    );
    assert.notEqual(newKey, key);
    assert.equal((await media(stranger, id, 'bytes=0-9', withKey)).statusCode, 404, 'the old link is dead');
  });

  test('REC-ACCESS: a stranger trying link keys is stopped after 60 from one address in 10 minutes (429), counted before any lookup; other addresses are not', async () => {
    const id = await recorded('Board');
    const link = new URL((await share(bob, id, 'link')).json<ShareRecordingResponse>().link!);
    const key = new URLSearchParams(link.hash.slice(1)).get('key')!;
    const guesser = new TestClient(t.app, '192.0.2.77');
    for (let i = 0; i < 60; i++) {
      const res = await guesser.post(`/api/recordings/${id}/link`, { key: `${i}`.padStart(43, 'A') });
      assert.equal(res.statusCode, 404, `guess ${i}`);
    }
    const stopped = await guesser.post(`/api/recordings/${id}/link`, { key });
    assert.equal(stopped.statusCode, 429, 'even the right key, from there');
    assert.equal(stopped.json<{ code: string }>().code, 'rate_limited');
    assert.ok(Number(stopped.headers['retry-after']) > 0);
    assert.equal(
      (await new TestClient(t.app, '192.0.2.78').post(`/api/recordings/${id}/link`, { key })).statusCode,
      204,
    );
  });

  test('REC-ACCESS: an Administrator keeps recordings to the organisation: sharing by link is refused and links given stop working; colleagues still watch', async () => {
    const id = await recorded('Offsite');
    const shared = await share(bob, id, 'link');
    const key = new URLSearchParams(new URL(shared.json<ShareRecordingResponse>().link!).hash.slice(1)).get(
      'key',
    )!;
    const withKey = `conclave_recording_link=${key}`;
    const stranger = new TestClient(t.app);
    assert.equal((await media(stranger, id, 'bytes=0-9', withKey)).statusCode, 206);

    const security = (await ada.get('/api/settings')).json<{ security: object }>().security;
    const set = await ada.patch('/api/settings', {
      security: { ...security, recordingsOrganisationOnly: true },
    });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal((await media(stranger, id, 'bytes=0-9', withKey)).statusCode, 404);
    assert.equal((await stranger.post(`/api/recordings/${id}/link`, { key })).statusCode, 404);
    const refused = await share(bob, id, 'link');
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json<{ code: string }>().code, 'recording_link_disallowed');
    assert.equal((await share(bob, id, 'organisation')).statusCode, 200);
    assert.equal((await media(carol, id, 'bytes=0-9')).statusCode, 206);

    const bySuperuser = await signedInUsers(t, database, organisationId, [`Sue${kind}`], {
      [`Sue${kind}`]: 'superuser',
    });
    const sue = bySuperuser[0];
    const security2 = (await ada.get('/api/settings')).json<{ security: object }>().security;
    const notHers = await sue.patch('/api/settings', {
      security: { ...security2, recordingsOrganisationOnly: false },
    });
    assert.equal(notHers.statusCode, 403, 'the Administrator’s decision');
    await ada.patch('/api/settings', { security: { ...security2, recordingsOrganisationOnly: false } });
  });

  test('REC-ACCESS: only the owner shares; the owner or an Administrator deletes, and then the bytes are gone; both are audited', async () => {
    const id = await recorded('Retired');
    await share(bob, id, 'organisation');
    assert.equal((await share(carol, id, 'owner')).statusCode, 403, 'Carol sees it but does not own it');
    assert.equal((await share(olga, id, 'owner')).statusCode, 404);
    assert.equal((await carol.delete(`/api/recordings/${id}`)).statusCode, 403);
    const folder = join(database.dir, 'recordings', 'recordings', id);
    assert.ok(existsSync(folder));
    assert.equal((await ada.delete(`/api/recordings/${id}`)).statusCode, 204);
    assert.equal(existsSync(folder), false, 'its sealed chunks are gone');
    assert.equal((await bob.get(`/api/recordings/${id}`)).statusCode, 404);
    const audit = (await ada.get('/api/audit?limit=20')).json<AuditPageView>();
    const actions = audit.events.filter((e) => e.target.id === id).map((e) => `${e.action} ${e.actor.name}`);
    assert.deepEqual(actions.sort(), ['recording.deleted Ada Admin', 'recording.shared Bob']);
  });

  test('REC-STORE: a recording still being made is listed but not served (409)', async () => {
    const id = await recorded('Live now', 'recording');
    const view = (await bob.get(`/api/recordings/${id}`)).json<RecordingView>();
    assert.equal(view.status, 'recording');
    const file = await media(bob, id);
    assert.equal(file.statusCode, 409);
  });
});

test('REC-STORE: without a configured store nothing is lost silently: a ready recording of an unknown store is answered 503', async () => {
  const database = await createTestDatabase('sqlite');
  const t = await startTestApp(database, {
    env: { CONCLAVE_RECORDING_STORES: '{"eu":{"kind":"local","folder":"rec-eu"}}' },
  });
  try {
    const { session, client } = await setUp(t);
    const me = (await client.get('/api/auth/session')).json<SessionView>().user.id;
    await t.services.recordings.add({
      id: 'rec-elsewhere',
      organisationId: session.organisation.id,
      meetingId: 'm',
      meetingName: 'Elsewhere',
      ownerId: me,
      startedById: me,
      startedByName: 'Ada',
      startedAt: new Date().toISOString(),
      endedAt: new Date().toISOString(),
      status: 'ready',
      size: 10,
      store: 'default',
      visibility: 'owner',
      linkHash: null,
    });
    assert.equal((await client.get('/api/recordings/rec-elsewhere/media')).statusCode, 503);
  } finally {
    await t.close();
    await database.close();
  }
});
