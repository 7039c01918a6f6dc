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

/**
 * Query parameters that carry a secret: OpenID Connect's code and state. (Our own links keep their
 * tokens in the fragment, which no server sees; `token` is caught should one ever be sent.)
 */
const SECRET_PARAMS = /([?&](?:token|code|state)=)[^&#]*/g;

/** A request's URL as the log may keep it. */
function loggableUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

interface LoggedRequest {
  method: string;
  url: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** JSON logs on stdout (or the given stream), with secrets redacted. */
export function createLogger(level: Config['logLevel'], stream?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Replaces Fastify's request serializer (the logger's own win): the same fields, the URL redacted.
      serializers: {
        req: (req: LoggedRequest) => ({
          method: req.method,
          url: loggableUrl(req.url),
          host: req.hostname,
          remoteAddress: req.ip,
          remotePort: req.socket?.remotePort,
        }),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    stream,
  );
}
