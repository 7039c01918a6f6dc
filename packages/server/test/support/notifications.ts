import WebSocket from 'ws';
import { NOTIFICATIONS_SUBPROTOCOL, notificationSchema, type Notification } from '@conclave/protocol';

/** One open client's notification socket, and what it heard. */
export class Listener {
  readonly heard: Notification[] = [];
  private waiters: Array<() => void> = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.heard.push(notificationSchema.parse(JSON.parse(data.toString('utf8'))));
      this.wake();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString('utf8') };
      this.wake();
    });
  }

  static open(url: string, headers: Record<string, string>): Promise<Listener> {
    const socket = new WebSocket(url, NOTIFICATIONS_SUBPROTOCOL, { headers });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new Listener(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`refused: ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Waits until `check` holds of what was heard (or the socket's state), for up to 5 s. */
  async until(check: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(this.heard)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  of(type: Notification['type']): Notification[] {
    return this.heard.filter((n) => n.type === type);
  }

  close(): void {
    this.socket.close();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** What a refused handshake answered. */
export function refusedWith(
  url: string,
  headers: Record<string, string>,
  protocol = NOTIFICATIONS_SUBPROTOCOL,
) {
  return new Promise<number>((resolve, reject) => {
    const socket = new WebSocket(url, protocol, { headers });
    socket.once('open', () => {
      socket.close();
      reject(new Error('the socket opened'));
    });
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', () => undefined);
  });
}
