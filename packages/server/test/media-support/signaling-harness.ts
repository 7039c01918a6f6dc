import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SIGNALING_PATH,
  SIGNALING_SUBPROTOCOL,
  type ServerMessage,
  type ServerMessageOf,
} from '@conclave/protocol';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import WebSocket from 'ws';
import type { GuestPrincipal, UserPrincipal } from '../../src/domain';
import { systemClock } from '../../src/common/clock';
import { memoryLimiters } from '../../src/common/rate-limit';
import { silentLogger } from '../../src/media/logger';
import { createMediaPlane, type MediaPlane } from '../../src/media/media-plane';
import { signalingPlugin, type SignalingOptions } from '../../src/signaling/plugin';
import { RoomRegistry } from '../../src/rooms';
import { PasscodeGate } from '../../src/meetings';
import type { E2eeAnchorStore, MeetingLookup, MeetingRecord, PrincipalSource } from '../../src/domain';
import { e2eeRoomContext } from '../../src/e2ee';
import { JANUS_BINARY } from './janus';

const PUBLIC_URL = 'http://conclave.test:8080';
const ORIGIN = new URL(PUBLIC_URL).origin;

/**
 * Stand-ins for auth/ and meetings/ (tested on their own): users hold a `test_session` cookie,
 * guests a token, both looked up in maps the test fills.
 */
class TestDirectory implements PrincipalSource, MeetingLookup, E2eeAnchorStore {
  readonly sessions = new Map<string, UserPrincipal>();
  readonly guests = new Map<string, GuestPrincipal>();
  readonly meetings = new Map<string, MeetingRecord>();

  async principalFromRequest(request: FastifyRequest): Promise<UserPrincipal | null> {
    const m = /(?:^|;\s*)test_session=([^;]+)/.exec(request.headers.cookie ?? '');
    return (m && this.sessions.get(m[1]!)) ?? null;
  }
  /** The harness has no room systems (see signaling-room-systems.test.ts for them). */
  async roomFromRequest(): Promise<null> {
    return null;
  }
  async principalFromGuestToken(token: string): Promise<GuestPrincipal | null> {
    return this.guests.get(token) ?? null;
  }
  /** Guests who joined with a display name; the harness has no per-address guest limit. */
  async limitNewGuests(): Promise<void> {}
  async newGuest(meeting: MeetingRecord, displayName: string) {
    const token = `issued-${this.guests.size + 1}`;
    return { principal: this.guest(token, meeting, displayName), token };
  }
  async findMeeting(id: string): Promise<MeetingRecord | null> {
    return this.meetings.get(id) ?? null;
  }
  async setE2eeAnchorKey(meetingId: string, key: string | null): Promise<boolean> {
    const meeting = this.meetings.get(meetingId);
    if (!meeting?.e2ee) return false;
    meeting.e2eeAnchorKey = key;
    return true;
  }

  user(cookie: string, organisationId: string, displayName: string): UserPrincipal {
    const principal: UserPrincipal = {
      kind: 'user',
      userId: `user-${cookie}`,
      organisationId,
      displayName,
      role: 'user',
      sessionId: `session-${cookie}`,
    };
    this.sessions.set(cookie, principal);
    return principal;
  }
  guest(token: string, meeting: MeetingRecord, displayName: string): GuestPrincipal {
    const principal: GuestPrincipal = {
      kind: 'guest',
      guestId: `guest-${token}`,
      organisationId: meeting.organisationId,
      meetingId: meeting.id,
      displayName,
    };
    this.guests.set(token, principal);
    return principal;
  }
  async hasEnded(): Promise<boolean> {
    return false;
  }
  meeting(id: string, organisationId: string, name: string, e2ee = false, ownerId = 'owner'): MeetingRecord {
    const record = {
      id,
      organisationId,
      ownerId,
      name,
      e2ee,
      e2eeAnchorKey: null,
      passcodeHash: null,
      lobby: 'off' as const,
    };
    this.meetings.set(id, record);
    return record;
  }
}

/** A real embedded media plane (its own Janus), started; `stop()` also removes its temp folder. */
export async function startTestMediaPlane(): Promise<{ media: MediaPlane; stop(): Promise<void> }> {
  const tempDir = await mkdtemp(join(tmpdir(), 'conclave-test-signal-'));
  const media = createMediaPlane(
    {
      mode: 'embedded',
      servers: [{ region: 'default', capacity: 200 }],
      regionProbes: {},
      janusBinary: JANUS_BINARY,
      janusWsPort: 0,
      rtpPortRange: { min: 41000, max: 41999 },
      iceInterfaces: process.env.CONCLAVE_MEDIA_INTERFACE ?? null,
      publicIp: null,
    },
    silentLogger,
    { supervisor: { tempDir, debugLevel: 3, restartBackoff: { initialMs: 100, maxMs: 1000 } } },
  );
  await media.start();
  return {
    media,
    async stop() {
      await media.stop();
      await rm(tempDir, { recursive: true, force: true });
    },
  };
}

/** A real embedded media plane plus a small Fastify app with only the signaling plugin. */
export async function startSignalingServer(
  options: Partial<SignalingOptions> & {
    media?: MediaPlane;
    maxParticipants?: number;
    e2eeRotateMs?: number;
    /** How long a dropped participant keeps its seat (MEET-RECONNECT; default the server's, 20 s). */
    reconnectGraceMs?: number;
  } = {},
) {
  const own = options.media ? null : await startTestMediaPlane();
  const media = options.media ?? own!.media;
  const directory = new TestDirectory();
  const rooms = new RoomRegistry({
    media,
    clock: systemClock,
    logger: silentLogger,
    maxParticipants: options.maxParticipants ?? 100,
    e2ee: e2eeRoomContext(directory, options.e2eeRotateMs ?? 0),
    ...(options.reconnectGraceMs !== undefined && { reconnectGraceMs: options.reconnectGraceMs }),
  });
  const app: FastifyInstance = Fastify({ logger: false });
  const {
    media: _media,
    maxParticipants: _max,
    e2eeRotateMs: _rotate,
    reconnectGraceMs: _grace,
    ...signaling
  } = options;
  await app.register(signalingPlugin, {
    auth: directory,
    meetings: directory,
    entry: new PasscodeGate(memoryLimiters(systemClock)),
    publicUrl: PUBLIC_URL,
    clock: systemClock,
    rooms,
    ...signaling,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    media,
    rooms,
    directory,
    url: `ws://127.0.0.1:${port}${SIGNALING_PATH}`,
    async stop() {
      await app.close();
      await own?.stop();
    },
  };
}

export interface ConnectOptions {
  cookie?: string;
  /** A raw Cookie header (e.g. a real session cookie), instead of the stand-in `test_session`. */
  cookieHeader?: string;
  /** More headers of the upgrade request (e.g. an Authorization header the socket must ignore). */
  headers?: Record<string, string>;
  origin?: string | null;
  protocol?: string;
  autoPong?: boolean;
}

/** Opens a socket and resolves once it is open, or rejects with the HTTP status that refused it. */
export function openSocket(url: string, options: ConnectOptions = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.cookie) headers.cookie = `test_session=${options.cookie}`;
    if (options.cookieHeader) headers.cookie = options.cookieHeader;
    const origin = options.origin === undefined ? ORIGIN : options.origin;
    if (origin !== null) headers.origin = origin;
    const ws = new WebSocket(url, options.protocol ?? SIGNALING_SUBPROTOCOL, {
      headers,
      autoPong: options.autoPong ?? true,
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`refused with HTTP ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** A signaling client for tests: records every frame and waits for the ones asked for. */
export class SignalClient {
  readonly received: ServerMessage[] = [];
  closeCode: number | null = null;
  private waiters: Array<{ match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }> = [];
  private closeWaiters: Array<(code: number) => void> = [];
  private nextRid = 0;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      this.received.push(message);
      for (const w of [...this.waiters]) {
        if (w.match(message)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(message);
        }
      }
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      for (const resolve of this.closeWaiters.splice(0)) resolve(code);
    });
  }

  static async connect(url: string, options: ConnectOptions = {}): Promise<SignalClient> {
    return new SignalClient(await openSocket(url, options));
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: object | string): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Sends a request with a fresh rid and resolves with the reply carrying it. */
  async request(message: { type: string } & Record<string, unknown>, ms = 5_000): Promise<ServerMessage> {
    const rid = `r${++this.nextRid}`;
    const reply = this.wait((m) => 'rid' in m && m.rid === rid, ms, `reply to ${message.type}`, true);
    this.send({ ...message, rid });
    return reply;
  }

  /** The next frame (already received or still to come) of this type that matches. */
  next<T extends ServerMessage['type']>(
    type: T,
    match: (m: ServerMessageOf<T>) => boolean = () => true,
    ms = 5_000,
  ): Promise<ServerMessageOf<T>> {
    const seen = this.received.find((m) => m.type === type && match(m as ServerMessageOf<T>));
    if (seen) {
      this.received.splice(this.received.indexOf(seen), 1);
      return Promise.resolve(seen as ServerMessageOf<T>);
    }
    return this.wait((m) => m.type === type && match(m as ServerMessageOf<T>), ms, type, true) as Promise<
      ServerMessageOf<T>
    >;
  }

  closed(ms = 5_000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), ms);
      this.closeWaiters.push((code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  close(): void {
    this.ws.close();
  }

  /** Drops the connection without a close frame, as a lost network does (the server sees 1006). */
  drop(): void {
    this.ws.terminate();
  }

  private wait(
    match: (m: ServerMessage) => boolean,
    ms: number,
    what: string,
    consume = false,
  ): Promise<ServerMessage> {
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: ServerMessage) => {
          clearTimeout(timer);
          if (consume) this.received.splice(this.received.indexOf(m), 1);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(`timed out waiting for ${what}; got ${this.received.map((m) => m.type).join(', ')}`),
        );
      }, ms);
      this.waiters.push(waiter);
    });
  }
}
