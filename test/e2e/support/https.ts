import { createHash, createPublicKey } from 'node:crypto';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';

/**
 * Makes this test process trust `caPem` besides the usual authorities, as NODE_EXTRA_CA_CERTS would
 * at start: Node's fetch (TestServer's readiness checks, the API helpers) and Playwright's API requests
 * then verify a test server's certificate instead of skipping the check. Node 22.19 / 24.5 or newer.
 */
export function trustInThisProcess(caPem: string): void {
  setDefaultCACertificates([...getCACertificates('default'), caPem]);
}

/**
 * The base64 SHA-256 of a key's SubjectPublicKeyInfo: what Chromium's
 * `--ignore-certificate-errors-spki-list` takes to trust a server holding exactly that key.
 */
export function spkiHash(privateKeyPem: string): string {
  const spki = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}
