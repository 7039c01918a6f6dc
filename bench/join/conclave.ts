import type { MeetingView } from '@conclave/protocol';
import { completeSetup, createMeeting, signIn, waitOnStage } from '../../test/e2e/support/app';
import type { Participant, TestBrowser } from '../../test/e2e/support/browser';
import { TestServer } from '../../test/e2e/support/server';
import { measureJoin, type JoinSample } from './measure';

/**
 * The real product: the server (with its own Janus) and the web app. Participant 1 is the signed-in
 * owner, in the meeting and publishing for the whole run; each measured join is a fresh guest
 * context on the join link: name typed and camera preview showing before "Join meeting" is clicked.
 */
export class ConclaveScenario {
  private host: Participant | null = null;
  private joins = 0;

  private constructor(
    private readonly browser: TestBrowser,
    private readonly server: TestServer,
    private readonly meeting: MeetingView,
  ) {}

  /** `e2ee`: the meeting is end-to-end encrypted (bench/e2ee compares joins with and without). */
  static async start(browser: TestBrowser, options: { e2ee?: boolean } = {}): Promise<ConclaveScenario> {
    // The production build, as people get it: it has no test hook, so the host's join is seen on the stage.
    const server = await TestServer.start({ env: { CONCLAVE_LOG_LEVEL: 'warn' }, web: 'production' });
    try {
      await completeSetup(server);
      const host = await browser.newParticipant('conclave-host', { distinctCamera: false });
      await signIn(host.context, server);
      const meeting = await createMeeting(host.context, server, 'Join benchmark', options);
      await host.page.goto(meeting.joinUrl);
      await host.page.getByRole('button', { name: 'Join meeting' }).click();
      await waitOnStage(host.page);
      const scenario = new ConclaveScenario(browser, server, meeting);
      scenario.host = host;
      return scenario;
    } catch (err) {
      await server.stop();
      throw err;
    }
  }

  async join(): Promise<JoinSample> {
    const n = ++this.joins;
    return measureJoin(this.browser, `conclave-${n}`, async (page) => {
      await page.goto(this.meeting.joinUrl);
      await page.getByLabel('Your name').fill(`Guest ${n}`);
      const button = page.getByRole('button', { name: 'Join meeting' });
      await button.waitFor();
      return {
        click: () => button.click(),
        error: async () => {
          const alert = page.getByRole('alert');
          return (await alert.count()) > 0 ? await alert.first().innerText() : null;
        },
        leave: () => page.getByRole('button', { name: 'Leave meeting' }).click({ timeout: 3_000 }),
      };
    });
  }

  async stop(): Promise<void> {
    await this.host?.context.close().catch(() => undefined);
    await this.server.stop();
  }
}
