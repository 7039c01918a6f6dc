// The SIP gateway's settings (issue 16, docs/sip.md): CONCLAVE_SIP and its CONCLAVE_SIP_* companions.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { loadConfig } from '../src/config';
import { configErrorOf, configFiles } from './support/config-files';
import { makeTestTls } from './support/tls';

const tls = makeTestTls();
after(() => tls.remove());
const { dir, write } = configFiles('conclave-config-sip-');
const load = (env: Record<string, string>) => loadConfig(env, { cwd: dir });
const configError = (env: Record<string, string>): string => configErrorOf((e) => load(e), env).message;
const SIP = { CONCLAVE_SIP: 'embedded', CONCLAVE_SIP_TLS_CERT: 'sip.crt', CONCLAVE_SIP_TLS_KEY: 'sip.key' };

test('INTEROP-SIP: the SIP gateway is off unless asked for', () => {
  assert.deepEqual(load({}).sip, { mode: 'off' });
});

test('INTEROP-SIP: embedded, it takes calls for the public URL’s host on TLS 5061, four at once, on its own ports split between its WebRTC and SIP sides, 20 new calls a minute per address, no trunks', () => {
  const sip = load({ ...SIP, CONCLAVE_PUBLIC_URL: 'https://meet.example.org' }).sip;
  assert.deepEqual(sip, {
    mode: 'embedded',
    domain: 'meet.example.org',
    tls: { port: 5061, certFile: `${dir}/sip.crt`, keyFile: `${dir}/sip.key` },
    maxCalls: 4,
    webrtcPorts: { min: 41000, max: 41499 },
    sipRtpPorts: { min: 41500, max: 41999 },
    invitesPerMinute: 20,
    trunks: [],
    udpPort: null,
  });
  const file = write(
    JSON.stringify({
      sip: {
        mode: 'embedded',
        domain: 'sip.example.org',
        tlsPort: 5062,
        maxCalls: 16,
        rtpPorts: '42000-42199',
        invitesPerMinute: 5,
      },
    }),
  );
  const fromFile = loadConfig(
    { CONCLAVE_CONFIG: file, CONCLAVE_TLS_CERT: tls.certFile, CONCLAVE_TLS_KEY: tls.keyFile },
    { cwd: dir },
  ).sip;
  assert.ok(fromFile.mode === 'embedded');
  // Without its own certificate, the server's HTTPS one.
  assert.deepEqual(fromFile.tls, { port: 5062, certFile: tls.certFile, keyFile: tls.keyFile });
  assert.equal(fromFile.domain, 'sip.example.org');
  assert.equal(fromFile.maxCalls, 16);
  assert.equal(fromFile.invitesPerMinute, 5);
  assert.deepEqual(
    [fromFile.webrtcPorts, fromFile.sipRtpPorts],
    [
      { min: 42000, max: 42099 },
      { min: 42100, max: 42199 },
    ],
  );
});

test('INTEROP-SIP: SIP settings that would be ignored or cannot work are refused at start, naming the setting', () => {
  assert.match(
    configError({ CONCLAVE_SIP_DOMAIN: 'sip.example.org' }),
    /CONCLAVE_SIP_DOMAIN.*CONCLAVE_SIP.*embedded only/,
  );
  assert.match(configError({ CONCLAVE_SIP: 'on' }), /CONCLAVE_SIP \(environment\)/);
  // SIP over TLS only: without a certificate there is nothing to take calls with.
  assert.match(configError({ CONCLAVE_SIP: 'embedded' }), /CONCLAVE_SIP_TLS_CERT.*required.*TLS only/);
  assert.match(
    configError({ CONCLAVE_SIP: 'embedded', CONCLAVE_SIP_TLS_CERT: 'sip.crt' }),
    /CONCLAVE_SIP_TLS_KEY.*required/,
  );
  // The documented maximum of calls at once: each is a headless browser.
  assert.match(configError({ ...SIP, CONCLAVE_SIP_MAX_CALLS: '17' }), /CONCLAVE_SIP_MAX_CALLS.*at most 16/);
  assert.match(configError({ ...SIP, CONCLAVE_SIP_MAX_CALLS: '0' }), /1 or more/);
  assert.match(
    configError({ ...SIP, CONCLAVE_SIP_RTP_PORTS: '39000-39999' }),
    /CONCLAVE_SIP_RTP_PORTS.*overlaps the media servers' RTP ports \(20000-40000\)/,
  );
  assert.match(
    configError({ ...SIP, CONCLAVE_SIP_RTP_PORTS: '50000-50999' }),
    /overlaps the TURN relay's ports \(49152-65535\)/,
  );
  assert.match(
    configError({ ...SIP, CONCLAVE_SIP_MAX_CALLS: '8', CONCLAVE_SIP_RTP_PORTS: '41000-41040' }),
    /holds 41 ports; 8 calls at once need at least 64/,
  );
});

test('INTEROP-PSTN: trunks are read from JSON (environment or file) with their label, numbers and transport; plain UDP listens only when a trunk asks for it', () => {
  const trunks = [
    {
      name: 'carrier',
      label: 'Switzerland',
      addresses: ['192.0.2.10', '198.51.100.0/24'],
      numbers: ['+41 44 123 45 67'],
      transport: 'udp',
    },
    { name: 'secure', addresses: ['2001:db8::5'] },
  ];
  const sip = load({
    ...SIP,
    CONCLAVE_SIP_TRUNKS: JSON.stringify(trunks),
    CONCLAVE_SIP_UDP_PORT: '5070',
  }).sip;
  assert.ok(sip.mode === 'embedded');
  assert.deepEqual(sip.trunks, [
    trunks[0],
    { name: 'secure', label: 'Phone', addresses: ['2001:db8::5'], numbers: [], transport: 'tls' },
  ]);
  assert.equal(sip.udpPort, 5070);
  const tlsOnly = load({ ...SIP, CONCLAVE_SIP_TRUNKS: JSON.stringify([trunks[1]]) }).sip;
  assert.ok(tlsOnly.mode === 'embedded');
  assert.equal(tlsOnly.udpPort, null, 'no trunk takes UDP: nothing listens for it');
  const file = write(JSON.stringify({ sip: { mode: 'embedded', trunks: [trunks[0]] } }));
  const fromFile = loadConfig(
    { CONCLAVE_CONFIG: file, CONCLAVE_TLS_CERT: tls.certFile, CONCLAVE_TLS_KEY: tls.keyFile },
    { cwd: dir },
  ).sip;
  assert.ok(fromFile.mode === 'embedded');
  assert.deepEqual([fromFile.trunks, fromFile.udpPort], [[trunks[0]], 5060]);
});

test('INTEROP-PSTN: a trunk that could not work as written is refused at start, naming what is wrong', () => {
  const trunk = { name: 'carrier', addresses: ['192.0.2.10'] };
  const refused = (value: unknown) => configError({ ...SIP, CONCLAVE_SIP_TRUNKS: JSON.stringify(value) });
  assert.match(
    configError({ ...SIP, CONCLAVE_SIP_TRUNKS: '[{name: carrier}]' }),
    /CONCLAVE_SIP_TRUNKS.*JSON array/,
  );
  assert.match(
    refused([{ ...trunk, addresses: ['carrier.example.net'] }]),
    /not an address or CIDR: carrier\.example\.net/,
  );
  assert.match(refused([{ ...trunk, addresses: [] }]), /needs the addresses its calls come from/);
  assert.match(refused([trunk, trunk]), /names the trunk carrier twice/);
  assert.match(refused([{ ...trunk, name: 'Carrier One' }]), /not a trunk name/);
  assert.match(refused([{ ...trunk, numbers: ['call us'] }]), /telephone number/);
  assert.match(refused([{ ...trunk, transport: 'tcp' }]), /transport must be tls or udp/);
  assert.match(refused([{ ...trunk, password: 'x' }]), /CONCLAVE_SIP_TRUNKS/);
  assert.match(
    configError({ ...SIP, CONCLAVE_SIP_UDP_PORT: '5060' }),
    /CONCLAVE_SIP_UDP_PORT.*is for trunks with "transport": "udp" only/,
  );
  assert.match(
    configError({ CONCLAVE_SIP_TRUNKS: JSON.stringify([trunk]) }),
    /CONCLAVE_SIP_TRUNKS.*embedded only/,
  );
  assert.match(
    configError({ ...SIP, CONCLAVE_SIP_INVITES_PER_MINUTE: '0' }),
    /CONCLAVE_SIP_INVITES_PER_MINUTE.*1 or more/,
  );
});
