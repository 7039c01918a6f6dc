import { silentLogger, type MediaLogger } from '../media/logger';
import { ProcessSupervisor } from '../media/process-supervisor';
import type { MediaStatus } from '../media/status';
import {
  removeCoturnConfig,
  writeCoturnConfig,
  type CoturnConfigOptions,
  type GeneratedCoturnConfig,
} from './coturn-config';
import { stunAnswers } from './stun-probe';

export interface EmbeddedTurnOptions extends Omit<CoturnConfigOptions, 'parentDir'> {
  binary: string;
  logger?: MediaLogger;
  tempDir?: string;
  readyTimeoutMs?: number;
}

/**
 * The coturn Conclave runs for itself (NET-TURN), supervised like Janus: its configuration written
 * for each start, restarted when it exits. The secret stays the same across restarts, so that the
 * credentials participants hold keep working.
 */
export class EmbeddedTurn {
  private readonly process: ProcessSupervisor<GeneratedCoturnConfig>;

  constructor(options: EmbeddedTurnOptions) {
    const { binary, logger, tempDir, readyTimeoutMs, ...config } = options;
    this.process = new ProcessSupervisor<GeneratedCoturnConfig>(
      {
        name: 'coturn',
        binary,
        prepare: () => writeCoturnConfig({ ...config, ...(tempDir && { parentDir: tempDir }) }),
        args: (generated) => ['-c', generated.file],
        answers: () => stunAnswers(config.relayIp, config.port),
        describe: () => `${config.relayIp}:${config.port}`,
        cleanup: removeCoturnConfig,
        redact: (_generated, line) => line.split(config.secret).join('[redacted]'),
      },
      {
        logger: logger ?? silentLogger,
        ...(readyTimeoutMs !== undefined && { readyTimeoutMs }),
      },
    );
  }

  status(): MediaStatus {
    return this.process.status();
  }

  pid(): number | null {
    return this.process.pid();
  }

  async start(): Promise<void> {
    await this.process.start();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
