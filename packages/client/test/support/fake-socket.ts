import type { ServerMessage } from '@conclave/protocol';
import type { SocketLike } from '../../src/signaling';

/** Stands in for the browser WebSocket: records what is sent and lets the test play the server. */
export class FakeSocket implements SocketLike {
  readyState = 0;
  protocol = '';
  sent: Record<string, unknown>[] = [];
  closedWith: number | undefined;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(
    readonly url: string,
    readonly requestedProtocol: string,
  ) {}

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(protocol = this.requestedProtocol): void {
    this.readyState = 1;
    this.protocol = protocol;
    this.onopen?.({} as Event);
  }
  serverSends(message: ServerMessage | string): void {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    this.onmessage?.({ data } as MessageEvent);
  }
  serverCloses(code: number): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '', wasClean: true } as CloseEvent);
  }
  lastRid(): string {
    return String(this.sent.at(-1)?.rid);
  }
}
