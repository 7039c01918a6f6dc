// PRIV-NO-MEDIA: a meeting, with cameras and microphones flowing through the real Janus, leaves no
// media behind: no file in a media container format appears in the server's data folder, in the
// temporary folder (where the embedded Janus keeps its configuration) or in the folder the server and
// Janus run in. Nobody started a recording, so nothing may be written.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { createMeeting, joinAsGuest, joinSignedIn, leaveMeeting, signIn } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertReceivesAll, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { sleep } from './support/media';
import { mediaFilesChangedSince } from './support/media-files';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const skip = mediaSkipReason();
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
/** Where nothing of a meeting's media could be, and that is large to walk: dependencies, history, builds. */
const NOT_WALKED = new Set(['node_modules', '.git', '.runtime', 'dist']);

describe('PRIV-NO-MEDIA: meetings store no media', { skip }, () => {
  let server: TestServer;
  let browser: TestBrowser;

  before(async () => {
    ({ server, browser } = await startEnvironment());
  });
  after(() => stopEnvironment({ server, browser }));

  test('PRIV-NO-MEDIA: a meeting with cameras and microphones, where nobody started a recording, leaves no media file on the server', async () => {
    const since = Date.now();
    const ada = await browser.newParticipant('Ada');
    await signIn(ada.context, server);
    const meeting = await createMeeting(ada.context, server, 'Off the record');
    const gina = await browser.newParticipant('Gina');
    const people: InMeeting[] = [
      { name: 'Ada', page: ada.page, id: await joinSignedIn(ada.page, meeting.joinUrl) },
      { name: 'Gina', page: gina.page, id: await joinAsGuest(gina.page, meeting.joinUrl, 'Gina') },
    ];
    await assertReceivesAll(people[0]!, [people[1]!]);
    await assertReceivesAll(people[1]!, [people[0]!]);
    // Long enough for anything written per stream (a recording's header, a dump) to reach the disk.
    await sleep(3000);
    for (const p of people) await leaveMeeting(p.page);

    const found = await mediaFilesChangedSince([server.dataFolder, tmpdir(), ROOT], since, NOT_WALKED);
    // A file of the browsers' own profiles is theirs, not the server's: Chromium keeps none of the call.
    assert.deepEqual(found, [], 'no file in a media format was written anywhere the server or Janus write');
  });
});
