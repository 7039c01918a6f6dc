import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  codewordOf,
  deviceIdentity,
  generateIdentityKeys,
  keyPackageCredential,
  MediaKeyRing,
  PendingMember,
  securityCodeOf,
  toBase64Url,
  type DeviceIdentity,
} from '../src/index';
import { epochOf, RogueDelivery, type Participant } from './support/rogue-delivery';

/*
 * The threat model's server (docs/e2ee.md): the signaling layer, and so the MLS delivery service, is
 * the attacker's. Honest members run the real E2eeMember; the rogue server holds the delivery-service
 * key they trust and sends them whatever it likes. Each test asserts what a user would see.
 */

const identity = async (): Promise<DeviceIdentity> => deviceIdentity(await generateIdentityKeys());

const SPEECH = new TextEncoder().encode('what was said in the meeting, as one Opus frame');

/** A frame of what `p` says, encrypted as its worker would on the epoch it sends with. */
async function speak(p: Participant): Promise<Uint8Array> {
  const frame = await p.keys.ring!.encryptor('audio').encrypt('opus', SPEECH);
  assert.ok(frame, `${p.id} has an active epoch to send with`);
  return frame;
}

/** Whether `p`'s worker decodes the frame with the keys it holds. */
async function hears(p: Participant, frame: Uint8Array): Promise<boolean> {
  return (await p.keys.ring?.decrypt('opus', frame))?.ok === true;
}

/**
 * How many of `frames` `p` decodes with anything it was ever given, each of its base keys tried under
 * `epoch` too (a participant that kept every key and guessed the new epoch changed nothing).
 */
async function framesDecodedByAnyKeyEverHeld(p: Participant, frames: Uint8Array[], epoch: bigint) {
  let decoded = 0;
  for (const frame of frames) {
    let ok = await hears(p, frame);
    for (const baseKey of p.keys.everHeld.values()) {
      const ring = new MediaKeyRing({ senderIndex: 0xfffe });
      ring.install(epoch, baseKey);
      ok ||= (await ring.decrypt('opus', frame)).ok;
    }
    if (ok) decoded++;
  }
  return decoded;
}

const codeOf = (p: Participant) => securityCodeOf(p.snapshot().epochAuthenticator!).text;
const roster = (p: Participant) =>
  p
    .snapshot()
    .members.map((m) => m.participantId)
    .sort();

/** The owner's device creates the group and the server honestly brings `names` in, one at a time. */
async function meeting(server: RogueDelivery, names: string[]) {
  const ownerIdentity = await identity();
  const owner = await server.join('owner', ownerIdentity.publicKey, ownerIdentity);
  await server.createGroup(owner);
  const members = [owner];
  for (const name of names) {
    const p = await server.join(name, ownerIdentity.publicKey);
    await server.add(owner, p, [...members]);
    members.push(p);
  }
  return { owner, members };
}

describe('E2EE against a malicious server (the delivery service is the attacker)', () => {
  test('E2EE-ADMIT: a listener the server injects with a forged admission never becomes a member and decodes 0 frames', async () => {
    const server = await RogueDelivery.start();
    const { owner, members } = await meeting(server, []);
    const bob = await server.join('bob', owner.identity.publicKey);
    const bobsWelcome = (await joinCommit(server, owner, bob, members)).welcome!;
    members.push(bob);
    // The server's own device, running the real client, told by the server that it is the anchor itself.
    const malloryIdentity = await identity();
    const mallory = await server.join('mallory', malloryIdentity.publicKey, malloryIdentity);
    const forged = await server.requestAdmission(mallory, 'mallory', malloryIdentity.publicKey);
    const keyPackage = await server.admitted(mallory, forged, malloryIdentity.publicKey);
    assert.ok(keyPackage, 'Mallory’s client accepts what its own anchor signed');
    const epoch = epochOf(owner);
    await server.propose(epoch, { add: keyPackage }, members);
    const commit = await server.commitOf(owner, epoch);
    assert.equal(commit.welcome, undefined, 'the committer commits no Add: there is no Welcome for Mallory');
    await server.apply(epoch + 1n, commit, members);
    // The server hands Mallory a Welcome it has from earlier: it is not for her key package.
    await mallory.receive({ type: 'e2eeWelcome', epoch: Number(epoch), welcome: bobsWelcome });

    assert.notEqual(mallory.snapshot().status, 'member');
    assert.equal(mallory.keys.everHeld.size, 0, 'Mallory never held an epoch key');
    for (const m of members) assert.deepEqual(roster(m), ['bob', 'owner']);
    const frames = [await speak(owner), await speak(bob)];
    assert.ok(await hears(bob, frames[0]!), 'a member decodes the owner (the frames are real)');
    assert.equal(await framesDecodedByAnyKeyEverHeld(mallory, frames, epoch + 1n), 0);
  });

  test('E2EE-ADMIT: a genuine admission replayed after 5 minutes cannot bring its holder back: 0 frames decoded', async () => {
    const server = await RogueDelivery.start();
    const { owner, members } = await meeting(server, ['bob']);
    // Mallory (the server's device) was let in openly, then left; the server kept her admission.
    const mallory = await server.join('mallory', owner.identity.publicKey);
    const admission = await server.requestAdmission(owner, 'mallory', mallory.identity.publicKey);
    const keyPackage = await server.admitted(mallory, admission, owner.identity.publicKey);
    await server.addKeyPackage(keyPackage!, members, mallory);
    assert.equal(mallory.snapshot().status, 'member');
    const held = mallory.keys.everHeld.size;
    server.now += 60_000;
    await server.remove(mallory, members, [...members, mallory]);
    assert.equal(mallory.snapshot().status, 'removed');

    server.now += 5 * 60_000;
    const again = await server.admitted(mallory, admission, owner.identity.publicKey);
    assert.ok(again, 'her client makes a key package with the old admission');
    const epoch = epochOf(owner);
    await server.propose(epoch, { add: again }, members);
    const commit = await server.commitOf(owner, epoch);
    assert.equal(commit.welcome, undefined, 'the Add is not committed: no Welcome');
    await server.apply(epoch + 1n, commit, members);

    assert.notEqual(mallory.snapshot().status, 'member');
    assert.equal(mallory.keys.everHeld.size, held, 'no epoch key since her removal');
    for (const m of members) assert.deepEqual(roster(m), ['bob', 'owner']);
    const frames = [await speak(owner), await speak(members[1]!)];
    assert.equal(await framesDecodedByAnyKeyEverHeld(mallory, frames, epoch + 1n), 0);
  });

  test('E2EE-CODEWORD: with an identity key swapped by the server, the Codeword others see for Bob differs from the one Bob sees for himself', async () => {
    const server = await RogueDelivery.start();
    const { owner, members } = await meeting(server, ['carol']);
    const bob = await server.join('bob', owner.identity.publicKey);
    // The server announces Bob to the owner with its own device's key, and runs that device as "bob".
    const fake = await server.join('bob', owner.identity.publicKey);
    const admission = await server.requestAdmission(owner, 'bob', fake.identity.publicKey);
    assert.equal(
      await server.admitted(bob, admission, owner.identity.publicKey),
      null,
      'the real Bob refuses it',
    );
    const keyPackage = await server.admitted(fake, admission, owner.identity.publicKey);
    await server.addKeyPackage(keyPackage!, members, fake);

    const bobsOwn = (await codewordOf(bob.identity.publicKey)).text; // what Bob sees and draws into his video
    for (const m of members) {
      const shown = m.snapshot().members.find((x) => x.participantId === 'bob');
      assert.ok(shown, `${m.id} shows a "bob"`);
      assert.notEqual((await codewordOf(shown.identityKey)).text, bobsOwn);
    }
    assert.notEqual(bob.snapshot().status, 'member');
    assert.equal(bob.keys.everHeld.size, 0);
  });

  test('E2EE-CODEWORD: the server cannot show Bob’s own Codeword on a leaf of its own: his credential on its MLS key is refused', async () => {
    const server = await RogueDelivery.start();
    const { owner, members } = await meeting(server, ['carol']);
    // Bob is admitted honestly; his key package passes through the server, which keeps his credential…
    const bob = await server.join('bob', owner.identity.publicKey);
    const admission = await server.requestAdmission(owner, 'bob', bob.identity.publicKey);
    const genuine = await server.admitted(bob, admission, owner.identity.publicKey);
    const credential = keyPackageCredential(genuine!)!;
    // … and puts it on a key package whose MLS signing key (and so the leaf) is the server's.
    const stolen = await PendingMember.create(() => Promise.resolve(credential));
    const epoch = epochOf(owner);
    await server.propose(epoch, { add: stolen.keyPackage }, members);
    const commit = await server.commitOf(owner, epoch);
    assert.equal(commit.welcome, undefined, 'the Add is not committed: no Welcome for the server’s leaf');
    await server.apply(epoch + 1n, commit, members);
    for (const m of members) assert.deepEqual(roster(m), ['carol', 'owner']);
  });

  test('E2EE-ROTATE: a removed member the server keeps connected, never shown its removal, decodes nothing after the rotation', async () => {
    const server = await RogueDelivery.start();
    const { owner, members } = await meeting(server, ['bob', 'carol']);
    const [, bob, carol] = members;
    const before = await speak(owner);
    assert.ok(await hears(carol!, before), 'Carol decodes while she is a member');
    // Carol leaves; the server shows the removal only to the others and keeps Carol's socket and client as they were.
    const { proposal, commit } = await server.remove(carol!, [owner, bob!], [owner, bob!]);
    assert.equal(carol!.snapshot().status, 'member', 'Carol’s client was never told');
    assert.deepEqual(roster(owner), ['bob', 'owner']);
    const after = [await speak(owner), await speak(bob!)];
    assert.ok(await hears(bob!, after[0]!), 'Bob decodes the owner on the new epoch');
    assert.ok(await hears(owner, after[1]!), 'the owner decodes Bob on the new epoch');
    assert.equal(await framesDecodedByAnyKeyEverHeld(carol!, after, epochOf(owner)), 0);
    // Shown the removal late, her client learns it is out and drops every key.
    const epoch = epochOf(owner);
    await carol!.receive(
      { type: 'e2eeProposal', epoch: Number(epoch - 1n), message: toBase64Url(proposal) },
      { type: 'e2eeCommit', epoch: Number(epoch), message: commit.commit },
    );
    assert.equal(carol!.snapshot().status, 'removed');
    assert.equal(carol!.keys.ring, null);
  });

  test('E2EE-SECURITY-CODE: two halves the server shows different commits see different security codes (with the same roster)', async () => {
    const server = await RogueDelivery.start();
    const { owner, members } = await meeting(server, ['bob', 'carol', 'dave']);
    const [, bob, carol, dave] = members;
    assert.equal(new Set(members.map(codeOf)).size, 1, 'one group, one code');
    // Two committers for the same epoch, each commit relayed to one half only.
    const epoch = epochOf(owner);
    const left = await server.commitOf(owner, epoch);
    const right = await server.commitOf(carol!, epoch);
    await server.apply(epoch + 1n, left, [owner, bob!]);
    await server.apply(epoch + 1n, right, [carol!, dave!]);

    for (const m of members) {
      assert.equal(epochOf(m), epoch + 1n);
      assert.deepEqual(roster(m), ['bob', 'carol', 'dave', 'owner'], 'the rosters cannot tell');
    }
    assert.equal(codeOf(owner), codeOf(bob!));
    assert.equal(codeOf(carol!), codeOf(dave!));
    assert.notEqual(codeOf(owner), codeOf(carol!), 'the security code tells');
    const frame = await speak(owner);
    assert.ok(await hears(bob!, frame));
    assert.equal(await hears(carol!, frame), false, 'nor do the halves decode each other');
  });

  test('E2EE-SECURITY-CODE: a second group the server runs for Dave under an anchor of its own shows him another code and another owner Codeword', async () => {
    const server = await RogueDelivery.start();
    const { owner, members } = await meeting(server, ['bob']);
    // Dave is told the anchor is the server's key; the server's device plays "owner" in a group with the same id.
    const fakeOwnerIdentity = await identity();
    const fakeOwner = await server.join('owner', fakeOwnerIdentity.publicKey, fakeOwnerIdentity);
    const dave = await server.join('dave', fakeOwnerIdentity.publicKey);
    // Dave refuses the real owner's admission (another anchor than he was told) …
    const real = await server.requestAdmission(owner, 'dave', dave.identity.publicKey);
    assert.equal(await server.admitted(dave, real, owner.identity.publicKey), null);
    // … and the real group refuses him admitted by the fake anchor.
    const fake = await server.requestAdmission(fakeOwner, 'dave', dave.identity.publicKey);
    const keyPackage = await server.admitted(dave, fake, fakeOwnerIdentity.publicKey);
    const epoch = epochOf(owner);
    await server.propose(epoch, { add: keyPackage! }, members);
    assert.equal((await server.commitOf(owner, epoch)).welcome, undefined);
    // The server's own group takes him in.
    await server.createGroup(fakeOwner);
    await server.addKeyPackage(keyPackage!, [fakeOwner], dave);

    assert.equal(dave.snapshot().status, 'member');
    assert.deepEqual(roster(dave), ['dave', 'owner'], 'Dave sees an "owner" in his group');
    assert.notEqual(codeOf(dave), codeOf(owner));
    const ownerShownToDave = dave.snapshot().members.find((m) => m.participantId === 'owner')!;
    assert.notEqual(
      (await codewordOf(ownerShownToDave.identityKey)).text,
      (await codewordOf(owner.identity.publicKey)).text,
    );
    assert.equal(await hears(dave, await speak(owner)), false);
  });

  test('E2EE-KEYX: old commits and Welcomes the server replays are refused', async () => {
    const server = await RogueDelivery.start();
    const { owner, members } = await meeting(server, ['bob']);
    const carol = await server.join('carol', owner.identity.publicKey);
    const carolsJoin = await joinCommit(server, owner, carol, members);
    members.push(carol);
    const dave = await server.join('dave', owner.identity.publicKey);
    const davesJoin = await joinCommit(server, owner, dave, members);
    members.push(dave);
    const state = () => members.map((m) => [m.snapshot().epoch, codeOf(m), m.keys.everHeld.size]);
    const settled = state();

    // Carol's join commit again, labelled as the commit into the next epoch.
    const next = Number(epochOf(owner) + 1n);
    for (const m of members) await m.receive({ type: 'e2eeCommit', epoch: next, message: carolsJoin.commit });
    // Dave's Welcome again, to Dave and to everyone.
    for (const m of members)
      await m.receive({ type: 'e2eeWelcome', epoch: next, welcome: davesJoin.welcome! });
    assert.deepEqual(state(), settled, 'nothing moved');
    assert.deepEqual(
      members.map((m) => m.take('e2eeReady')),
      members.map(() => []),
      'nobody says it is ready for a new epoch',
    );

    // An old Welcome shown to a new joiner who is waiting for hers.
    const erin = await server.join('erin', owner.identity.publicKey);
    const admission = await server.requestAdmission(owner, 'erin', erin.identity.publicKey);
    assert.ok(await server.admitted(erin, admission, owner.identity.publicKey));
    await erin.receive({ type: 'e2eeWelcome', epoch: Number(epochOf(owner)), welcome: carolsJoin.welcome! });
    assert.equal(erin.snapshot().status, 'refused');
    assert.equal(erin.keys.everHeld.size, 0);

    // A removed member shown her old Welcome again stays out.
    await server.remove(carol, [owner, members[1]!, dave], [owner, members[1]!, dave, carol]);
    await carol.receive({ type: 'e2eeWelcome', epoch: Number(epochOf(owner)), welcome: carolsJoin.welcome! });
    assert.equal(carol.snapshot().status, 'removed');
    assert.equal(carol.keys.ring, null);
  });

  test('E2EE-ROTATE: a joiner cannot decrypt frames sent before it joined', async () => {
    const server = await RogueDelivery.start();
    const { owner, members } = await meeting(server, ['bob']);
    const earlier = [await speak(owner), await speak(members[1]!)];
    const epochBefore = epochOf(owner);
    assert.ok(await hears(members[1]!, earlier[0]!));
    const dave = await server.join('dave', owner.identity.publicKey);
    await server.add(owner, dave, members);
    assert.equal(await framesDecodedByAnyKeyEverHeld(dave, earlier, epochBefore), 0);
    assert.ok(await hears(dave, await speak(owner)), 'Dave decodes what is said after he joined');
  });
});

/** An honest join whose commit and Welcome the server keeps. */
async function joinCommit(
  server: RogueDelivery,
  anchor: Participant,
  joiner: Participant,
  members: Participant[],
) {
  const admission = await server.requestAdmission(anchor, joiner.id, joiner.identity.publicKey);
  const keyPackage = await server.admitted(joiner, admission, anchor.identity.publicKey);
  return server.addKeyPackage(keyPackage!, members, joiner);
}
