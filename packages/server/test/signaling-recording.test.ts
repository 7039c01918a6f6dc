import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deviceIdentity, generateIdentityKeys, toBase64Url } from '@conclave/e2ee';
import type { AuditPageView, MeetingPublicView, MeetingView, ServerMessage } from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { FakeCapture } from './support/fake-capture';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import type { SignalClient } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

const outcome = (m: ServerMessage) => (m.type === 'error' ? m.code : m.type);

interface Joined {
  s: SignalClient;
  id: string;
  joined: Extract<ServerMessage, { type: 'joined' }>;
}

/** Waits until `check` holds (the room acts on a leave after the socket closed). */
async function eventually(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Recording and live streaming as meetings control them, over the real signaling with a real Janus
 * (REC-TOGGLE, REC-START, REC-NOTICE, STREAM-TOGGLE, E2EE-LIMITS). The capture is a fake: the real
 * one (an egress browser feeding ffmpeg) is built apart and tested on its own.
 */
describeEachDatabase('recording and streaming control', (kind) => {
  describe('over signaling', { skip }, () => {
    let database: TestDatabase;
    let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
    const capture = new FakeCapture();
    let ada: TestClient;
    let bob: TestClient;
    let carol: TestClient;
    let dave: TestClient;
    let organisationId: string;

    const enter = async (who: TestClient | string, meetingId: string, e2ee = false): Promise<Joined> => {
      const s = await app.socketOf(typeof who === 'string' ? undefined : who);
      const identity = e2ee ? await deviceIdentity(await generateIdentityKeys()) : null;
      const joined = await s.request({
        type: 'join',
        meetingId,
        ...(typeof who === 'string' && { displayName: who }),
        ...(identity && { identityKey: toBase64Url(identity.publicKey) }),
      });
      assert.ok(joined.type === 'joined', JSON.stringify(joined));
      return { s, id: joined.participantId, joined };
    };
    const rights = (p: Joined) => p.s.next('captureRights');
    const recordingTold = (p: Joined, by: string | null) =>
      p.s.next('recordingChanged', (m) => (m.recording?.by ?? null) === by);
    const publicView = async (id: string) =>
      (
        await app.t.app.inject({ method: 'GET', url: `/api/meetings/${id}/public` })
      ).json<MeetingPublicView>();
    const meeting = async (name: string, e2ee = false) => {
      const m = (await bob.post('/api/meetings', { name, ...(e2ee && { e2ee: true }) })).json<MeetingView>();
      assert.equal(m.e2ee, e2ee);
      return m;
    };
    const setOrganisation = async (section: 'recording' | 'streaming', enabled: boolean) =>
      assert.equal((await ada.patch('/api/settings', { [section]: { enabled } })).statusCode, 200);

    before(async () => {
      database = await createTestDatabase(kind);
      app = await startAppWithSignaling(database, { capture });
      const { client, session } = await setUp(app.t);
      ada = client;
      organisationId = session.organisation.id;
      [bob, carol, dave] = await signedInUsers(app.t, database, session.organisation.id, [
        'Bob',
        'Carol',
        'Dave',
      ]);
    });
    after(async () => {
      await app?.stop();
      await database?.close();
    });

    test('REC-TOGGLE: recording and streaming are off by default: the owner’s start is refused with recording_disabled (streaming_disabled), nothing is captured', async () => {
      const m = await meeting('Default');
      const owner = await enter(bob, m.id);
      assert.deepEqual(await rights(owner), { type: 'captureRights', recording: 'no', streaming: 'no' });
      assert.equal(outcome(await owner.s.request({ type: 'startRecording' })), 'recording_disabled');
      assert.equal(outcome(await owner.s.request({ type: 'startStream' })), 'streaming_disabled');
      assert.deepEqual(capture.of(m.id, 'recording'), []);
      assert.equal(owner.joined.recording, undefined);
      assert.equal((await publicView(m.id)).recording, null);
      owner.s.close();
    });

    describe('with recording on for the organisation', () => {
      before(() => setOrganisation('recording', true));

      test('REC-START, REC-NOTICE, ADM-AUDIT: the owner starts a recording: everyone, a guest included, is told it is recorded by the owner; a later joiner reads it in joined; the join page says so; stopping tells everyone; the audit log keeps who started and stopped it', async () => {
        const m = await meeting('Review');
        const owner = await enter(bob, m.id);
        assert.equal((await rights(owner)).recording, 'yes');
        const gina = await enter('Gina', m.id);
        assert.equal((await rights(gina)).recording, 'no', 'a guest never records');
        assert.equal((await publicView(m.id)).recording, null);

        assert.equal(outcome(await owner.s.request({ type: 'startRecording' })), 'ack');
        const run = capture.running(m.id, 'recording');
        assert.ok(run, 'the capture was started');
        assert.deepEqual(run.request.startedBy.displayName, 'Bob');
        assert.equal(run.request.organisationId, organisationId);
        for (const p of [owner, gina]) {
          const told = await recordingTold(p, 'Bob');
          assert.ok(told.recording && !Number.isNaN(Date.parse(told.recording.since)));
        }

        const late = await enter(carol, m.id);
        assert.equal(late.joined.recording?.by, 'Bob', 'a later joiner sees it at once');
        const view = await publicView(m.id);
        assert.equal(view.recording?.by, 'Bob', 'the join page says so before anyone joins');
        assert.equal(view.streaming, null);

        // Carol neither started it nor owns the meeting.
        assert.equal(outcome(await late.s.request({ type: 'stopRecording' })), 'forbidden');
        assert.equal(capture.running(m.id, 'recording'), run);

        assert.equal(outcome(await owner.s.request({ type: 'stopRecording' })), 'ack');
        assert.equal(run.stopped, true);
        for (const p of [owner, gina, late]) {
          const ended = await recordingTold(p, null);
          assert.equal(ended.reason, 'stopped');
        }
        assert.equal((await publicView(m.id)).recording, null);
        assert.equal(outcome(await owner.s.request({ type: 'stopRecording' })), 'invalid_state');
        for (const p of [owner, gina, late]) p.s.close();

        // ADM-AUDIT: the Administrator reads who started and who stopped it.
        const log = (await ada.get(`/api/audit?targetId=${m.id}`)).json<AuditPageView>();
        assert.deepEqual(
          log.events.map((e) => [e.action, e.actor.name, e.target.name, e.details]),
          [
            ['recording.stopped', 'Bob', 'Review', { why: 'stopped' }],
            ['recording.started', 'Bob', 'Review', {}],
          ],
        );
      });

      test('REC-START: a participant is refused (forbidden); a promoted moderator too until the owner (and only the owner) lets moderators record', async () => {
        const m = await meeting('Planning');
        const owner = await enter(bob, m.id);
        const mod = await enter(carol, m.id);
        assert.equal((await rights(mod)).recording, 'no');
        assert.equal(outcome(await mod.s.request({ type: 'startRecording' })), 'forbidden');
        assert.equal(
          outcome(await owner.s.request({ type: 'setModerator', participantId: mod.id, moderator: true })),
          'ack',
        );
        assert.equal(outcome(await mod.s.request({ type: 'startRecording' })), 'forbidden');

        // An Administrator manages the meeting but does not decide this for its owner.
        const refused = await ada.patch(`/api/meetings/${m.id}`, { recordingByModerators: true });
        assert.equal(refused.statusCode, 403);
        assert.equal(refused.json().field, 'recordingByModerators');
        const allowed = await bob.patch(`/api/meetings/${m.id}`, { recordingByModerators: true });
        assert.equal(allowed.json<MeetingView>().recordingByModerators, true);

        const plain = await enter(dave, m.id);
        assert.equal((await rights(plain)).recording, 'asModerator');
        assert.equal(
          outcome(await plain.s.request({ type: 'startRecording' })),
          'forbidden',
          'not a moderator',
        );
        assert.equal(outcome(await mod.s.request({ type: 'startRecording' })), 'ack');
        assert.equal(capture.running(m.id, 'recording')?.request.startedBy.displayName, 'Carol');
        assert.equal((await recordingTold(owner, 'Carol')).recording?.by, 'Carol');
        // Its starter stops it (the owner could too).
        assert.equal(outcome(await mod.s.request({ type: 'stopRecording' })), 'ack');
        await recordingTold(owner, null);
        for (const p of [owner, mod, plain]) p.s.close();
      });

      test('E2EE-LIMITS: an end-to-end encrypted meeting is neither recorded nor streamed: refused with e2ee_unavailable, and the client is told not to offer it', async () => {
        await setOrganisation('streaming', true);
        try {
          const m = await meeting('Sealed', true);
          const owner = await enter(bob, m.id, true);
          assert.deepEqual(await rights(owner), { type: 'captureRights', recording: 'no', streaming: 'no' });
          assert.equal(outcome(await owner.s.request({ type: 'startRecording' })), 'e2ee_unavailable');
          assert.equal(outcome(await owner.s.request({ type: 'startStream' })), 'e2ee_unavailable');
          assert.deepEqual(capture.of(m.id, 'recording'), []);
          owner.s.close();
        } finally {
          await setOrganisation('streaming', false);
        }
      });

      test('REC-START: two starts at once (two tabs of the owner) start one capture: the other, and any start while one runs, is refused with invalid_state', async () => {
        const m = await meeting('Twice');
        const tab1 = await enter(bob, m.id);
        const tab2 = await enter(bob, m.id);
        let open = () => undefined as void;
        capture.gate = new Promise<void>((resolve) => (open = resolve));
        const first = tab1.s.request({ type: 'startRecording' });
        const second = tab2.s.request({ type: 'startRecording' });
        await eventually(
          () => capture.of(m.id, 'recording').length > 0,
          'the first start reached the capture',
        );
        open();
        capture.gate = null;
        assert.deepEqual([outcome(await first), outcome(await second)].sort(), ['ack', 'invalid_state']);
        assert.equal(capture.of(m.id, 'recording').length, 1, 'one capture');
        assert.equal(outcome(await tab2.s.request({ type: 'startRecording' })), 'invalid_state');
        assert.equal(
          outcome(await tab2.s.request({ type: 'stopRecording' })),
          'ack',
          'the owner’s other tab',
        );
        for (const p of [tab1, tab2]) p.s.close();
      });

      test('REC-START: a capture that fails ends the recording for everyone (null, reason failed); one that cannot start is refused with recording_unavailable and leaves nothing running', async () => {
        const m = await meeting('Fragile');
        const owner = await enter(bob, m.id);
        const gina = await enter('Gina', m.id);
        capture.refuseNext = true;
        assert.equal(outcome(await owner.s.request({ type: 'startRecording' })), 'recording_unavailable');
        assert.equal((await publicView(m.id)).recording, null);

        assert.equal(outcome(await owner.s.request({ type: 'startRecording' })), 'ack', 'and again, fine');
        await recordingTold(gina, 'Bob');
        const run = capture.running(m.id, 'recording');
        assert.ok(run);
        run.onFailed(new Error('the egress browser crashed'));
        for (const p of [owner, gina]) assert.equal((await recordingTold(p, null)).reason, 'failed');
        assert.equal((await publicView(m.id)).recording, null);
        assert.equal(outcome(await owner.s.request({ type: 'stopRecording' })), 'invalid_state');
        for (const p of [owner, gina]) p.s.close();
      });

      test('REC-START: the meeting ending (its last person leaves) stops the capture', async () => {
        const m = await meeting('Short');
        const owner = await enter(bob, m.id);
        const carolIn = await enter(carol, m.id);
        assert.equal(outcome(await owner.s.request({ type: 'startRecording' })), 'ack');
        const run = capture.running(m.id, 'recording');
        assert.ok(run);
        assert.equal(outcome(await owner.s.request({ type: 'leave' })), 'ack');
        await recordingTold(carolIn, 'Bob');
        assert.equal(run.stopped, false, 'the owner leaving does not stop it: the meeting goes on');
        assert.equal(outcome(await carolIn.s.request({ type: 'leave' })), 'ack');
        await eventually(() => run.stopped, 'the capture stopped with the meeting');
        assert.equal((await publicView(m.id)).recording, null);
      });
    });

    test('STREAM-TOGGLE: streaming needs the organisation’s setting and the meeting’s own flag, which a Superuser or Administrator sets, not the owner; then the owner goes live and everyone is told', async () => {
      await setOrganisation('streaming', true);
      const m = await meeting('Town hall');
      assert.equal(m.streaming, false);
      const owner = await enter(bob, m.id);
      assert.equal((await rights(owner)).streaming, 'no');
      assert.equal(outcome(await owner.s.request({ type: 'startStream' })), 'streaming_disabled');

      const selfService = await bob.patch(`/api/meetings/${m.id}`, { streaming: true });
      assert.equal(selfService.statusCode, 403, 'the owner cannot enable it');
      assert.equal(selfService.json().field, 'streaming');
      const enabled = await ada.patch(`/api/meetings/${m.id}`, { streaming: true });
      assert.equal(enabled.json<MeetingView>().streaming, true);

      const carolIn = await enter(carol, m.id);
      assert.equal((await rights(carolIn)).streaming, 'no');
      assert.equal(outcome(await carolIn.s.request({ type: 'startStream' })), 'forbidden');
      assert.equal(outcome(await owner.s.request({ type: 'startStream' })), 'ack');
      const run = capture.running(m.id, 'stream');
      assert.ok(run);
      for (const p of [owner, carolIn]) {
        assert.equal((await p.s.next('streamChanged', (x) => x.streaming !== null)).streaming?.by, 'Bob');
      }
      assert.equal((await publicView(m.id)).streaming?.by, 'Bob');
      assert.equal((await enter(dave, m.id)).joined.streaming?.by, 'Bob');
      assert.equal(outcome(await owner.s.request({ type: 'stopStream' })), 'ack');
      assert.equal(run.stopped, true);
      await carolIn.s.next('streamChanged', (x) => x.streaming === null);
      owner.s.close();
      carolIn.s.close();
      await setOrganisation('streaming', false);
    });
  });
});
