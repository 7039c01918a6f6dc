import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callerIdentity, dtmfOf, incomingCallOf, userPartOf } from '../src/sip';

test('INTEROP-SIP: a ringing call names its caller, display name, dialled extension and SRTP offer', () => {
  const info = incomingCallOf(
    {
      event: 'incomingcall',
      username: 'sip:room101@sip.example.org',
      displayname: '"Room \\"101\\""',
      callee: 'sip:7654321@sip.example.org;transport=tls',
      srtp: 'sdes_optional',
    },
    'abc123',
  );
  assert.deepEqual(info, {
    callId: 'abc123',
    caller: 'sip:room101@sip.example.org',
    displayName: 'Room "101"',
    extension: '7654321',
    srtp: 'optional',
    trunk: null,
  });
  const plain = incomingCallOf(
    { event: 'incomingcall', username: 'sip:+41441234567@trunk', callee: 'sip:trunk.example.org' },
    'x',
  );
  assert.equal(plain?.srtp, 'none', 'no srtp field: plain RTP');
  assert.equal(plain?.extension, '', 'no user part: the IVR asks for it');
  assert.equal(plain?.displayName, null);
  assert.equal(incomingCallOf({ event: 'accepted' }, 'x'), null);
  assert.equal(userPartOf('sips:%2B4144@example.org'), '+4144');
});

test('INTEROP-PSTN: DTMF digits arrive by RFC 4733 events and by SIP INFO, anything else is no digit', () => {
  assert.equal(dtmfOf({ event: 'dtmf', signal: '5', duration: 160 }), '5');
  assert.equal(dtmfOf({ event: 'dtmf', signal: '#' }), '#');
  assert.equal(
    dtmfOf({ event: 'info', type: 'application/dtmf-relay', content: 'Signal=9\r\nDuration=160\r\n' }),
    '9',
  );
  assert.equal(dtmfOf({ event: 'info', type: 'text/plain', content: 'Signal=9' }), null);
  assert.equal(dtmfOf({ event: 'dtmf', signal: 'x' }), null);
  assert.equal(dtmfOf({ event: 'hangup' }), null);
});

test('INTEROP-PSTN: a call our Kamailio marked as a trunk’s names the trunk and its transport, and its caller is a phone with a masked number', () => {
  const ringing = (headers: unknown, username = 'sip:+41441234567@192.0.2.10') =>
    incomingCallOf(
      { event: 'incomingcall', username, callee: 'sip:+41445550000@sip.example.org', headers },
      'x',
    )!;
  const call = ringing({ 'X-Conclave-Trunk': 'carrier;transport=udp', 'X-Other': '1' });
  assert.deepEqual(call.trunk, { name: 'carrier', transport: 'udp' });
  assert.deepEqual(ringing({ 'x-conclave-trunk': 'secure;transport=tls' }).trunk, {
    name: 'secure',
    transport: 'tls',
  });
  for (const odd of [
    undefined,
    {},
    { 'X-Conclave-Trunk': 'carrier' },
    { 'X-Conclave-Trunk': 'a b;transport=udp' },
  ]) {
    assert.equal(ringing(odd).trunk, null, JSON.stringify(odd));
  }
  assert.deepEqual(callerIdentity(call), { kind: 'phone', displayName: 'Phone ••• ••• 45 67' });
  // A carrier's short number, or none at all: still a phone, never the full number.
  assert.deepEqual(
    callerIdentity(ringing({ 'X-Conclave-Trunk': 'carrier;transport=udp' }, 'sip:5678@192.0.2.10')),
    {
      kind: 'phone',
      displayName: 'Phone ••• ••• 56 78',
    },
  );
  assert.deepEqual(
    callerIdentity({
      ...ringing({ 'X-Conclave-Trunk': 'carrier;transport=tls' }, 'sip:anonymous@anonymous.invalid'),
      displayName: 'Anonymous',
    }),
    { kind: 'phone', displayName: 'Phone (number withheld)' },
  );
  // Without the mark, a named SIP endpoint is what it says.
  assert.deepEqual(
    callerIdentity({ caller: 'sip:anonymous@example.org', displayName: 'Anonymous', trunk: null }),
    {
      kind: 'sip',
      displayName: 'Anonymous',
    },
  );
});
