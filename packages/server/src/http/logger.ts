import { pino, type DestinationStream, type Logger } from 'pino';
import { systemClock, type Clock } from '../common/clock';
import type { Config } from '../config';
import { DailyLogFiles, logsFolder } from './log-files';

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

/** Where the server's log lines go, and how to close what it opened. */
interface LogDestination {
  stream: DestinationStream;
  close(): void;
}

/**
 * The server's log destination: stdout always (journald, containers and tests read it there), and
 * with CONCLAVE_LOG_FILES also a file per UTC day in `<dataDir>/logs`, which retention deletes after
 * 30 days (PRIV-RETENTION). Both get the same lines, redacted before they are written.
 */
export function logDestination(
  config: Pick<Config, 'logFiles' | 'dataDir'>,
  options: { stdout?: DestinationStream; clock?: Clock } = {},
): LogDestination {
  const stdout = options.stdout ?? pino.destination(1);
  if (!config.logFiles) return { stream: stdout, close: () => {} };
  const files = new DailyLogFiles(logsFolder(config.dataDir), options.clock ?? systemClock);
  return {
    stream: {
      write(line: string) {
        stdout.write(line);
        files.write(line);
      },
    },
    close: () => files.close(),
  };
}
