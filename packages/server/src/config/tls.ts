import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError } from './errors';
import type { Describe } from './media';
import type { SettingName, SettingValues } from './settings';

/**
 * The certificate and key the server speaks HTTPS with, read once at start (a new certificate takes a
 * restart). The PEM text is held in private fields: logging or printing the configuration shows the
 * two file names, never the key.
 */
export class TlsCredentials {
  readonly #cert: string;
  readonly #key: string;

  constructor(
    readonly certFile: string,
    readonly keyFile: string,
    cert: string,
    key: string,
  ) {
    this.#cert = cert;
    this.#key = key;
  }

  /** What node:https.createServer takes: the certificate (with any intermediates after it) and its key. */
  serverOptions(): { cert: string; key: string } {
    return { cert: this.#cert, key: this.#key };
  }
}

/**
 * The HTTPS settings: both files or neither. Each file is read and checked here, so a missing,
 * unreadable or mismatched one stops start-up with a message naming its setting instead of a stack
 * trace from deep inside the TLS server. No message quotes a file's contents.
 */
export function tlsCredentials(
  v: SettingValues,
  describe: Describe,
  describeUnset: Describe,
): TlsCredentials | null {
  const { tlsCert: certFile, tlsKey: keyFile } = v;
  if (certFile === undefined && keyFile === undefined) return null;
  if (certFile === undefined || keyFile === undefined) {
    const [missing, given] =
      certFile === undefined ? (['tlsCert', 'tlsKey'] as const) : (['tlsKey', 'tlsCert'] as const);
    throw new ConfigError(
      describeUnset(missing),
      `is required when ${describe(given)} is set: HTTPS needs both the certificate and its private key`,
    );
  }
  const cert = readPem(certFile, 'tlsCert', describe);
  const key = readPem(keyFile, 'tlsKey', describe);
  const certificate = parse(
    () => new X509Certificate(cert),
    describe('tlsCert'),
    `${certFile} holds no PEM certificate`,
  );
  const privateKey = parseKey(key, keyFile, describe('tlsKey'));
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new ConfigError(
      describe('tlsKey'),
      `${keyFile} is not the private key of the certificate in ${certFile}`,
    );
  }
  return new TlsCredentials(certFile, keyFile, cert, key);
}

function readPem(file: string, name: SettingName, describe: Describe): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read by this user'
          : code === 'EISDIR'
            ? 'is a folder, not a file'
            : `cannot be read (${code ?? String(err)})`;
    throw new ConfigError(describe(name), `${file} ${why}`);
  }
}

function parseKey(pem: string, file: string, where: string): KeyObject {
  // An encrypted key (PKCS#8, or OpenSSL's older Proc-Type header) would need its passphrase at every
  // start; say how to store it without one instead of OpenSSL's "interrupted or cancelled".
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(pem)) {
    throw new ConfigError(
      where,
      `${file} is encrypted; give the key without a passphrase (openssl pkey -in ENCRYPTED -out KEY), readable only by the service`,
    );
  }
  try {
    return createPrivateKey(pem);
  } catch {
    throw new ConfigError(where, `${file} holds no PEM private key`);
  }
}

function parse<T>(make: () => T, where: string, problem: string): T {
  try {
    return make();
  } catch {
    throw new ConfigError(where, problem);
  }
}
