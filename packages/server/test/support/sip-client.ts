import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { connect as netConnect } from 'node:net';
import { connect } from 'node:tls';

/**
 * A bare SIP user agent for tests of our Kamailio's front door (docs/sip.md): it sends one INVITE
 * from a chosen local address, over TLS or plain UDP, and reads the final answer. Loopback has a
 * whole /8, so 127.0.0.2, 127.0.0.3… are distinct callers to Kamailio's per-address rules.
 */

export interface SipResponse {
  status: number;
  reason: string;
  /** Header lines as received, e.g. `Retry-After: 60`. */
  headers: string[];
}

export interface InviteOptions {
  transport: 'tls' | 'udp';
  /** The caller's address (its source address as Kamailio sees it). */
  from: string;
  /** Where Kamailio listens for this transport. */
  to: { host: string; port: number };
  /** The dialled URI, e.g. `sip:7654321@sip.conclave.test`. */
  uri: string;
  /** The certificate authority that signed Kamailio's certificate (PEM), for TLS. */
  ca?: string;
  /** More header lines, e.g. a forged trunk mark. */
  headers?: string[];
  timeoutMs?: number;
}

const id = () => randomBytes(8).toString('hex');

/** A plain-RTP audio offer: enough SDP for a proxy to route, and what a carrier's trunk sends. */
function offer(ip: string): string {
  return [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 ${ip}`,
    's=-',
    `c=IN IP4 ${ip}`,
    't=0 0',
    'm=audio 40000 RTP/AVP 0 101',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** One INVITE; resolves with its final answer (and ACKs a refusal, as RFC 3261 §17.1.1.3 asks). */
export async function sendInvite(options: InviteOptions): Promise<SipResponse> {
  const t = options.transport;
  const tag = id();
  const callId = `${id()}@${options.from}`;
  const branch = `z9hG4bK${id()}`;
  const via = (port: number) =>
    `Via: SIP/2.0/${t.toUpperCase()} ${options.from}:${port};branch=${branch};rport`;
  const body = offer(options.from);
  const invite = (port: number) =>
    [
      `INVITE ${options.uri} SIP/2.0`,
      via(port),
      'Max-Forwards: 70',
      `From: "Test caller" <sip:caller@${options.from}>;tag=${tag}`,
      `To: <${options.uri}>`,
      `Call-ID: ${callId}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:caller@${options.from}:${port};transport=${t}>`,
      ...(options.headers ?? []),
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  const ack = (port: number, to: string) =>
    [
      `ACK ${options.uri} SIP/2.0`,
      via(port),
      'Max-Forwards: 70',
      `From: "Test caller" <sip:caller@${options.from}>;tag=${tag}`,
      to,
      `Call-ID: ${callId}`,
      'CSeq: 1 ACK',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const timeoutMs = options.timeoutMs ?? 5_000;
  return t === 'udp'
    ? inviteOverUdp(options, invite, ack, timeoutMs)
    : inviteOverTls(options, invite, ack, timeoutMs);
}

type Build = (port: number) => string;
type BuildAck = (port: number, to: string) => string;

function inviteOverUdp(o: InviteOptions, invite: Build, ack: BuildAck, timeoutMs: number) {
  return new Promise<SipResponse>((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`no final answer to the INVITE from ${o.from} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('message', (msg) => {
      const response = responseOf(msg.toString('utf8'));
      if (!response || response.status < 200) return;
      clearTimeout(timer);
      const port = socket.address().port;
      if (response.status >= 300) socket.send(ack(port, toHeader(response)), o.to.port, o.to.host);
      setTimeout(() => socket.close(), 50);
      resolve(response);
    });
    socket.bind(0, o.from, () => socket.send(invite(socket.address().port), o.to.port, o.to.host));
  });
}

function inviteOverTls(o: InviteOptions, invite: Build, ack: BuildAck, timeoutMs: number) {
  return new Promise<SipResponse>((resolve, reject) => {
    // From the chosen address: a plain TCP connection made first, then TLS over it.
    const tcp = netConnect({ host: o.to.host, port: o.to.port, localAddress: o.from });
    const socket = connect({ socket: tcp, host: o.to.host, ...(o.ca && { ca: o.ca }) });
    let buffer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no final answer to the INVITE from ${o.from} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('secureConnect', () => socket.write(invite(socket.localPort ?? 0)));
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        const message = takeMessage(buffer);
        if (!message) return;
        buffer = buffer.slice(message.length);
        const response = responseOf(message);
        if (!response || response.status < 200) continue;
        clearTimeout(timer);
        if (response.status >= 300) socket.write(ack(socket.localPort ?? 0, toHeader(response)));
        setTimeout(() => socket.end(), 50);
        resolve(response);
        return;
      }
    });
  });
}

/** One whole SIP message at the start of a stream (headers and Content-Length of body), or null. */
function takeMessage(stream: string): string | null {
  const end = stream.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const length = Number(/^content-length:\s*(\d+)/im.exec(stream.slice(0, end))?.[1] ?? 0);
  const total = end + 4 + length;
  return stream.length >= total ? stream.slice(0, total) : null;
}

function responseOf(message: string): SipResponse | null {
  const [head = ''] = message.split('\r\n\r\n');
  const [first = '', ...headers] = head.split('\r\n');
  const status = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(first);
  return status ? { status: Number(status[1]), reason: status[2]!, headers } : null;
}

const toHeader = (r: SipResponse) => r.headers.find((h) => /^(to|t):/i.test(h)) ?? 'To: <sip:unknown>';

/** A header's value from a SIP message's header lines, or null. */
export function headerOf(lines: readonly string[], name: string): string | null {
  const line = lines.find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line === undefined ? null : line.slice(name.length + 1).trim();
}

/** An INVITE the stand-in gateway received from Kamailio. */
export interface ReceivedInvite {
  requestUri: string;
  headers: string[];
}

/**
 * Stands in for the gateway's Janus SIP handle: registers at Kamailio's loopback port under the
 * gateway's address of record, as the real line does, and turns down every INVITE relayed to it
 * with 486 Busy Here, keeping what it received.
 */
export class StandInGateway {
  readonly invites: ReceivedInvite[] = [];

  private constructor(private readonly socket: Socket) {}

  static async register(kamailioPort: number, user: string, domain: string): Promise<StandInGateway> {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const gateway = new StandInGateway(socket);
    const port = socket.address().port;
    const registered = new Promise<number>((resolve) =>
      socket.on('message', (msg) => {
        const text = msg.toString('utf8');
        const response = responseOf(text);
        if (response) {
          if (/REGISTER/.test(headerOf(response.headers, 'CSeq') ?? '')) resolve(response.status);
          return;
        }
        gateway.onRequest(text, kamailioPort);
      }),
    );
    const tag = id();
    socket.send(
      [
        `REGISTER sip:${domain} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${id()};rport`,
        'Max-Forwards: 70',
        `From: <sip:${user}@${domain}>;tag=${tag}`,
        `To: <sip:${user}@${domain}>`,
        `Call-ID: ${id()}@127.0.0.1`,
        'CSeq: 1 REGISTER',
        `Contact: <sip:${user}@127.0.0.1:${port}>`,
        'Expires: 600',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      kamailioPort,
      '127.0.0.1',
    );
    const status = await Promise.race([
      registered,
      new Promise<number>((resolve) => setTimeout(() => resolve(0), 3_000)),
    ]);
    if (status !== 200) {
      socket.close();
      throw new Error(`the stand-in gateway could not register: ${status || 'no answer'}`);
    }
    return gateway;
  }

  close(): void {
    this.socket.close();
  }

  private onRequest(text: string, kamailioPort: number): void {
    const [head = ''] = text.split('\r\n\r\n');
    const [first = '', ...headers] = head.split('\r\n');
    const request = /^(\w+) (\S+) SIP\/2\.0$/.exec(first);
    if (!request || request[1] !== 'INVITE') return;
    this.invites.push({ requestUri: request[2]!, headers });
    const keep = headers.filter((h) => /^(via|v|from|f|call-id|i|cseq):/i.test(h));
    const to = headers.find((h) => /^(to|t):/i.test(h)) ?? 'To: <sip:unknown>';
    this.socket.send(
      ['SIP/2.0 486 Busy Here', ...keep, `${to};tag=${id()}`, 'Content-Length: 0', '', ''].join('\r\n'),
      kamailioPort,
      '127.0.0.1',
    );
  }
}
