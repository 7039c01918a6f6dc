import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { JanusHandle, JanusSession, Jsep } from '../media/janus-client';
import { silentLogger, type MediaLogger } from '../media/logger';
import { GATEWAY_USER, TRUNK_HEADER } from './kamailio-config';
import { dtmfOf, incomingCallOf, type IncomingCallInfo } from './incoming-call';

const SIP_PLUGIN = 'janus.plugin.sip';

/** SIP status codes the gateway answers with. */
const SipStatus = {
  /** The offer had no SRTP: plain RTP is refused (INTEROP-SIP). */
  notAcceptableHere: 488,
  /** Nobody may join that way (E2EE meeting, unknown extension). */
  forbidden: 403,
  notFound: 404,
  busyHere: 486,
} as const;

export interface GatewayLineOptions {
  /** Our SIP proxy's loopback address, e.g. `sip:127.0.0.1:5070` (KamailioSupervisor.start). */
  proxy: string;
  /** The SIP domain endpoints dial. */
  domain: string;
  /** Calls at once: one Janus SIP handle each. Further callers get 486 Busy Here from Janus. */
  maxCalls: number;
  logger?: MediaLogger;
}

type CallEvents = {
  /** A DTMF digit, by RFC 4733 telephone-event or SIP INFO. */
  dtmf: [digit: string];
  /** The call is over (either side hung up, or the handle went away). */
  ended: [reason: string];
};

/**
 * One ringing or answered SIP call on one Janus SIP handle. Its WebRTC side is answered by whoever
 * bridges it (the gateway page, docs/sip.md) with an SDP answer to `offer`.
 */
export class SipCall extends EventEmitter<CallEvents> {
  private over = false;

  constructor(
    readonly info: IncomingCallInfo,
    /** Janus's WebRTC offer made from the caller's SDP. */
    readonly offer: Jsep,
    private readonly handle: JanusHandle,
  ) {
    super();
  }

  get isOver(): boolean {
    return this.over;
  }

  /**
   * Answers (200 OK) with the WebRTC side's answer; SRTP towards the caller is mandatory, except for
   * a plain-RTP call a `udp` trunk was allowed to bring (the line refuses any other).
   */
  async accept(answer: Jsep): Promise<void> {
    const srtp = this.info.srtp === 'none' ? {} : { srtp: 'sdes_mandatory' };
    await this.handle.send({ request: 'accept', ...srtp, autoaccept_reinvites: true }, answer);
  }

  /**
   * Refuses the ringing call with a SIP status code and, when given, a Reason header (RFC 3326) that
   * endpoints show: `SIP;cause=403;text="…"`.
   */
  async decline(code: number, reason?: string): Promise<void> {
    const headers = reason === undefined ? {} : { headers: { Reason: sipReason(code, reason) } };
    await this.handle.send({ request: 'decline', code, ...headers });
  }

  /** Ends an answered call (BYE). */
  async hangup(): Promise<void> {
    if (this.over) return;
    await this.handle.send({ request: 'hangup' });
  }

  /** @internal */
  end(reason: string): void {
    if (this.over) return;
    this.over = true;
    this.emit('ended', reason);
  }
}

type LineEvents = {
  /** A call rings on a free handle. Answer, decline or let it be: nobody answering is a 480 from Janus in time. */
  call: [call: SipCall];
};

/**
 * The gateway's SIP line: a Janus SIP handle registered at our SIP proxy as the gateway, plus helper
 * handles, one per call at once (the SIP plugin runs one call per handle and passes an INVITE that
 * finds its master busy to a free helper). Incoming calls are announced; everything about who may
 * join is decided by whoever listens, never here.
 */
export class GatewayLine extends EventEmitter<LineEvents> {
  private readonly handles: JanusHandle[] = [];
  private readonly calls = new Map<JanusHandle, SipCall>();
  private readonly logger: MediaLogger;

  private constructor(
    private readonly session: JanusSession,
    private readonly options: GatewayLineOptions,
  ) {
    super();
    this.logger = options.logger ?? silentLogger;
  }

  /** Attaches and registers the handles; resolves once the proxy accepted the registration. */
  static async open(session: JanusSession, options: GatewayLineOptions): Promise<GatewayLine> {
    if (!Number.isInteger(options.maxCalls) || options.maxCalls < 1) {
      throw new Error(`maxCalls must be a positive integer, got ${options.maxCalls}`);
    }
    const line = new GatewayLine(session, options);
    try {
      const master = await line.attach();
      const masterId = await line.register(master, {
        // Our proxy asks no credentials of loopback; the plugin wants one all the same.
        secret: randomBytes(16).toString('base64url'),
        proxy: options.proxy,
        // Kamailio's trunk mark reaches `incomingcall` (helpers take this from their master).
        incoming_header_prefixes: [TRUNK_HEADER],
      });
      for (let i = 1; i < options.maxCalls; i++) {
        await line.register(await line.attach(), { type: 'helper', master_id: masterId });
      }
    } catch (err) {
      await line.close();
      throw err;
    }
    return line;
  }

  /** Calls ringing or answered now. */
  activeCalls(): number {
    return this.calls.size;
  }

  /** Hangs up every call and detaches the handles (the master's detach unregisters). */
  async close(): Promise<void> {
    for (const call of this.calls.values()) await call.hangup().catch(() => undefined);
    for (const handle of this.handles.reverse()) await handle.detach().catch(() => undefined);
    this.handles.length = 0;
  }

  private async attach(): Promise<JanusHandle> {
    const handle = await this.session.attach(SIP_PLUGIN);
    this.handles.push(handle);
    handle.on('event', (data, jsep) => this.onEvent(handle, data, jsep));
    handle.on('detached', () => this.finish(handle, 'handle detached'));
    return handle;
  }

  /** Sends `register` and waits for `registered`; resolves with the master id it names. */
  private async register(handle: JanusHandle, extra: Record<string, unknown>): Promise<number> {
    const registered = new Promise<number>((resolve, reject) => {
      const onEvent = (data: Record<string, unknown>) => {
        const result = resultOf(data);
        if (result?.event === 'registered') {
          handle.off('event', onEvent);
          resolve(typeof result.master_id === 'number' ? result.master_id : 0);
        } else if (result?.event === 'registration_failed') {
          handle.off('event', onEvent);
          reject(new Error(`SIP registration failed: ${String(result.code)} ${String(result.reason)}`));
        }
      };
      handle.on('event', onEvent);
    });
    const reply = await handle.send({
      request: 'register',
      username: `sip:${GATEWAY_USER}@${this.options.domain}`,
      display_name: 'Conclave',
      ...extra,
    });
    // Helpers are registered at once, in the reply itself.
    const result = resultOf(reply.data);
    if (result?.event === 'registered') return typeof result.master_id === 'number' ? result.master_id : 0;
    return withTimeout(registered, 10_000, 'SIP registration');
  }

  private onEvent(handle: JanusHandle, data: Record<string, unknown>, jsep: Jsep | undefined): void {
    const result = resultOf(data);
    if (!result) return;
    const info = incomingCallOf(result, data.call_id);
    if (info) {
      if (!jsep || jsep.type !== 'offer') {
        // An offerless INVITE would need us to offer first: not supported, refuse it cleanly.
        void handle.send({ request: 'decline', code: SipStatus.notAcceptableHere }).catch(() => undefined);
        return;
      }
      const call = new SipCall(info, jsep, handle);
      this.calls.set(handle, call);
      this.logger.info({ callId: info.callId, srtp: info.srtp }, 'SIP call ringing');
      // Plain RTP only from a trunk that may send plain SIP/UDP, where SDES keys would be in clear anyway.
      if (info.srtp === 'none' && info.trunk?.transport !== 'udp') {
        void call.decline(SipStatus.notAcceptableHere).catch(() => undefined);
        return;
      }
      this.emit('call', call);
      return;
    }
    const call = this.calls.get(handle);
    if (!call) return;
    const digit = dtmfOf(result);
    if (digit) {
      call.emit('dtmf', digit);
      return;
    }
    if (result.event === 'hangup') this.finish(handle, `${String(result.code)} ${String(result.reason)}`);
  }

  private finish(handle: JanusHandle, reason: string): void {
    const call = this.calls.get(handle);
    if (!call) return;
    this.calls.delete(handle);
    this.logger.info({ callId: call.info.callId, reason }, 'SIP call ended');
    call.end(reason);
  }
}

/** A Reason header's value; the text is quoted, so quotes and backslashes in it are escaped. */
export function sipReason(code: number, text: string): string {
  return `SIP;cause=${code};text="${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\r\n]/g, ' ')}"`;
}

function resultOf(data: Record<string, unknown>): Record<string, unknown> | null {
  const result = data.result;
  return typeof result === 'object' && result !== null ? (result as Record<string, unknown>) : null;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
