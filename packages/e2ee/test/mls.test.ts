import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  decodeLeafCredential,
  encodeLeafCredential,
  externalProposal,
  generateSigningKeys,
  MlsGroup,
  PendingMember,
  type LeafRules,
} from '../src/index';
import { person, TestMeeting, type Person } from './support/mls-meeting';

const LABEL = 'SFrame 1.0 Base Key';
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

async function agreed(groups: Iterable<MlsGroup>) {
  const all = [...groups];
  const secrets = await Promise.all(
    all.map(async (g) => hex(await g.exportSecret(LABEL, new Uint8Array(), 16))),
  );
  return {
    epochs: new Set(all.map((g) => g.epoch)),
    secrets: new Set(secrets),
    authenticators: new Set(all.map((g) => hex(g.epochAuthenticator))),
  };
}

describe('MLS adapter (RFC 9420 via ts-mls)', () => {
  test('E2EE-KEYX: admitted joiners reach the group through delivery-service Adds; all agree on the epoch, exporter and authenticator', async () => {
    const owner = await person('owner');
    const meeting = await TestMeeting.start(owner);
    await meeting.join(await person('bob'));
    await meeting.join(await person('carol'));
    const state = await agreed(meeting.members.values());
    assert.deepEqual([...state.epochs], [2n]);
    assert.equal(state.secrets.size, 1);
    assert.equal(state.authenticators.size, 1);
    assert.equal(meeting.any().members().length, 3);
  });

  test('E2EE-ROTATE: a removal moves the others to a new epoch; the removed member learns it is out and cannot follow', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    await meeting.join(await person('bob'));
    await meeting.join(await person('carol'));
    const before = await meeting.any().exportSecret(LABEL, new Uint8Array(), 16);
    const { gone, verdict } = await meeting.remove('carol');
    assert.deepEqual(verdict, { kind: 'removed' });
    const state = await agreed(meeting.members.values());
    assert.deepEqual([...state.epochs], [3n]);
    assert.equal(state.secrets.size, 1);
    assert.notEqual([...state.secrets][0], hex(before));
    assert.equal(gone.epoch, 2n, 'the removed member stays on the old epoch');
  });

  test('E2EE-ROTATE: a commit removing the committer-to-be is handled: the lowest remaining leaf commits instead', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    await meeting.join(await person('bob'));
    await meeting.join(await person('carol'));
    const { verdict } = await meeting.remove('owner');
    assert.deepEqual(verdict, { kind: 'removed' });
    const state = await agreed(meeting.members.values());
    assert.equal(state.epochs.size, 1);
    assert.equal(state.secrets.size, 1);
  });

  test('E2EE-ROTATE: a periodic update (a commit with no proposals) changes the epoch and its keys', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    await meeting.join(await person('bob'));
    const before = await agreed(meeting.members.values());
    const { commit, welcome } = await meeting.committer().commit();
    assert.equal(welcome, null);
    await meeting.relay(commit);
    const after = await agreed(meeting.members.values());
    assert.deepEqual([...after.epochs], [2n]);
    assert.equal(after.secrets.size, 1);
    assert.notDeepEqual([...after.secrets], [...before.secrets]);
    assert.notDeepEqual([...after.authenticators], [...before.authenticators]);
  });

  test('E2EE-IDENTITY: an Add whose credential binding was signed by another identity key is refused by every member', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    await meeting.join(await person('bob'));
    const mallory = await person('mallory');
    const victim = await person('dave');
    const admission = await meeting.admit(victim);
    // Mallory presents Dave's admitted identity but signs the binding with her own key.
    const pending = await PendingMember.create(async (key) => {
      const forged = await meeting.credential(mallory, key, admission);
      const real = await meeting.credential(victim, key, admission);
      return splice(real, forged);
    });
    const verdicts = await meeting.proposeAdd(pending.keyPackage);
    assert.deepEqual(verdicts, [
      { kind: 'refused', reason: 'not_allowed' },
      { kind: 'refused', reason: 'not_allowed' },
    ]);
    assert.deepEqual(meeting.committer().pendingChanges(), { adds: 0, removes: 0 });
  });

  test('E2EE-IDENTITY: a binding made for another group is refused', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    const dave = await person('dave');
    const admission = await meeting.admit(dave);
    const pending = await PendingMember.create((key) =>
      meeting.credential(dave, key, admission, new Uint8Array(16)),
    );
    const verdicts = await meeting.proposeAdd(pending.keyPackage);
    assert.deepEqual(verdicts, [{ kind: 'refused', reason: 'not_allowed' }]);
  });

  test('E2EE-ADMIT: an Add without an admission signed by the meeting anchor gets no keys', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    await meeting.join(await person('bob'));
    const eve = await person('eve');
    const bob = await person('bob-2');
    // Signed by a member who is not the anchor, and by a stranger: both refused.
    for (const admitter of [bob, eve]) {
      const admission = await meeting.admit(eve, admitter);
      const pending = await PendingMember.create((key) => meeting.credential(eve, key, admission));
      const verdicts = await meeting.proposeAdd(pending.keyPackage);
      assert.ok(verdicts.every((v) => v.kind === 'refused'));
    }
    // An admission for someone else's participant id, too.
    const other = await meeting.admit(bob);
    const pending = await PendingMember.create((key) => meeting.credential(eve, key, other));
    assert.ok((await meeting.proposeAdd(pending.keyPackage)).every((v) => v.kind === 'refused'));
  });

  test('E2EE-ADMIT: an admission older than the limit cannot add its holder again', async () => {
    let now = Date.now();
    const meeting = await TestMeeting.start(await person('owner'), () => now);
    const dave = await person('dave');
    const admission = await meeting.admit(dave);
    now += 6 * 60_000;
    const pending = await PendingMember.create((key) => meeting.credential(dave, key, admission));
    assert.deepEqual(await meeting.proposeAdd(pending.keyPackage), [
      { kind: 'refused', reason: 'not_allowed' },
    ]);
  });

  test('E2EE-ADMIT: a joiner refuses a group holding a leaf without a valid admission', async () => {
    const owner = await person('owner');
    const meeting = await TestMeeting.start(owner);
    // A member whose client trusts anything (as a compromised creator would) lets in an unadmitted leaf.
    const mallory = await person('mallory');
    const forged = await meeting.admit(mallory, mallory);
    const group = await laxGroup(meeting, owner);
    const pending = await PendingMember.create((key) => meeting.credential(mallory, key, forged));
    const proposal = await externalProposal(
      meeting.ds,
      { groupId: meeting.groupId, epoch: group.epoch },
      { add: pending.keyPackage },
    );
    assert.equal((await group.receive(proposal)).kind, 'proposal');
    const first = await group.commit();
    assert.equal((await group.receive(first.commit)).kind, 'commit');
    // Now an honest joiner is added to that group: it must refuse the Welcome.
    const carol = await person('carol');
    const carolAdmission = await meeting.admit(carol);
    const honest = await PendingMember.create((key) => meeting.credential(carol, key, carolAdmission));
    const add = await externalProposal(
      meeting.ds,
      { groupId: meeting.groupId, epoch: group.epoch },
      { add: honest.keyPackage },
    );
    await group.receive(add);
    const second = await group.commit();
    const joined = await honest.join(second.welcome!, {
      groupId: meeting.groupId,
      dsPublicKey: meeting.ds.publicKey,
      rules: meeting.rules(),
    });
    assert.equal(joined, null);
  });

  test('E2EE-KEYX: proposals mixing adds and removes in one epoch are refused (ts-mls 1.6.4 breaks on such commits)', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    await meeting.join(await person('bob'));
    await meeting.join(await person('carol'));
    const carol = meeting.members.get('carol')!;
    assert.ok((await meeting.proposeRemove(carol.ownLeaf)).every((v) => v.kind === 'proposal'));
    const dave = await person('dave');
    const admission = await meeting.admit(dave);
    const pending = await PendingMember.create((key) => meeting.credential(dave, key, admission));
    const verdicts = await meeting.proposeAdd(pending.keyPackage);
    assert.ok(verdicts.every((v) => v.kind === 'refused'));
    assert.deepEqual(meeting.committer().pendingChanges(), { adds: 0, removes: 1 });
  });

  test('E2EE-KEYX: an old commit replayed, or an old Welcome shown to a new joiner, is refused', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    const bob = await person('bob');
    const admission = await meeting.admit(bob);
    const pending = await PendingMember.create((key) => meeting.credential(bob, key, admission));
    await meeting.proposeAdd(pending.keyPackage);
    const { commit, welcome } = await meeting.committer().commit();
    await meeting.relay(commit);
    const joined = await pending.join(welcome!, {
      groupId: meeting.groupId,
      dsPublicKey: meeting.ds.publicKey,
      rules: meeting.rules(),
    });
    meeting.members.set('bob', joined!);
    assert.deepEqual(await meeting.relay(commit), [
      { kind: 'refused', reason: 'wrong_epoch' },
      { kind: 'refused', reason: 'wrong_epoch' },
    ]);
    const carol = await person('carol');
    const carolAdmission = await meeting.admit(carol);
    const late = await PendingMember.create((key) => meeting.credential(carol, key, carolAdmission));
    const replayed = await late.join(welcome!, {
      groupId: meeting.groupId,
      dsPublicKey: meeting.ds.publicKey,
      rules: meeting.rules(),
    });
    assert.equal(replayed, null);
  });

  test('E2EE-KEYX: two members committing at once do not fork the group: the first relayed commit wins', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    await meeting.join(await person('bob'));
    const [a, b] = [...meeting.members.values()];
    const first = await a!.commit();
    await b!.commit();
    await meeting.relay(first.commit);
    const state = await agreed(meeting.members.values());
    assert.equal(state.epochs.size, 1);
    assert.equal(state.authenticators.size, 1);
  });

  test('E2EE-CHAT: an application message opens for every other member, naming its sender by the group’s own leaf; the delivery service and a removed member cannot open it', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    const bob = await meeting.join(await person('bob'));
    const carol = await meeting.join(await person('carol'));
    const words = new TextEncoder().encode('The vote is on Thursday');
    const sealed = await bob.seal(words);
    assert.ok(
      !Buffer.from(sealed).includes(Buffer.from('Thursday')),
      'the bytes on the wire are not the words',
    );
    for (const reader of [meeting.members.get('owner')!, carol]) {
      const opened = await reader.open(sealed);
      assert.ok(opened);
      assert.equal(new TextDecoder().decode(opened.plaintext), 'The vote is on Thursday');
      assert.equal(decodeLeafCredential(opened.credential).participantId, 'bob');
    }
    // Each message key serves once: the same bytes again (a replay) do not open.
    assert.equal(await carol.open(sealed), null);
    // A handshake message is not an application message.
    const { commit } = await meeting.committer().commit();
    assert.equal(await carol.open(commit), null);

    // Sent just before an epoch changes, it still opens just after (the few last epochs' keys stay).
    const late = await bob.seal(new TextEncoder().encode('before the commit'));
    await meeting.relay(commit);
    const afterCommit = await carol.open(late);
    assert.equal(new TextDecoder().decode(afterCommit!.plaintext), 'before the commit');

    // Removed, Carol holds no key of what is said from then on.
    const { gone } = await meeting.remove('carol');
    const secret = await bob.seal(new TextEncoder().encode('after Carol left'));
    assert.equal(await gone.open(secret), null);
    assert.ok(await meeting.members.get('owner')!.open(secret));
  });

  test('E2EE-CHAT: a joiner cannot open what was said before it joined', async () => {
    const meeting = await TestMeeting.start(await person('owner'));
    const bob = await meeting.join(await person('bob'));
    const earlier = await bob.seal(new TextEncoder().encode('said before Dan came'));
    const dan = await meeting.join(await person('dan'));
    assert.equal(await dan.open(earlier), null);
    const now = await bob.seal(new TextEncoder().encode('said to Dan'));
    assert.ok(await dan.open(now));
  });
});

/** A group created by `owner` whose rules accept anything: what a compromised member could run. */
async function laxGroup(meeting: TestMeeting, owner: Person) {
  const rules: LeafRules = { verify: () => Promise.resolve(true), mayAdd: () => true };
  const keys = await generateSigningKeys();
  const credential = await meeting.credential(owner, keys.publicKey, await meeting.admit(owner));
  return MlsGroup.create({
    groupId: meeting.groupId,
    credential,
    keys,
    dsPublicKey: meeting.ds.publicKey,
    rules,
  });
}

/** The real participant's credential carrying a binding signature made by another key. */
function splice(real: Uint8Array, forged: Uint8Array): Uint8Array {
  return encodeLeafCredential({
    ...decodeLeafCredential(real),
    binding: decodeLeafCredential(forged).binding,
  });
}
