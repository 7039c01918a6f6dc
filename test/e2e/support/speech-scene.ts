import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { completeSetup, createMeeting, joinAsGuest, joinSignedIn, signIn } from './app';
import { TestBrowser } from './browser';
import type { InMeeting } from './checks';
import { stopEnvironment } from './environment';
import { TestServer } from './server';
import { writeSpeechLikeWav } from './speech';

/** Three people in one meeting whose fake microphones talk (support/speech.ts). */
export interface SpeechScene {
  server: TestServer;
  browser: TestBrowser;
  /** The owner, signed in as the Administrator. */
  ada: InMeeting;
  adaContext: BrowserContext;
  /** Guests. */
  bob: InMeeting;
  cleo: InMeeting;
  joinUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts a server (with `env`), a browser whose every microphone plays a speech-like sound, and a
 * meeting named `name` that Ada (signed in) makes and joins first, then Bob and Cleo as guests.
 * `beforeJoin` runs on each guest's context before it opens the meeting (e.g. recordWire).
 */
export async function startSpeechScene(
  name: string,
  options: { env?: Record<string, string>; beforeJoin?: (context: BrowserContext) => Promise<unknown> } = {},
): Promise<SpeechScene> {
  const scratch = mkdtempSync(join(tmpdir(), 'conclave-speech-'));
  const wav = writeSpeechLikeWav(scratch);
  const server = await TestServer.start(options.env ? { env: options.env } : {});
  const browser = await TestBrowser.launch({ extraArgs: [`--use-file-for-fake-audio-capture=${wav}`] });
  const stop = async () => {
    await stopEnvironment({ server, browser });
    rmSync(scratch, { recursive: true, force: true });
  };
  await completeSetup(server);
  const a = await browser.newParticipant('Ada');
  await signIn(a.context, server);
  const { joinUrl } = await createMeeting(a.context, server, name);
  const ada = { name: 'Ada', page: a.page, id: await joinSignedIn(a.page, joinUrl) };
  const guest = async (who: string): Promise<InMeeting> => {
    const p = await browser.newParticipant(who);
    await options.beforeJoin?.(p.context);
    return { name: who, page: p.page, id: await joinAsGuest(p.page, joinUrl, who) };
  };
  const bob = await guest('Bob');
  const cleo = await guest('Cleo');
  return { server, browser, ada, adaContext: a.context, bob, cleo, joinUrl, stop };
}
