import type { MeetingView } from '@conclave/protocol';
import { createMeeting, joinAsGuest, joinSignedIn, signIn } from './app';
import type { TestBrowser } from './browser';
import { assertReceivesAll, type InMeeting } from './checks';
import { keepSendingWhenMuted } from './keep-sending';
import type { TestServer } from './server';

/** The most common scene: Ada (the owner, signed in) creates a meeting and Bob joins it as a guest. */
export async function adaHostsBob(
  browser: TestBrowser,
  server: TestServer,
  meetingName: string,
  /** Runs in Ada's page before its own scripts (context.addInitScript). */
  initScript?: () => void,
): Promise<{ meeting: MeetingView; ada: InMeeting; bob: InMeeting }> {
  const a = await browser.newParticipant('Ada');
  if (initScript) await a.context.addInitScript(initScript);
  await signIn(a.context, server);
  const meeting = await createMeeting(a.context, server, meetingName);
  const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
  const b = await browser.newParticipant('Bob');
  const bob: InMeeting = { name: 'Bob', page: b.page, id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob') };
  return { meeting, ada, bob };
}

/**
 * Ada (the owner, signed in) hosts two guests: Bob, whose browser keeps sending what it mutes
 * (keep-sending.ts: only the server can keep it from the others), and Cleo. Everyone receives Bob.
 */
export async function adaHostsStubbornBobAndCleo(
  browser: TestBrowser,
  server: TestServer,
  meetingName: string,
): Promise<{ ada: InMeeting; bob: InMeeting; cleo: InMeeting }> {
  const a = await browser.newParticipant('Ada');
  await signIn(a.context, server);
  const meeting = await createMeeting(a.context, server, meetingName);
  const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
  // No picture checks here, and the copy Bob keeps sending must outlive the app stopping his camera.
  const b = await browser.newParticipant('Bob', { distinctCamera: false });
  await b.context.addInitScript(keepSendingWhenMuted);
  const bob: InMeeting = { name: 'Bob', page: b.page, id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob') };
  const c = await browser.newParticipant('Cleo');
  const cleo: InMeeting = {
    name: 'Cleo',
    page: c.page,
    id: await joinAsGuest(c.page, meeting.joinUrl, 'Cleo'),
  };
  await Promise.all([assertReceivesAll(ada, [bob]), assertReceivesAll(cleo, [bob])]);
  return { ada, bob, cleo };
}
