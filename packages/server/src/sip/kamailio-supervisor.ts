import { EventEmitter } from 'node:events';
import { silentLogger, type MediaLogger } from '../media/logger';
import { ProcessSupervisor, type Started, type SupervisedProgram } from '../media/process-supervisor';
import type { MediaStatus } from '../media/status';
import {
  removeKamailioConfig,
  writeKamailioConfig,
  type GeneratedKamailioConfig,
  type KamailioConfigOptions,
} from './kamailio-config';
import { freeUdpPort, sipOptionsPing } from './options-ping';

export const KAMAILIO_BINARY = '/usr/sbin/kamailio';

export interface KamailioSupervisorOptions extends Omit<KamailioConfigOptions, 'gatewayPort' | 'parentDir'> {
  binary?: string;
  /**
   * Loopback UDP port for the gateway's Janus SIP handles; 0 picks a free one at the first start and
   * keeps it, so a restarted Kamailio is where the handles register again.
   */
  gatewayPort: number;
  logger?: MediaLogger;
  tempDir?: string;
  readyTimeoutMs?: number;
  restartBackoff?: { initialMs: number; maxMs: number };
}

/** Where the gateway's Janus SIP handles register. */
export interface KamailioEndpoint {
  /** `sip:127.0.0.1:<port>`, the proxy the handles register at and send through. */
  proxy: string;
  pid: number;
  generation: number;
}

/**
 * Runs the SIP gateway's Kamailio like Janus and coturn (media/process-supervisor.ts): configuration
 * written per start, probed with an OPTIONS on its loopback port, restarted with backoff, and dying
 * with the control plane. Kamailio forks its workers itself and stops them when it is stopped.
 */
export class KamailioSupervisor extends EventEmitter<{ ready: [endpoint: KamailioEndpoint] }> {
  private readonly process: ProcessSupervisor<GeneratedKamailioConfig>;

  constructor(options: KamailioSupervisorOptions) {
    super();
    this.process = new ProcessSupervisor(kamailioProgram(options), {
      logger: options.logger ?? silentLogger,
      ...(options.readyTimeoutMs !== undefined && { readyTimeoutMs: options.readyTimeoutMs }),
      ...(options.restartBackoff && { restartBackoff: options.restartBackoff }),
    });
    // After a restart its registrations are gone (kept in memory only): the line registers again.
    this.process.on('ready', (started) => this.emit('ready', endpointOf(started)));
  }

  status(): MediaStatus {
    return this.process.status();
  }

  async start(): Promise<KamailioEndpoint> {
    return endpointOf(await this.process.start());
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}

function endpointOf({ prepared, pid, generation }: Started<GeneratedKamailioConfig>): KamailioEndpoint {
  return { proxy: `sip:127.0.0.1:${prepared.gatewayPort}`, pid, generation };
}

function kamailioProgram(options: KamailioSupervisorOptions): SupervisedProgram<GeneratedKamailioConfig> {
  let gatewayPort = options.gatewayPort;
  return {
    name: 'Kamailio',
    binary: options.binary ?? KAMAILIO_BINARY,
    prepare: async () =>
      writeKamailioConfig({
        tls: options.tls,
        domain: options.domain,
        invitesPerMinute: options.invitesPerMinute,
        ...(options.inviteWindowSeconds && { inviteWindowSeconds: options.inviteWindowSeconds }),
        ...(options.trunks && { trunks: options.trunks }),
        ...(options.udpPort && { udpPort: options.udpPort }),
        gatewayPort: (gatewayPort ||= await freeUdpPort()),
        ...(options.modulesDir && { modulesDir: options.modulesDir }),
        ...(options.tempDir && { parentDir: options.tempDir }),
      }),
    // -DD: stay in the foreground (still forking workers), -E: log to stderr, small shared memory.
    args: (config) => [
      '-DD',
      '-E',
      '-f',
      config.configFile,
      '-Y',
      config.runtimeDir,
      '-w',
      config.runtimeDir,
      '-m',
      '64',
      '-M',
      '8',
    ],
    answers: async (config) => (await sipOptionsPing(config.gatewayPort, 500)) === 200,
    describe: (config) => `udp:127.0.0.1:${config.gatewayPort}`,
    cleanup: removeKamailioConfig,
    // Its configuration holds no secret: the TLS key stays in its own file.
    redact: (_config, line) => line,
  };
}
