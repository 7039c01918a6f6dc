import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';

/** A throwaway certificate authority and a certificate it signed for one host (Debian's openssl). */
export interface TestTls {
  /** The CA's certificate (PEM file): what a client must trust, e.g. through NODE_EXTRA_CA_CERTS. */
  caFile: string;
  key: string;
  cert: string;
  /** The same key and certificate as files, e.g. for CONCLAVE_TLS_KEY and CONCLAVE_TLS_CERT. */
  keyFile: string;
  certFile: string;
  remove(): void;
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });

/** Writes an RSA key and a self-signed certificate for it (PEM, valid two days). */
export function writeSelfSigned(commonName: string, keyFile: string, certFile: string): void {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=${commonName}`,
    '-keyout',
    keyFile,
    '-out',
    certFile,
  );
}

/** An RSA key and a self-signed certificate (PEM), e.g. for a test identity provider to sign with. */
export function selfSignedPair(commonName: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-key-'));
  try {
    writeSelfSigned(commonName, join(dir, 'key.pem'), join(dir, 'cert.pem'));
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `host` is the address or name the certificate is for (its subjectAltName). */
export function makeTestTls(host = '127.0.0.1'): TestTls {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-tls-'));
  const at = (name: string) => join(dir, name);
  writeSelfSigned('Conclave test CA', at('ca.key'), at('ca.pem'));
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    `/CN=${host}`,
    '-keyout',
    at('server.key'),
    '-out',
    at('server.csr'),
  );
  const altName = `${isIP(host) ? 'IP' : 'DNS'}:${host}`;
  writeFileSync(at('server.ext'), `subjectAltName=${altName}\nextendedKeyUsage=serverAuth\n`);
  openssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.pem'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    at('server.ext'),
    '-out',
    at('server.pem'),
  );
  return {
    caFile: at('ca.pem'),
    key: readFileSync(at('server.key'), 'utf8'),
    cert: readFileSync(at('server.pem'), 'utf8'),
    keyFile: at('server.key'),
    certFile: at('server.pem'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
