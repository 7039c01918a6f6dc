import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HealthView, NetworkEndpointsView } from '@conclave/protocol';
import type { MediaStatus } from '../src/media/status';
import { startTestApp, type TestApp } from './support/app';
import { createTestDatabase, type TestDatabase } from './support/database';

describe('NET-FQDN: what a firewall must let out', () => {
  let database: TestDatabase;
  let t: TestApp;
  let turnStatus: MediaStatus = 'ready';

  before(async () => {
    database = await createTestDatabase('sqlite');
    t = await startTestApp(database, {
      env: {
        CONCLAVE_PUBLIC_URL: 'https://meet.example.org',
        CONCLAVE_RTP_PORTS: '20000-29999',
        CONCLAVE_MEDIA_REGIONS: 'eu-west,us-east',
        CONCLAVE_REGION_PROBES: 'us-east=https://us-east.example.org:8443/api/regions/us-east/probe',
      },
      turn: {
        status: () => turnStatus,
        urls: [
          'stun:turn.example.org:3478',
          'turn:turn.example.org:3478?transport=udp',
          'turn:turn.example.org:3478?transport=tcp',
          'turns:turn.example.org:443?transport=tcp',
        ],
      },
    });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  test('NET-FQDN: GET /api/network/endpoints lists, from the running configuration, every host, port and protocol browsers connect to', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/network/endpoints' });
    assert.equal(res.statusCode, 200, 'open to anyone: a network administrator reads it before signing in');
    const { endpoints } = res.json<NetworkEndpointsView>();
    const media = endpoints.filter((e) => e.purpose === 'media');
    assert.deepEqual(
      endpoints.filter((e) => e.purpose !== 'media'),
      [
        { purpose: 'web', host: 'meet.example.org', ports: '443', protocol: 'tcp' },
        { purpose: 'region-probe', host: 'us-east.example.org', ports: '8443', protocol: 'tcp' },
        { purpose: 'relay', host: 'turn.example.org', ports: '3478', protocol: 'udp' },
        { purpose: 'relay', host: 'turn.example.org', ports: '3478', protocol: 'tcp' },
        { purpose: 'relay', host: 'turn.example.org', ports: '443', protocol: 'tls' },
      ],
    );
    assert.equal(media.length, 1, 'the embedded media servers');
    assert.deepEqual(
      { ...media[0], host: undefined },
      { purpose: 'media', host: undefined, ports: '20000-29999', protocol: 'udp' },
    );
  });

  test('NET-TURN: health reports the embedded relay; down, the service is degraded but still ready for meetings', async () => {
    turnStatus = 'unavailable';
    const health = (await t.app.inject({ method: 'GET', url: '/api/health' })).json<HealthView>();
    assert.equal(health.turn, 'unavailable');
    assert.equal(health.status, 'degraded');
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/ready' })).statusCode, 200);
    turnStatus = 'ready';
    assert.equal((await t.app.inject({ method: 'GET', url: '/api/health' })).json<HealthView>().status, 'ok');
  });
});
