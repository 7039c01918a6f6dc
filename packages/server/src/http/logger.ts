import { pino, type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config';

/**
 * Anything that could let someone sign in or join as somebody else. Fastify's request serializer
 * already leaves headers and bodies out; these paths catch them if they are ever logged by hand.
 */
const REDACTED_PATHS = [
  'req.headers.cookie',
  'req.headers.authorization',
  'req.headers["x-conclave-csrf"]',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers.authorization',
  'headers["set-cookie"]',
  'headers["x-conclave-csrf"]',
  'password',
  'token',
  'guestToken',
  'csrfToken',
  '*.password',
  '*.token',
  '*.guestToken',
  '*.csrfToken',
  '*.apiSecret',
];

/** JSON logs on stdout (or the given stream), with secrets redacted. */
export function createLogger(level: Config['logLevel'], stream?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}
