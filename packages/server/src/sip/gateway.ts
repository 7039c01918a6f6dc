import type { Config } from '../config';
import type { SipConfig } from '../config/sip';
import type { MeetingStore } from '../meetings';
import type { MeetingEntry } from '../domain';
import { JanusClient } from '../media/janus-client';
import { JanusSupervisor } from '../media/janus-supervisor';
import { silentLogger, type MediaLogger } from '../media/logger';
import type { MediaStatus } from '../media/status';
import { mediaAddress } from '../turn/media-address';
import type { SipMetrics } from '../metrics';
import { DialIn, type DialInMeetings, type DialInOptions, type SipBridge } from './dial-in';
import { GatewayLine } from './gateway-line';
import { KamailioSupervisor } from './kamailio-supervisor';

export interface SipGatewayOptions {
  config: Extract<SipConfig, { mode: 'embedded' }>;
  /** The address SIP endpoints reach (TLS) and SIP media flows on: the media address. */
  ip: string;
  janusBinary: string;
  meetings: DialInMeetings;
  entry: MeetingEntry;
  bridge: SipBridge;
  dialIn?: Partial<DialInOptions>;
  /** Where each call's outcome is counted (the app's metrics). */
  metrics?: Pick<SipMetrics, 'sipCallEnded'>;
  logger?: MediaLogger;
  /** Parent of the generated configuration folders (default: the system temp folder). */
  tempDir?: string;
  restartBackoff?: { initialMs: number; maxMs: number };
}

/**
 * The SIP gateway as the server runs it (INTEROP-SIP, docs/sip.md): Kamailio as the front door over
 * TLS, a Janus of its own holding the calls with its SIP plugin (apart from the meetings' media
 * servers, so it works with the operator's Janus too), the line registered there, and every ringing
 * call handed to the dial-in. When either process restarts, the line registers again.
 */
export class SipGateway {
  private readonly kamailio: KamailioSupervisor;
  private readonly janus: JanusSupervisor;
  private readonly dialIn: DialIn;
  private readonly logger: MediaLogger;
  private client: JanusClient | null = null;
  private line: GatewayLine | null = null;
  private proxy: string | null = null;
  private stopped = true;
  /** Set once start() opened the line: from then on, a process that comes back reopens it. */
  private started = false;
  /** Line (re)openings, one after the other. */
  private opening: Promise<void> = Promise.resolve();

  constructor(private readonly options: SipGatewayOptions) {
    this.logger = options.logger ?? silentLogger;
    const { config } = options;
    this.dialIn = new DialIn(options.meetings, options.entry, options.bridge, options.dialIn, this.logger);
    this.kamailio = new KamailioSupervisor({
      tls: {
        ip: options.ip,
        port: config.tls.port,
        certFile: config.tls.certFile,
        keyFile: config.tls.keyFile,
      },
      domain: config.domain,
      invitesPerMinute: config.invitesPerMinute,
      trunks: config.trunks,
      udpPort: config.udpPort,
      gatewayPort: 0,
      logger: this.logger,
      ...(options.tempDir && { tempDir: options.tempDir }),
      ...(options.restartBackoff && { restartBackoff: options.restartBackoff }),
    });
    this.janus = new JanusSupervisor({
      binary: options.janusBinary,
      wsPort: 0,
      rtpPortRange: config.webrtcPorts,
      // The gateway page runs on this machine: its WebRTC side needs no other interface.
      iceInterfaces: options.ip,
      logger: this.logger,
      sip: { signalingIp: '127.0.0.1', mediaIp: options.ip, rtpPortRange: config.sipRtpPorts },
      ...(options.tempDir && { tempDir: options.tempDir }),
      ...(options.restartBackoff && { restartBackoff: options.restartBackoff }),
    });
    this.kamailio.on('ready', (endpoint) => {
      this.proxy = endpoint.proxy;
      if (this.started) this.reopen();
    });
    this.janus.on('ready', () => {
      if (this.started) this.reopen();
    });
  }

  /** Ready once both processes run and the line is registered. */
  status(): MediaStatus {
    if (this.line) return 'ready';
    return this.stopped ? 'unavailable' : 'starting';
  }

  /** Calls ringing or answered now. */
  activeCalls(): number {
    return this.line?.activeCalls() ?? 0;
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.proxy = (await this.kamailio.start()).proxy;
    await this.janus.start();
    this.reopen();
    await this.opening;
    this.started = true;
    if (!this.line) throw new Error('the SIP gateway’s line did not register');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    await this.opening;
    await this.closeLine();
    await this.janus.stop();
    await this.kamailio.stop();
  }

  private reopen(): void {
    this.opening = this.opening.then(async () => {
      await this.closeLine();
      const endpoint = this.janus.endpoint();
      if (this.stopped || !endpoint || !this.proxy) return;
      try {
        const client = await JanusClient.connect(endpoint.url, { apiSecret: endpoint.apiSecret });
        this.client = client;
        const line = await GatewayLine.open(await client.createSession(), {
          proxy: this.proxy,
          domain: this.options.config.domain,
          maxCalls: this.options.config.maxCalls,
          logger: this.logger,
        });
        line.on('call', (call) => {
          void this.dialIn.take(call).then((outcome) => this.options.metrics?.sipCallEnded(outcome));
        });
        this.line = line;
        this.logger.info({ domain: this.options.config.domain }, 'SIP gateway line registered');
      } catch (err) {
        this.logger.error({ err: (err as Error).message }, 'SIP gateway line failed to register');
        await this.closeLine();
      }
    });
  }

  private async closeLine(): Promise<void> {
    const { line, client } = this;
    this.line = null;
    this.client = null;
    await line?.close().catch(() => undefined);
    client?.close();
  }
}

/** Debian's Janus, when the media servers are the operator's and name no binary here. */
const JANUS_BINARY = '/usr/bin/janus';

/**
 * The gateway the configuration asks for, or null (CONCLAVE_SIP off, or no address to take calls
 * on). Callers reach the meetings of the installation's organisation: an extension is unique within
 * one organisation, and the SIP domain is the installation's.
 */
export function sipGatewayFromConfig(
  config: Pick<Config, 'sip' | 'media'>,
  deps: {
    meetings: MeetingStore;
    installationOrganisation: () => Promise<string | null>;
    entry: MeetingEntry;
    janusBinary?: string;
    /** The calls' gateway pages (GatewayPages). */
    bridge: SipBridge;
    metrics?: Pick<SipMetrics, 'sipCallEnded'>;
  },
  logger: MediaLogger,
): SipGateway | null {
  if (config.sip.mode === 'off') return null;
  const ip = mediaAddress(config.media.mode === 'embedded' ? config.media.iceInterfaces : null);
  if (!ip) {
    logger.error('no SIP gateway: this machine has no non-loopback IPv4 address to take calls on');
    return null;
  }
  return new SipGateway({
    config: config.sip,
    ip,
    janusBinary:
      deps.janusBinary ?? (config.media.mode === 'embedded' ? config.media.janusBinary : JANUS_BINARY),
    meetings: {
      async byExtension(extension) {
        const organisationId = await deps.installationOrganisation();
        return organisationId ? deps.meetings.findByExtension(organisationId, extension) : null;
      },
    },
    entry: deps.entry,
    bridge: deps.bridge,
    ...(deps.metrics && { metrics: deps.metrics }),
    logger,
  });
}
