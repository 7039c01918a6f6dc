import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { AuditPageView, PublicBranding, Settings } from '@conclave/protocol';
import { setUp, signedInUsers, startTestApp, TestClient, type TestApp } from './support/app';
import { createTestDatabase, describeEachDatabase, type TestDatabase } from './support/database';
import { jpeg, png } from './support/images';
import { SettingsStore } from '../src/settings';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describeEachDatabase('ADM-SETTINGS: branding (logo, wallpaper, colours)', (kind) => {
  let database: TestDatabase;
  let t: TestApp;
  let ada: TestClient;
  let sam: TestClient;
  let carol: TestClient;
  let guest: TestClient;
  let organisationId: string;
  let beforeSetup: { status: number; body: PublicBranding };

  before(async () => {
    database = await createTestDatabase(kind);
    t = await startTestApp(database);
    guest = new TestClient(t.app);
    const early = await guest.get('/api/branding');
    beforeSetup = { status: early.statusCode, body: early.json<PublicBranding>() };
    const done = await setUp(t);
    ada = done.client;
    organisationId = done.session.organisation.id;
    [sam, carol] = await signedInUsers(t, database, organisationId, ['Sam', 'Carol'], {
      Sam: 'superuser',
    });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const upload = (as: TestClient, what: 'logo' | 'wallpaper', bytes: Buffer, type: string) =>
    as.request('PUT', `/api/settings/branding/${what}`, bytes, { headers: { 'content-type': type } });
  const branding = async () => {
    const res = await guest.get('/api/branding');
    assert.equal(res.statusCode, 200, res.body);
    return res.json<PublicBranding>();
  };
  const imageRows = () => database.db.selectFrom('organisation_images').select(['kind', 'sha256']).execute();
  const brandingAudit = async () =>
    (await ada.get('/api/audit?action=settings.changed'))
      .json<AuditPageView>()
      .events.filter((e) => String(e.details.section).startsWith('branding.'));

  test('ADM-SETTINGS: a Superuser uploads a PNG logo and a JPEG wallpaper; anyone is served them as uploaded, replaced and removed, each change audited', async () => {
    const logo = png(120, 40);
    const put = await upload(sam, 'logo', logo, 'image/png');
    assert.equal(put.statusCode, 200, put.body);
    const shown = await branding();
    assert.match(shown.logoUrl ?? '', /^\/api\/branding\/logo\?v=[0-9a-f]{16}$/);
    assert.equal(shown.wallpaperUrl, null);
    assert.deepEqual(put.json<PublicBranding>(), shown, 'the upload answers the branding as now shown');

    // Signed out, as the sign-in and join pages ask for it.
    const served = await guest.get(shown.logoUrl!);
    assert.equal(served.statusCode, 200);
    assert.equal(served.headers['content-type'], 'image/png');
    assert.deepEqual(served.rawPayload, logo, 'the very bytes uploaded');
    assert.equal(served.headers['x-content-type-options'], 'nosniff');
    assert.equal(served.headers['content-security-policy'], "default-src 'none'");
    assert.equal(served.headers['cache-control'], 'no-cache');
    assert.equal(served.headers.etag, `"${sha256(logo)}"`);
    const again = await guest.request('GET', '/api/branding/logo', undefined, {
      headers: { 'if-none-match': `"${sha256(logo)}"` },
    });
    assert.equal(again.statusCode, 304, 'unchanged since the browser last had it');
    assert.equal(again.rawPayload.length, 0);

    const wallpaper = jpeg(64, 36);
    assert.equal((await upload(ada, 'wallpaper', wallpaper, 'image/jpeg')).statusCode, 200);
    const withWallpaper = await branding();
    assert.match(withWallpaper.wallpaperUrl ?? '', /^\/api\/branding\/wallpaper\?v=[0-9a-f]{16}$/);
    const room = await guest.get(withWallpaper.wallpaperUrl!);
    assert.equal(room.statusCode, 200);
    assert.equal(room.headers['content-type'], 'image/jpeg');
    assert.deepEqual(room.rawPayload, wallpaper);
    assert.equal(room.headers['content-security-policy'], "default-src 'none'");

    // Replaced: a new URL, the new bytes, and the old tag no longer matches.
    const newLogo = png(200, 50, [200, 30, 30]);
    assert.equal((await upload(sam, 'logo', newLogo, 'image/png')).statusCode, 200);
    const replaced = await branding();
    assert.notEqual(replaced.logoUrl, shown.logoUrl);
    const stale = await guest.request('GET', '/api/branding/logo', undefined, {
      headers: { 'if-none-match': `"${sha256(logo)}"` },
    });
    assert.equal(stale.statusCode, 200);
    assert.deepEqual(stale.rawPayload, newLogo);

    // Removed: gone for everyone.
    const removed = await sam.request('DELETE', '/api/settings/branding/logo');
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal((await branding()).logoUrl, null);
    assert.equal((await guest.get('/api/branding/logo')).statusCode, 404);
    assert.deepEqual(
      (await imageRows()).map((r) => r.kind),
      ['wallpaper'],
    );

    const described = (type: string, width: number, height: number, bytes: Buffer) => {
      assert.ok(bytes.length < 1024, 'small images are described in bytes');
      return `${type}, ${width}×${height}, ${bytes.length} bytes`;
    };
    const log = await brandingAudit();
    assert.deepEqual(
      log.map((e) => [e.actor.name, e.details.section, e.details.from, e.details.to]).reverse(),
      [
        ['Sam', 'branding.logo', 'none', described('image/png', 120, 40, logo)],
        ['Ada Admin', 'branding.wallpaper', 'none', described('image/jpeg', 64, 36, wallpaper)],
        [
          'Sam',
          'branding.logo',
          described('image/png', 120, 40, logo),
          described('image/png', 200, 50, newLogo),
        ],
        ['Sam', 'branding.logo', described('image/png', 200, 50, newLogo), 'none'],
      ],
    );
    assert.equal((await ada.request('DELETE', '/api/settings/branding/wallpaper')).statusCode, 200);
  });

  test('ADM-SETTINGS: SVG, an HTML file called .png, JSON, too many bytes and too many pixels are refused with their code, and nothing is stored', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const html = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>');
    const cases: [string, 'logo' | 'wallpaper', Buffer, string, number, string][] = [
      ['SVG', 'logo', svg, 'image/svg+xml', 415, 'image_unsupported'],
      ['SVG sent as PNG', 'logo', svg, 'image/png', 415, 'image_unsupported'],
      ['HTML renamed .png', 'logo', html, 'image/png', 415, 'image_unsupported'],
      ['HTML as a wallpaper', 'wallpaper', html, 'image/jpeg', 415, 'image_unsupported'],
      ['JSON', 'logo', Buffer.from('{"a":1}'), 'application/json', 415, 'image_unsupported'],
      [
        'a GIF',
        'logo',
        Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'),
        'image/gif',
        415,
        'image_unsupported',
      ],
      // Valid headers, padded past the limit.
      [
        'a 513 KiB logo',
        'logo',
        Buffer.concat([png(1, 1), randomBytes(513 * 1024)]),
        'image/png',
        413,
        'image_too_large',
      ],
      [
        'a 4.1 MiB wallpaper',
        'wallpaper',
        Buffer.concat([jpeg(8, 8), randomBytes(4.1 * 1024 * 1024)]),
        'image/jpeg',
        413,
        'image_too_large',
      ],
      ['a 2001 px wide logo', 'logo', png(2001, 10), 'image/png', 400, 'image_dimensions_too_large'],
      ['a 2001 px high logo', 'logo', jpeg(10, 2001), 'image/jpeg', 400, 'image_dimensions_too_large'],
      ['a 3841 px wide wallpaper', 'wallpaper', png(3841, 1), 'image/png', 400, 'image_dimensions_too_large'],
      [
        'a 2161 px high wallpaper',
        'wallpaper',
        jpeg(8, 2161),
        'image/jpeg',
        400,
        'image_dimensions_too_large',
      ],
    ];
    for (const [what, where, bytes, type, status, code] of cases) {
      const res = await upload(ada, where, bytes, type);
      assert.equal(res.statusCode, status, `${what}: ${res.body}`);
      const body = res.json<{ code: string; message: string }>();
      assert.equal(body.code, code, what);
      assert.ok(body.message.length > 0);
    }
    assert.match(
      (await upload(ada, 'logo', png(2001, 10), 'image/png')).json<{ message: string }>().message,
      /at most 2000×2000 pixels; this one is 2001×10/,
    );
    assert.match(
      (await upload(ada, 'logo', Buffer.concat([png(1, 1), randomBytes(600 * 1024)]), 'image/png')).json<{
        message: string;
      }>().message,
      /512 KiB/,
    );
    // The largest allowed pass.
    assert.equal((await upload(ada, 'logo', png(2000, 2000), 'image/png')).statusCode, 200);
    assert.equal((await upload(ada, 'wallpaper', jpeg(3840, 2160), 'image/jpeg')).statusCode, 200);
    await ada.request('DELETE', '/api/settings/branding/logo');
    await ada.request('DELETE', '/api/settings/branding/wallpaper');
    const audited = (await brandingAudit()).length;

    for (const [, where, bytes, type] of cases) await upload(ada, where, bytes, type);
    assert.deepEqual(await imageRows(), [], 'nothing refused was stored');
    const shown = await branding();
    assert.deepEqual([shown.logoUrl, shown.wallpaperUrl], [null, null]);
    assert.equal((await brandingAudit()).length, audited, 'nor audited');
  });

  test('ADM-SETTINGS: only Superusers and Administrators upload or remove images (User 403, signed out 401, no CSRF token 403), even before the body is read', async () => {
    const logo = png(16, 16);
    const user = await upload(carol, 'logo', logo, 'image/png');
    assert.equal(user.statusCode, 403, user.body);
    assert.equal(user.json<{ code: string }>().code, 'forbidden');
    // A User cannot make the server read megabytes either: the refusal comes first.
    const big = await upload(
      carol,
      'wallpaper',
      Buffer.concat([jpeg(8, 8), randomBytes(5 * 1024 * 1024)]),
      'image/jpeg',
    );
    assert.equal(big.statusCode, 403);
    assert.equal((await carol.request('DELETE', '/api/settings/branding/logo')).statusCode, 403);

    const signedOut = await upload(guest, 'logo', logo, 'image/png');
    assert.equal(signedOut.statusCode, 401);
    assert.equal(signedOut.json<{ code: string }>().code, 'unauthorized');
    assert.equal((await guest.request('DELETE', '/api/settings/branding/logo')).statusCode, 401);

    const forged = await sam.request('PUT', '/api/settings/branding/logo', logo, {
      csrf: false,
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(forged.statusCode, 403);
    assert.equal(forged.json<{ code: string }>().code, 'csrf_failed');
    assert.deepEqual(await imageRows(), []);
  });

  test('ADM-SETTINGS: the public branding lists the branding and nothing else, before setup too', async () => {
    assert.equal(beforeSetup.status, 200);
    assert.deepEqual(beforeSetup.body, {
      accentColour: '#4f46e5',
      headerColour: '#ffffff',
      headerTextColour: '#000000',
      logoUrl: null,
      wallpaperUrl: null,
    });
    const patched = await ada.patch('/api/settings', {
      chat: { enabled: false },
      invites: {
        dialInNumbers: [{ label: 'Secret line', number: '+41 44 999 99 99' }],
        callDetails: 'PIN 4711',
      },
      domains: { allowed: ['acme.test'] },
      branding: { accentColour: '#1d4ed8', headerColour: '#0b2545' },
    });
    assert.equal(patched.statusCode, 200, patched.body);
    await upload(ada, 'logo', png(30, 30), 'image/png');
    const res = await guest.get('/api/branding');
    const shown = res.json<PublicBranding>();
    assert.deepEqual(Object.keys(shown).sort(), [
      'accentColour',
      'headerColour',
      'headerTextColour',
      'logoUrl',
      'wallpaperUrl',
    ]);
    assert.equal(shown.accentColour, '#1d4ed8');
    assert.equal(shown.headerColour, '#0b2545');
    for (const secret of ['Secret line', '4711', 'acme.test', 'Acme Research', 'enabled', 'ada@']) {
      assert.ok(!res.body.includes(secret), `"${secret}" is not in ${res.body}`);
    }
    await ada.request('DELETE', '/api/settings/branding/logo');
  });

  test('ADM-SETTINGS: the header text is white or black for contrast; an accent colour unreadable with white text is refused with the reason', async () => {
    const header = async (headerColour: string) => {
      const res = await sam.patch('/api/settings', { branding: { accentColour: '#2457d6', headerColour } });
      assert.equal(res.statusCode, 200, res.body);
      return (await branding()).headerTextColour;
    };
    assert.equal(await header('#0b2545'), '#ffffff', 'dark navy: white text');
    assert.equal(await header('#ffd700'), '#000000', 'gold: black text');
    // Near the middle the better of the two wins: on #767676 black (4.62:1) beats white (4.54:1).
    assert.equal(await header('#767676'), '#000000');
    assert.equal(await header('#707070'), '#ffffff');

    const before = (await sam.get('/api/settings')).json<Settings>().branding;
    const refused = await sam.patch('/api/settings', {
      branding: { accentColour: '#ffd700', headerColour: '#ffffff' },
    });
    assert.equal(refused.statusCode, 400);
    const body = refused.json<{ code: string; message: string; field: string }>();
    assert.equal(body.code, 'validation_failed');
    assert.equal(body.field, 'branding.accentColour');
    assert.match(body.message, /#ffd700 reaches only 1\.\d\d:1 against white \(at least 4\.5:1 is needed\)/);
    assert.deepEqual((await sam.get('/api/settings')).json<Settings>().branding, before, 'nothing changed');

    // A section stored before the header colour existed reads with the product's own header.
    await new SettingsStore(database.db).write(
      organisationId,
      { branding: { accentColour: '#aa3300' } },
      new Date().toISOString(),
    );
    const old = await branding();
    assert.deepEqual(
      [old.accentColour, old.headerColour, old.headerTextColour],
      ['#aa3300', '#ffffff', '#000000'],
    );
  });
});
