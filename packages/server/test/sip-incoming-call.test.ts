import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dtmfOf, incomingCallOf, userPartOf } from '../src/sip';

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
