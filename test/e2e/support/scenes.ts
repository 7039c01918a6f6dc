import type { MeetingView } from '@conclave/protocol';
import { createMeeting, joinAsGuest, joinSignedIn, signIn } from './app';
import type { TestBrowser } from './browser';
import type { InMeeting } from './checks';
import type { TestServer } from './server';

/** The most common scene: Ada (the owner, signed in) creates a meeting and Bob joins it as a guest. */
export async function adaHostsBob(
  browser: TestBrowser,
  server: TestServer,
  meetingName: string,
): Promise<{ meeting: MeetingView; ada: InMeeting; bob: InMeeting }> {
  const a = await browser.newParticipant('Ada');
  await signIn(a.context, server);
  const meeting = await createMeeting(a.context, server, meetingName);
  const ada: InMeeting = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, meeting.joinUrl) };
  const b = await browser.newParticipant('Bob');
  const bob: InMeeting = { name: 'Bob', page: b.page, id: await joinAsGuest(b.page, meeting.joinUrl, 'Bob') };
  return { meeting, ada, bob };
}
