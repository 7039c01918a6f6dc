import {
  encodeExternalSender,
  proposeExternal,
  type Extension,
  type GroupContext,
  type GroupInfo,
  type Proposal,
} from 'ts-mls';
import { makeProposalRef } from 'ts-mls/authenticatedContent.js';
import { DELIVERY_SERVICE_IDENTITY, decodeMessage, encodeMessage, MLS_SUITE, suite } from './suite';

/**
 * The delivery service's view of MLS: what the control plane may know and do without any group
 * secret. It reads the clear framing of handshake messages, signs Add/Remove proposals as the
 * group's external sender, and computes proposal references to check that a commit covers exactly
 * what was proposed. Nothing here can decrypt or derive a key.
 */

export interface DeliveryServiceKeys {
  publicKey: Uint8Array<ArrayBuffer>;
  privateKey: Uint8Array<ArrayBuffer>;
}

export async function generateDeliveryServiceKeys(): Promise<DeliveryServiceKeys> {
  const { publicKey, signKey } = await (await suite()).signature.keygen();
  return { publicKey: new Uint8Array(publicKey), privateKey: new Uint8Array(signKey) };
}

/** The group context extension naming the delivery service as the group's only external sender. */
export function externalSendersExtension(dsPublicKey: Uint8Array): Extension {
  return {
    extensionType: 'external_senders',
    extensionData: encodeExternalSender({
      signaturePublicKey: dsPublicKey,
      credential: { credentialType: 'basic', identity: DELIVERY_SERVICE_IDENTITY },
    }),
  };
}

export interface GroupCoordinates {
  groupId: Uint8Array;
  epoch: bigint;
}

/** An Add (a joiner's key package) or Remove (a leaf index) signed by the delivery service. */
export async function externalProposal(
  keys: DeliveryServiceKeys,
  group: GroupCoordinates,
  change: { add: Uint8Array } | { remove: number },
): Promise<Uint8Array<ArrayBuffer>> {
  let proposal: Proposal;
  if ('add' in change) {
    const message = decodeMessage(change.add);
    if (message?.wireformat !== 'mls_key_package') throw new TypeError('not a key package');
    proposal = { proposalType: 'add', add: { keyPackage: message.keyPackage } };
  } else {
    proposal = { proposalType: 'remove', remove: { removed: change.remove } };
  }
  // An external sender's signature does not cover the group context beyond id and epoch; the
  // rest of this context only lets the library find our key among the external senders.
  const groupContext: GroupContext = {
    version: 'mls10',
    cipherSuite: MLS_SUITE,
    groupId: group.groupId,
    epoch: group.epoch,
    treeHash: new Uint8Array(),
    confirmedTranscriptHash: new Uint8Array(),
    extensions: [externalSendersExtension(keys.publicKey)],
  };
  const info = { groupContext } as GroupInfo;
  return encodeMessage(await proposeExternal(info, proposal, keys.publicKey, keys.privateKey, await suite()));
}

/** What the clear framing of a handshake message says. */
export type HandshakeView =
  | { kind: 'proposal'; groupId: Uint8Array; epoch: bigint; external: boolean }
  | {
      kind: 'commit';
      groupId: Uint8Array;
      epoch: bigint;
      committer: number | null;
      /** References to earlier proposals, in order. */
      references: Uint8Array[];
      /** Proposals carried inline (Conclave commits carry none). */
      inline: number;
    };

/** Reads a PublicMessage's framing; null for anything that is not a public proposal or commit. */
export function inspectHandshake(bytes: Uint8Array): HandshakeView | null {
  const message = decodeMessage(bytes);
  if (message?.wireformat !== 'mls_public_message') return null;
  const { content } = message.publicMessage;
  const base = { groupId: content.groupId, epoch: content.epoch };
  if (content.contentType === 'proposal') {
    return { kind: 'proposal', ...base, external: content.sender.senderType === 'external' };
  }
  if (content.contentType !== 'commit') return null;
  const references: Uint8Array[] = [];
  let inline = 0;
  for (const p of content.commit.proposals) {
    if (p.proposalOrRefType === 'reference') references.push(p.reference);
    else inline++;
  }
  const committer = content.sender.senderType === 'member' ? content.sender.leafIndex : null;
  return { kind: 'commit', ...base, committer, references, inline };
}

/** The reference (RFC 9420 §5.2) a commit uses for this proposal message. */
export async function proposalReference(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const message = decodeMessage(bytes);
  if (
    message?.wireformat !== 'mls_public_message' ||
    message.publicMessage.content.contentType !== 'proposal'
  ) {
    throw new TypeError('not a public proposal');
  }
  const { content, auth } = message.publicMessage;
  const ref = await makeProposalRef(
    { wireformat: 'mls_public_message', content, auth },
    (await suite()).hash,
  );
  return new Uint8Array(ref);
}

/** A key package's leaf credential bytes, for the delivery service's shape checks; null if malformed. */
export function keyPackageCredential(bytes: Uint8Array): Uint8Array | null {
  const message = decodeMessage(bytes);
  if (message?.wireformat !== 'mls_key_package') return null;
  const { credential } = message.keyPackage.leafNode;
  return credential.credentialType === 'basic' ? credential.identity : null;
}

/** True when the bytes are an MLS Welcome. */
export function isWelcome(bytes: Uint8Array): boolean {
  return decodeMessage(bytes)?.wireformat === 'mls_welcome';
}
