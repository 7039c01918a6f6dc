import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ConfigError } from '../src/config';
import { findDefaultWebDir, loadConfig } from '../src/config';
import { configErrorOf } from './support/config-files';
import { runMain } from './support/main';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');

const configError = (env: Record<string, string>): ConfigError =>
  configErrorOf((e) => loadConfig(e, { cwd: '/srv/conclave' }), env);

test('OPS-CONFIG: defaults start an embedded installation on 127.0.0.1:8080 with SQLite', () => {
  const config = loadConfig({}, { cwd: '/srv/conclave', defaultWebDir: '/srv/conclave/apps/web/dist' });
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.port, 8080);
  assert.equal(config.publicUrl, 'http://127.0.0.1:8080');
  assert.equal(config.dataDir, '/srv/conclave/data');
  assert.equal(config.databaseUrl, null);
  assert.equal(config.redis.url, null, 'no Redis: limits in this process');
  assert.equal(config.webDir, '/srv/conclave/apps/web/dist');
  assert.equal(config.media.mode, 'embedded');
  assert.deepEqual(config.limits, {
    socketsPerAddress: 100,
    guestsPerAddress: 120,
    apiKeyRequestsPerMinute: 300,
  });
});

test('OPS-CONFIG: the limits per client address (sockets, guests) and per API key can be raised', () => {
  const config = loadConfig(
    {
      CONCLAVE_SOCKETS_PER_ADDRESS: '500',
      CONCLAVE_GUESTS_PER_ADDRESS: '600',
      CONCLAVE_API_KEY_REQUESTS_PER_MINUTE: '1200',
    },
    { cwd: '/srv/conclave' },
  );
  assert.deepEqual(config.limits, {
    socketsPerAddress: 500,
    guestsPerAddress: 600,
    apiKeyRequestsPerMinute: 1200,
  });
});

test('OPS-CONFIG: no other site may embed meetings unless CONCLAVE_EMBED_ORIGINS names it, as an origin', () => {
  assert.deepEqual(loadConfig({}, { cwd: '/srv/conclave' }).embedOrigins, []);
  const config = loadConfig(
    { CONCLAVE_EMBED_ORIGINS: 'https://Intranet.Example.org/, http://localhost:3000' },
    { cwd: '/srv/conclave' },
  );
  assert.deepEqual(config.embedOrigins, ['https://intranet.example.org', 'http://localhost:3000']);
  for (const wrong of [
    'intranet.example.org',
    'https://intranet.example.org/app',
    '*',
    'https://x.org:443',
  ]) {
    const err = configError({ CONCLAVE_EMBED_ORIGINS: wrong });
    assert.equal(err.where, 'CONCLAVE_EMBED_ORIGINS (environment)');
    assert.match(err.problem, /not an origin like https:\/\/intranet\.example\.org/);
  }
});

test('OPS-CONFIG: settings come from environment variables', () => {
  const config = loadConfig(
    {
      CONCLAVE_HOST: '0.0.0.0',
      CONCLAVE_PORT: '9000',
      CONCLAVE_PUBLIC_URL: 'https://meet.example.org/',
      DATABASE_URL: 'postgres://conclave@db/conclave',
      CONCLAVE_WEB_DIR: 'web',
      CONCLAVE_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1',
      CONCLAVE_REDIS_URL: 'rediss://:secret@redis.internal:6380/2',
    },
    { cwd: '/srv/conclave' },
  );
  assert.equal(config.redis.url, 'rediss://:secret@redis.internal:6380/2');
  assert.equal(config.port, 9000);
  assert.equal(config.publicUrl, 'https://meet.example.org');
  assert.equal(config.databaseUrl, 'postgres://conclave@db/conclave');
  assert.equal(config.webDir, '/srv/conclave/web');
  assert.deepEqual(config.trustProxy, ['127.0.0.1', '10.0.0.0/8', '::1']);
  assert.equal(loadConfig({ CONCLAVE_TRUST_PROXY: '2' }).trustProxy, 2);
  assert.equal(loadConfig({}).trustProxy, false);
});

test('OPS-CONFIG: a wrong variable stops start-up with a message naming it and the environment', () => {
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ CONCLAVE_PORT: 'eighty' }, 'CONCLAVE_PORT', /number/],
    [{ CONCLAVE_PORT: '70000' }, 'CONCLAVE_PORT', /TCP port/],
    [{ CONCLAVE_PUBLIC_URL: 'meet.example.org' }, 'CONCLAVE_PUBLIC_URL', /http/],
    [{ DATABASE_URL: 'mysql://db/conclave' }, 'DATABASE_URL', /postgres/],
    [{ CONCLAVE_LOG_LEVEL: 'loud' }, 'CONCLAVE_LOG_LEVEL', /one of fatal, error/],
    // The URL may hold a password: the message does not repeat it.
    [
      { CONCLAVE_REDIS_URL: 'redis.internal:6379' },
      'CONCLAVE_REDIS_URL',
      /^must be a redis:\/\/ or rediss:\/\/ URL/,
    ],
    [{ CONCLAVE_TRUST_PROXY: 'maybe' }, 'CONCLAVE_TRUST_PROXY', /address or CIDR: maybe/],
    [{ CONCLAVE_TRUST_PROXY: 'true' }, 'CONCLAVE_TRUST_PROXY', /anyone/],
    [{ CONCLAVE_TRUST_PROXY: '10.0.0.0/33' }, 'CONCLAVE_TRUST_PROXY', /CIDR/],
    [{ CONCLAVE_RTP_PORTS: '20000:40000' }, 'CONCLAVE_RTP_PORTS', /must look like 20000-40000/],
    [{ CONCLAVE_RTP_PORTS: '40000-20000' }, 'CONCLAVE_RTP_PORTS', /min < max/],
    [{ CONCLAVE_SOCKETS_PER_ADDRESS: '0' }, 'CONCLAVE_SOCKETS_PER_ADDRESS', /must be 1 or more/],
    [{ CONCLAVE_SOCKETS_PER_ADDRESS: 'many' }, 'CONCLAVE_SOCKETS_PER_ADDRESS', /must be a number/],
    [{ CONCLAVE_GUESTS_PER_ADDRESS: '1.5' }, 'CONCLAVE_GUESTS_PER_ADDRESS', /must be a number/],
    [{ CONCLAVE_GUESTS_PER_ADDRESS: '1000001' }, 'CONCLAVE_GUESTS_PER_ADDRESS', /at most 100000/],
    [
      { CONCLAVE_JANUS_URLS: 'http://janus', CONCLAVE_JANUS_API_SECRET: 'x'.repeat(16) },
      'CONCLAVE_JANUS_URLS',
      /not a ws:\/\/ or wss:\/\/ URL: http:\/\/janus/,
    ],
  ];
  for (const [env, variable, message] of cases) {
    const err = configError(env);
    assert.equal(err.where, `${variable} (environment)`, JSON.stringify(env));
    assert.ok(err.message.startsWith(`${variable} (environment): `), err.message);
    assert.match(err.problem, message);
  }
  assert.doesNotMatch(configError({ CONCLAVE_REDIS_URL: 'http://:hunter2@redis' }).message, /hunter2/);
  const missing = configError({ CONCLAVE_JANUS_URLS: 'ws://janus:8188' });
  assert.equal(
    missing.message,
    'CONCLAVE_JANUS_API_SECRET (environment) or media.janusApiSecret (configuration file): ' +
      'is required when CONCLAVE_JANUS_URLS (environment) is set',
  );
});

test('OPS-CONFIG: the server prints the wrong variable and exits 1, without a stack trace', () => {
  const r = runMain({ CONCLAVE_PORT: 'eighty' });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), 'Configuration error: CONCLAVE_PORT (environment): must be a number');
  assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at /);
});

test('the default web folder is found from the source tree and from the bundle', () => {
  const expected = join(repo, 'apps', 'web', 'dist');
  assert.ok(existsSync(join(repo, 'apps', 'web', 'package.json')));
  assert.equal(findDefaultWebDir(join(repo, 'packages', 'server', 'src', 'config')), expected);
  assert.equal(findDefaultWebDir(join(repo, 'packages', 'server', 'dist')), expected);
  assert.equal(findDefaultWebDir(), expected);
  assert.equal(findDefaultWebDir('/'), null);
});
