/// <reference types="node" />
/**
 * Plays the Conclave server behind the SDK's `SocketFactory` seam: every socket a Room opens is a
 * `FakeServerSocket` that answers requests the way the real server does (`joined`, `publishAnswer`,
 * `ack`, `pong`), offers a subscription to everyone else's tracks after a join, and lets the test
 * push messages, drop the connection or end the participation.
 */
import type {
  CaptureNotice,
  ClientMessage,
  ClientMessageOf,
  ClientMessageType,
  DisconnectedReason,
  IceServerInfo,
  ParticipantInfo,
  ServerMessage,
  ServerMessageOf,
  StreamInfo,
  TrackSource,
} from '@conclave/protocol';
import type { SocketFactory, SocketLike } from '../../src/signaling';
import { toySdp } from './fake-webrtc';

export const SIGNALING_URL = 'ws://conclave.test/api/signal';

const OPEN = 1;
const CLOSED = 3;

/** A roster entry; `tracks` maps each published source to whether it is muted. */
export function participantInfo(
  id: string,
  displayName: string,
  tracks: Partial<Record<TrackSource, 'on' | 'muted'>> = {},
  kind: 'user' | 'guest' = 'user',
): ParticipantInfo {
  return {
    id,
    displayName,
    kind,
    moderator: false,
    joinedAt: '2026-12-01T10:00:00.000Z',
    tracks: (Object.entries(tracks) as [TrackSource, 'on' | 'muted'][]).map(([source, state]) => ({
      source,
      muted: state === 'muted',
    })),
  };
}

export class FakeServer {
  readonly sockets: FakeServerSocket[] = [];
  /** Everyone else in the meeting, as the roster lists them. */
  others: ParticipantInfo[] = [];
  iceServers: IceServerInfo[] = [];
  /** 'relay': the organisation relays all media (NET-TURN). */
  iceTransportPolicy: 'relay' | undefined;
  /** False: new sockets close before opening, as when the server cannot be reached. */
  reachable = true;
  /** When set, joins are refused with this error. */
  refuseJoin: Omit<ServerMessageOf<'error'>, 'type' | 'rid'> | null = null;
  /** When set, the server ends the participation instead of answering the publish (after `joined`). */
  endAtPublish: DisconnectedReason | null = null;
  /** When set, the server ends the participation right after answering the publish. */
  endAfterPublish: DisconnectedReason | null = null;
  /** True: joins wait in the lobby until the test calls `admitFromLobby`. */
  lobby = false;
  /** True: `joined` carries a resume token, and a join with `resume` takes the participation up again (NET-SCALE). */
  resumable = false;
  /** When set, resumes are refused with this error. */
  refuseResume: Omit<ServerMessageOf<'error'>, 'type' | 'rid'> | null = null;
  /** What `joined` says is recorded now (REC-NOTICE). */
  recording: CaptureNotice | null = null;
  /** When set, capture requests (startRecording…) are refused with this error. */
  refuseCapture: Omit<ServerMessageOf<'error'>, 'type' | 'rid'> | null = null;
  /** The media regions GET /api/regions lists: one by default, which the SDK does not measure. */
  regions: string[] = ['default'];
  /** Every URL the room fetched, in order. */
  readonly fetched: string[] = [];
  private joins = 0;
  /** Each participant this server seated, by id: what the roster says of them. */
  private readonly seated = new Map<string, ParticipantInfo>();
  private readonly waiting = new Map<FakeServerSocket, ClientMessageOf<'join'>>();
  /** The socket each wait in the lobby is on now, by its participant id. */
  private readonly waitingOn = new Map<string, FakeServerSocket>();

  /** The HTTP side: the regions list, and a 204 from each region's probe. */
  readonly fetch = async (url: string): Promise<Response> => {
    this.fetched.push(url);
    const base = new URL(SIGNALING_URL.replace(/^ws/, 'http'));
    if (url === new URL('/api/regions', base).toString()) {
      const regions = this.regions.map((name) => ({ name, probeUrl: `https://${name}.example/probe` }));
      return Response.json({ regions });
    }
    return new Response(null, { status: /^https:\/\/[a-z0-9-]+\.example\/probe$/.test(url) ? 204 : 404 });
  };

  /** A moderator let the join waiting on `socket` in: `joined` (without rid) follows. */
  admitFromLobby(socket: FakeServerSocket = this.socket): void {
    const join = this.waiting.get(socket);
    if (!join) throw new Error('Nobody waits on that socket');
    this.waiting.delete(socket);
    const { rid: _rid, ...rest } = join;
    socket.reply(this.joined(rest));
  }

  readonly createSocket: SocketFactory = (url, protocol) => {
    const socket = new FakeServerSocket(this, url, protocol);
    this.sockets.push(socket);
    const reachable = this.reachable;
    setTimeout(() => (reachable ? socket.accept() : socket.refuse()), 0);
    return socket;
  };

  /** The socket opened last. */
  get socket(): FakeServerSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('The room opened no socket');
    return socket;
  }

  /** @internal */
  answer(socket: FakeServerSocket, message: ClientMessage): void {
    const rid = 'rid' in message ? message.rid : undefined;
    switch (message.type) {
      case 'join':
        if (message.resume) {
          socket.reply(this.resume(socket, message, message.resume));
          return;
        }
        if (this.refuseJoin) {
          socket.reply({ type: 'error', rid, ...this.refuseJoin });
          return;
        }
        if (this.lobby) {
          const participantId = `self-${this.joins + 1}`;
          this.waiting.set(socket, message);
          this.waitingOn.set(participantId, socket);
          socket.reply({
            type: 'waiting',
            rid,
            participantId,
            meeting: { id: message.meetingId, name: 'Weekly sync' },
            ...(message.displayName !== undefined && { guestToken: `token-for-${message.displayName}` }),
            ...(this.resumable && { resumeToken: resumeToken(participantId) }),
          });
          return;
        }
        socket.reply(this.joined(message));
        if (this.others.some((p) => p.tracks.length > 0)) socket.reply(socket.subscriptionOffer(this.others));
        return;
      case 'publish':
        if (this.endAtPublish) socket.end(this.endAtPublish, 'You are no longer in the meeting.');
        else if (this.endAfterPublish) {
          // The answer, and the end right behind it: the client is still finishing its join.
          const reason = this.endAfterPublish;
          setTimeout(() => {
            socket.push({ type: 'publishAnswer', rid, sdp: toySdp([]) });
            socket.end(reason, 'You are no longer in the meeting.');
          }, 0);
        } else socket.reply({ type: 'publishAnswer', rid, sdp: toySdp([]) });
        return;
      case 'subscriptionAnswer':
      case 'setMute':
      case 'leave':
      case 'admit':
      case 'reject':
      case 'muteParticipants':
      case 'allowUnmute':
      case 'removeParticipants':
      case 'setModerator':
      case 'raiseHand':
      case 'lowerHand':
        socket.reply({ type: 'ack', rid });
        return;
      case 'startRecording':
      case 'stopRecording':
      case 'startStream':
      case 'stopStream':
        socket.reply(
          this.refuseCapture ? { type: 'error', rid, ...this.refuseCapture } : { type: 'ack', rid },
        );
        return;
      case 'ping':
        socket.reply({ type: 'pong', rid });
        return;
      case 'trickle':
        return;
    }
  }

  /**
   * What the server tells a participant whose meeting it now holds, on a resume or unasked (with
   * `rid` undefined): the roster as it is now, the same participant and token.
   */
  resumedJoined(participantId: string, rid?: string): ServerMessageOf<'joined'> {
    const self = this.seated.get(participantId);
    if (!self) throw new Error(`Nobody seated as ${participantId}`);
    return {
      type: 'joined',
      ...(rid !== undefined && { rid }),
      participantId,
      meeting: { id: 'meeting-1', name: 'Weekly sync' },
      participants: [self, ...this.others],
      iceServers: this.iceServers,
      ...(this.iceTransportPolicy && { iceTransportPolicy: this.iceTransportPolicy }),
      resumeToken: resumeToken(participantId),
      resumed: true,
      ...(this.recording && { recording: this.recording }),
    };
  }

  private resume(
    socket: FakeServerSocket,
    message: ClientMessageOf<'join'>,
    resume: { participantId: string; token: string },
  ): ServerMessage {
    const rid = message.rid;
    if (this.refuseResume) return { type: 'error', rid, ...this.refuseResume };
    const waitingOn = this.waitingOn.get(resume.participantId);
    const join = waitingOn && this.waiting.get(waitingOn);
    if (join && resume.token === resumeToken(resume.participantId)) {
      // The wait goes on on the new socket: the admission will come there.
      this.waiting.delete(waitingOn);
      this.waiting.set(socket, join);
      this.waitingOn.set(resume.participantId, socket);
      return {
        type: 'waiting',
        rid,
        participantId: resume.participantId,
        meeting: { id: message.meetingId, name: 'Weekly sync' },
        resumeToken: resume.token,
        resumed: true,
      };
    }
    if (!this.seated.has(resume.participantId) || resume.token !== resumeToken(resume.participantId)) {
      return { type: 'error', rid, code: 'resume_failed', message: 'No such participation' };
    }
    return this.resumedJoined(resume.participantId, rid);
  }

  private joined(message: ClientMessageOf<'join'>): ServerMessageOf<'joined'> {
    const guest = message.guestToken !== undefined || message.displayName !== undefined;
    const self = participantInfo(
      `self-${++this.joins}`,
      message.displayName ?? (guest ? 'Guest' : 'Owner'),
      {},
      guest ? 'guest' : 'user',
    );
    this.seated.set(self.id, self);
    return {
      type: 'joined',
      ...(message.rid !== undefined && { rid: message.rid }),
      participantId: self.id,
      meeting: { id: message.meetingId, name: 'Weekly sync' },
      participants: [self, ...this.others],
      iceServers: this.iceServers,
      ...(this.iceTransportPolicy && { iceTransportPolicy: this.iceTransportPolicy }),
      // A guest who named themselves gets a token to rejoin with, as the real server does.
      ...(message.displayName !== undefined && { guestToken: `token-for-${message.displayName}` }),
      ...(this.resumable && { resumeToken: resumeToken(self.id) }),
      ...(this.recording && { recording: this.recording }),
    };
  }
}

function resumeToken(participantId: string): string {
  return `resume-token-of-${participantId}`;
}

/** One socket a Room opened, seen from the server's side. */
export class FakeServerSocket implements SocketLike {
  readyState = 0;
  protocol = '';
  /** Everything the client sent on this socket, in order. */
  readonly received: ClientMessage[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  /** Media section per stream key, stable across offers as with the real media server. */
  private readonly mids = new Map<string, string>();

  constructor(
    private readonly server: FakeServer,
    readonly url: string,
    readonly requestedProtocol: string,
  ) {}

  send(data: string): void {
    const message = JSON.parse(data) as ClientMessage;
    this.received.push(message);
    this.server.answer(this, message);
  }

  close(): void {
    this.readyState = CLOSED;
  }

  /** Messages of one type the client sent. */
  sent<T extends ClientMessageType>(type: T): Omit<ClientMessageOf<T>, 'rid'>[] {
    return this.received
      .filter((m): m is ClientMessageOf<T> => m.type === type)
      .map((m) => {
        const copy: Record<string, unknown> = { ...m };
        delete copy.rid;
        return copy as Omit<ClientMessageOf<T>, 'rid'>;
      });
  }

  /** The order in which the client sent messages of these types. */
  order(...types: ClientMessageType[]): ClientMessageType[] {
    return this.received.map((m) => m.type).filter((t) => types.includes(t));
  }

  /** @internal */
  accept(): void {
    this.readyState = OPEN;
    this.protocol = this.requestedProtocol;
    this.onopen?.({} as Event);
  }

  /** @internal */
  refuse(): void {
    this.readyState = CLOSED;
    this.onclose?.({ code: 1006, reason: '', wasClean: false } as CloseEvent);
  }

  /** Sends a message to the client now. */
  push(message: ServerMessage): void {
    if (this.readyState !== OPEN) return;
    this.onmessage?.({ data: JSON.stringify(message) } as MessageEvent);
  }

  /** Sends a message to the client after the current task, as a reply over the network would arrive. */
  reply(message: ServerMessage): void {
    setTimeout(() => this.push(message), 0);
  }

  /** The subscription offer the server sends for everything these participants publish. */
  subscriptionOffer(participants: readonly ParticipantInfo[]): ServerMessageOf<'subscriptionOffer'> {
    const streams: StreamInfo[] = [];
    for (const p of participants) {
      for (const { source } of p.tracks) {
        const key = `${p.id}/${source}`;
        const mid = this.mids.get(key) ?? String(this.mids.size);
        this.mids.set(key, mid);
        streams.push({ mid, participantId: p.id, source, kind: source === 'microphone' ? 'audio' : 'video' });
      }
    }
    return { type: 'subscriptionOffer', sdp: toySdp(streams), streams };
  }

  /** The connection is gone without a word (network loss, server killed). */
  drop(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.onclose?.({ code: 1006, reason: '', wasClean: false } as CloseEvent);
  }

  /** The server ends the participation: a `disconnected` frame, then the close. */
  end(reason: DisconnectedReason, message = ''): void {
    this.push({ type: 'disconnected', reason, message });
    this.readyState = CLOSED;
    this.onclose?.({ code: reason === 'media_failure' ? 1011 : 1000, reason, wasClean: true } as CloseEvent);
  }
}

/** Resolves once `check` holds, polling; fails the test with `what` after `timeoutMs`. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
