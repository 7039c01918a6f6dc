import { createApplicationMessage, type ClientState } from 'ts-mls';
import { unprotectPrivateMessage } from 'ts-mls/messageProtection.js';
import { getSenderLeafNodeIndex } from 'ts-mls/sender.js';
import { equalBytes } from '../sframe/bytes';
import { decodeMessage, encodeMessage, suite } from './suite';

/** What another member wrote, and the leaf credential of who wrote it, as the group vouches. */
export interface OpenedMessage {
  credential: Uint8Array;
  plaintext: Uint8Array;
}

/** An MLS application message (a PrivateMessage) of the state's epoch, and the state it leaves. */
export async function sealApplication(
  state: ClientState,
  plaintext: Uint8Array,
): Promise<{ state: ClientState; message: Uint8Array<ArrayBuffer> }> {
  const { newState, privateMessage } = await createApplicationMessage(state, plaintext, await suite());
  return {
    state: newState,
    message: encodeMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage }),
  };
}

/**
 * Opens another member's application message of the current epoch or one of the few before it that
 * the state still holds keys for (a message sent just before a commit arrives just after it). The
 * sender is the leaf the message's authenticated sender data names, not what anyone claims: ts-mls
 * 1.6.4's `processMessage` does not tell it, so this does what its application branch does and reads
 * the leaf. Null for anything else: another group, an epoch before this member's first, a handshake
 * message, a forgery.
 */
export async function openApplication(
  state: ClientState,
  bytes: Uint8Array,
): Promise<(OpenedMessage & { state: ClientState }) | null> {
  const message = decodeMessage(bytes);
  if (message?.wireformat !== 'mls_private_message') return null;
  const pm = message.privateMessage;
  if (!equalBytes(pm.groupId, state.groupContext.groupId) || pm.contentType !== 'application') return null;
  const current = pm.epoch === state.groupContext.epoch;
  const epoch = current
    ? {
        senderDataSecret: state.keySchedule.senderDataSecret,
        secretTree: state.secretTree,
        ratchetTree: state.ratchetTree,
        groupContext: state.groupContext,
      }
    : state.historicalReceiverData.get(pm.epoch);
  if (!epoch) return null;
  try {
    const { content, tree } = await unprotectPrivateMessage(
      epoch.senderDataSecret,
      pm,
      epoch.secretTree,
      epoch.ratchetTree,
      epoch.groupContext,
      state.clientConfig.keyRetentionConfig,
      await suite(),
    );
    const framed = content.content;
    if (framed.contentType !== 'application') return null;
    const leaf = getSenderLeafNodeIndex(framed.sender);
    const node = leaf === undefined ? undefined : epoch.ratchetTree[leaf * 2];
    if (node?.nodeType !== 'leaf' || node.leaf.credential.credentialType !== 'basic') return null;
    // Each message's key is used once: the tree that no longer has it is the state from now on.
    const next: ClientState = current
      ? { ...state, secretTree: tree }
      : {
          ...state,
          historicalReceiverData: new Map(state.historicalReceiverData).set(pm.epoch, {
            ...state.historicalReceiverData.get(pm.epoch)!,
            secretTree: tree,
          }),
        };
    return { state: next, credential: node.leaf.credential.identity, plaintext: framed.applicationData };
  } catch {
    return null;
  }
}
