import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../src/config';
import { freePort } from '../src/media/janus-supervisor';
import { removeJanusConfig, writeJanusConfig } from '../src/media/janus-config';
import { silentLogger } from '../src/media/logger';
import { networkEndpoints } from '../src/network/endpoints';
import { TurnRelays } from '../src/turn';
import { mediaAddress } from '../src/turn/media-address';
import { configErrorOf, configFiles } from './support/config-files';
import { TurnClient } from './support/turn-client';

// Documentation's own range (RFC 5737): as a cloud's public address, mapped to this machine's.
const PUBLIC_IP = '203.0.113.7';
const { dir } = configFiles('conclave-config-nat-');
const load = (env: Record<string, string>) => loadConfig(env, { cwd: dir });

test('NET-TURN: the media servers’ public address behind a 1:1 NAT is one IPv4 setting, for the embedded media servers only', () => {
  const media = load({ CONCLAVE_MEDIA_PUBLIC_IP: PUBLIC_IP }).media;
  assert.ok(media.mode === 'embedded' && media.publicIp === PUBLIC_IP);
  const unset = load({}).media;
  assert.ok(unset.mode === 'embedded' && unset.publicIp === null);
  for (const wrong of ['300.1.2.3', 'media.example.org', '2001:db8::7']) {
    assert.match(
      configErrorOf(load, { CONCLAVE_MEDIA_PUBLIC_IP: wrong }).message,
      /CONCLAVE_MEDIA_PUBLIC_IP.*IPv4/,
    );
  }
  assert.match(
    configErrorOf(load, {
      CONCLAVE_MEDIA_PUBLIC_IP: PUBLIC_IP,
      CONCLAVE_JANUS_URLS: 'ws://media.internal:8188',
      CONCLAVE_JANUS_API_SECRET: 'a-janus-api-secret-0123',
    }).message,
    /nat_1_1_mapping/,
    'an external Janus is given its mapping in its own configuration',
  );
});

test('NET-TURN: behind a 1:1 NAT Janus announces the public address and keeps the private one', async () => {
  const config = await writeJanusConfig({
    wsPort: await freePort(),
    rtpPortRange: { min: 20000, max: 20099 },
    iceInterfaces: null,
    publicIp: PUBLIC_IP,
  });
  const plain = await writeJanusConfig({
    wsPort: await freePort(),
    rtpPortRange: { min: 20000, max: 20099 },
    iceInterfaces: null,
  });
  try {
    const nat = await readFile(join(config.configsFolder, 'janus.jcfg'), 'utf8');
    assert.match(nat, /^\tnat_1_1_mapping = "203\.0\.113\.7"$/m);
    assert.match(nat, /^\tkeep_private_host = true$/m);
    assert.doesNotMatch(await readFile(join(plain.configsFolder, 'janus.jcfg'), 'utf8'), /nat_1_1_mapping/);
  } finally {
    await removeJanusConfig(config);
    await removeJanusConfig(plain);
  }
});

test('NET-FQDN: behind a 1:1 NAT the host list names the public address for the media servers and a local public URL’s relay', () => {
  const config = load({ CONCLAVE_MEDIA_PUBLIC_IP: PUBLIC_IP, CONCLAVE_RTP_PORTS: '20000-29999' });
  const relays = TurnRelays.fromConfig(config, silentLogger);
  const endpoints = networkEndpoints({
    publicUrl: config.publicUrl,
    media: config.media,
    relayUrls: relays.urls,
  });
  assert.deepEqual(
    endpoints.filter((e) => e.purpose !== 'web'),
    [
      { purpose: 'relay', host: PUBLIC_IP, ports: '3478', protocol: 'udp' },
      { purpose: 'relay', host: PUBLIC_IP, ports: '3478', protocol: 'tcp' },
      { purpose: 'media', host: PUBLIC_IP, ports: '20000-29999', protocol: 'udp' },
    ],
  );
});

const relayIp = mediaAddress(null);
test(
  'NET-TURN: the relay reaches the media servers at their private address behind a 1:1 NAT (not looping through it), those named elsewhere, and nothing else',
  {
    skip: !existsSync('/usr/bin/turnserver')
      ? 'coturn is not installed; node scripts/setup.mjs --for-tests installs it'
      : !relayIp && 'no non-loopback IPv4 address (run inside scripts/sandbox.mjs)',
  },
  async () => {
    const port = await freePort();
    const relays = TurnRelays.fromConfig(
      load({
        CONCLAVE_MEDIA_PUBLIC_IP: PUBLIC_IP,
        CONCLAVE_TURN_PORT: String(port),
        CONCLAVE_TURN_RELAY_PORTS: '51000-51099',
        CONCLAVE_TURN_ALLOWED_PEERS: '198.51.100.20',
      }),
      silentLogger,
    );
    await relays.start();
    const client = new TurnClient(relayIp!, port);
    try {
      const [server] = relays.iceServers({ meetingId: 'm1', participant: 'guest:g1' });
      const auth = { username: server!.username!, password: server!.credential! };
      const allocation = await client.allocate(auth);
      assert.equal(allocation.ok, true);
      assert.match(
        allocation.relayed ?? '',
        new RegExp(`^${relayIp!.replace(/\./g, '\\.')}:`),
        'relayed privately',
      );
      assert.equal((await client.createPermission(relayIp!, auth)).ok, true, 'the private address');
      assert.equal(
        (await client.createPermission('198.51.100.20', auth)).ok,
        true,
        'a media server elsewhere',
      );
      assert.equal((await client.createPermission(PUBLIC_IP, auth)).error, 403, 'the public address');
      assert.equal((await client.createPermission('203.0.113.8', auth)).error, 403, 'its neighbour');
    } finally {
      client.close();
      await relays.stop();
    }
  },
);
