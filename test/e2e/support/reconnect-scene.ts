import type { Page } from 'playwright-core';
import { completeSetup, createMeeting, joinAsGuest, joinSignedIn, signIn } from './app';
import { TestBrowser } from './browser';
import type { InMeeting } from './checks';
import { CutLink } from './cut-link';
import { TestServer } from './server';

/**
 * MEET-RECONNECT's stage: a server reached at the outside end of a CutLink, Ada's browser in the test's
 * namespace and Bob's in the CutLink's own, so that only Bob's network can be cut. Pages are served
 * over plain HTTP on a non-loopback address, which Chromium is told to treat as secure (camera,
 * WebCrypto), as it would an https origin.
 */
export class ReconnectStage {
  private constructor(
    readonly server: TestServer,
    readonly link: CutLink,
    readonly ada: TestBrowser,
    readonly bob: TestBrowser,
  ) {}

  static async start(): Promise<ReconnectStage> {
    const link = await CutLink.open(1);
    let server: TestServer | null = null;
    let ada: TestBrowser | null = null;
    try {
      server = await TestServer.start({ address: link.serverAddress });
      const secure = [`--unsafely-treat-insecure-origin-as-secure=${server.url}`];
      ada = await TestBrowser.launch({ extraArgs: secure });
      const bob = await TestBrowser.launch({ extraArgs: secure, executablePath: link.chromium });
      await completeSetup(server);
      return new ReconnectStage(server, link, ada, bob);
    } catch (err) {
      await ada?.close();
      await server?.stop();
      await link.close();
      throw err;
    }
  }

  /** Ada (signed in) hosts a meeting; Bob joins it as a guest from the browser whose network can be cut. */
  async adaHostsBob(
    meetingName: string,
    options: { distinctCamera?: boolean } = {},
  ): Promise<{ ada: InMeeting; bob: InMeeting }> {
    const a = await this.ada.newParticipant('Ada', { cameraCode: 0, ...options });
    await signIn(a.context, this.server);
    const meeting = await createMeeting(a.context, this.server, meetingName);
    const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
    const b = await this.bob.newParticipant('Bob', { cameraCode: 1, ...options });
    const bob: InMeeting = {
      name: 'Bob',
      page: b.page,
      id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob'),
    };
    return { ada, bob };
  }

  async stop(): Promise<void> {
    this.link.restore();
    await this.bob.close();
    await this.ada.close();
    await this.server.stop();
    await this.link.close();
  }
}

/** What a page's room went through since `watchRoom`: its states, who it saw leave, its recoveries. */
export interface RoomWatch {
  states: string[];
  left: string[];
  recoveries: { iceRestarts: number; resumes: number; rejoins: number };
}

/** Starts recording the page's room's state changes and departures (in the page, so nothing is missed). */
export async function watchRoom(page: Page): Promise<void> {
  await page.evaluate(() => {
    type Room = {
      on(event: 'connectionStateChanged', f: (state: string) => void): void;
      on(event: 'participantLeft', f: (p: { id: string }) => void): void;
    };
    const w = window as unknown as {
      __conclave?: { room?: Room };
      __watch?: { states: string[]; left: string[] };
    };
    const room = w.__conclave?.room;
    if (!room) throw new Error('not in a meeting');
    const watch = { states: [] as string[], left: [] as string[] };
    w.__watch = watch;
    room.on('connectionStateChanged', (state) => watch.states.push(state));
    room.on('participantLeft', (p) => watch.left.push(p.id));
  });
}

export async function readWatch(page: Page): Promise<RoomWatch> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __conclave?: { room?: { recoveries: RoomWatch['recoveries'] } };
      __watch?: { states: string[]; left: string[] };
    };
    return {
      states: [...(w.__watch?.states ?? [])],
      left: [...(w.__watch?.left ?? [])],
      recoveries: w.__conclave?.room?.recoveries ?? { iceRestarts: -1, resumes: -1, rejoins: -1 },
    };
  });
}
