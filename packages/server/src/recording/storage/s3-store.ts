import { systemClock, type Clock } from '../../common/clock';
import { signRequest, sha256Hex, uriEncode, type SigningKey } from './sigv4';
import { assertValidKey, assertValidPrefix, ObjectStoreError, type ObjectStore } from './store';

export interface S3StoreOptions {
  /** The service's base URL, e.g. https://s3.eu-central-1.amazonaws.com or http://127.0.0.1:9000. */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  clock?: Clock;
  /** How long one request may take before it is given up. */
  timeoutMs?: number;
  /** Keys per ListObjectsV2 page (the service's own, up to 1000, by default). */
  listPageSize?: number;
}

const EMPTY_HASH = sha256Hex('');
const DEFAULT_TIMEOUT_MS = 60_000;

// S3 answers in XML; the few values read here are simple elements, so a full parser is not needed.
const unescapeXml = (text: string) =>
  text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (entity in named) return named[entity]!;
    return String.fromCodePoint(
      entity.startsWith('#x') ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10),
    );
  });
const elements = (xml: string, name: string) =>
  [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => unescapeXml(m[1]!));

// What to tell an operator about a refusal they can fix by configuration.
const HINTS: Record<string, string> = {
  SignatureDoesNotMatch: 'check secretAccessKey',
  InvalidAccessKeyId: 'check accessKeyId',
  AccessDenied: 'check the key pair and its permissions on the bucket',
  NoSuchBucket: 'check bucket (it must exist)',
  RequestTimeTooSkewed: "check this machine's clock",
};

/**
 * An S3-compatible bucket reached by path-style URLs (`<endpoint>/<bucket>/<key>`), which every
 * S3-protocol server accepts, with requests signed here (SigV4). Errors name the operation, the key
 * and S3's error code, never the secret.
 */
export class S3Store implements ObjectStore {
  private readonly base: string;
  // A true private field: logging or serialising the store never shows the secret.
  readonly #signingKey: SigningKey;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly listPageSize: number | undefined;

  constructor(options: S3StoreOptions) {
    const endpoint = new URL(options.endpoint);
    this.base = `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, '')}/${uriEncode(options.bucket)}`;
    this.#signingKey = {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      region: options.region,
      service: 's3',
    };
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.listPageSize = options.listPageSize;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const response = await this.request('PUT', this.objectUrl(key), key, bytes);
    await this.expectOk(response, 'PUT', key);
  }

  async get(key: string): Promise<Buffer | undefined> {
    const response = await this.request('GET', this.objectUrl(key), key);
    if (response.status === 404) {
      const text = await response.text();
      // A missing bucket is a configuration mistake, not an absent object.
      if ((errorCode(text) ?? 'NoSuchKey') === 'NoSuchKey') return undefined;
      throw refusal('GET', key, response.status, text);
    }
    await this.expectOk(response, 'GET', key, true);
    return Buffer.from(await response.arrayBuffer());
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const params: Array<[string, string]> = [
        ['list-type', '2'],
        ['prefix', prefix],
      ];
      if (this.listPageSize !== undefined) params.push(['max-keys', String(this.listPageSize)]);
      if (token !== undefined) params.push(['continuation-token', token]);
      const query = params.map(([name, value]) => `${uriEncode(name)}=${uriEncode(value)}`).join('&');
      const response = await this.request('GET', new URL(`${this.base}?${query}`), `list ${prefix}`);
      await this.expectOk(response, 'LIST', prefix, true);
      const xml = await response.text();
      keys.push(...elements(xml, 'Key'));
      token =
        elements(xml, 'IsTruncated')[0] === 'true' ? elements(xml, 'NextContinuationToken')[0] : undefined;
    } while (token);
    return keys.sort();
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const response = await this.request('DELETE', this.objectUrl(key), key);
      if (response.status === 404) {
        const text = await response.text();
        if ((errorCode(text) ?? 'NoSuchKey') === 'NoSuchKey') continue;
        throw refusal('DELETE', key, response.status, text);
      }
      await this.expectOk(response, 'DELETE', key);
    }
  }

  private objectUrl(key: string): URL {
    assertValidKey(key);
    return new URL(`${this.base}/${key.split('/').map(uriEncode).join('/')}`);
  }

  private async request(method: string, url: URL, what: string, body?: Uint8Array): Promise<Response> {
    const headers = signRequest(
      { method, url, payloadHash: body ? sha256Hex(body) : EMPTY_HASH },
      this.#signingKey,
      this.clock.now(),
    );
    // fetch takes views of an ArrayBuffer only (not a SharedArrayBuffer): the same bytes, retyped.
    const payload =
      body && body.buffer instanceof ArrayBuffer
        ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
        : body && new Uint8Array(body);
    try {
      return await fetch(url, {
        method,
        headers,
        body: payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ObjectStoreError(`S3 ${method} ${what} at ${url.host} failed: no answer`, undefined, {
        cause: error,
      });
    }
  }

  /** Throws for anything but a 2xx, with S3's own error code; leaves the body to read when it keeps it. */
  private async expectOk(
    response: Response,
    operation: string,
    key: string,
    keepBody = false,
  ): Promise<void> {
    if (response.ok) {
      if (!keepBody) await response.body?.cancel();
      return;
    }
    throw refusal(operation, key, response.status, await response.text().catch(() => ''));
  }
}

const errorCode = (xml: string): string | undefined => elements(xml, 'Code')[0];

function refusal(operation: string, key: string, status: number, body: string): ObjectStoreError {
  const code = errorCode(body);
  const hint = code ? HINTS[code] : undefined;
  return new ObjectStoreError(
    `S3 ${operation} ${key} refused: ${status}${code ? ` ${code}` : ''}${hint ? ` (${hint})` : ''}`,
    status,
  );
}
