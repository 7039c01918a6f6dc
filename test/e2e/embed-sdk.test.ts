// The SDK embedded in another web app (docs/sdk.md, examples/embed): the example page, served by its
// own backend on an origin of its own, imports the built package (scripts/build.mjs --sdk), gets a
// guest token from that backend, which asks for it through the platform API with an API key, and joins
// the meeting a signed-in person holds in the main app. Both decode each other. The server allows the
// example's origin (CONCLAVE_EMBED_ORIGINS); another origin's socket is refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ApiKeyCreatedView } from '@conclave/protocol';
import { startExample } from '../../examples/embed/server.mjs';
import { ADMIN, createMeeting, csrfToken, joinSignedIn, signIn, tileOf } from './support/app';
import type { TestBrowser } from './support/browser';
import { assertReceives, type InMeeting } from './support/checks';
import { startEnvironment, stopEnvironment } from './support/environment';
import { freePort } from './support/ports';
import { mediaSkipReason } from './support/sandbox';
import type { TestServer } from './support/server';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

// Skipped per test (not per suite) so the runner counts each skipped test.
const skip = mediaSkipReason();

describe('the SDK in another web app', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let example: { url: string; close(): Promise<void> } | undefined;
  let examplePort = 0;

  before(async () => {
    if (skip) return;
    // The package as another app installs it: built from the current source, never the app's code.
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--sdk'], {
      stdio: 'inherit',
    });
    assert.equal(built.status, 0, 'node scripts/build.mjs --sdk');
    examplePort = await freePort();
    ({ server, browser } = await startEnvironment({
      server: { env: { CONCLAVE_EMBED_ORIGINS: `http://127.0.0.1:${examplePort}` } },
    }));
  });
  after(async () => {
    await example?.close();
    await stopEnvironment({ server, browser });
  });

  test(
    'IAM-GUEST, MEET-CREATE: the example page on another origin gets a guest token through the API with a key, joins, and it and the person in the app decode each other',
    { skip },
    async () => {
      const a = await browser.newParticipant('Ada');
      await signIn(a.context, server);
      const meeting = await createMeeting(a.context, server, 'Intranet stand-up');
      const made = await a.context.request.post(`${server.url}/api/api-keys`, {
        data: { name: 'Intranet', scopes: ['participants:join'] },
        headers: { 'x-conclave-csrf': await csrfToken(a.context, server) },
      });
      assert.equal(made.status(), 201, await made.text());
      const { key } = (await made.json()) as ApiKeyCreatedView;
      example = await startExample({ conclaveUrl: server.url, apiKey: key, port: examplePort });
      assert.notEqual(new URL(example.url).origin, new URL(server.url).origin);

      const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };

      const g = await browser.newParticipant('Gina');
      await g.page.goto(example.url);
      await g.page.getByLabel('Meeting id').fill(meeting.id);
      await g.page.getByLabel('Your name').fill('Gina from the intranet');
      await g.page.getByRole('button', { name: 'Join', exact: true }).click();
      await g.page.getByRole('status').getByText('In the meeting').waitFor({ timeout: 20_000 });
      // The example hands its room to the console; the checks read the SDK's stats from there.
      const ginaId = await g.page.evaluate(() => {
        const w = window as unknown as {
          conclaveExample: { room: { localParticipant: { id: string } } };
          __conclave?: unknown;
        };
        w.__conclave = { room: w.conclaveExample.room };
        return w.conclaveExample.room.localParticipant.id;
      });
      const gina: InMeeting = { name: 'Gina', page: g.page, id: ginaId };

      await Promise.all([assertReceives(ada, gina), assertReceives(gina, ada)]);
      // The page shows Ada's camera under her name, playing.
      const video = g.page.locator(`video[data-participant-id="${ada.id}"][data-source="camera"]`);
      await g.page.waitForFunction(
        (id) => {
          const v = document.querySelector<HTMLVideoElement>(
            `video[data-participant-id="${id}"][data-source="camera"]`,
          );
          return v !== null && v.videoWidth > 0 && v.getVideoPlaybackQuality().totalVideoFrames > 10;
        },
        ada.id,
        { timeout: 10_000 },
      );
      assert.equal(await video.locator('xpath=..').locator('figcaption').innerText(), ADMIN.displayName);
      // Ada sees the guest by the name the intranet gave.
      assert.equal(await tileOf(a.page, gina.id).getAttribute('aria-label'), 'Gina from the intranet');

      // Leaving from the page: Ada's app sees the guest go.
      await g.page.getByRole('button', { name: 'Leave' }).click();
      await g.page.getByRole('status').getByText('You left the meeting').waitFor({ timeout: 10_000 });
      await tileOf(a.page, gina.id).waitFor({ state: 'detached', timeout: 15_000 });
    },
  );
});
