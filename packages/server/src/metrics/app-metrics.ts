import type { ClientMessageType, DisconnectedReason, ErrorCode } from '@conclave/protocol';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Principal } from '../domain';
import type { JanusErrorKind } from '../media/janus-client';
import type { MediaPlane } from '../media/media-plane';
import type { MediaStatus } from '../media/status';
import {
  MOVE_OUTCOMES,
  SIP_CALL_OUTCOMES,
  type ActiveRooms,
  type HandshakeRefusal,
  type JoinStep,
  type MoveOutcome,
  type RoomMetrics,
  type SignalingMetrics,
  type SipCallOutcome,
  type SipMetrics,
} from './ports';

/** 5 ms to 10 s: a quick API call to a join that waited for a restarting media server. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const JANUS_ERROR_KINDS: readonly JanusErrorKind[] = ['api', 'plugin', 'timeout', 'closed'];
const HANDSHAKE_REFUSALS: readonly HandshakeRefusal[] = [
  'not_websocket',
  'subprotocol',
  'origin',
  'too_many_sockets',
];
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * The metrics of one app instance, in a registry of its own: tests build several apps in one process,
 * and none may see another's counts. Label values come only from closed sets (route patterns, message
 * types, error codes, reasons), never from IDs or raw URLs, so the number of series stays bounded.
 */
export class AppMetrics implements SignalingMetrics, RoomMetrics, SipMetrics {
  private readonly registry = new Registry();
  private readActive: () => ActiveRooms = () => ({ meetings: 0, participants: 0, waiting: 0, servers: [] });
  private readMedia: () => MediaStatus = () => 'unavailable';
  private readonly httpRequests = this.counter(
    'conclave_http_requests_total',
    'HTTP requests answered, by method, route pattern and status class',
    ['method', 'route', 'status_class'],
  );
  private readonly httpDuration = new Histogram({
    name: 'conclave_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly socketsOpen = new Gauge({
    name: 'conclave_signaling_sockets_open',
    help: 'Open signaling WebSockets',
    registers: [this.registry],
  });
  private readonly handshakesRefused = this.counter(
    'conclave_signaling_handshakes_refused_total',
    'Signaling handshakes refused before the upgrade, by reason',
    ['reason'],
  );
  private readonly messages = this.counter(
    'conclave_signaling_messages_received_total',
    'Signaling frames that passed the rate limit, by message type (invalid: did not parse)',
    ['type'],
  );
  private readonly errors = this.counter(
    'conclave_signaling_errors_sent_total',
    'Signaling error frames sent, by error code',
    ['code'],
  );
  private readonly joinSteps = new Histogram({
    name: 'conclave_join_step_seconds',
    help:
      'Server-side steps of joining, from the client frame arriving: join_to_joined (join to joined sent), ' +
      'join_to_first_offer (join to the first subscriptionOffer, when someone was already publishing), ' +
      'publish_to_answer (publish to publishAnswer sent)',
    labelNames: ['step'],
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });
  private readonly joins = this.counter(
    'conclave_participant_joins_total',
    'Participants admitted to a meeting, by kind (user or guest)',
    ['kind'],
  );
  private readonly leaves = this.counter(
    'conclave_participant_leaves_total',
    'Participants gone from a meeting, by reason',
    ['reason'],
  );
  private readonly moves = this.counter(
    'conclave_meeting_media_moves_total',
    'Meetings whose media server was lost: moved to another (moved) or ended (failed)',
    ['outcome'],
  );
  private readonly janusExits = this.counter(
    'conclave_janus_exits_total',
    'Exits of the embedded Janus; unexpected ones (expected="false") are followed by a restart',
    ['expected'],
  );
  private readonly mediaConnectionsLost = this.counter(
    'conclave_media_connections_lost_total',
    'Janus API connections lost; the rooms on them ended',
    [],
  );
  private readonly sipCalls = this.counter(
    'conclave_sip_calls_total',
    'SIP and phone calls that rang, by outcome: entered, refused_e2ee, unanswered (no gateway page), ' +
      'no_meeting, wrong_passcode, hung_up, failed',
    ['outcome'],
  );
  private readonly janusFailures = this.counter(
    'conclave_janus_request_failures_total',
    'Janus API requests that failed: api (core error), plugin (VideoRoom error), timeout, closed',
    ['kind'],
  );

  constructor() {
    // Read at each scrape from the rooms and the media plane themselves, so they cannot drift.
    const active = () => this.readActive();
    this.sampled('conclave_meetings_active', 'Meetings with a room on this server', () => active().meetings);
    this.sampled('conclave_participants_active', 'Participants in meetings on this server', () => {
      return active().participants;
    });
    this.sampled('conclave_lobby_waiting', 'People waiting in meeting lobbies on this server', () => {
      return active().waiting;
    });
    // Labelled by the configured servers' ids and regions: a closed set, fixed at start.
    new Gauge({
      name: 'conclave_media_participants',
      help: 'Participants in meetings placed on each media server, by server id and region',
      labelNames: ['server', 'region'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of active().servers) this.set({ server: s.server, region: s.region }, s.participants);
      },
    });
    this.sampled('conclave_media_ready', 'Whether the media plane can host meetings (1) or not (0)', () =>
      this.readMedia() === 'ready' ? 1 : 0,
    );
    // Known label sets start at zero, so a rate over them works from the first scrape.
    for (const expected of ['true', 'false']) this.janusExits.inc({ expected }, 0);
    for (const kind of JANUS_ERROR_KINDS) this.janusFailures.inc({ kind }, 0);
    for (const reason of HANDSHAKE_REFUSALS) this.handshakesRefused.inc({ reason }, 0);
    for (const outcome of MOVE_OUTCOMES) this.moves.inc({ outcome }, 0);
  }

  /** The Prometheus text exposition: this app's metrics, then the process's. */
  async exposition(): Promise<string> {
    return (await this.registry.metrics()) + (await processRegistry().metrics());
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  httpRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    const labels = { method: HTTP_METHODS.has(method) ? method : 'other', route: route ?? 'unmatched' };
    this.httpRequests.inc({ ...labels, status_class: `${Math.floor(status / 100)}xx` });
    this.httpDuration.observe(labels, seconds);
  }

  /** Media readiness is read at each scrape. */
  observeMediaStatus(read: () => MediaStatus): void {
    this.readMedia = read;
  }

  /** Counts Janus exits, lost connections and failed requests; returns the way to stop. */
  watchMedia(media: MediaPlane): () => void {
    const onExit = (exit: { expected: boolean }) => this.janusExits.inc({ expected: String(exit.expected) });
    const onLost = () => this.mediaConnectionsLost.inc();
    const onFailure = (kind: JanusErrorKind) => this.janusFailures.inc({ kind });
    media.on('janusExited', onExit).on('nodeLost', onLost).on('requestFailed', onFailure);
    return () => {
      media.off('janusExited', onExit).off('nodeLost', onLost).off('requestFailed', onFailure);
    };
  }

  socketOpened(): void {
    this.socketsOpen.inc();
  }
  socketClosed(): void {
    this.socketsOpen.dec();
  }
  handshakeRefused(reason: HandshakeRefusal): void {
    this.handshakesRefused.inc({ reason });
  }
  messageReceived(type: ClientMessageType | 'invalid'): void {
    this.messages.inc({ type });
  }
  errorSent(code: ErrorCode): void {
    this.errors.inc({ code });
  }
  joinStep(step: JoinStep, seconds: number): void {
    this.joinSteps.observe({ step }, seconds);
  }
  participantJoined(kind: Principal['kind']): void {
    this.joins.inc({ kind });
  }
  participantLeft(reason: DisconnectedReason): void {
    this.leaves.inc({ reason });
  }
  meetingMoved(outcome: MoveOutcome): void {
    this.moves.inc({ outcome });
  }
  /** With several control-plane nodes (NET-SCALE): what this node owns and forwards, read at each scrape. */
  observeCluster(read: () => { owned: number; hostedSeats: number; remoteSeats: number }): void {
    this.sampled(
      'conclave_cluster_meetings_owned',
      'Meetings whose live state this node holds (their lease)',
      () => read().owned,
    );
    this.sampled(
      'conclave_cluster_participants_forwarded_in',
      'Participants of meetings owned here whose signaling sockets are on other nodes',
      () => read().hostedSeats,
    );
    this.sampled(
      'conclave_cluster_sockets_forwarded_out',
      'Signaling sockets on this node whose meeting another node owns (their requests are forwarded)',
      () => read().remoteSeats,
    );
  }

  observeActive(read: () => ActiveRooms): void {
    this.readActive = read;
  }

  sipCallEnded(outcome: SipCallOutcome): void {
    this.sipCalls.inc({ outcome });
  }
  /** Only with a SIP gateway: its outcomes start at zero then, and the gauge appears. */
  observeSipCalls(read: () => number): void {
    for (const outcome of SIP_CALL_OUTCOMES) this.sipCalls.inc({ outcome }, 0);
    this.sampled(
      'conclave_sip_calls_active',
      'SIP and phone calls answered and not yet over, each with a gateway page (a headless browser)',
      read,
    );
  }

  private counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private sampled(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }
}

let processMetrics: Registry | null = null;

/**
 * CPU, memory, event-loop lag, GC: facts about the process, the same for every app in it. Collected
 * once per process, because each collector starts monitors that are never stopped.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}
