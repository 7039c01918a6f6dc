import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { configErrorOf, configFiles } from './support/config-files';
import type { ConfigError } from '../src/config';
import { DEFAULT_CONFIG_FILE, SETTINGS, loadConfig, type Config } from '../src/config';
import { REPO, runMain } from './support/main';

const { dir, write: configFile } = configFiles('conclave-config-');

function load(env: Record<string, string>, defaultConfigFile: string | null = null): Config {
  return loadConfig(env, { cwd: '/srv/conclave', defaultWebDir: null, defaultConfigFile });
}

const configError = (env: Record<string, string>): ConfigError => configErrorOf((e) => load(e), env);

const FULL = `{
  // Comments and trailing commas are allowed.
  "host": "0.0.0.0",
  "port": 9000,
  "publicUrl": "https://meet.example.org",
  "dataDir": "state",          /* relative to this file's folder */
  "logLevel": "warn",
  "trustProxy": ["127.0.0.1"],
  "redis": { "url": "redis://:secret@10.0.0.5:6379" },
  "media": {
    "rtpPorts": "30000-31000",
    "interface": "eth0",
    "publicIp": "203.0.113.7",
    "janusWsPort": 8188,
    "servers": 2,
    "region": "eu-west",
  },
}`;

test('OPS-CONFIG: settings come from the file named by CONCLAVE_CONFIG, relative paths from its folder', () => {
  const path = configFile(FULL);
  const config = load({ CONCLAVE_CONFIG: path });
  assert.equal(config.configFile, path);
  assert.equal(config.host, '0.0.0.0');
  assert.equal(config.port, 9000);
  assert.equal(config.publicUrl, 'https://meet.example.org');
  assert.equal(config.dataDir, join(dir, 'state'));
  assert.equal(config.logLevel, 'warn');
  assert.deepEqual(config.trustProxy, ['127.0.0.1']);
  assert.deepEqual(config.redis, { url: 'redis://:secret@10.0.0.5:6379' });
  assert.deepEqual(config.media, {
    mode: 'embedded',
    servers: [
      { region: 'eu-west', capacity: 200 },
      { region: 'eu-west', capacity: 200 },
    ],
    regionProbes: {},
    janusBinary: '/usr/bin/janus',
    janusWsPort: 8188,
    rtpPortRange: { min: 30000, max: 31000 },
    iceInterfaces: 'eth0',
    publicIp: '203.0.113.7',
  });
});

test('OPS-CONFIG: environment variables override the file, and the file overrides the defaults', () => {
  const path = configFile(FULL);
  const config = load({
    CONCLAVE_CONFIG: path,
    CONCLAVE_PORT: '9100',
    CONCLAVE_RTP_PORTS: '40000-41000',
    CONCLAVE_TRUST_PROXY: 'false',
    CONCLAVE_DATA_DIR: 'env-data',
  });
  assert.equal(config.port, 9100, 'environment wins');
  assert.deepEqual(config.media.mode === 'embedded' && config.media.rtpPortRange, { min: 40000, max: 41000 });
  assert.equal(config.trustProxy, false, 'false from the environment overrides the file');
  assert.equal(config.dataDir, '/srv/conclave/env-data', "the environment's paths are relative to the cwd");
  assert.equal(config.host, '0.0.0.0', 'from the file');
  assert.equal(config.databaseUrl, null, 'neither: the default');
});

test('OPS-CONFIG: the file is optional: a missing default file means environment and defaults only', () => {
  const config = load({ CONCLAVE_PORT: '9200' }, join(dir, 'no-such-file.json'));
  assert.equal(config.configFile, null);
  assert.equal(config.port, 9200);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(DEFAULT_CONFIG_FILE, '/etc/conclave/conclave.json');

  const fromDefault = load({}, configFile('{ "port": 9300 }'));
  assert.equal(fromDefault.port, 9300, 'an existing default file is read');
});

test('OPS-CONFIG: a file named by CONCLAVE_CONFIG must exist', () => {
  const err = configError({ CONCLAVE_CONFIG: join(dir, 'missing.json') });
  assert.equal(err.message, `CONCLAVE_CONFIG (environment): ${join(dir, 'missing.json')} does not exist`);
});

test('OPS-CONFIG: a wrong value in the file names the file and the key', () => {
  const cases: Array<[string, string, string]> = [
    ['{ "media": { "rtpPorts": "20000:40000" } }', 'media.rtpPorts', 'must look like 20000-40000'],
    [
      '{ "media": { "rtpPorts": "40000-20000" } }',
      'media.rtpPorts',
      'must be a range within 1024–65535 with min < max',
    ],
    ['{ "port": "8080" }', 'port', 'must be a number'],
    ['{ "port": 80.5 }', 'port', 'must be a whole number'],
    [
      '{ "trustProxy": true }',
      'trustProxy',
      'must be false, a hop count or a list of proxy addresses, never true (that would believe anyone)',
    ],
    ['{ "publicUrl": null }', 'publicUrl', 'must be an http(s) URL'],
    ['{ "logLevel": "loud" }', 'logLevel', 'must be one of fatal, error, warn, info, debug, trace, silent'],
    [
      '{ "media": { "janusUrls": "ws://janus" } }',
      'media.janusUrls',
      'must be an array of ws:// or wss:// URLs',
    ],
    [
      '{ "media": { "janusUrls": ["http://janus"] } }',
      'media.janusUrls',
      'not a ws:// or wss:// URL: http://janus',
    ],
    ['{ "media": { "janusUrls": [] } }', 'media.janusUrls', 'must name at least one ws:// or wss:// URL'],
  ];
  for (const [text, key, problem] of cases) {
    const path = configFile(text);
    const err = configError({ CONCLAVE_CONFIG: path });
    assert.equal(err.message, `${path}: ${key}: ${problem}`, text);
  }
});

test('OPS-CONFIG: unknown keys in the file are errors, with the nearest setting suggested', () => {
  const cases: Array<[string, string, string]> = [
    [
      '{ "media": { "rtpPort": "20000-40000" } }',
      'media.rtpPort',
      'unknown setting (did you mean media.rtpPorts?)',
    ],
    ['{ "publicURL": "https://x.test" }', 'publicURL', 'unknown setting (did you mean publicUrl?)'],
    ['{ "colour": "blue" }', 'colour', 'unknown setting'],
    ['{ "media": { "nested": { "deeper": 1 } } }', 'media.nested', 'unknown setting'],
    ['{ "media": "embedded" }', 'media', 'must be an object of settings'],
  ];
  for (const [text, key, problem] of cases) {
    const path = configFile(text);
    assert.equal(configError({ CONCLAVE_CONFIG: path }).message, `${path}: ${key}: ${problem}`, text);
  }
});

test('OPS-CONFIG: a file that does not parse says where', () => {
  const cases: Array<[string, string, string]> = [
    ['{\n  "port": 8080\n  "host": "0.0.0.0"\n}', '3:3', 'not valid JSON: comma expected'],
    ['{\n  "port": \n}', '3:1', 'not valid JSON: value expected'],
    ['{ "port": 8080 ', '1:16', 'not valid JSON: close brace expected'],
    ['', '1:1', 'not valid JSON: value expected'],
  ];
  for (const [text, at, problem] of cases) {
    const path = configFile(text);
    assert.equal(configError({ CONCLAVE_CONFIG: path }).message, `${path}:${at}: ${problem}`, text);
  }
  const list = configFile('[1, 2]');
  assert.equal(
    configError({ CONCLAVE_CONFIG: list }).message,
    `${list}: must hold one JSON object of settings`,
  );
});

test('OPS-CONFIG: a setting required by another may be given in either place', () => {
  const secretInFile = configFile('{ "media": { "janusApiSecret": "0123456789abcdef" } }');
  const config = load({ CONCLAVE_CONFIG: secretInFile, CONCLAVE_JANUS_URLS: 'ws://a:8188, ws://b:8188' });
  assert.deepEqual(config.media, {
    mode: 'external',
    servers: [
      { url: 'ws://a:8188', region: 'default', capacity: 200 },
      { url: 'ws://b:8188', region: 'default', capacity: 200 },
    ],
    apiSecret: '0123456789abcdef',
    regionProbes: {},
  });

  const urlsInFile = configFile('{ "media": { "janusUrls": ["ws://a:8188"] } }');
  assert.equal(
    configError({ CONCLAVE_CONFIG: urlsInFile }).message,
    `CONCLAVE_JANUS_API_SECRET (environment) or media.janusApiSecret (${urlsInFile}): ` +
      `is required when ${urlsInFile}: media.janusUrls is set`,
  );
});

test('OPS-CONFIG: the server reads CONCLAVE_CONFIG at start and stops on an error in the file', () => {
  const path = configFile('{\n  "media": { "rtpPorts": "20000" }\n}');
  const r = runMain({ CONCLAVE_CONFIG: path });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim(), `Configuration error: ${path}: media.rtpPorts: must look like 20000-40000`);
});

test("OPS-CONFIG: the README's configuration table lists every setting with its variable and file key", () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const rows = readme.split('\n').filter((line) => line.startsWith('| `'));
  for (const setting of Object.values(SETTINGS)) {
    assert.ok(
      rows.some((row) => row.includes(`\`${setting.env}\``) && row.includes(`\`${setting.key}\``)),
      `README table row for ${setting.env} / ${setting.key}`,
    );
  }
});

test('OPS-CONFIG: the example configuration in deploy/ is valid', () => {
  const config = load({ CONCLAVE_CONFIG: join(REPO, 'deploy', 'conclave.json') });
  assert.equal(config.publicUrl, 'https://meet.example.org');
  assert.equal(config.dataDir, '/var/lib/conclave');
});
