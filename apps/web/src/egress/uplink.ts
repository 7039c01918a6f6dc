import {
  EGRESS_FRAME_BYTES,
  EGRESS_PATH,
  EGRESS_SUBPROTOCOL,
  type EgressServerMessage,
} from '@conclave/protocol';

/**
 * The recorder's way back to the server (REC-START): what it records goes out in order over one
 * socket, cut into frames the server takes; the server says when to stop.
 */
export class Uplink {
  private constructor(private readonly socket: WebSocket) {}

  /** Opens the socket and says who it is; resolves once the server is ready for media. */
  static open(token: string, onStop: () => void): Promise<Uplink> {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}${EGRESS_PATH}`, EGRESS_SUBPROTOCOL);
    socket.binaryType = 'arraybuffer';
    return new Promise((resolve, reject) => {
      socket.onopen = () => socket.send(JSON.stringify({ type: 'hello', token }));
      socket.onclose = () => reject(new Error('The server closed the recorder’s media socket'));
      socket.onmessage = (event) => {
        if (typeof event.data !== 'string') return;
        const message = JSON.parse(event.data) as EgressServerMessage;
        if (message.type === 'ready') resolve(new Uplink(socket));
        if (message.type === 'stop') onStop();
      };
    });
  }

  /** Whether the server still listens. */
  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  onClose(listener: () => void): void {
    this.socket.addEventListener('close', listener);
  }

  send(chunk: ArrayBuffer): void {
    for (let at = 0; at < chunk.byteLength; at += EGRESS_FRAME_BYTES) {
      this.socket.send(chunk.slice(at, at + EGRESS_FRAME_BYTES));
    }
  }

  /** Everything recorded was sent: the server finishes the file. */
  end(): void {
    if (this.open) this.socket.send(JSON.stringify({ type: 'end' }));
  }
}
