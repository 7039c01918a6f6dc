import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the test receiver got it: its headers and its body, untouched. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** The status it was answered with. */
  answered: number;
}

/**
 * Another system's webhook endpoint: a real HTTP server on 127.0.0.1 that keeps every request and
 * answers each with the next status of `failWith` (then 204), so tests can make it fail and recover.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Statuses to answer the next requests with, in order; 204 once used up. */
  readonly failWith: number[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(path = '/hooks/conclave'): Promise<WebhookReceiver> {
    const made: { receiver?: WebhookReceiver } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const answered = made.receiver?.failWith.shift() ?? 204;
        made.receiver?.received.push({
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          answered,
        });
        res.writeHead(answered, { 'content-type': 'text/plain' });
        res.end(answered >= 300 ? 'no thanks' : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    made.receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}${path}`);
    return made.receiver;
  }

  /** The requests that were answered with a success. */
  get accepted(): ReceivedWebhook[] {
    return this.received.filter((r) => r.answered < 300);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
