import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configErrorOf, configFiles } from './support/config-files';
import { loadConfig, type Config } from '../src/config';

const { dir, write: configFile } = configFiles('conclave-config-regions-');
const load = (env: Record<string, string>): Config['media'] => loadConfig(env, { cwd: dir }).media;
const configError = (env: Record<string, string>): string =>
  configErrorOf((e) => loadConfig(e, { cwd: dir }), env).message;
const SECRET = { CONCLAVE_JANUS_API_SECRET: '0123456789abcdef' };

test('NET-REGIONS: each embedded Janus gets its region from CONCLAVE_MEDIA_REGIONS, all the shared capacity', () => {
  const media = load({ CONCLAVE_MEDIA_REGIONS: 'eu-west, us-east,eu-west', CONCLAVE_MEDIA_CAPACITY: '80' });
  assert.equal(media.mode, 'embedded');
  assert.deepEqual(media.servers, [
    { region: 'eu-west', capacity: 80 },
    { region: 'us-east', capacity: 80 },
    { region: 'eu-west', capacity: 80 },
  ]);
  // Unchanged without it: CONCLAVE_MEDIA_SERVERS servers, all in CONCLAVE_MEDIA_REGION.
  assert.deepEqual(load({ CONCLAVE_MEDIA_SERVERS: '2', CONCLAVE_MEDIA_REGION: 'a' }).servers, [
    { region: 'a', capacity: 200 },
    { region: 'a', capacity: 200 },
  ]);
});

test('NET-REGIONS: the operator’s Janus servers each have their own region and capacity (file and environment)', () => {
  const file = configFile(`{
    "media": {
      "janusApiSecret": "0123456789abcdef",
      "region": "eu-west",
      "capacity": 300,
      "janusServers": [
        { "url": "wss://a.example/janus", "region": "eu-central", "capacity": 500 },
        { "url": "wss://b.example/janus" },
      ],
      "regionProbes": { "eu-central": "https://eu-central.example/api/regions/eu-central/probe" },
    },
  }`);
  assert.deepEqual(load({ CONCLAVE_CONFIG: file }), {
    mode: 'external',
    servers: [
      { url: 'wss://a.example/janus', region: 'eu-central', capacity: 500 },
      { url: 'wss://b.example/janus', region: 'eu-west', capacity: 300 },
    ],
    apiSecret: '0123456789abcdef',
    regionProbes: { 'eu-central': 'https://eu-central.example/api/regions/eu-central/probe' },
  });
  const env = load({
    ...SECRET,
    CONCLAVE_JANUS_SERVERS: '[{"url":"ws://10.0.0.5:8188","region":"b","capacity":40}]',
    CONCLAVE_REGION_PROBES: 'b=https://b.example/api/regions/b/probe',
  });
  assert.deepEqual(env.servers, [{ url: 'ws://10.0.0.5:8188', region: 'b', capacity: 40 }]);
  assert.deepEqual(env.regionProbes, { b: 'https://b.example/api/regions/b/probe' });
  // CONCLAVE_JANUS_URLS still works: every server in CONCLAVE_MEDIA_REGION with the shared capacity.
  assert.deepEqual(load({ ...SECRET, CONCLAVE_JANUS_URLS: 'ws://j:8188' }).servers, [
    { url: 'ws://j:8188', region: 'default', capacity: 200 },
  ]);
});

test('NET-REGIONS: wrong region settings stop start-up naming the setting and the problem', () => {
  const cases: Array<[Record<string, string>, string]> = [
    [
      { CONCLAVE_MEDIA_REGIONS: 'a,EU' },
      'CONCLAVE_MEDIA_REGIONS (environment): not a region name (lower-case letters, digits and dashes, at most 32): EU',
    ],
    [
      { CONCLAVE_MEDIA_REGIONS: 'a,b,c,d,e,f,g,h,i' },
      'CONCLAVE_MEDIA_REGIONS (environment): must name at most 8 regions (one per media server)',
    ],
    [
      { CONCLAVE_MEDIA_REGIONS: 'a,b', CONCLAVE_MEDIA_SERVERS: '3' },
      "CONCLAVE_MEDIA_REGIONS (environment): names 2 media servers' regions, but CONCLAVE_MEDIA_SERVERS (environment) is 3",
    ],
    [
      { CONCLAVE_MEDIA_REGIONS: 'a,b', CONCLAVE_MEDIA_REGION: 'a' },
      'CONCLAVE_MEDIA_REGIONS (environment): set it or CONCLAVE_MEDIA_REGION (environment), not both',
    ],
    [{ CONCLAVE_MEDIA_CAPACITY: '0' }, 'CONCLAVE_MEDIA_CAPACITY (environment): must be 1 or more'],
    [
      { CONCLAVE_MEDIA_REGIONS: 'a,b', CONCLAVE_REGION_PROBES: 'c=https://c.example/probe' },
      'CONCLAVE_REGION_PROBES (environment): names region c, which has no media server (regions: a, b)',
    ],
    [
      { CONCLAVE_REGION_PROBES: 'default=ftp://x' },
      'CONCLAVE_REGION_PROBES (environment): default: must be an http(s) URL',
    ],
    [
      { CONCLAVE_REGION_PROBES: 'https://x.example/probe' },
      'CONCLAVE_REGION_PROBES (environment): must look like region=URL, not: https://x.example/probe',
    ],
    [
      { ...SECRET, CONCLAVE_JANUS_SERVERS: '[{"url":"ws://j","region":"b"}]', CONCLAVE_JANUS_URLS: 'ws://k' },
      'CONCLAVE_JANUS_SERVERS (environment): set it or CONCLAVE_JANUS_URLS (environment), not both',
    ],
    [
      { ...SECRET, CONCLAVE_JANUS_SERVERS: '[{"url":"ws://j","region":"B"}]' },
      'CONCLAVE_JANUS_SERVERS (environment): [0].region: not a region name (lower-case letters, digits and dashes, at most 32): B',
    ],
    [
      { ...SECRET, CONCLAVE_JANUS_SERVERS: 'ws://j' },
      'CONCLAVE_JANUS_SERVERS (environment): must be a JSON array like [{"url": "wss://…", "region": "eu-west"}]',
    ],
    [
      { ...SECRET, CONCLAVE_JANUS_SERVERS: '[{"url":"ws://j"}]', CONCLAVE_MEDIA_REGIONS: 'a' },
      'CONCLAVE_MEDIA_REGIONS (environment): names the regions of embedded media servers; give each of CONCLAVE_JANUS_SERVERS (environment) its region instead',
    ],
    [
      { CONCLAVE_JANUS_SERVERS: '[{"url":"ws://j"}]' },
      'CONCLAVE_JANUS_API_SECRET (environment) or media.janusApiSecret (configuration file): is required when CONCLAVE_JANUS_SERVERS (environment) is set',
    ],
  ];
  for (const [env, message] of cases) assert.equal(configError(env), message);
  const file = configFile(
    '{ "media": { "janusApiSecret": "0123456789abcdef", "janusServers": [{ "url": "ws://j", "capacity": "lots" }] } }',
  );
  assert.equal(
    configError({ CONCLAVE_CONFIG: file }),
    `${file}: media.janusServers: [0].capacity: must be a number of participants`,
  );
});
