// HTTPS without a proxy (issue 11 part 7): CONCLAVE_TLS_CERT and CONCLAVE_TLS_KEY, both or neither,
// each file read and checked at start so that a wrong one names its setting.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { inspect } from 'node:util';
import type { ConfigError } from '../src/config';
import { loadConfig, type Config } from '../src/config';
import { configErrorOf, configFiles } from './support/config-files';
import { runMain } from './support/main';
import { makeTestTls, selfSignedPair } from './support/tls';

const tls = makeTestTls();
after(() => tls.remove());
const { dir, write: configFile } = configFiles('conclave-config-tls-');

function load(env: Record<string, string>): Config {
  return loadConfig(env, { cwd: '/srv/conclave', defaultWebDir: null });
}

const configError = (env: Record<string, string>): ConfigError => configErrorOf((e) => load(e), env);

/** A file in the scratch folder with this text. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const BOTH = { CONCLAVE_TLS_CERT: tls.certFile, CONCLAVE_TLS_KEY: tls.keyFile };

test('OPS-CONFIG: without a certificate and key the server speaks plain http, as before', () => {
  const config = load({});
  assert.equal(config.tls, null);
  assert.equal(config.publicUrl, 'http://127.0.0.1:8080');
});

test('OPS-CONFIG: with CONCLAVE_TLS_CERT and CONCLAVE_TLS_KEY the public URL defaults to https', () => {
  const config = load(BOTH);
  assert.equal(config.tls?.certFile, tls.certFile);
  assert.equal(config.tls.keyFile, tls.keyFile);
  assert.deepEqual(config.tls.serverOptions(), { cert: tls.cert, key: tls.key });
  assert.equal(config.publicUrl, 'https://127.0.0.1:8080');
  // A public URL given explicitly (e.g. the machine's name) is kept.
  const named = load({ ...BOTH, CONCLAVE_PUBLIC_URL: 'https://meet.lan:8443' });
  assert.equal(named.publicUrl, 'https://meet.lan:8443');
});

test('OPS-CONFIG: the private key never shows when the configuration is logged or printed', () => {
  const config = load(BOTH);
  const keyBody = tls.key.split('\n')[1]!;
  assert.doesNotMatch(JSON.stringify(config), new RegExp(keyBody.slice(0, 40)));
  assert.doesNotMatch(inspect(config, { depth: 10 }), /PRIVATE KEY/);
  assert.match(JSON.stringify(config.tls), new RegExp(tls.keyFile));
});

test('OPS-CONFIG: the files may be named in the configuration file, relative to its folder', () => {
  mkdirSync(join(dir, 'tls'), { recursive: true });
  file('tls/cert.pem', tls.cert);
  file('tls/key.pem', tls.key);
  const path = configFile('{ "tls": { "cert": "tls/cert.pem", "key": "tls/key.pem" } }');
  const config = load({ CONCLAVE_CONFIG: path });
  assert.equal(config.tls?.certFile, join(dir, 'tls/cert.pem'));
  assert.equal(config.tls.keyFile, join(dir, 'tls/key.pem'));
  // One in each place is still both.
  const mixed = load({ CONCLAVE_CONFIG: path, CONCLAVE_TLS_KEY: tls.keyFile });
  assert.equal(mixed.tls?.keyFile, tls.keyFile);
});

test('OPS-CONFIG: a certificate without its key, or a key without its certificate, stops start-up', () => {
  assert.equal(
    configError({ CONCLAVE_TLS_CERT: tls.certFile }).message,
    'CONCLAVE_TLS_KEY (environment) or tls.key (configuration file): is required when ' +
      'CONCLAVE_TLS_CERT (environment) is set: HTTPS needs both the certificate and its private key',
  );
  assert.equal(
    configError({ CONCLAVE_TLS_KEY: tls.keyFile }).where,
    'CONCLAVE_TLS_CERT (environment) or tls.cert (configuration file)',
  );
  const inFile = configFile('{ "tls": { "key": "key.pem" } }');
  assert.match(
    configError({ CONCLAVE_CONFIG: inFile }).message,
    new RegExp(
      `^CONCLAVE_TLS_CERT \\(environment\\) or tls\\.cert \\(${inFile}\\): is required when ${inFile}: tls\\.key is set`,
    ),
  );
});

test('OPS-CONFIG: a missing, unreadable or wrong file names its setting and the file', () => {
  const notPem = file('not.pem', 'hello\n');
  const otherKey = file('other.key', selfSignedPair('someone else').key);
  const cases: Array<[Record<string, string>, string, string]> = [
    [
      { ...BOTH, CONCLAVE_TLS_CERT: '/nowhere/cert.pem' },
      'CONCLAVE_TLS_CERT',
      '/nowhere/cert.pem does not exist',
    ],
    [{ ...BOTH, CONCLAVE_TLS_KEY: dir }, 'CONCLAVE_TLS_KEY', `${dir} is a folder, not a file`],
    [{ ...BOTH, CONCLAVE_TLS_CERT: notPem }, 'CONCLAVE_TLS_CERT', `${notPem} holds no PEM certificate`],
    // The two swapped: each file is checked for what it must hold.
    [
      { ...BOTH, CONCLAVE_TLS_CERT: tls.keyFile },
      'CONCLAVE_TLS_CERT',
      `${tls.keyFile} holds no PEM certificate`,
    ],
    [
      { ...BOTH, CONCLAVE_TLS_KEY: tls.certFile },
      'CONCLAVE_TLS_KEY',
      `${tls.certFile} holds no PEM private key`,
    ],
    [
      { ...BOTH, CONCLAVE_TLS_KEY: otherKey },
      'CONCLAVE_TLS_KEY',
      `${otherKey} is not the private key of the certificate in ${tls.certFile}`,
    ],
  ];
  for (const [env, variable, problem] of cases) {
    const err = configError(env);
    assert.equal(err.where, `${variable} (environment)`, JSON.stringify(env));
    assert.equal(err.problem, problem);
  }
});

test(
  'OPS-CONFIG: a key only its owner may read is refused for another user',
  { skip: process.getuid?.() === 0 && 'root reads every file' },
  () => {
    const locked = file('locked.key', tls.key);
    execFileSync('chmod', ['000', locked]);
    assert.equal(
      configError({ ...BOTH, CONCLAVE_TLS_KEY: locked }).problem,
      `${locked} cannot be read by this user`,
    );
  },
);

test('OPS-CONFIG: an encrypted key is refused with how to store it without a passphrase', () => {
  const encrypted = join(dir, 'encrypted.key');
  execFileSync('openssl', [
    'pkey',
    '-in',
    tls.keyFile,
    '-aes256',
    '-passout',
    'pass:secret',
    '-out',
    encrypted,
  ]);
  const err = configError({ ...BOTH, CONCLAVE_TLS_KEY: encrypted });
  assert.match(err.problem, /is encrypted; give the key without a passphrase/);
});

test('OPS-CONFIG: PEM text given instead of a path is refused without repeating it', () => {
  const err = configError({ ...BOTH, CONCLAVE_TLS_KEY: tls.key });
  assert.equal(
    err.message,
    'CONCLAVE_TLS_KEY (environment): must be the path of a PEM file, not the PEM text itself',
  );
});

test('OPS-CONFIG: the server prints a missing TLS setting and exits 1, without a stack trace', () => {
  const r = runMain({ CONCLAVE_TLS_CERT: tls.certFile });
  assert.equal(r.status, 1);
  assert.equal(
    r.stderr.trim(),
    'Configuration error: CONCLAVE_TLS_KEY (environment) or tls.key (configuration file): is required when ' +
      'CONCLAVE_TLS_CERT (environment) is set: HTTPS needs both the certificate and its private key',
  );
  assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /);
});
