// A call of several browsers in one meeting of the real server (its test web build, which exposes the
// SDK room as window.__conclave.room): the owner signed in, the others guests on the join link, all
// with Chromium's plain fake camera, or with microphones only (`cameras: false`).
import type { MeetingView } from '@conclave/protocol';
import type { Page } from 'playwright-core';
import { createMeeting, leaveMeeting, signIn, waitInMeeting } from '../../test/e2e/support/app';
import type { Participant, TestBrowser } from '../../test/e2e/support/browser';
import { assertReceivesAll, type InMeeting } from '../../test/e2e/support/checks';
import { e2eeOf } from '../../test/e2e/support/e2ee';
import type { TestServer } from '../../test/e2e/support/server';

interface InCall extends InMeeting {
  context: Participant['context'];
}

/** Generous: the benchmarks share a 2-core machine with whatever else runs on it. */
const JOIN_TIMEOUT_MS = 60_000;

export class Call {
  readonly people: InCall[] = [];
  private guests = 0;

  private constructor(
    private readonly browser: TestBrowser,
    readonly meeting: MeetingView,
    private readonly cameras: boolean,
  ) {}

  /**
   * Creates a meeting and joins its owner; `size - 1` guests follow, one after another. `cameras:
   * false`: everyone turns the camera off on the join page (eight pages decoding seven cameras each
   * are more than a 2-core machine can run: joins there took a minute).
   */
  static async start(
    browser: TestBrowser,
    server: TestServer,
    options: { e2ee: boolean; size: number; cameras?: boolean },
  ): Promise<Call> {
    const owner = await browser.newParticipant('owner', { distinctCamera: false });
    await signIn(owner.context, server);
    const meeting = await createMeeting(owner.context, server, `E2EE bench ${Date.now()}`, {
      e2ee: options.e2ee,
    });
    const call = new Call(browser, meeting, options.cameras ?? true);
    await owner.page.goto(meeting.joinUrl);
    await call.cameraOffUnlessWanted(owner.page);
    await owner.page.getByRole('button', { name: 'Join meeting' }).click();
    const id = await waitInMeeting(owner.page, JOIN_TIMEOUT_MS);
    call.people.push({ name: 'owner', page: owner.page, context: owner.context, id });
    for (let i = 1; i < options.size; i++) await call.addGuest();
    return call;
  }

  /** A new guest joins; on a loaded machine a join that does not get in within a minute is tried again, once. */
  async addGuest(retry = true): Promise<InCall> {
    const name = `guest-${++this.guests}`;
    const p = await this.browser.newParticipant(name, { distinctCamera: false });
    try {
      await p.page.goto(this.meeting.joinUrl);
      await p.page.getByLabel('Your name').fill(name);
      await this.cameraOffUnlessWanted(p.page);
      await p.page.getByRole('button', { name: 'Join meeting' }).click();
      const id = await waitInMeeting(p.page, JOIN_TIMEOUT_MS);
      const person = { name, page: p.page, context: p.context, id };
      this.people.push(person);
      return person;
    } catch (err) {
      await p.context.close().catch(() => undefined);
      if (!retry) throw err;
      return this.addGuest(false);
    }
  }

  /** Waits until everyone decodes everyone's camera (if on) and hears everyone's microphone. */
  async waitForMedia(timeoutMs = 60_000): Promise<void> {
    const sources = this.cameras ? (['camera', 'microphone'] as const) : (['microphone'] as const);
    await Promise.all(
      this.people.map((p) =>
        assertReceivesAll(
          p,
          this.people.filter((q) => q !== p),
          timeoutMs,
          sources,
        ),
      ),
    );
  }

  private async cameraOffUnlessWanted(page: Page): Promise<void> {
    if (this.cameras) return;
    await page.getByRole('button', { name: 'Turn off camera' }).click();
    await page.getByRole('button', { name: 'Turn on camera' }).waitFor();
  }

  /**
   * Waits until everyone is a member of one group holding them all, and sends under its epoch;
   * returns that epoch.
   */
  async waitForOneEpoch(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const views = await Promise.all(this.people.map((p) => e2eeOf(p.page)));
      const epochs = new Set(views.map((v) => v?.epoch));
      const agreed =
        epochs.size === 1 &&
        views.every(
          (v) =>
            v?.status === 'member' &&
            v.sendingEpoch === v.epoch &&
            Object.keys(v.codewords).length === this.people.length,
        );
      if (agreed) return views[0]!.epoch!;
      if (Date.now() > deadline) throw new Error(`no common epoch: ${JSON.stringify(views)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** `person` clicks "Leave meeting"; resolves with the click's time (Date.now() in its page). */
  async leave(person: InCall): Promise<number> {
    await person.page.evaluate(() => {
      document.addEventListener(
        'click',
        (e) => {
          const button = (e.target as Element | null)?.closest?.('button');
          if (button?.getAttribute('aria-label') === 'Leave meeting')
            (window as unknown as { __leftAt?: number }).__leftAt ??= Date.now();
        },
        true,
      );
    });
    await leaveMeeting(person.page);
    const at = await person.page.evaluate(() => (window as unknown as { __leftAt?: number }).__leftAt);
    if (at === undefined) throw new Error(`${person.name}'s click on "Leave meeting" was not seen`);
    this.people.splice(this.people.indexOf(person), 1);
    await person.context.close();
    return at;
  }

  async close(): Promise<void> {
    await Promise.all(this.people.map((p) => p.context.close().catch(() => undefined)));
    this.people.length = 0;
  }
}
