import { createHash, randomBytes } from 'node:crypto';
import type { SipGatewayClientMessage, SipGatewayServerMessage, SipPrompt } from '@conclave/protocol';
import { HeadlessBrowser } from '../common/headless-browser';
import type { MeetingRecord } from '../domain';
import { silentLogger, type MediaLogger } from '../media/logger';
import type { CallerIdentity } from './caller';
import type { AnsweredCall, SipBridge } from './dial-in';
import type { SipCall } from './gateway-line';

/** How the server reaches one gateway page: its socket (gateway-socket.ts). */
export interface PageLink {
  send(message: SipGatewayServerMessage): void;
  close(): void;
}

/** The browser a page runs in: closed when the call is over. */
interface PageBrowser {
  close(): Promise<void>;
}

export interface GatewayPagesOptions {
  /** The service's public address: the gateway page comes from there, like everyone's. */
  publicUrl: string;
  /** Debian's Chromium. */
  browser: string;
  /** A guest token for a caller let into `meeting`, as the roster shows them (the passcode was checked). */
  issueToken(meeting: MeetingRecord, caller: CallerIdentity): Promise<string>;
  /** How long a page has for each step: to say hello, answer, play a prompt, enter (default 30 s). */
  stepTimeoutMs?: number;
  /** Stands in for Chromium in tests of the socket. */
  launch?: (url: string) => Promise<PageBrowser>;
  logger?: MediaLogger;
}

type Expected = Exclude<SipGatewayClientMessage['type'], 'dtmf' | 'left'>;
type MessageOf<T extends Expected> = Extract<SipGatewayClientMessage, { type: T }>;

/** How long a page has to leave its meeting when the call ends, before its browser is closed. */
const LEAVE_MS = 3_000;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * The SIP calls' gateway pages (INTEROP-SIP, INTEROP-PSTN, docs/sip.md): for each call answered, a
 * headless Chromium on the app's gateway page, known by a token of its own (kept hashed, good for
 * that call only). The page answers Janus's WebRTC side of the call, plays the IVR's prompts, hears
 * the caller's keypad tones, and enters the meeting as the caller once DialIn lets it.
 */
export class GatewayPages implements SipBridge {
  private readonly pages = new Map<string, GatewayPage>();
  private readonly logger: MediaLogger;

  constructor(private readonly options: GatewayPagesOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  async answer(call: SipCall): Promise<AnsweredCall> {
    const token = randomBytes(32).toString('base64url');
    const key = hash(token);
    const page = new GatewayPage(call, this.options, this.logger, () => this.pages.delete(key));
    this.pages.set(key, page);
    const url = new URL('/sip-gateway.html', this.options.publicUrl);
    url.hash = new URLSearchParams({ token }).toString();
    const launch =
      this.options.launch ??
      ((href: string) => HeadlessBrowser.launch(this.options.browser, href, 'sip-gateway'));
    return page.open(() => launch(url.href));
  }

  /** Calls with a page open (each a headless browser), for the metrics. */
  get open(): number {
    return this.pages.size;
  }

  /** The page whose socket says hello with `token`, while its call waits for it; else null. */
  find(token: string): GatewayPage | null {
    return this.pages.get(hash(token)) ?? null;
  }

  /** The server stops: every call is hung up and its page closed. */
  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.pages.values()].map((page) => page.close('the server stops')));
  }
}

/** One call's page, from its launch to the call's end. */
export class GatewayPage {
  private link: PageLink | null = null;
  private browser: PageBrowser | null = null;
  private closed = false;
  /** Set while the page is in (or joining) the meeting: it is asked to leave before it is closed. */
  private inMeeting = false;
  private onLeft: (() => void) | null = null;
  private readonly waits = new Map<
    Expected,
    { resolve: (message: SipGatewayClientMessage) => void; reject: (err: Error) => void }
  >();
  private readonly stepMs: number;

  constructor(
    private readonly call: SipCall,
    private readonly options: GatewayPagesOptions,
    private readonly logger: MediaLogger,
    private readonly release: () => void,
  ) {
    this.stepMs = options.stepTimeoutMs ?? 30_000;
  }

  /** Launches the page, has it answer the call's offer, and answers the call (200 OK) with that. */
  async open(launch: () => Promise<PageBrowser>): Promise<AnsweredCall> {
    this.call.once('ended', () => void this.close('the caller hung up'));
    try {
      const hello = this.expect('hello');
      this.browser = await launch();
      if (this.closed) throw new Error('the call ended while its page started');
      await hello;
      const answer = this.expect('answer');
      this.send({ type: 'offer', sdp: this.call.offer.sdp ?? '' });
      const { sdp } = await answer;
      await this.call.accept({ type: 'answer', sdp });
    } catch (err) {
      await this.close((err as Error).message);
      throw err;
    }
    return {
      prompt: async (prompt: SipPrompt) => {
        const played = this.expect('prompted');
        this.send({ type: 'prompt', prompt });
        await played;
      },
      enter: async (meeting: MeetingRecord, caller: CallerIdentity) => {
        const guestToken = await this.options.issueToken(meeting, caller);
        const entered = this.expect('entered');
        this.inMeeting = true;
        this.send({ type: 'enter', meetingId: meeting.id, guestToken, audioOnly: caller.kind === 'phone' });
        await entered;
      },
    };
  }

  /** Its socket said hello with the right token: taken once. */
  connected(link: PageLink): boolean {
    if (this.link || this.closed) return false;
    this.link = link;
    this.settle({ type: 'hello', token: '' });
    return true;
  }

  message(message: SipGatewayClientMessage): void {
    switch (message.type) {
      case 'dtmf':
        // Keypad tones heard in the caller's audio: to the IVR, as the SIP plugin's would go.
        this.call.emit('dtmf', message.digit);
        return;
      case 'left':
        // Removed by a moderator, refused at the lobby, the meeting ended, or told to by `close`.
        this.logger.info({ callId: this.call.info.callId, reason: message.reason }, 'SIP caller left');
        this.inMeeting = false;
        this.onLeft?.();
        void this.hangUp();
        return;
      default:
        this.settle(message);
    }
  }

  /** Its socket closed: the page is gone, so is the call. */
  disconnected(): void {
    this.link = null;
    void this.close('the gateway page went away');
  }

  async close(reason: string): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.release();
    for (const wait of this.waits.values()) wait.reject(new Error(`the gateway page closed: ${reason}`));
    this.waits.clear();
    // A page that just vanished would keep the caller's seat for the reconnect grace: it leaves first.
    const left =
      this.inMeeting && this.link
        ? new Promise<void>((resolve) => {
            this.onLeft = resolve;
            setTimeout(resolve, LEAVE_MS);
          })
        : null;
    this.send({ type: 'hangup' });
    await left;
    this.link?.close();
    this.link = null;
    await this.hangUp();
    await this.browser?.close().catch(() => undefined);
  }

  private async hangUp(): Promise<void> {
    if (!this.call.isOver) await this.call.hangup().catch(() => undefined);
  }

  private send(message: SipGatewayServerMessage): void {
    this.link?.send(message);
  }

  private expect<T extends Expected>(type: T): Promise<MessageOf<T>> {
    return new Promise<MessageOf<T>>((resolve, reject) => {
      if (this.closed) return reject(new Error('the gateway page is closed'));
      const timer = setTimeout(() => {
        this.waits.delete(type);
        reject(new Error(`the gateway page did not say ${type} within ${this.stepMs} ms`));
      }, this.stepMs);
      this.waits.set(type, {
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message as MessageOf<T>);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  /** A message the server waits for; one it does not wait for is out of turn and ignored. */
  private settle(message: SipGatewayClientMessage): void {
    const wait = this.waits.get(message.type as Expected);
    if (!wait) return;
    this.waits.delete(message.type as Expected);
    wait.resolve(message);
  }
}
