import type { BaseLogger } from 'pino';

/** The part of a pino (or Fastify) logger the media plane writes to. */
export type MediaLogger = Pick<BaseLogger, 'trace' | 'debug' | 'info' | 'warn' | 'error'>;

const noop = () => undefined;

/** Discards everything; for tests and callers that do not care. */
export const silentLogger: MediaLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: noop };
