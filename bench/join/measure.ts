import type { Page } from 'playwright-core';
import type { TestBrowser } from '../../test/e2e/support/browser';
import { installJoinProbe, type JoinProbe } from './probe';

export interface JoinSample {
  /** Click on "Join meeting" to the first remote video frame presented, in ms. */
  ms: number;
  /** What happened after the click, in ms from the click (see probe.ts). */
  timeline: Array<{ ms: number; what: string }>;
}

export interface JoinSteps {
  click(): Promise<void>;
  /** A message when the page reports a failed join (checked while waiting). */
  error(): Promise<string | null>;
  leave(): Promise<void>;
}

const FIRST_FRAME_TIMEOUT_MS = 20_000;

/**
 * Opens a fresh participant, lets `prepare` bring its page to the moment before the click, clicks,
 * and waits for the probe to see the first remote frame. The participant leaves and its context
 * closes whatever happens.
 */
export async function measureJoin(
  browser: TestBrowser,
  name: string,
  prepare: (page: Page) => Promise<JoinSteps>,
): Promise<JoinSample> {
  const p = await browser.newParticipant(name, { distinctCamera: false });
  let steps: JoinSteps | null = null;
  try {
    await p.context.addInitScript(installJoinProbe);
    steps = await prepare(p.page);
    // Both pages open the camera before the click (a join page's preview): wait until it shows.
    await p.page.waitForFunction(
      () => Array.from(document.querySelectorAll('video')).some((v) => v.videoWidth > 0 && v.readyState >= 2),
      null,
      { timeout: 15_000 },
    );
    await steps.click();
    // The probe timestamps inside the page, so how often we look does not change the figure;
    // polling in the page keeps the measurement free of DevTools round trips.
    const done = await p.page
      .waitForFunction(
        () => {
          const probe = (window as unknown as { __joinProbe: JoinProbe }).__joinProbe;
          return probe.firstRemoteFrameAt !== null ? probe : null;
        },
        null,
        { polling: 100, timeout: FIRST_FRAME_TIMEOUT_MS },
      )
      .then((h) => h.jsonValue())
      .catch(async (err: Error) => {
        const reason = (await steps?.error().catch(() => null)) ?? err.message.split('\n')[0];
        throw new Error(`${name}: no remote frame after clicking "Join meeting": ${reason}`);
      });
    if (!done || done.joinClickedAt === null || done.firstRemoteFrameAt === null) {
      throw new Error(`${name}: the click on "Join meeting" was not seen by the probe`);
    }
    const clicked = done.joinClickedAt;
    return {
      ms: done.firstRemoteFrameAt - clicked,
      timeline: done.events
        .filter((e) => e.t >= clicked)
        .sort((a, b) => a.t - b.t)
        .map((e) => ({ ms: Math.round(e.t - clicked), what: e.what })),
    };
  } finally {
    await steps?.leave().catch(() => undefined);
    await p.context.close().catch(() => undefined);
  }
}
