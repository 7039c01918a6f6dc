import {
  SIP_GATEWAY_PATH,
  SIP_GATEWAY_SUBPROTOCOL,
  type SipGatewayClientMessage,
  type SipGatewayServerMessage,
} from '@conclave/protocol';

/** The gateway page's socket to the server (INTEROP-SIP): one call's offer, prompts and way in. */
export class CallLink {
  private constructor(private readonly socket: WebSocket) {}

  /** Opens the socket and says who it is. */
  static open(token: string, onMessage: (message: SipGatewayServerMessage) => void): Promise<CallLink> {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}${SIP_GATEWAY_PATH}`, SIP_GATEWAY_SUBPROTOCOL);
    return new Promise((resolve, reject) => {
      socket.onerror = () => reject(new Error('The gateway socket failed'));
      socket.onopen = () => {
        const link = new CallLink(socket);
        link.send({ type: 'hello', token });
        resolve(link);
      };
      socket.onmessage = (event) => {
        if (typeof event.data === 'string') onMessage(JSON.parse(event.data) as SipGatewayServerMessage);
      };
    });
  }

  send(message: SipGatewayClientMessage): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  onClose(listener: () => void): void {
    this.socket.addEventListener('close', listener);
  }
}
