import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { isInternalAddress } from './addresses';

/** The addresses a host name resolves to, as dns.lookup gives them. */
export type HostLookup = (hostname: string) => Promise<ReadonlyArray<{ address: string; family: number }>>;

/** The operating system's resolver, every address it knows (IPv4 and IPv6). */
export const systemLookup: HostLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** Why an address is not one a webhook may be sent to; the message is safe to show and to store. */
export class TargetRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefused';
  }
}

/** Where a delivery goes: the URL, and the one address checked for it that the connection must use. */
export interface CheckedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

/**
 * Checks a webhook address as text: http(s) only, https unless private targets are allowed (plain
 * http is for a receiver on the operator's own network), no credentials in it (the console shows
 * addresses).
 */
export function parseTargetUrl(text: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TargetRefused('Enter a full address, such as https://example.com/webhooks');
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) {
    throw new TargetRefused(
      allowPrivate
        ? 'The address must start with https:// or http://'
        : 'The address must start with https://',
    );
  }
  if (url.username || url.password)
    throw new TargetRefused('The address must not contain a user name or password');
  if (!url.hostname) throw new TargetRefused('The address has no host');
  return url;
}

/**
 * Resolves the URL's host now and checks every address it has: one private, loopback, link-local or
 * otherwise internal address refuses the whole host unless private targets are allowed (a name
 * resolving to both could otherwise be raced). The caller connects to the returned address, never
 * resolving again, so what was checked is what is reached even if DNS changes in between.
 */
export async function checkTarget(
  url: URL,
  allowPrivate: boolean,
  lookup: HostLookup,
): Promise<CheckedTarget> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: ReadonlyArray<{ address: string; family: number }>;
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await lookup(host);
    } catch {
      throw new TargetRefused(`The host ${host} could not be resolved`);
    }
  }
  const first = addresses[0];
  if (!first) throw new TargetRefused(`The host ${host} could not be resolved`);
  if (!allowPrivate && addresses.some((a) => isInternalAddress(a.address))) {
    throw new TargetRefused(
      'The address is on a private, loopback or link-local network; the Administrator can allow private targets',
    );
  }
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
