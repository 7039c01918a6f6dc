import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type {
  AdminRoomSystemView,
  ApiKeyCreatedView,
  MeetingListView,
  AdminUserView,
  CreatedInvitationView,
  MeetingView,
  Role,
} from '@conclave/protocol';
import { setUp, signedInUsers, startTestApp, type TestApp, type TestClient } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { png } from './support/images';
import { pairedScreen, RoomScreen } from './support/room-screen';

/**
 * ROLE-MATRIX: every permission of SPEC.md section 4 that the product has so far, as a row, tried by
 * each role over the HTTP API against things it did not make itself. The expectations are written
 * here from the specification, not read from the server's permission table, so that a wrong row
 * there fails here. Allowed is a 2xx; refused is 403, or 404 where the thing must not even be seen.
 */
type Outcome = 'allowed' | 'refused';
const ROLES_UNDER_TEST = ['user', 'superuser', 'administrator'] as const satisfies readonly Role[];

interface Row {
  action: string;
  expect: Record<(typeof ROLES_UNDER_TEST)[number], Outcome>;
  /** Does it as `as`, on fresh things made by others; returns the HTTP status of each request. */
  run(as: TestClient, ctx: Context): Promise<number | number[]>;
}

interface Context {
  /** The Administrator (also the one who sets things up). */
  ada: TestClient;
  /** A User who owns the meetings acted on. */
  bob: TestClient;
  adminId: string;
  /** A fresh account made by the Administrator. */
  freshUser(role?: 'user' | 'superuser'): Promise<AdminUserView>;
  /** A fresh invitation made by the Administrator. */
  freshInvitation(role?: 'user' | 'superuser'): Promise<CreatedInvitationView>;
  bobsMeeting(): Promise<MeetingView>;
  /** A room system the Administrator registered, associated with `userId` (default: nobody). */
  freshRoom(userId?: string): Promise<AdminRoomSystemView>;
  /** The code a new screen shows. */
  freshCode(): Promise<string>;
}

const everyone = { user: 'allowed', superuser: 'allowed', administrator: 'allowed' } as const;
const managers = { user: 'refused', superuser: 'allowed', administrator: 'allowed' } as const;
const nobody = { user: 'refused', superuser: 'refused', administrator: 'refused' } as const;
const administrator = { user: 'refused', superuser: 'refused', administrator: 'allowed' } as const;

const ROWS: Row[] = [
  // User: create and own meetings; set the passcode of, hide, manage a meeting they own.
  {
    action: 'create a meeting',
    expect: everyone,
    run: async (as) => (await as.post('/api/meetings', { name: 'Mine' })).statusCode,
  },
  {
    action: 'set the passcode of, rename and delete a meeting they own',
    expect: everyone,
    run: async (as) => {
      const m = (await as.post('/api/meetings', { name: 'Mine' })).json<MeetingView>();
      const statuses = [
        (await as.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '246810' })).statusCode,
        (await as.patch(`/api/meetings/${m.id}`, { name: 'Still mine', hidden: true })).statusCode,
        (await as.delete(`/api/meetings/${m.id}`)).statusCode,
      ];
      return statuses;
    },
  },
  // Superuser, in addition: manage and delete any meeting; hide any meeting.
  {
    action: 'see, rename and set the passcode of any meeting',
    expect: managers,
    run: async (as, ctx) => {
      const m = await ctx.bobsMeeting();
      const statuses = [
        (await as.get(`/api/meetings/${m.id}`)).statusCode,
        (await as.patch(`/api/meetings/${m.id}`, { name: 'Renamed' })).statusCode,
        (await as.request('PUT', `/api/meetings/${m.id}/passcode`, { passcode: '135790' })).statusCode,
      ];
      return statuses;
    },
  },
  // Superuser, in addition: enable or disable live streaming per meeting (STREAM-TOGGLE), also their own.
  {
    action: 'enable or disable live streaming for a meeting',
    expect: managers,
    run: async (as, ctx) => {
      const own = (await as.post('/api/meetings', { name: 'Mine' })).json<MeetingView>();
      const m = await ctx.bobsMeeting();
      return [
        (await as.patch(`/api/meetings/${own.id}`, { streaming: true })).statusCode,
        (await as.patch(`/api/meetings/${m.id}`, { streaming: true })).statusCode,
      ];
    },
  },
  {
    action: 'delete any meeting',
    expect: managers,
    run: async (as, ctx) => (await as.delete(`/api/meetings/${(await ctx.bobsMeeting()).id}`)).statusCode,
  },
  {
    action: 'hide any meeting',
    expect: managers,
    run: async (as, ctx) =>
      (await as.patch(`/api/meetings/${(await ctx.bobsMeeting()).id}`, { hidden: true })).statusCode,
  },
  // Superuser: manage Superusers and Users; promote and demote.
  {
    action: 'list the organisation’s people',
    expect: managers,
    run: async (as) => (await as.get('/api/users')).statusCode,
  },
  {
    action: 'create an account',
    expect: managers,
    run: async (as) =>
      (
        await as.post('/api/users', {
          email: `new-${Math.random().toString(36).slice(2)}@acme.test`,
          displayName: 'New person',
          password: 'a long first password',
        })
      ).statusCode,
  },
  // Inviting someone is adding their account, made when they use the link (users.create).
  {
    action: 'invite someone to the organisation as a User or Superuser',
    expect: managers,
    run: async (as) => {
      const statuses = [];
      for (const role of ['user', 'superuser']) {
        const email = `invited-${Math.random().toString(36).slice(2)}@acme.test`;
        statuses.push((await as.post('/api/users/invitations', { email, role })).statusCode);
      }
      return statuses;
    },
  },
  {
    action: 'list the pending invitations',
    expect: managers,
    run: async (as) => (await as.get('/api/users/invitations')).statusCode,
  },
  {
    action: 'revoke an invitation someone else made',
    expect: managers,
    run: async (as, ctx) =>
      (await as.delete(`/api/users/invitations/${(await ctx.freshInvitation()).id}`)).statusCode,
  },
  {
    action: 'promote a User to Superuser',
    expect: managers,
    run: async (as, ctx) =>
      (await as.request('PUT', `/api/users/${(await ctx.freshUser()).id}/role`, { role: 'superuser' }))
        .statusCode,
  },
  {
    action: 'demote a Superuser to User',
    expect: managers,
    run: async (as, ctx) =>
      (await as.request('PUT', `/api/users/${(await ctx.freshUser('superuser')).id}/role`, { role: 'user' }))
        .statusCode,
  },
  {
    action: 'revoke and restore a User’s or Superuser’s access',
    expect: managers,
    run: async (as, ctx) => {
      const statuses = [];
      for (const role of ['user', 'superuser'] as const) {
        const u = await ctx.freshUser(role);
        statuses.push((await as.post(`/api/users/${u.id}/revoke`, {})).statusCode);
        statuses.push((await as.post(`/api/users/${u.id}/restore`, {})).statusCode);
      }
      return statuses;
    },
  },
  {
    action: 'delete a User or a Superuser',
    expect: managers,
    run: async (as, ctx) => [
      (await as.delete(`/api/users/${(await ctx.freshUser()).id}`)).statusCode,
      (await as.delete(`/api/users/${(await ctx.freshUser('superuser')).id}`)).statusCode,
    ],
  },
  {
    action: 'hide a User or Superuser from the directory',
    expect: managers,
    run: async (as, ctx) =>
      (await as.patch(`/api/users/${(await ctx.freshUser('superuser')).id}`, { hidden: true })).statusCode,
  },
  // Superuser: grant or revoke access of room systems (IAM-REVOKE); register, rename, associate and
  // delete them (ADM-ROOMS); hide any room system not associated with the Administrator.
  {
    action: 'register a room system by its pairing code',
    expect: managers,
    run: async (as, ctx) =>
      (await as.post('/api/room-systems', { code: await ctx.freshCode(), name: 'Boardroom' })).statusCode,
  },
  {
    action: 'list, rename and associate room systems',
    expect: managers,
    run: async (as, ctx) => {
      const room = await ctx.freshRoom();
      return [
        (await as.get('/api/room-systems')).statusCode,
        (await as.patch(`/api/room-systems/${room.id}`, { name: 'Renamed' })).statusCode,
        (await as.patch(`/api/room-systems/${room.id}`, { associatedUserId: ctx.adminId })).statusCode,
      ];
    },
  },
  {
    action: 'revoke and restore a room system’s access',
    expect: managers,
    run: async (as, ctx) => {
      const room = await ctx.freshRoom(ctx.adminId);
      const revoke = (await as.post(`/api/room-systems/${room.id}/revoke`, {})).statusCode;
      await ctx.ada.post(`/api/room-systems/${room.id}/revoke`, {});
      const code = await ctx.freshCode();
      return [revoke, (await as.post(`/api/room-systems/${room.id}/restore`, { code })).statusCode];
    },
  },
  {
    action: 'delete a room system',
    expect: managers,
    run: async (as, ctx) => (await as.delete(`/api/room-systems/${(await ctx.freshRoom()).id}`)).statusCode,
  },
  {
    action: 'hide a room system not associated with the Administrator',
    expect: managers,
    run: async (as, ctx) => {
      const bobId = (await ctx.bob.get('/api/auth/session')).json<{ user: { id: string } }>().user.id;
      const statuses = [];
      for (const userId of [undefined, bobId]) {
        const room = await ctx.freshRoom(userId);
        statuses.push((await as.patch(`/api/room-systems/${room.id}`, { hidden: true })).statusCode);
      }
      return statuses;
    },
  },
  {
    action: 'hide a room system associated with the Administrator',
    // Only the Administrator themself.
    expect: administrator,
    run: async (as, ctx) => {
      const room = await ctx.freshRoom(ctx.adminId);
      return (await as.patch(`/api/room-systems/${room.id}`, { hidden: true })).statusCode;
    },
  },
  {
    action: 'read the audit log',
    expect: managers,
    run: async (as) => (await as.get('/api/audit')).statusCode,
  },
  // The platform API (docs/api.md): a key acts with its maker's rights over the whole organisation.
  {
    action: 'make, list and revoke API keys',
    expect: managers,
    run: async (as) => {
      const made = await as.post('/api/api-keys', { name: 'Bot', scopes: ['meetings:read'] });
      if (made.statusCode !== 201) return [made.statusCode, (await as.get('/api/api-keys')).statusCode];
      const { id } = made.json<ApiKeyCreatedView>();
      return [
        made.statusCode,
        (await as.get('/api/api-keys')).statusCode,
        (await as.delete(`/api/api-keys/${id}`)).statusCode,
      ];
    },
  },
  {
    action: 'list every meeting of the organisation (with an API key of their own)',
    expect: managers,
    run: async (as, ctx) => {
      const m = await ctx.bobsMeeting();
      const made = await as.post('/api/api-keys', { name: 'Lister', scopes: ['meetings:read'] });
      if (made.statusCode !== 201) return made.statusCode;
      const res = await as.request('GET', '/api/v1/meetings?limit=200', undefined, {
        headers: { authorization: `Bearer ${made.json<ApiKeyCreatedView>().key}` },
      });
      assert.ok(
        res.json<MeetingListView>().meetings.some((x) => x.id === m.id),
        'Bob’s meeting is listed',
      );
      return res.statusCode;
    },
  },
  // Superuser: enable or disable chat, recording, streaming, room-system alerts; configure calendar,
  // dial-in numbers and call details, branding, layouts; restrict email domains (ADM-SETTINGS).
  {
    action: 'read the organisation’s settings',
    expect: managers,
    run: async (as) => (await as.get('/api/settings')).statusCode,
  },
  ...(
    [
      ['enable or disable chat', { chat: { enabled: false } }],
      ['enable or disable recording', { recording: { enabled: true } }],
      ['enable or disable live streaming', { streaming: { enabled: true } }],
      ['enable or disable room-system event alerts', { roomAlerts: { enabled: true } }],
      ['configure calendar integration', { calendar: { enabled: true } }],
      [
        'configure dial-in numbers and call details for invites',
        {
          invites: {
            dialInNumbers: [{ label: 'Zürich', number: '+41 44 123 45 67' }],
            callDetails: 'Dial in',
          },
        },
      ],
      ['customise branding', { branding: { accentColour: '#aa3300' } }],
      ['configure meeting layouts', { layouts: { default: 'speaker' } }],
      ['restrict the email domains allowed to create accounts', { domains: { allowed: ['acme.test'] } }],
    ] as const
  ).map(([action, change]): Row => ({
    action,
    expect: managers,
    run: async (as) => (await as.patch('/api/settings', change)).statusCode,
  })),
  {
    action: 'customise room-system wallpaper and branding (upload and remove the logo and wallpaper)',
    expect: managers,
    run: async (as) => {
      const image = { headers: { 'content-type': 'image/png' } };
      return [
        (await as.request('PUT', '/api/settings/branding/logo', png(8, 8), image)).statusCode,
        (await as.request('DELETE', '/api/settings/branding/logo')).statusCode,
        (await as.request('PUT', '/api/settings/branding/wallpaper', png(16, 9), image)).statusCode,
        (await as.request('DELETE', '/api/settings/branding/wallpaper')).statusCode,
      ];
    },
  },
  // Administrator: decides who must sign in with a second factor (IAM-LOCAL).
  {
    action: 'require a second factor of Superusers and Administrators, or of everyone',
    expect: administrator,
    run: async (as) =>
      (await as.patch('/api/settings', { security: { requireSecondFactor: 'nobody' } })).statusCode,
  },
  // Administrator: ends the organisation's contract, or takes it back before its data goes (PRIV-RETENTION).
  {
    action: 'see, end and resume the organisation’s contract',
    expect: administrator,
    run: async (as) => [
      (await as.get('/api/organisation/contract')).statusCode,
      (await as.put('/api/organisation/contract', { ended: true })).statusCode,
      (await as.put('/api/organisation/contract', { ended: false })).statusCode,
    ],
  },
  // Superuser: configures the organisation's integrations, webhooks among them (issue 18).
  {
    action: 'register, change, re-key, read the deliveries of and delete a webhook endpoint',
    expect: managers,
    run: async (as, ctx) => {
      const hook = { url: 'https://93.184.215.14/hooks', events: ['meeting.started'] };
      const made = (await ctx.ada.post('/api/webhooks', hook)).json<{ id: string }>();
      return [
        (await as.get('/api/webhooks')).statusCode,
        (await as.post('/api/webhooks', hook)).statusCode,
        (await as.patch(`/api/webhooks/${made.id}`, { enabled: false })).statusCode,
        (await as.post(`/api/webhooks/${made.id}/secret`, {})).statusCode,
        (await as.get(`/api/webhooks/${made.id}/deliveries`)).statusCode,
        (await as.delete(`/api/webhooks/${made.id}`)).statusCode,
      ];
    },
  },
  // Administrator: lets webhooks reach the network the server runs in (private targets).
  {
    action: 'allow webhooks to reach private, loopback and link-local addresses',
    expect: administrator,
    run: async (as) => (await as.put('/api/webhooks/settings', { allowPrivateTargets: false })).statusCode,
  },
  // Administrator: cannot be changed or deleted by Users or Superusers (IAM-ADMIN-PROTECT).
  {
    action: 'demote, revoke or delete the Administrator',
    expect: nobody,
    run: async (as, ctx) => [
      (await as.request('PUT', `/api/users/${ctx.adminId}/role`, { role: 'user' })).statusCode,
      (await as.post(`/api/users/${ctx.adminId}/revoke`, {})).statusCode,
      (await as.delete(`/api/users/${ctx.adminId}`)).statusCode,
    ],
  },
  {
    action: 'hide the Administrator from the directory',
    // Only the Administrator themself.
    expect: { user: 'refused', superuser: 'refused', administrator: 'allowed' },
    run: async (as, ctx) => {
      const status = (await as.patch(`/api/users/${ctx.adminId}`, { hidden: true })).statusCode;
      await ctx.ada.patch(`/api/users/${ctx.adminId}`, { hidden: false });
      return status;
    },
  },
];

describeEachDatabase('ROLE-MATRIX: who may do what, over the HTTP API', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ctx: Context;
  const as = {} as Record<(typeof ROLES_UNDER_TEST)[number], TestClient>;

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    const { session, client: ada } = await setUp(t);
    const [bob, carol, sam] = await signedInUsers(
      t,
      database,
      session.organisation.id,
      ['Bob', 'Carol', 'Sam'],
      { Sam: 'superuser' },
    );
    Object.assign(as, { user: carol, superuser: sam, administrator: ada });
    let n = 0;
    ctx = {
      ada,
      bob,
      adminId: session.user.id,
      async freshUser(role = 'user') {
        const res = await ada.post('/api/users', {
          email: `person-${++n}@acme.test`,
          displayName: `Person ${n}`,
          password: 'a long first password',
          role,
        });
        assert.equal(res.statusCode, 201, res.body);
        return res.json<AdminUserView>();
      },
      async freshInvitation(role = 'user') {
        const res = await ada.post('/api/users/invitations', { email: `invitee-${++n}@acme.test`, role });
        assert.equal(res.statusCode, 201, res.body);
        return res.json<CreatedInvitationView>();
      },
      async bobsMeeting() {
        return (await bob.post('/api/meetings', { name: 'Bob’s' })).json<MeetingView>();
      },
      async freshRoom(userId) {
        return (await pairedScreen(t.app, ada, `Room ${++n}`, userId ?? null)).room;
      },
      async freshCode() {
        return (await new RoomScreen(t.app, `10.1.0.${++n % 250}`).startPairing()).code;
      },
    };
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  for (const row of ROWS) {
    test(`ROLE-MATRIX: ${row.action} — ${ROLES_UNDER_TEST.map((r) => `${r} ${row.expect[r]}`).join(', ')}`, async () => {
      for (const role of ROLES_UNDER_TEST) {
        const statuses = [await row.run(as[role], ctx)].flat();
        for (const status of statuses) {
          assert.equal(outcomeOf(status), row.expect[role], `${role}: HTTP ${statuses.join(', ')}`);
        }
      }
    });
  }
});

function outcomeOf(status: number): Outcome | 'neither' {
  if (status >= 200 && status < 300) return 'allowed';
  return status === 403 || status === 404 ? 'refused' : 'neither';
}
