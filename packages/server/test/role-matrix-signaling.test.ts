import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { MeetingView, ServerMessage } from '@conclave/protocol';
import { setUp, signedInUsers, type TestClient } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';
import { janusUnavailableReason } from './media-support/janus';
import { startAppWithSignaling } from './media-support/signaling-app';
import type { SignalClient } from './media-support/signaling-harness';

const skip = janusUnavailableReason() ?? false;

type Outcome = 'allowed' | 'refused';
const ROLES = ['user', 'superuser', 'administrator'] as const;
const everyone = { user: 'allowed', superuser: 'allowed', administrator: 'allowed' } as const;
const managers = { user: 'refused', superuser: 'allowed', administrator: 'allowed' } as const;

/** What a request over signaling came to: `ack` is allowed; `forbidden` (or a passcode asked for) refused. */
function outcomeOf(m: ServerMessage): Outcome | string {
  if (m.type === 'ack' || m.type === 'joined') return 'allowed';
  if (m.type === 'error' && ['forbidden', 'passcode_required'].includes(m.code)) return 'refused';
  return m.type === 'error' ? m.code : m.type;
}

/**
 * ROLE-MATRIX over signaling, with a real Janus: the permissions of SPEC.md section 4 that act inside
 * a meeting. "Add or remove one or all participants of a meeting they own; mute one or all participants
 * of a meeting they own" for everyone, in their own meeting; "manage any meeting" for Superusers and
 * Administrators, in someone else's (a passcode included). Expectations are written from the
 * specification here, not read from the server's table.
 */
describe('ROLE-MATRIX: who may do what, over signaling', { skip }, () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof startAppWithSignaling>>;
  let bob: TestClient;
  const as = {} as Record<(typeof ROLES)[number], TestClient>;

  before(async () => {
    database = await createTestDatabase('sqlite');
    app = await startAppWithSignaling(database);
    const { client: ada, session } = await setUp(app.t);
    const [b, carol, sam] = await signedInUsers(
      app.t,
      database,
      session.organisation.id,
      ['Bob', 'Carol', 'Sam'],
      {
        Sam: 'superuser',
      },
    );
    bob = b;
    Object.assign(as, { user: carol, superuser: sam, administrator: ada });
  });
  after(async () => {
    await app?.stop();
    await database?.close();
  });

  const sockets: SignalClient[] = [];
  const enter = async (who: TestClient | string, meetingId: string, passcode?: string) => {
    const s = await app.socketOf(typeof who === 'string' ? undefined : who);
    sockets.push(s);
    const reply = await s.request({
      type: 'join',
      meetingId,
      ...(typeof who === 'string' && { displayName: who }),
      ...(passcode !== undefined && { passcode }),
    });
    return { s, reply };
  };
  /** A meeting of `owner` with its owner and a guest in it. */
  const meetingWithGuest = async (owner: TestClient) => {
    const m = (await owner.post('/api/meetings', { name: 'Matrix' })).json<MeetingView>();
    const host = await enter(owner, m.id);
    const guest = await enter('Gina', m.id);
    assert.equal(guest.reply.type, 'joined', JSON.stringify(guest.reply));
    return { meetingId: m.id, host: host.s, guestId: guest.reply.participantId };
  };
  /** Mutes, then removes, the guest through `s`; the outcome of each. */
  const moderate = async (s: SignalClient, guestId: string) => {
    const mute = await s.request({
      type: 'muteParticipants',
      participantIds: [guestId],
      source: 'microphone',
      allowUnmute: true,
    });
    const remove = await s.request({ type: 'removeParticipants', participantIds: [guestId] });
    return [outcomeOf(mute), outcomeOf(remove)];
  };

  const rows: Array<{
    action: string;
    expect: Record<(typeof ROLES)[number], Outcome>;
    run: (who: TestClient) => Promise<string[]>;
  }> = [
    {
      action: 'mute and remove participants of a meeting they own',
      expect: everyone,
      run: async (who) => {
        const { host, guestId } = await meetingWithGuest(who);
        return moderate(host, guestId);
      },
    },
    {
      action: 'mute and remove participants of any meeting',
      expect: managers,
      run: async (who) => {
        const { meetingId, guestId } = await meetingWithGuest(bob);
        return moderate((await enter(who, meetingId)).s, guestId);
      },
    },
    {
      action: 'enter any meeting without its passcode',
      expect: managers,
      run: async (who) => {
        const m = (await bob.post('/api/meetings', { name: 'Locked' })).json<MeetingView>();
        await bob.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '975310' });
        return [outcomeOf((await enter(who, m.id)).reply)];
      },
    },
  ];

  for (const row of rows) {
    test(`ROLE-MATRIX: ${row.action} — ${ROLES.map((r) => `${r} ${row.expect[r]}`).join(', ')}`, async () => {
      for (const role of ROLES) {
        const outcomes = await row.run(as[role]);
        for (const outcome of outcomes)
          assert.equal(outcome, row.expect[role], `${role}: ${outcomes.join(', ')}`);
        for (const s of sockets.splice(0)) s.close();
      }
    });
  }
});
