import {
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultKeyPackageEqualityConfig,
  defaultKeyRetentionConfig,
  defaultLifetime,
  defaultLifetimeConfig,
  defaultPaddingConfig,
  emptyPskIndex,
  generateKeyPackageWithKey,
  joinGroup,
  mlsExporter,
  processMessage,
  type ClientConfig,
  type ClientState,
  type Credential,
  type IncomingMessageCallback,
  type KeyPackage,
  type PrivateKeyPackage,
  type ProposalOrRef,
  type ProposalWithSender,
} from 'ts-mls';
import { bytesToBase64 } from 'ts-mls';
import { equalBytes } from '../sframe/bytes';
import { openApplication, sealApplication, type OpenedMessage } from './application';
import { DELIVERY_SERVICE_IDENTITY, decodeMessage, encodeMessage, suite } from './suite';
import { externalSendersExtension } from './wire';

/**
 * The application's rule for leaves, which the library consults for every credential it meets
 * (joining, adds, update paths). The library's own default accepts anything; this never does.
 */
export interface LeafRules {
  /** Full check of a leaf credential bound to `signatureKey` in this group. */
  verify(credential: Uint8Array, signatureKey: Uint8Array): Promise<boolean>;
  /** Synchronous gate for a leaf about to be added (e.g. its admission is recent). */
  mayAdd(credential: Uint8Array): boolean;
}

export interface MlsMember {
  leaf: number;
  credential: Uint8Array;
  signatureKey: Uint8Array;
}

export type Received =
  | { kind: 'proposal'; change: 'add' | 'remove' }
  | { kind: 'commit'; epoch: bigint }
  /** A commit removed this member: it holds no keys of the new epoch. */
  | { kind: 'removed' }
  | { kind: 'refused'; reason: RefusalReason };

export type RefusalReason =
  'malformed' | 'not_public' | 'wrong_group' | 'wrong_epoch' | 'not_allowed' | 'invalid';

export interface CommitOutput {
  commit: Uint8Array<ArrayBuffer>;
  welcome: Uint8Array<ArrayBuffer> | null;
}

interface SigningKeys {
  publicKey: Uint8Array;
  signKey: Uint8Array;
}

function clientConfig(rules: LeafRules, dsPublicKey: Uint8Array): ClientConfig {
  return {
    keyRetentionConfig: defaultKeyRetentionConfig,
    lifetimeConfig: defaultLifetimeConfig,
    keyPackageEqualityConfig: defaultKeyPackageEqualityConfig,
    paddingConfig: defaultPaddingConfig,
    authService: {
      async validateCredential(credential, signatureKey) {
        if (credential.credentialType !== 'basic') return false;
        // The delivery service's credential is valid only with its key, and only as an external
        // sender: leaves holding it are refused separately (`isParticipantLeaf`).
        if (equalBytes(credential.identity, DELIVERY_SERVICE_IDENTITY))
          return equalBytes(signatureKey, dsPublicKey);
        return rules.verify(credential.identity, signatureKey);
      },
    },
  };
}

function basic(identity: Uint8Array): Credential {
  return { credentialType: 'basic', identity };
}

/** A per-meeting MLS signature key pair; its public half is what a leaf credential's binding signs. */
export async function generateSigningKeys(): Promise<SigningKeys> {
  return (await suite()).signature.keygen();
}

let warm: Promise<void> | null = null;

/**
 * Makes one key package and throws it away, once per process. The first one a page makes costs
 * several times the next (the curves' tables, the JIT): done while a join goes out, it is no longer
 * on the way from "admitted" to "key package sent" (E2EE join benchmark).
 */
export function warmUpMls(): Promise<void> {
  warm ??= PendingMember.create(async () => new Uint8Array(32)).then(
    () => undefined,
    () => undefined,
  );
  return warm;
}

async function keyPackageFor(credential: Uint8Array, keys: SigningKeys) {
  return generateKeyPackageWithKey(
    basic(credential),
    defaultCapabilities(),
    defaultLifetime,
    [],
    keys,
    await suite(),
  );
}

/**
 * One member's view of an MLS group, with Conclave's rules on top of the library's: handshake
 * messages are PublicMessages of this group and epoch; proposals come only from the delivery
 * service and are only Adds or only Removes per epoch (ts-mls 1.6.4 mishandles commits that combine
 * a remove with an add or an extension change); commits contain nothing else. A commit this member
 * made is applied only when the delivery service relays it back, so two concurrent committers
 * cannot fork the group: the first relayed wins and the other's is dropped.
 */
export class MlsGroup {
  private pending: { bytes: Uint8Array; state: ClientState } | null = null;

  private constructor(
    private state: ClientState,
    private readonly rules: LeafRules,
  ) {}

  static async create(options: {
    groupId: Uint8Array;
    credential: Uint8Array;
    keys: SigningKeys;
    dsPublicKey: Uint8Array;
    rules: LeafRules;
  }): Promise<MlsGroup> {
    const cs = await suite();
    const { publicPackage, privatePackage } = await keyPackageFor(options.credential, options.keys);
    const state = await createGroup(
      options.groupId,
      publicPackage,
      privatePackage,
      [externalSendersExtension(options.dsPublicKey)],
      cs,
      clientConfig(options.rules, options.dsPublicKey),
    );
    return new MlsGroup(state, options.rules);
  }

  /** Wraps a state a Welcome produced, once every leaf in it is a participant's. */
  static joined(state: ClientState, rules: LeafRules): MlsGroup | null {
    const group = new MlsGroup(state, rules);
    return group.members().some((m) => equalBytes(m.credential, DELIVERY_SERVICE_IDENTITY)) ? null : group;
  }

  get groupId(): Uint8Array {
    return this.state.groupContext.groupId;
  }

  get epoch(): bigint {
    return this.state.groupContext.epoch;
  }

  get ownLeaf(): number {
    return this.state.privatePath.leafIndex;
  }

  /** The epoch authenticator (RFC 9420 §8.7): equal for two members exactly when they share the epoch. */
  get epochAuthenticator(): Uint8Array {
    return this.state.keySchedule.epochAuthenticator;
  }

  members(): MlsMember[] {
    const out: MlsMember[] = [];
    this.state.ratchetTree.forEach((node, index) => {
      if (node?.nodeType !== 'leaf' || node.leaf.credential.credentialType !== 'basic') return;
      out.push({
        leaf: index / 2,
        credential: node.leaf.credential.identity,
        signatureKey: node.leaf.signaturePublicKey,
      });
    });
    return out;
  }

  /** MLS-Exporter(label, context, length) of the current epoch. */
  async exportSecret(label: string, context: Uint8Array, length: number): Promise<Uint8Array> {
    return mlsExporter(this.state.keySchedule.exporterSecret, label, context, length, await suite());
  }

  /** Something for the group's members only (E2EE-CHAT): an application message of this epoch. */
  async seal(plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
    const { state, message } = await sealApplication(this.state, plaintext);
    this.state = state;
    return message;
  }

  /**
   * Another member's application message, with their leaf credential; null if it is not one. Known
   * gap: a commit this member made applies the state of when it was made, so the key of a message of
   * the old epoch opened in between is usable once more (a server replaying it shows it twice).
   */
  async open(bytes: Uint8Array): Promise<OpenedMessage | null> {
    const opened = await openApplication(this.state, bytes);
    if (!opened) return null;
    this.state = opened.state;
    return { credential: opened.credential, plaintext: opened.plaintext };
  }

  /** The proposals waiting for a commit, by kind. */
  pendingChanges(): { adds: number; removes: number } {
    const kinds = Object.values(this.state.unappliedProposals).map((p) => p.proposal.proposalType);
    return {
      adds: kinds.filter((k) => k === 'add').length,
      removes: kinds.filter((k) => k === 'remove').length,
    };
  }

  /** Commits every pending proposal (or none: a key update). Applied when relayed back. */
  async commit(): Promise<CommitOutput> {
    const cs = await suite();
    const result = await createCommit(
      { state: this.state, cipherSuite: cs },
      { wireAsPublicMessage: true, ratchetTreeExtension: true },
    );
    const commit = encodeMessage(result.commit);
    this.pending = { bytes: commit, state: result.newState };
    const welcome = result.welcome
      ? encodeMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome: result.welcome })
      : null;
    return { commit, welcome };
  }

  async receive(bytes: Uint8Array): Promise<Received> {
    const message = decodeMessage(bytes);
    if (!message) return { kind: 'refused', reason: 'malformed' };
    if (message.wireformat !== 'mls_public_message') return { kind: 'refused', reason: 'not_public' };
    const { content } = message.publicMessage;
    if (!equalBytes(content.groupId, this.groupId)) return { kind: 'refused', reason: 'wrong_group' };
    if (content.epoch !== this.epoch) return { kind: 'refused', reason: 'wrong_epoch' };

    if (content.contentType === 'commit') {
      const own = this.pending;
      this.pending = null;
      if (own && equalBytes(own.bytes, bytes)) return this.enter(own.state);
    }
    if (content.contentType === 'proposal') {
      if (content.sender.senderType !== 'external') return { kind: 'refused', reason: 'not_allowed' };
      // The library checks an added leaf only when a commit applies it; checked here, a bad Add
      // never enters the pending set, where it would make every commit of the epoch fail.
      if (content.proposal.proposalType === 'add') {
        const { leafNode } = content.proposal.add.keyPackage;
        const { credential } = leafNode;
        const valid =
          credential.credentialType === 'basic' &&
          (await this.rules.verify(credential.identity, leafNode.signaturePublicKey));
        if (!valid) return { kind: 'refused', reason: 'not_allowed' };
      }
    }
    const removesMe = content.contentType === 'commit' && this.removesMe(content.commit.proposals);
    try {
      const result = await processMessage(message, this.state, emptyPskIndex, this.gate, await suite());
      if (result.kind !== 'newState') return { kind: 'refused', reason: 'not_allowed' };
      if (result.actionTaken === 'reject') return { kind: 'refused', reason: 'not_allowed' };
      if (content.contentType === 'proposal') {
        this.state = result.newState;
        return { kind: 'proposal', change: content.proposal.proposalType === 'add' ? 'add' : 'remove' };
      }
      if (result.newState.groupActiveState.kind === 'removedFromGroup') return this.leave();
      return this.enter(result.newState);
    } catch {
      // ts-mls 1.6.4 may throw for the member a commit removes; whatever the cause, such a member is out.
      return removesMe ? this.leave() : { kind: 'refused', reason: 'invalid' };
    }
  }

  private enter(state: ClientState): Received {
    this.state = state;
    return { kind: 'commit', epoch: state.groupContext.epoch };
  }

  private leave(): Received {
    this.pending = null;
    return { kind: 'removed' };
  }

  private removesMe(proposals: ProposalOrRef[]): boolean {
    return proposals.some((p) => {
      const proposal =
        p.proposalOrRefType === 'proposal'
          ? p.proposal
          : this.state.unappliedProposals[bytesToBase64(p.reference)]?.proposal;
      return proposal?.proposalType === 'remove' && proposal.remove.removed === this.ownLeaf;
    });
  }

  /** Conclave's shape rules, applied by the library to each proposal and commit it processes. */
  private readonly gate: IncomingMessageCallback = (incoming) => {
    if (incoming.kind === 'proposal') {
      const waiting = Object.values(this.state.unappliedProposals);
      return allowed([...waiting, incoming.proposal], this.rules) ? 'accept' : 'reject';
    }
    return allowed(incoming.proposals, this.rules) ? 'accept' : 'reject';
  };
}

function allowed(proposals: ProposalWithSender[], rules: LeafRules): boolean {
  let adds = 0;
  let removes = 0;
  for (const { proposal, senderLeafIndex } of proposals) {
    if (senderLeafIndex !== undefined) return false;
    if (proposal.proposalType === 'add') {
      const { credential } = proposal.add.keyPackage.leafNode;
      if (credential.credentialType !== 'basic' || !rules.mayAdd(credential.identity)) return false;
      adds++;
    } else if (proposal.proposalType === 'remove') {
      removes++;
    } else {
      return false;
    }
  }
  return adds === 0 || removes === 0;
}

/**
 * A joiner before its Welcome: its per-meeting signing keys and the key package the delivery
 * service proposes to add. The credential is made for the signing key, since it signs that key.
 */
export class PendingMember {
  private constructor(
    readonly keyPackage: Uint8Array<ArrayBuffer>,
    private readonly publicPackage: KeyPackage,
    private readonly privatePackage: PrivateKeyPackage,
  ) {}

  static async create(
    credentialFor: (signatureKey: Uint8Array) => Promise<Uint8Array>,
  ): Promise<PendingMember> {
    const keys = await generateSigningKeys();
    const { publicPackage, privatePackage } = await keyPackageFor(await credentialFor(keys.publicKey), keys);
    const bytes = encodeMessage({
      version: 'mls10',
      wireformat: 'mls_key_package',
      keyPackage: publicPackage,
    });
    return new PendingMember(bytes, publicPackage, privatePackage);
  }

  /**
   * Joins from a Welcome, validating every leaf of the tree under `rules`. Null when the Welcome is
   * not for this key package, not for the expected group, or shows a leaf the rules refuse.
   */
  async join(
    welcome: Uint8Array,
    expect: { groupId: Uint8Array; dsPublicKey: Uint8Array; rules: LeafRules },
  ): Promise<MlsGroup | null> {
    const message = decodeMessage(welcome);
    if (message?.wireformat !== 'mls_welcome') return null;
    let state: ClientState;
    try {
      state = await joinGroup(
        message.welcome,
        this.publicPackage,
        this.privatePackage,
        emptyPskIndex,
        await suite(),
        undefined,
        undefined,
        clientConfig(expect.rules, expect.dsPublicKey),
      );
    } catch {
      return null;
    }
    if (!equalBytes(state.groupContext.groupId, expect.groupId)) return null;
    return MlsGroup.joined(state, expect.rules);
  }
}
