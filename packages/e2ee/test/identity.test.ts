import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createLeafCredential,
  decodeLeafCredential,
  deviceIdentity,
  encodeLeafCredential,
  generateIdentityKeys,
  signAdmission,
  verifyAdmission,
  verifyIdentitySignature,
  verifyLeafCredential,
} from '../src/index';

const text = (s: string) => new TextEncoder().encode(s);

describe('device identity, admissions and leaf credentials', () => {
  test('E2EE-IDENTITY: the identity private key cannot be read out of WebCrypto, and an extractable one is refused', async () => {
    const keys = await generateIdentityKeys();
    await assert.rejects(crypto.subtle.exportKey('pkcs8', keys.privateKey));
    const identity = await deviceIdentity(keys);
    assert.equal(identity.publicKey.length, 65);
    const extractable = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
      'sign',
      'verify',
    ]);
    await assert.rejects(deviceIdentity(extractable), /non-extractable/);
  });

  test('E2EE-IDENTITY: a signature verifies for its message and key only', async () => {
    const alice = await deviceIdentity(await generateIdentityKeys());
    const bob = await deviceIdentity(await generateIdentityKeys());
    const sig = await alice.sign(text('hello'));
    assert.equal(await verifyIdentitySignature(alice.publicKey, text('hello'), sig), true);
    assert.equal(await verifyIdentitySignature(alice.publicKey, text('hellO'), sig), false);
    assert.equal(await verifyIdentitySignature(bob.publicKey, text('hello'), sig), false);
    assert.equal(await verifyIdentitySignature(alice.publicKey.subarray(1), text('hello'), sig), false);
  });

  test('E2EE-ADMIT: an admission holds for its meeting, participant and identity key, signed by the anchor', async () => {
    const owner = await deviceIdentity(await generateIdentityKeys());
    const guest = await deviceIdentity(await generateIdentityKeys());
    const other = await deviceIdentity(await generateIdentityKeys());
    const admission = await signAdmission(owner, {
      meetingId: 'm1',
      participantId: 'p1',
      identityKey: guest.publicKey,
      issuedAt: 1_700_000_000_000,
    });
    const policy = { meetingId: 'm1', anchorKey: owner.publicKey };
    const subject = { participantId: 'p1', identityKey: guest.publicKey };
    assert.equal(await verifyAdmission(admission, policy, subject), true);
    assert.equal(await verifyAdmission(admission, { ...policy, meetingId: 'm2' }, subject), false);
    assert.equal(await verifyAdmission(admission, { ...policy, anchorKey: other.publicKey }, subject), false);
    assert.equal(await verifyAdmission(admission, policy, { ...subject, participantId: 'p2' }), false);
    assert.equal(
      await verifyAdmission(admission, policy, { ...subject, identityKey: other.publicKey }),
      false,
    );
    assert.equal(
      await verifyAdmission({ ...admission, issuedAt: admission.issuedAt + 1 }, policy, subject),
      false,
    );
  });

  test('E2EE-IDENTITY: a leaf credential round-trips; truncated, padded or foreign bytes are refused, not misread', async () => {
    const owner = await deviceIdentity(await generateIdentityKeys());
    const admission = await signAdmission(owner, {
      meetingId: 'm1',
      participantId: 'owner',
      identityKey: owner.publicKey,
      issuedAt: Date.now(),
    });
    const groupId = new Uint8Array(16).fill(7);
    const signatureKey = new Uint8Array(32).fill(9);
    const credential = await createLeafCredential(owner, {
      participantId: 'owner',
      groupId,
      signatureKey,
      admission,
    });
    const bytes = encodeLeafCredential(credential);
    assert.deepEqual(decodeLeafCredential(bytes), credential);
    const trust = { meetingId: 'm1', anchorKey: owner.publicKey, groupId };
    assert.ok(await verifyLeafCredential(bytes, signatureKey, trust));
    assert.equal(await verifyLeafCredential(bytes, new Uint8Array(32), trust), null, 'another MLS key');
    assert.equal(await verifyLeafCredential(bytes.subarray(0, bytes.length - 1), signatureKey, trust), null);
    const padded = new Uint8Array([...bytes, 0]);
    assert.equal(await verifyLeafCredential(padded, signatureKey, trust), null);
    assert.equal(
      await verifyLeafCredential(text('conclave/e2ee/delivery-service/v1'), signatureKey, trust),
      null,
    );
  });
});
