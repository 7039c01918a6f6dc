import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configErrorOf, configFiles } from './support/config-files';
import { loadConfig } from '../src/config';
import { TurnRelays } from '../src/turn';
import { silentLogger } from '../src/media/logger';

const { dir } = configFiles('conclave-config-turn-');
const load = (env: Record<string, string>) => loadConfig(env, { cwd: dir });
const configError = (env: Record<string, string>): string => configErrorOf((e) => load(e), env).message;
const EXTERNAL = {
  CONCLAVE_TURN: 'external',
  CONCLAVE_TURN_URLS: 'turn:turn.example.com:3478?transport=udp, turns:turn.example.com:443?transport=tcp',
  CONCLAVE_TURN_SECRET: 'a-shared-secret-of-coturn',
};

test('NET-TURN: the embedded relay by default, on UDP and TCP 3478; TLS on 443 only with a certificate and its key', () => {
  const plain = load({}).turn;
  assert.equal(plain.mode, 'embedded');
  assert.ok(plain.mode === 'embedded' && plain.port === 3478 && plain.tls === null);
  const tls = load({ CONCLAVE_TURN_TLS_CERT: 'turn.crt', CONCLAVE_TURN_TLS_KEY: 'turn.key' }).turn;
  assert.ok(tls.mode === 'embedded');
  assert.deepEqual(tls.tls, { port: 443, certFile: `${dir}/turn.crt`, keyFile: `${dir}/turn.key` });
  assert.match(configError({ CONCLAVE_TURN_TLS_CERT: 'turn.crt' }), /CONCLAVE_TURN_TLS_KEY.*required/);
  assert.equal(load({ CONCLAVE_TURN: 'off' }).turn.mode, 'off');
});

test('NET-TURN: settings that would be ignored are refused: relay ports inside the RTP ports, external-only or embedded-only settings', () => {
  assert.match(configError({ CONCLAVE_TURN_RELAY_PORTS: '30000-31000' }), /overlaps the media servers/);
  assert.match(configError({ CONCLAVE_TURN_SECRET: 'a-shared-secret-of-coturn' }), /external only/);
  assert.match(configError({ ...EXTERNAL, CONCLAVE_TURN_PORT: '3479' }), /embedded TURN server only/);
  assert.match(configError({ CONCLAVE_TURN: 'external' }), /CONCLAVE_TURN_URLS.*required/);
  assert.match(configError({ ...EXTERNAL, CONCLAVE_TURN_URLS: 'http://turn.example.com' }), /not a turn:/);
  assert.match(configError({ CONCLAVE_TURN_CREDENTIAL_SECONDS: '10' }), /at least 60/);
  assert.match(
    configError({ ...EXTERNAL, CONCLAVE_TURN_ALLOWED_PEERS: '10.0.0.7' }),
    /embedded TURN server only/,
  );
  assert.match(
    configError({ CONCLAVE_TURN_ALLOWED_PEERS: 'media.internal' }),
    /not an IP address: media\.internal/,
  );
});

test('NET-TURN: media servers elsewhere are named by address for the embedded relay to reach', () => {
  const turn = load({ CONCLAVE_TURN_ALLOWED_PEERS: '10.0.0.7, 2001:db8::7' }).turn;
  assert.ok(turn.mode === 'embedded');
  assert.deepEqual(turn.allowedPeers, ['10.0.0.7', '2001:db8::7']);
  const none = load({}).turn;
  assert.ok(none.mode === 'embedded' && none.allowedPeers.length === 0);
});

test('NET-TURN: each participant gets its own credential for its meeting, expiring after the configured time; never a static password', () => {
  const relays = TurnRelays.fromConfig(
    load({ ...EXTERNAL, CONCLAVE_TURN_CREDENTIAL_SECONDS: '600' }),
    silentLogger,
  );
  const now = Date.UTC(2026, 11, 3, 12);
  const [a] = relays.iceServers({ meetingId: 'm1', participant: 'guest:g1' }, now);
  const [b] = relays.iceServers({ meetingId: 'm1', participant: 'user:u1' }, now);
  assert.deepEqual(a?.urls, [
    'turn:turn.example.com:3478?transport=udp',
    'turns:turn.example.com:443?transport=tcp',
  ]);
  assert.equal(a?.username, `${now / 1000 + 600}:m1.guest_g1`);
  assert.notEqual(a?.credential, b?.credential);
  assert.notEqual(a?.credential, EXTERNAL.CONCLAVE_TURN_SECRET);
  assert.deepEqual(
    TurnRelays.fromConfig(load({ CONCLAVE_TURN: 'off' }), silentLogger).iceServers({
      meetingId: 'm1',
      participant: 'x',
    }),
    [],
  );
});

test('NET-TURN: an organisation that relays all media gets only relayed paths, unless there is no relay to use', () => {
  const holder = { meetingId: 'm1', participant: 'guest:g1' };
  const external = TurnRelays.fromConfig(load(EXTERNAL), silentLogger);
  assert.equal(external.ice(holder, true).iceTransportPolicy, 'relay');
  assert.equal(external.ice(holder, false).iceTransportPolicy, undefined);
  const none = TurnRelays.fromConfig(load({ CONCLAVE_TURN: 'off' }), silentLogger);
  assert.deepEqual(
    none.ice(holder, true),
    { iceServers: [] },
    'relay-only with no relay would leave no path',
  );
});
