import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';

/**
 * Asks a SIP server on loopback UDP whether it answers (an out-of-dialog OPTIONS, RFC 3261 §11) and
 * resolves with the status code of its reply, or null when none came in time.
 */
export function sipOptionsPing(port: number, timeoutMs = 1_000): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const done = (status: number | null) => {
      clearTimeout(timer);
      socket.close();
      resolve(status);
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    socket.on('error', () => done(null));
    socket.on('message', (msg) => {
      const status = /^SIP\/2\.0 (\d{3}) /.exec(msg.toString('utf8'));
      if (status) done(Number(status[1]));
    });
    socket.bind(0, '127.0.0.1', () => {
      const local = socket.address().port;
      const id = randomBytes(8).toString('hex');
      const request = [
        `OPTIONS sip:127.0.0.1:${port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK${id};rport`,
        'Max-Forwards: 70',
        `From: <sip:probe@127.0.0.1>;tag=${id}`,
        `To: <sip:127.0.0.1:${port}>`,
        `Call-ID: ${id}@127.0.0.1`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      socket.send(request, port, '127.0.0.1');
    });
  });
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}
