import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { newTurnSecret } from '../src/turn/coturn-config';
import { turnCredential } from '../src/turn/credentials';
import { EmbeddedTurn } from '../src/turn/embedded-turn';
import { mediaAddress } from '../src/turn/media-address';
import { freePort } from '../src/media/janus-supervisor';
import { TurnClient } from './support/turn-client';

const TURNSERVER = '/usr/bin/turnserver';
const relayIp = mediaAddress(process.env.CONCLAVE_MEDIA_INTERFACE ?? null);
const skip = !existsSync(TURNSERVER)
  ? `coturn is not installed (${TURNSERVER}); node scripts/setup.mjs --for-tests installs it`
  : !relayIp
    ? 'no non-loopback IPv4 address to relay on (run inside scripts/sandbox.mjs)'
    : false;

describe('embedded coturn (NET-TURN)', { skip }, () => {
  const secret = newTurnSecret();
  const holder = { meetingId: 'meeting-1', participant: 'guest:g1' };
  let turn: EmbeddedTurn;
  let port: number;

  before(async () => {
    port = await freePort();
    turn = new EmbeddedTurn({
      binary: TURNSERVER,
      port,
      tls: null,
      relayIp: relayIp!,
      relayPorts: { min: 50000, max: 50999 },
      allowedPeers: [relayIp!],
      realm: 'conclave.test',
      secret,
    });
    await turn.start();
  });

  after(async () => {
    await turn?.stop();
  });

  const allocate = async (credentials: { username: string; password: string }) => {
    const client = new TurnClient(relayIp!, port);
    try {
      return { client, answer: await client.allocate(credentials) };
    } catch (err) {
      client.close();
      throw err;
    }
  };

  test('NET-TURN: a participant’s credential gets a relay on the media address', async () => {
    const { username, credential } = turnCredential(secret, holder, 3600);
    const { client, answer } = await allocate({ username, password: credential });
    client.close();
    assert.equal(answer.error, null);
    assert.equal(answer.ok, true);
    assert.match(answer.relayed ?? '', new RegExp(`^${relayIp!.replace(/\./g, '\\.')}:50\\d{3}$`));
  });

  test('NET-TURN: a forged credential is refused (401)', async () => {
    const { username } = turnCredential(secret, holder, 3600);
    const forged = turnCredential(newTurnSecret(), holder, 3600).credential;
    const { client, answer } = await allocate({ username, password: forged });
    client.close();
    assert.equal(answer.ok, false);
    assert.equal(answer.error, 401);
  });

  test('NET-TURN: an expired credential is refused (401), though signed with the right secret', async () => {
    const expired = turnCredential(secret, holder, 60, Date.now() - 3_600_000);
    const { client, answer } = await allocate({ username: expired.username, password: expired.credential });
    client.close();
    assert.equal(answer.ok, false);
    assert.equal(answer.error, 401);
  });

  test('NET-TURN: a relay anywhere but the media server is refused (403): private, loopback or public addresses', async () => {
    const { username, credential } = turnCredential(secret, holder, 3600);
    const auth = { username, password: credential };
    const { client, answer } = await allocate(auth);
    try {
      assert.equal(answer.ok, true);
      // Private and loopback (the hosts around the relay) and public (an open relay to the internet).
      for (const peer of [
        '127.0.0.1',
        '192.168.1.10',
        '10.1.2.3',
        '172.16.0.5',
        '169.254.169.254',
        '8.8.8.8',
      ]) {
        const refused = await client.createPermission(peer, auth);
        assert.equal(refused.error, 403, `a relay to ${peer}`);
      }
      const allowed = await client.createPermission(relayIp!, auth);
      assert.equal(allowed.ok, true, 'a relay to the media server');
    } finally {
      client.close();
    }
  });

  test('NET-TURN: coturn killed is started again, and credentials issued before still work', async () => {
    const before = turn.pid();
    assert.ok(before);
    process.kill(before, 'SIGKILL');
    const deadline = Date.now() + 15_000;
    while (!(turn.status() === 'ready' && turn.pid() !== before) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(turn.status(), 'ready');
    const { username, credential } = turnCredential(secret, holder, 3600);
    const { client, answer } = await allocate({ username, password: credential });
    client.close();
    assert.equal(answer.ok, true);
  });
});
