import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type {
  AdminUserView,
  AuditPageView,
  CreatedInvitationView,
  InvitationPublicView,
  InvitationView,
  SessionView,
} from '@conclave/protocol';
import { ManualClock } from '../src/common/clock';
import { newId } from '../src/common/ids';
import { SsoStore } from '../src/sso/store';
import { MAX_PENDING_INVITATIONS } from '../src/users/invitations';
import {
  ADMIN,
  addOrganisation,
  PUBLIC_URL,
  setUp,
  signedInUsers,
  startTestApp,
  TestClient,
  type TestApp,
} from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';

const DAY = 24 * 3600_000;
const PASSWORD = 'my own long password';

describeEachDatabase('IAM-ROLES: invitations to join the organisation', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let clock: ManualClock;
  let ada: TestClient;
  let sam: TestClient;
  let carol: TestClient;
  let organisationId: string;
  /** Every link and password this file made, none of which may reach a log or the audit log. */
  const secrets: string[] = [];

  before(async () => {
    database = await createTestDatabase(kind);
    clock = new ManualClock();
    t = await startTestApp(database, { clock });
    const done = await setUp(t);
    ada = done.client;
    organisationId = done.session.organisation.id;
    [sam, carol] = await signedInUsers(t, database, organisationId, ['Sam', 'Carol'], { Sam: 'superuser' });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const invite = async (as: TestClient, email: string, role: 'user' | 'superuser' = 'user') => {
    const res = await as.post('/api/users/invitations', { email, role });
    assert.equal(res.statusCode, 201, res.body);
    const view = res.json<CreatedInvitationView>();
    secrets.push(view.link, tokenOf(view.link));
    return view;
  };
  const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '');
  const lookup = (token: string) => new TestClient(t.app).post('/api/invitations/lookup', { token });
  const accept = (token: string, displayName: string, client = new TestClient(t.app)) => {
    secrets.push(PASSWORD);
    return client.post('/api/invitations/accept', { token, displayName, password: PASSWORD });
  };
  const pending = async (as: TestClient = ada) => {
    const res = await as.get('/api/users/invitations');
    assert.equal(res.statusCode, 200, res.body);
    return res.json<{ invitations: InvitationView[] }>().invitations;
  };
  const codeOf = (res: { json<T>(): T }) => res.json<{ code: string }>().code;
  const refusedAs = (
    res: { statusCode: number; body: string; json<T>(): T },
    status: number,
    code: string,
  ) => {
    assert.equal(res.statusCode, status, res.body);
    assert.equal(codeOf(res), code);
  };

  test('IAM-ROLES: the invited person opens the link, chooses a name and password, and is signed in with the role they were invited with', async () => {
    const invitation = await invite(sam, ' Dora@Acme.test ', 'superuser');
    assert.equal(invitation.email, 'dora@acme.test', 'addresses are kept as accounts keep them');
    assert.equal(invitation.role, 'superuser');
    assert.equal(invitation.invitedBy, 'Sam');
    assert.equal(Date.parse(invitation.expiresAt) - Date.parse(invitation.createdAt), 7 * DAY);
    assert.match(invitation.link, new RegExp(`^${PUBLIC_URL}/invite#token=[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(invitation.link);

    const listed = await pending(ada);
    assert.deepEqual(
      listed.map((i) => [i.email, i.role, i.invitedBy]),
      [['dora@acme.test', 'superuser', 'Sam']],
    );
    assert.ok(!JSON.stringify(listed).includes(token), 'the list shows no link');
    const stored = await database.db.selectFrom('invitations').selectAll().execute();
    assert.ok(!JSON.stringify(stored).includes(token), 'the token is not stored');
    assert.equal(stored[0]?.token_hash, createHash('sha256').update(token).digest('hex'));

    const seen = await lookup(token);
    assert.equal(seen.statusCode, 200, seen.body);
    assert.deepEqual(seen.json<InvitationPublicView>(), {
      email: 'dora@acme.test',
      role: 'superuser',
      organisationName: ADMIN.organisationName,
      expiresAt: invitation.expiresAt,
    });

    // Refused input changes nothing: the link still works afterwards.
    const dora = new TestClient(t.app);
    const unnamed = await dora.post('/api/invitations/accept', {
      token,
      displayName: ' ',
      password: PASSWORD,
    });
    assert.equal(unnamed.statusCode, 400, unnamed.body);
    assert.equal(unnamed.json<{ field: string }>().field, 'displayName');
    const short = await dora.post('/api/invitations/accept', {
      token,
      displayName: 'Dora',
      password: 'short',
    });
    assert.equal(short.statusCode, 400, short.body);
    assert.equal(short.json<{ field: string }>().field, 'password');

    const accepted = await accept(token, 'Dora Doe', dora);
    assert.equal(accepted.statusCode, 201, accepted.body);
    const session = accepted.json<SessionView>();
    assert.equal(session.user.email, 'dora@acme.test');
    assert.equal(session.user.displayName, 'Dora Doe');
    assert.equal(session.user.role, 'superuser');
    assert.equal(session.organisation.id, organisationId);
    const cookie = accepted.cookies.find((c) => c.name === 'conclave_session');
    assert.ok(cookie?.httpOnly, 'signed in with an HttpOnly session cookie');

    // Signed in: the session answers, a write with the CSRF token of the answer is taken, and the
    // role is what the invitation said.
    const own = await dora.get('/api/auth/session');
    assert.equal(own.statusCode, 200, own.body);
    assert.equal(own.json<SessionView>().user.role, 'superuser');
    assert.equal((await dora.post('/api/meetings', { name: 'Dora’s first' })).statusCode, 201);
    assert.equal((await dora.get('/api/users')).statusCode, 200, 'a Superuser lists the people');
    assert.equal((await new TestClient(t.app).signIn('dora@acme.test', PASSWORD)).statusCode, 200);

    const people = (await ada.get('/api/users')).json<{ users: AdminUserView[] }>().users;
    assert.equal(people.find((u) => u.email === 'dora@acme.test')?.role, 'superuser');
    assert.deepEqual(await pending(ada), [], 'no longer pending');
  });

  test('IAM-ROLES: a link serves once: afterwards it is invitation_invalid, to look at and to accept', async () => {
    const token = tokenOf((await invite(ada, 'eli@acme.test')).link);
    assert.equal((await accept(token, 'Eli')).statusCode, 201);
    refusedAs(await accept(token, 'Eli again'), 404, 'invitation_invalid');
    refusedAs(await lookup(token), 404, 'invitation_invalid');
    refusedAs(await lookup('no-such-token'), 404, 'invitation_invalid');
    const people = (await ada.get('/api/users')).json<{ users: AdminUserView[] }>().users;
    assert.deepEqual(
      people.filter((u) => u.email === 'eli@acme.test').map((u) => u.displayName),
      ['Eli'],
    );
  });

  test('IAM-ROLES: two accepts of one link at the same moment make exactly one account', async () => {
    const token = tokenOf((await invite(ada, 'fay@acme.test')).link);
    const results = await Promise.all(
      ['Fay 1', 'Fay 2', 'Fay 3', 'Fay 4'].map((name) => accept(token, name)),
    );
    assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 404, 404, 404]);
    for (const r of results.filter((r) => r.statusCode === 404))
      assert.equal(codeOf(r), 'invitation_invalid');
    const accounts = await database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'fay@acme.test')
      .execute();
    assert.equal(accounts.length, 1);
  });

  test('IAM-ROLES: a link works for 7 days, then neither opens nor makes an account', async () => {
    const token = tokenOf((await invite(ada, 'gus@acme.test')).link);
    clock.advance(7 * DAY - 60_000);
    assert.equal((await lookup(token)).statusCode, 200, 'still valid a minute before');
    assert.deepEqual(
      (await pending()).map((i) => i.email),
      ['gus@acme.test'],
    );
    clock.advance(60_000);
    refusedAs(await lookup(token), 404, 'invitation_invalid');
    refusedAs(await accept(token, 'Gus'), 404, 'invitation_invalid');
    assert.deepEqual(await pending(), [], 'an expired invitation is not pending');
    // Inviting the address again gives a new link that works.
    const again = tokenOf((await invite(ada, 'gus@acme.test')).link);
    assert.equal((await accept(again, 'Gus')).statusCode, 201);
  });

  test('IAM-ROLES: inviting an address again replaces its invitation, and the older link stops working', async () => {
    const first = await invite(ada, 'hal@acme.test', 'user');
    const second = await invite(sam, 'hal@acme.test', 'superuser');
    assert.notEqual(second.id, first.id);
    refusedAs(await lookup(tokenOf(first.link)), 404, 'invitation_invalid');
    refusedAs(await accept(tokenOf(first.link), 'Hal'), 404, 'invitation_invalid');
    assert.deepEqual(
      (await pending()).map((i) => [i.email, i.role, i.invitedBy]),
      [['hal@acme.test', 'superuser', 'Sam']],
    );
    const accepted = await accept(tokenOf(second.link), 'Hal');
    assert.equal(accepted.statusCode, 201, accepted.body);
    assert.equal(accepted.json<SessionView>().user.role, 'superuser');
  });

  test('IAM-ROLES: a revoked invitation’s link stops working; it is no longer listed', async () => {
    const invitation = await invite(ada, 'ida@acme.test');
    const revoked = await sam.delete(`/api/users/invitations/${invitation.id}`);
    assert.equal(revoked.statusCode, 204, revoked.body);
    refusedAs(await lookup(tokenOf(invitation.link)), 404, 'invitation_invalid');
    refusedAs(await accept(tokenOf(invitation.link), 'Ida'), 404, 'invitation_invalid');
    assert.deepEqual(await pending(), []);
    refusedAs(await sam.delete(`/api/users/invitations/${invitation.id}`), 404, 'not_found');
    refusedAs(await sam.delete('/api/users/invitations/not%20an%20id'), 404, 'not_found');
  });

  test('IAM-ROLES: an address that has an account is refused as adding it would be (email_taken, whichever organisation); one that got an account meanwhile cannot accept', async () => {
    const taken = await ada.post('/api/users/invitations', { email: 'carol@acme.test', role: 'user' });
    refusedAs(taken, 409, 'email_taken');
    const added = await ada.post('/api/users', {
      email: 'carol@acme.test',
      displayName: 'Carol',
      password: 'a long first password',
    });
    refusedAs(added, 409, 'email_taken');
    assert.equal(taken.json<{ message: string }>().message, added.json<{ message: string }>().message);
    const other = await addOrganisation(database, 'Other Corp');
    await signedInUsers(t, database, other, ['Oleg']);
    const elsewhere = await ada.post('/api/users/invitations', { email: 'oleg@acme.test' });
    refusedAs(elsewhere, 409, 'email_taken');
    assert.equal(elsewhere.json<{ message: string }>().message, added.json<{ message: string }>().message);

    const invitation = await invite(ada, 'jan@acme.test');
    const made = await ada.post('/api/users', {
      email: 'jan@acme.test',
      displayName: 'Jan',
      password: 'a long first password',
    });
    assert.equal(made.statusCode, 201, made.body);
    assert.deepEqual(await pending(), [], 'an invitation that can no longer be accepted is not pending');
    refusedAs(await lookup(tokenOf(invitation.link)), 409, 'email_taken');
    refusedAs(await accept(tokenOf(invitation.link), 'Jan'), 409, 'email_taken');
  });

  test('IAM-DOMAINS: with allowed domains set, only addresses there are invited, and the link is checked again when used', async () => {
    const setDomains = async (allowed: string[]) =>
      assert.equal((await ada.patch('/api/settings', { domains: { allowed } })).statusCode, 200);
    await setDomains(['acme.test']);
    const refused = await ada.post('/api/users/invitations', { email: 'kim@elsewhere.test' });
    refusedAs(refused, 403, 'domain_not_allowed');
    assert.equal(refused.json<{ field: string }>().field, 'email');
    const invitation = await invite(ada, 'kim@acme.test');
    await setDomains(['acme-labs.test']);
    refusedAs(await lookup(tokenOf(invitation.link)), 403, 'domain_not_allowed');
    refusedAs(await accept(tokenOf(invitation.link), 'Kim'), 403, 'domain_not_allowed');
    await setDomains([]);
    assert.equal(
      (await accept(tokenOf(invitation.link), 'Kim')).statusCode,
      201,
      'the refusal used nothing up',
    );
  });

  test('IAM-ROLES: an organisation that signs in only through its identity provider gets no invitations (sso_only), and earlier links are refused', async () => {
    const invitation = await invite(ada, 'lea@acme.test');
    const sso = new SsoStore(database.db);
    await sso.saveConfig(
      {
        organisationId,
        protocol: 'oidc',
        issuer: 'https://idp.acme.test',
        clientId: 'conclave',
        clientSecret: null,
        ssoOnly: true,
      },
      clock.now().toISOString(),
    );
    try {
      refusedAs(await ada.post('/api/users/invitations', { email: 'max@acme.test' }), 409, 'sso_only');
      refusedAs(await lookup(tokenOf(invitation.link)), 409, 'sso_only');
      refusedAs(await accept(tokenOf(invitation.link), 'Lea'), 409, 'sso_only');
    } finally {
      await sso.removeConfig(organisationId);
    }
    assert.equal((await accept(tokenOf(invitation.link), 'Lea')).statusCode, 201);
  });

  test('IAM-ROLES, ROLE-MATRIX: a User can neither invite, list nor revoke (403); nobody is invited as Administrator; another organisation’s Superuser neither sees nor revokes ours', async () => {
    const invitation = await invite(ada, 'ned@acme.test');
    refusedAs(await carol.post('/api/users/invitations', { email: 'ned2@acme.test' }), 403, 'forbidden');
    refusedAs(await carol.get('/api/users/invitations'), 403, 'forbidden');
    refusedAs(await carol.delete(`/api/users/invitations/${invitation.id}`), 403, 'forbidden');
    refusedAs(
      await ada.post('/api/users/invitations', { email: 'ned3@acme.test', role: 'administrator' }),
      400,
      'validation_failed',
    );
    const noCsrf = await ada.post('/api/users/invitations', { email: 'ned4@acme.test' }, { csrf: false });
    refusedAs(noCsrf, 403, 'csrf_failed');

    const other = await addOrganisation(database, 'Elsewhere Ltd');
    const [olga] = await signedInUsers(t, database, other, ['Olga'], { Olga: 'superuser' });
    assert.deepEqual(await pending(olga), []);
    refusedAs(await olga.delete(`/api/users/invitations/${invitation.id}`), 404, 'not_found');
    assert.deepEqual(
      (await pending(ada)).map((i) => i.email),
      ['ned@acme.test'],
      'still there',
    );
    await ada.delete(`/api/users/invitations/${invitation.id}`);
  });

  test(`IAM-ROLES: at most ${MAX_PENDING_INVITATIONS} pending invitations per organisation (too_many_invitations); an address already invited can still be invited again`, async () => {
    const other = await addOrganisation(database, 'Busy Corp');
    const [paula] = await signedInUsers(t, database, other, ['Paula'], { Paula: 'superuser' });
    const now = clock.now();
    const rows = Array.from({ length: MAX_PENDING_INVITATIONS - 1 }, (_, i) => ({
      id: newId(now.getTime()),
      organisation_id: other,
      email: `person-${i}@busy.test`,
      role: 'user' as const,
      token_hash: randomBytes(32).toString('hex'),
      invited_by: null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + DAY).toISOString(),
    }));
    await database.db.insertInto('invitations').values(rows).execute();
    const last = await invite(paula, 'last@busy.test');
    refusedAs(
      await paula.post('/api/users/invitations', { email: 'one-more@busy.test' }),
      409,
      'too_many_invitations',
    );
    assert.equal((await invite(paula, 'person-7@busy.test', 'superuser')).role, 'superuser', 'a replacement');
    assert.equal((await paula.delete(`/api/users/invitations/${last.id}`)).statusCode, 204);
    await invite(paula, 'one-more@busy.test');
    assert.equal((await pending(paula)).length, MAX_PENDING_INVITATIONS);
    assert.deepEqual(await pending(ada), [], 'another organisation’s bound is its own');
    // Expired ones do not count.
    clock.advance(DAY);
    await invite(paula, 'after-a-day@busy.test');
  });

  test('IAM-ROLES: an invitation outlives the account of whoever made it: it names nobody as inviter and still works', async () => {
    const [quinn] = await signedInUsers(t, database, organisationId, ['Quinn'], { Quinn: 'superuser' });
    const invitation = await invite(quinn, 'rosa@acme.test');
    const quinnId = (await ada.get('/api/users'))
      .json<{ users: AdminUserView[] }>()
      .users.find((u) => u.displayName === 'Quinn')!.id;
    assert.equal((await ada.delete(`/api/users/${quinnId}`)).statusCode, 204);
    assert.deepEqual(
      (await pending()).map((i) => [i.email, i.invitedBy]),
      [['rosa@acme.test', null]],
    );
    assert.equal((await accept(tokenOf(invitation.link), 'Rosa')).statusCode, 201);
  });

  test('ADM-AUDIT: who invited which address with which role, revocations, and the account the link made are audited; no link, token or password in the audit log or the server log', async () => {
    const first = await invite(sam, 'ola@acme.test', 'user');
    await invite(sam, 'ola@acme.test', 'superuser');
    const replaced = await ada.delete(`/api/users/invitations/${first.id}`);
    assert.equal(replaced.statusCode, 404, 'the replaced invitation is gone');
    const ola = (await pending()).find((i) => i.email === 'ola@acme.test')!;
    const accepted = await accept(
      tokenOf((await invite(ada, 'pia@acme.test')).link),
      'Pia',
      new TestClient(t.app, '10.1.2.3'),
    );
    assert.equal(accepted.statusCode, 201, accepted.body);
    const piaId = accepted.json<SessionView>().user.id;
    assert.equal((await ada.delete(`/api/users/invitations/${ola.id}`)).statusCode, 204);

    const { events } = (await ada.get('/api/audit?limit=5')).json<AuditPageView>();
    assert.deepEqual(
      events.map((e) => [e.action, e.actor.name, e.target.kind, e.target.name, e.details]),
      [
        ['user.invitationRevoked', ADMIN.displayName, 'invitation', 'ola@acme.test', { role: 'superuser' }],
        [
          'user.created',
          'Invitation link',
          'user',
          'Pia <pia@acme.test>',
          { role: 'user', via: 'invitation' },
        ],
        ['user.invited', ADMIN.displayName, 'invitation', 'pia@acme.test', { role: 'user' }],
        ['user.invited', 'Sam', 'invitation', 'ola@acme.test', { role: 'superuser', replacedEarlier: true }],
        ['user.invited', 'Sam', 'invitation', 'ola@acme.test', { role: 'user' }],
      ],
    );
    const created = events[1]!;
    assert.equal(created.target.id, piaId);
    assert.equal(created.actor.id, null);
    assert.equal(created.clientIp, '10.1.2.3');
    assert.equal(events[0]!.target.id, ola.id);

    const all = JSON.stringify((await ada.get('/api/audit?limit=200')).json<AuditPageView>().events);
    const logs = t.logs.join('\n');
    assert.ok(logs.includes('account made from an invitation'), 'the log is captured');
    assert.ok(secrets.length > 20);
    for (const secret of new Set(secrets)) {
      assert.ok(!all.includes(secret), `the audit log holds ${secret}`);
      assert.ok(!logs.includes(secret), `the server log holds ${secret}`);
    }
  });
});
