import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;

/**
 * True when a STUN server answers a Binding request at host:port over UDP within the time given: how
 * the supervisor knows a started coturn serves (it says nothing on a socket of its own).
 */
export function stunAnswers(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const transaction = randomBytes(12);
    const request = Buffer.alloc(20);
    request.writeUInt16BE(BINDING_REQUEST, 0);
    request.writeUInt16BE(0, 2);
    request.writeUInt32BE(MAGIC_COOKIE, 4);
    transaction.copy(request, 8);
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('error', () => done(false));
    socket.on('message', (msg) => {
      if (
        msg.length >= 20 &&
        msg.readUInt16BE(0) === BINDING_SUCCESS &&
        msg.subarray(8, 20).equals(transaction)
      )
        done(true);
    });
    socket.send(request, port, host);
  });
}
