import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

// A TURN client over UDP that speaks just enough of RFC 5389 / 5766 to ask a real coturn for an
// allocation and a permission, with long-term credentials, and to read its answer (NET-TURN tests).

const MAGIC_COOKIE = 0x2112a442;
const METHOD = { allocate: 0x003, createPermission: 0x008 } as const;
const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  realm: 0x0014,
  nonce: 0x0015,
  xorPeerAddress: 0x0012,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
} as const;

export interface TurnAnswer {
  ok: boolean;
  /** The error code of an error response (401, 403 …). */
  error: number | null;
  realm: string | null;
  nonce: string | null;
  /** The relayed address of a successful Allocate, "ip:port". */
  relayed: string | null;
}

type Attribute = [type: number, value: Buffer];

function attribute(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + Math.ceil(value.length / 4) * 4);
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function xorAddress(ip: string, port: number): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1); // IPv4
  value.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  const octets = ip.split('.').map(Number);
  value.writeUInt32BE(((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0, 4);
  value.writeUInt32BE((value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0, 4);
  return value;
}

function readXorAddress(value: Buffer): string {
  const port = value.readUInt16BE(2) ^ (MAGIC_COOKIE >>> 16);
  const ip = (value.readUInt32BE(4) ^ MAGIC_COOKIE) >>> 0;
  return `${ip >>> 24}.${(ip >>> 16) & 255}.${(ip >>> 8) & 255}.${ip & 255}:${port}`;
}

/** A request; with credentials, signed with MESSAGE-INTEGRITY under the long-term key. */
function request(
  method: number,
  transaction: Buffer,
  attributes: Attribute[],
  auth?: { username: string; password: string; realm: string; nonce: string },
): Buffer {
  const all: Attribute[] = [...attributes];
  if (auth) {
    all.push([ATTR.username, Buffer.from(auth.username)]);
    all.push([ATTR.realm, Buffer.from(auth.realm)]);
    all.push([ATTR.nonce, Buffer.from(auth.nonce)]);
  }
  const body = Buffer.concat(all.map(([t, v]) => attribute(t, v)));
  const header = Buffer.alloc(20);
  header.writeUInt16BE(method, 0);
  header.writeUInt32BE(MAGIC_COOKIE, 4);
  transaction.copy(header, 8);
  if (!auth) {
    header.writeUInt16BE(body.length, 2);
    return Buffer.concat([header, body]);
  }
  // The integrity covers the message with its length already counting the integrity attribute.
  header.writeUInt16BE(body.length + 24, 2);
  const key = createHash('md5').update(`${auth.username}:${auth.realm}:${auth.password}`).digest();
  const mac = createHmac('sha1', key)
    .update(Buffer.concat([header, body]))
    .digest();
  return Buffer.concat([header, body, attribute(ATTR.messageIntegrity, mac)]);
}

function parse(message: Buffer, transaction: Buffer): TurnAnswer | null {
  if (message.length < 20 || !message.subarray(8, 20).equals(transaction)) return null;
  const type = message.readUInt16BE(0);
  const answer: TurnAnswer = {
    ok: (type & 0x0110) === 0x0100,
    error: null,
    realm: null,
    nonce: null,
    relayed: null,
  };
  let at = 20;
  while (at + 4 <= message.length) {
    const attrType = message.readUInt16BE(at);
    const length = message.readUInt16BE(at + 2);
    const value = message.subarray(at + 4, at + 4 + length);
    if (attrType === ATTR.errorCode) answer.error = (value.readUInt8(2) & 7) * 100 + value.readUInt8(3);
    if (attrType === ATTR.realm) answer.realm = value.toString();
    if (attrType === ATTR.nonce) answer.nonce = value.toString();
    if (attrType === ATTR.xorRelayedAddress) answer.relayed = readXorAddress(value);
    at += 4 + Math.ceil(length / 4) * 4;
  }
  return answer;
}

/** One client (one UDP 5-tuple, so one allocation) of the TURN server at host:port. */
export class TurnClient {
  private readonly socket: Socket;
  private realm = '';
  private nonce = '';

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {
    this.socket = createSocket('udp4');
  }

  /** An Allocate for a UDP relay: first unsigned (learning realm and nonce), then with these credentials. */
  async allocate(credentials: { username: string; password: string }): Promise<TurnAnswer> {
    const transport: Attribute = [ATTR.requestedTransport, Buffer.from([17, 0, 0, 0])];
    const challenge = await this.send(METHOD.allocate, [transport]);
    if (challenge.error !== 401 || !challenge.realm || !challenge.nonce) return challenge;
    this.realm = challenge.realm;
    this.nonce = challenge.nonce;
    return this.send(METHOD.allocate, [transport], credentials);
  }

  /** Asks to relay to a peer, with the credentials of the allocation. */
  createPermission(peer: string, credentials: { username: string; password: string }): Promise<TurnAnswer> {
    return this.send(METHOD.createPermission, [[ATTR.xorPeerAddress, xorAddress(peer, 9)]], credentials);
  }

  close(): void {
    this.socket.close();
  }

  private send(
    method: number,
    attributes: Attribute[],
    credentials?: { username: string; password: string },
  ): Promise<TurnAnswer> {
    const transaction = randomBytes(12);
    const auth = credentials && { ...credentials, realm: this.realm, nonce: this.nonce };
    const message = request(method, transaction, attributes, auth);
    return new Promise((resolve, reject) => {
      // Over UDP a request or its answer may be lost: sent again as RFC 8489 says (500 ms, doubling),
      // the same transaction each time, as a real client does.
      const resends: NodeJS.Timeout[] = [];
      const done = () => {
        clearTimeout(timer);
        for (const r of resends) clearTimeout(r);
        this.socket.off('message', onMessage);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no TURN answer from ${this.host}:${this.port}`));
      }, 7_500);
      const onMessage = (msg: Buffer) => {
        const answer = parse(msg, transaction);
        if (!answer) return;
        done();
        resolve(answer);
      };
      this.socket.on('message', onMessage);
      this.socket.send(message, this.port, this.host);
      for (const at of [500, 1_500, 3_500]) {
        resends.push(setTimeout(() => this.socket.send(message, this.port, this.host), at));
      }
    });
  }
}
