import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { CheckedTarget } from './targets';

/** What came of one attempt: the HTTP status if there was an answer, else why not, in a few words. */
export interface AttemptResult {
  status: number | null;
  error: string | null;
}

/** Bytes of an answer read at most: a receiver's body says nothing the status does not. */
const ANSWER_BYTES = 4 * 1024;

/**
 * POSTs a delivery to the address that was checked for it: the connection's lookup answers with that
 * address only (TLS still checks the certificate against the URL's host name). Redirects are not
 * followed (a 3xx is a failure: the receiver's address should be changed instead), the answer is read
 * no further than a few kilobytes, and the whole exchange is cut off after `timeoutMs`.
 */
export function postDelivery(
  target: CheckedTarget,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<AttemptResult> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(result);
    };
    const req = send(target.url, {
      method: 'POST',
      headers: {
        ...headers,
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(body)),
        'user-agent': 'Conclave-Webhooks/1',
      },
      lookup: pinned,
      agent: false,
    });
    const deadline = setTimeout(() => {
      finish({ status: null, error: 'timed out' });
      req.destroy();
    }, timeoutMs);
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? null;
      const result: AttemptResult =
        status !== null && status >= 200 && status < 300
          ? { status, error: null }
          : { status, error: `answered ${status ?? 'nothing'}` };
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > ANSWER_BYTES) {
          finish(result);
          res.destroy();
        }
      });
      res.on('end', () => finish(result));
      res.on('close', () => finish(result));
      res.on('error', () => finish(result));
    });
    req.on('error', (err: NodeJS.ErrnoException) => finish({ status: null, error: describe(err) }));
    req.end(body);
  });
}

/** A connection failure in a few words, never with more than the error's code. */
function describe(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      return err.code?.startsWith('ERR_TLS') || err.code?.includes('CERT') ? 'TLS failed' : 'request failed';
  }
}
