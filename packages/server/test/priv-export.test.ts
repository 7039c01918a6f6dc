import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { generate } from 'otplib';
import type {
  AuditPageView,
  CallView,
  ConversationView,
  MeetingView,
  PersonalDataExport,
  TotpSetupView,
  UsageReport,
} from '@conclave/protocol';
import { CallRecordStore } from '../src/reports';
import { RecordingStore } from '../src/recording/store';
import { addUser, setUp, signedInClient, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const HOUR = 3600_000;

/** A, whose data is exported and then deleted; B, who shares meetings and a conversation with A. */
const A = {
  email: 'wilhelmina@acme.test',
  password: 'Wilhelmina long password',
  firstName: 'Wilma Quartz',
  displayName: 'Wilhelmina Quartz',
  words: ['marmalade-aurora', 'quokka-sonata'] as const,
  /** Where A's requests come from: the audit log keeps it while A exists. */
  address: '198.51.100.7',
};
const B = {
  email: 'bertrand@acme.test',
  password: 'Bertrand long password',
  displayName: 'Bertrand Okonkwo',
  words: ['zephyr-lantern', 'gingko-mistral'] as const,
};
const INVITED = 'carol.invited@elsewhere.test';

describeEachDatabase('PRIV-EXPORT: a person downloads their data; deleting them leaves none', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let a: TestClient;
  let b: TestClient;
  let organisationId: string;
  const ids = { a: '', b: '', aMeeting: '', bMeeting: '' };

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const done = await setUp(t);
    ada = done.client;
    organisationId = done.session.organisation.id;
    ids.a = await addUser(database, organisationId, {
      email: A.email,
      password: A.password,
      displayName: A.firstName,
      role: 'superuser',
    });
    ids.b = await addUser(database, organisationId, B);
    a = await signedInClient(t, A.email, A.password);
    a.remoteAddress = A.address;
    b = await signedInClient(t, B.email, B.password);
    await seed();
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  /** Everything the product keeps about A (and B alongside): through the API where there is one. */
  const seed = async () => {
    // Calls both ways before A renames themself: each makes a meeting named after both of them. A
    // cancels theirs (its meeting goes); A accepts B's, whose meeting stays until it takes place.
    const placed = await a.post('/api/calls', { calleeId: ids.b });
    assert.equal(placed.statusCode, 201, placed.body);
    assert.equal((await a.post(`/api/calls/${placed.json<CallView>().id}/cancel`)).statusCode, 200);
    const rung = await b.post('/api/calls', { calleeId: ids.a });
    assert.equal(rung.statusCode, 201, rung.body);
    assert.equal((await a.post(`/api/calls/${rung.json<CallView>().id}/accept`)).statusCode, 200);
    const callMeeting = rung.json<CallView>().meeting!;
    assert.equal(callMeeting.name, `${B.displayName} and ${A.firstName}`);
    assert.equal((await a.patch('/api/account', { displayName: A.displayName })).statusCode, 200);
    assert.equal((await b.patch('/api/account', { displayName: `${B.displayName} Jr` })).statusCode, 200);
    const meeting = async (client: TestClient, name: string, description: string) => {
      const res = await client.post('/api/meetings', { name, description });
      assert.equal(res.statusCode, 201, res.body);
      return res.json<MeetingView>().id;
    };
    ids.aMeeting = await meeting(a, 'Quarterly planning', 'Budget talk');
    ids.bMeeting = await meeting(b, 'Design review', 'Sketches');
    // A conversation with words from both.
    const conversation = (
      await a.post('/api/chat/conversations', { kind: 'direct', userId: ids.b })
    ).json<ConversationView>();
    for (const [client, body] of [
      [a, A.words[0]],
      [b, B.words[0]],
    ] as const) {
      const sent = await client.post(`/api/chat/conversations/${conversation.id}/messages`, { body });
      assert.equal(sent.statusCode, 201, sent.body);
    }
    // A second factor: an authenticator app, and a passkey.
    const setup = (await a.post('/api/account/totp', {})).json<TotpSetupView>();
    const code = await generate({ secret: setup.secret, epoch: Math.floor(t.clock.now().getTime() / 1000) });
    assert.equal((await a.post('/api/account/totp/confirm', { code })).statusCode, 200);
    await database.db
      .insertInto('passkeys')
      .values({
        id: 'cred-blue-key',
        user_id: ids.a,
        public_key: 'pQECAyYgASFYIPUBLICKEY',
        counter: 0,
        transports: '["usb"]',
        name: 'Blue key',
        created_at: t.clock.now().toISOString(),
        last_used_at: null,
      })
      .execute();
    // An invitation A sent (the address is someone else's).
    const invited = await a.post('/api/users/invitations', { email: INVITED });
    assert.equal(invited.statusCode, 201, invited.body);
    // Call records: both in B's meeting for an hour and a half, A alone in A's for 20 minutes.
    const records = new CallRecordStore(database.db);
    const start = t.clock.now().getTime();
    const at = (ms: number) => new Date(start + ms).toISOString();
    const join = (participantId: string, subject: string, meetingId: string, joinedAt: string) =>
      records.join(
        { participantId, meetingId, organisationId, subject, joinedAt, mediaServer: 'janus-1', region: 'eu' },
        joinedAt,
      );
    await join('p-a-1', `u:${ids.a}`, ids.bMeeting, at(0));
    await join('p-b-1', `u:${ids.b}`, ids.bMeeting, at(60_000));
    await join('p-a-2', `u:${ids.a}`, ids.aMeeting, at(2 * HOUR));
    // Meeting chat while B's meeting lasts: a line each.
    const bMeeting = (await t.services.meetingStore.findById(ids.bMeeting))!;
    for (const [participantId, displayName, body] of [
      ['p-a-1', A.displayName, A.words[1]],
      ['p-b-1', B.displayName, B.words[1]],
    ] as const) {
      await t.services.meetingChat.append(bMeeting, {
        id: `line-${participantId}`,
        participantId,
        displayName,
        body,
        sentAt: at(120_000),
      });
    }
    await records.leave('p-a-1', at(1.5 * HOUR));
    await records.leave('p-b-1', at(1.5 * HOUR));
    await records.leave('p-a-2', at(2 * HOUR + 20 * 60_000));
    // Recordings: one of A's meeting, one A started in B's, one B made of their call with A.
    const recordings = new RecordingStore(database.db);
    for (const [id, meetingId, meetingName, ownerId, startedBy] of [
      ['rec-a', ids.aMeeting, 'Quarterly planning', ids.a, A],
      ['rec-b', ids.bMeeting, 'Design review', ids.b, A],
      ['rec-call', callMeeting.id, callMeeting.name, ids.b, B],
    ] as const) {
      await recordings.add({
        id,
        organisationId,
        meetingId,
        meetingName,
        ownerId,
        startedById: startedBy === A ? ids.a : ids.b,
        startedByName: startedBy.displayName,
        startedAt: at(10 * 60_000),
        endedAt: at(20 * 60_000),
        status: 'ready',
        size: 1234,
        store: 'local',
        visibility: 'owner',
        linkHash: null,
      });
    }
  };

  /** Every value of every table, as one string per table (the database's own view of it). */
  const dump = async () => {
    const tables = await database.db.introspection.getTables();
    const out = new Map<string, string>();
    for (const table of tables) {
      const rows = await database.db
        .selectFrom(table.name as 'users')
        .selectAll()
        .execute();
      out.set(table.name, JSON.stringify(rows));
    }
    return out;
  };

  test('PRIV-EXPORT: the export holds each of the person’s things, downloaded as a dated JSON file', async () => {
    const res = await a.get('/api/account/export');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(
      String(res.headers['content-disposition']),
      /^attachment; filename="conclave-personal-data-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    assert.match(String(res.headers['content-type']), /application\/json/);
    const data = res.json<PersonalDataExport>();
    assert.deepEqual(
      [data.person.id, data.person.email, data.person.displayName, data.person.role, data.person.hasPassword],
      [ids.a, A.email, A.displayName, 'superuser', true],
    );
    assert.equal(data.person.organisation.name, 'Acme Research');
    assert.equal(data.sessions.length, 1);
    assert.deepEqual(Object.keys(data.sessions[0]!).sort(), [
      'createdAt',
      'device',
      'expiresAt',
      'lastSeenAt',
    ]);
    assert.ok(data.secondFactors.authenticatorApp?.confirmedAt, 'the authenticator app, confirmed');
    assert.deepEqual(
      data.secondFactors.passkeys.map((p) => p.name),
      ['Blue key'],
    );
    assert.equal(data.secondFactors.recoveryCodes.left, 10);
    assert.deepEqual(
      data.meetings.map((m) => [m.id, m.name, m.description]),
      [[ids.aMeeting, 'Quarterly planning', 'Budget talk']],
      'their meetings; a call’s meeting is under calls',
    );
    assert.deepEqual(data.calls.map((c) => c.direction).sort(), ['placed', 'received']);
    assert.equal(data.conversations.length, 1);
    assert.deepEqual(
      data.conversations[0]!.messages.map((m) => m.text),
      [A.words[0]],
      'their own message, opened',
    );
    assert.equal(data.conversations[0]!.members, 2);
    assert.deepEqual(
      data.meetingChat.map((l) => [l.meetingId, l.text]),
      [[ids.bMeeting, A.words[1]]],
    );
    assert.deepEqual(
      data.recordings.map((r) => [r.id, r.ownedByYou, r.startedByYou]),
      [
        ['rec-a', true, true],
        ['rec-b', false, true],
      ],
    );
    assert.deepEqual(
      data.callRecords.map((r) => [
        r.meetingId,
        r.meetingName,
        r.joinedAt,
        r.leftAt,
        r.mediaServer,
        r.region,
      ]),
      [
        [
          ids.bMeeting,
          'Design review',
          '2026-01-01T00:00:00.000Z',
          '2026-01-01T01:30:00.000Z',
          'janus-1',
          'eu',
        ],
        [
          ids.aMeeting,
          'Quarterly planning',
          '2026-01-01T02:00:00.000Z',
          '2026-01-01T02:20:00.000Z',
          'janus-1',
          'eu',
        ],
      ],
    );
    assert.equal(
      data.usage.reduce((s, u) => s + u.seconds, 0),
      110 * 60,
      'their minutes as reports count them',
    );
    assert.equal(data.invitationsSent.length, 1);
    const audited = (action: string) => data.auditLog.filter((e) => e.action === action);
    assert.deepEqual(
      audited('user.renamed').map((e) => [e.byYou, e.aboutYou, e.details, e.clientIp]),
      [[true, true, { from: A.firstName, to: A.displayName }, A.address]],
    );
    assert.equal(audited('user.secondFactorAdded').length, 1);
    assert.deepEqual(
      audited('user.invited').map((e) => [e.byYou, e.aboutYou, e.targetName, e.details]),
      [[true, false, null, null]],
      'whom they invited is not theirs to export',
    );
  });

  test('PRIV-EXPORT: the export holds nothing about anyone else, and no secret', async () => {
    const text = (await a.get('/api/account/export')).body;
    for (const other of [B.displayName, 'Okonkwo', B.email, ids.b, ...B.words, INVITED]) {
      assert.ok(!text.includes(other), `nothing of B: ${other}`);
    }
    const secrets = [
      ...(await database.db.selectFrom('sessions').select(['token_hash', 'csrf_token']).execute()).flatMap(
        (s) => [s.token_hash, s.csrf_token],
      ),
      ...(await database.db.selectFrom('trusted_devices').select('token_hash').execute()).map(
        (d) => d.token_hash,
      ),
      ...(await database.db.selectFrom('users').select('password_hash').execute()).map(
        (u) => u.password_hash!,
      ),
      ...(await database.db.selectFrom('totp_factors').select('secret').execute()).map((f) => f.secret),
      ...(await database.db.selectFrom('recovery_codes').select('code_hash').execute()).map(
        (c) => c.code_hash,
      ),
      ...(await database.db.selectFrom('invitations').select('token_hash').execute()).map(
        (i) => i.token_hash,
      ),
      'pQECAyYgASFYIPUBLICKEY',
    ];
    assert.ok(secrets.length >= 8);
    for (const secret of secrets) assert.ok(!text.includes(secret), 'no secret in the export');
  });

  test('PRIV-EXPORT: only a signed-in person exports, a few times an hour (429 rate_limited)', async () => {
    assert.equal((await new TestClient(t.app).get('/api/account/export')).statusCode, 401);
    // B's own count: A's exports above do not use it.
    for (let i = 0; i < 3; i += 1) assert.equal((await b.get('/api/account/export')).statusCode, 200);
    const refused = await b.get('/api/account/export');
    assert.deepEqual([refused.statusCode, refused.json<{ code: string }>().code], [429, 'rate_limited']);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    t.clock.advance(HOUR);
    const again = await b.get('/api/account/export');
    assert.equal(again.statusCode, 200);
    assert.equal(again.json<PersonalDataExport>().person.email, B.email, 'their own, never another’s');
  });

  test('PRIV-EXPORT: deleting a person leaves none of their personal data in any table; usage totals stay', async () => {
    const period = '/api/reports/usage?from=2026-01-01&to=2026-01-31&timeZone=UTC';
    const before = (await ada.get(period)).json<UsageReport>();
    const minutesOfA = before.users.find((u) => u.userId === ids.a)?.minutes;
    assert.equal(minutesOfA, 110);

    assert.equal((await ada.delete(`/api/users/${ids.a}`)).statusCode, 204);

    const tables = await dump();
    const traces = [
      A.address,
      A.email,
      A.displayName,
      A.firstName,
      'Wilhelmina',
      'Quartz',
      ids.a,
      ...A.words,
      'Blue key',
    ];
    for (const [table, rows] of tables) {
      for (const trace of traces) assert.ok(!rows.includes(trace), `${table} holds nothing of A (${trace})`);
    }
    // What others keep is still there, anonymous.
    assert.ok(tables.get('users')!.includes(B.email));
    const callMeeting = `${B.displayName} and Deleted person`;
    assert.ok(tables.get('meetings')!.includes(callMeeting), 'the call’s meeting, renamed');
    assert.ok(tables.get('recordings')!.includes(callMeeting), 'and its recording');
    const count = async (
      table: 'chat_messages' | 'meeting_chat_messages' | 'recordings' | 'call_participants',
    ) =>
      Number(
        (
          await database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number | string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    assert.deepEqual(
      [await count('chat_messages'), await count('meeting_chat_messages'), await count('recordings')],
      [1, 1, 3],
      'B’s message and line stay; A’s go; the recordings stay the organisation’s',
    );
    assert.equal(await count('call_participants'), 3);

    const afterwards = (await ada.get(period)).json<UsageReport>();
    assert.deepEqual(afterwards.totals, before.totals, 'the totals are the same');
    assert.deepEqual(afterwards.days, before.days);
    const deleted = afterwards.users.filter((u) => u.userId === null);
    assert.deepEqual(
      deleted.map((u) => [u.displayName, u.email, u.minutes]),
      [['Deleted person', null, 110]],
    );

    // The audit log keeps what they did, by one "Deleted person".
    const log = (await ada.get('/api/audit?limit=200')).json<AuditPageView>().events;
    const byThem = log.filter((e) => e.actor.name === 'Deleted person');
    assert.ok(byThem.length >= 3, 'their renaming, second factor, invitation');
    assert.equal(new Set(byThem.map((e) => e.actor.id)).size, 1, 'one placeholder for one person');
    const deletion = log.find((e) => e.action === 'user.deleted')!;
    assert.deepEqual(
      [deletion.actor.name, deletion.target.name, deletion.target.id],
      ['Ada Admin', 'Deleted person', byThem[0]!.actor.id],
    );
  });
});
