import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { FastifyRequest } from 'fastify';

type MetricsVerdict = 'allowed' | 'bad_token' | 'forbidden';
export type MetricsAccess = (request: FastifyRequest) => MetricsVerdict;

/** Headers a reverse proxy adds; their presence means the socket's address is the proxy's. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * Who may read the metrics (they reveal how busy the service is and when): anyone presenting the
 * configured bearer token, and otherwise clients whose address is in the allow-list. A request that
 * came through a proxy nobody configured trust in is refused by address: its socket address is the
 * proxy's (often loopback), not the client's.
 */
export function metricsAccess(allow: readonly string[], token: string | null): MetricsAccess {
  const allowed = new BlockList();
  for (const entry of allow) {
    const [address = '', prefix] = entry.split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) allowed.addAddress(address, family);
    else allowed.addSubnet(address, Number(prefix), family);
  }
  const tokenDigest = token === null ? null : digest(token);

  return (request) => {
    const auth = request.headers.authorization;
    if (auth !== undefined) {
      const presented = /^Bearer (.+)$/i.exec(auth)?.[1];
      if (tokenDigest && presented && timingSafeEqual(digest(presented), tokenDigest)) return 'allowed';
      return 'bad_token';
    }
    const unvouched =
      FORWARDING_HEADERS.some((h) => request.headers[h] !== undefined) &&
      request.ip === request.socket.remoteAddress;
    if (unvouched) return 'forbidden';
    const address = unmapped(request.ip);
    if (isIPv4(address)) return allowed.check(address, 'ipv4') ? 'allowed' : 'forbidden';
    if (isIPv6(address)) return allowed.check(address, 'ipv6') ? 'allowed' : 'forbidden';
    return 'forbidden';
  };
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; the allow-list names them as a.b.c.d. */
function unmapped(address: string): string {
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  return v4 ?? address;
}
