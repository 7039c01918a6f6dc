import {
  externalProposal,
  fromBase64Url,
  inspectHandshake,
  isWelcome,
  proposalReference,
  toBase64Url,
  type DeliveryServiceKeys,
} from '@conclave/e2ee';
import type { ClientMessageOf } from '@conclave/protocol';
import type { Group, Round } from './delivery-state';

/** What a round changes, as the delivery service decided it: an Add (with the key package) or a Remove. */
export type PlannedChange = { add: string; keyPackage: Uint8Array } | { remove: number };

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * A round of the group at its current epoch: each change as a proposal signed by the delivery
 * service (the group's only external sender), with the references a commit must cover. The
 * committer is chosen by the caller.
 */
export async function openRound(
  keys: DeliveryServiceKeys,
  group: Group,
  changes: readonly PlannedChange[],
): Promise<{ round: Round; messages: string[] }> {
  const round: Round = {
    epoch: group.epoch,
    proposals: new Map(),
    committer: '',
    passedOver: new Set(),
    cancelTimer: () => undefined,
  };
  const coordinates = { groupId: group.id, epoch: group.epoch };
  const messages: string[] = [];
  for (const change of changes) {
    const bytes = await externalProposal(
      keys,
      coordinates,
      'add' in change ? { add: change.keyPackage } : { remove: change.remove },
    );
    round.proposals.set(
      hex(await proposalReference(bytes)),
      'add' in change ? { add: change.add } : { remove: change.remove },
    );
    messages.push(toBase64Url(bytes));
  }
  return { round, messages };
}

/**
 * Who a commit adds, if it is this group's commit at this epoch by the leaf `committerLeaf`, covers
 * exactly the round's proposals by reference (none inline), and comes with a Welcome exactly when it
 * adds someone; null otherwise. Only the clear framing is read: the delivery service has no secret.
 */
export function commitAdds(
  round: Round,
  group: Group,
  committerLeaf: number | null,
  message: ClientMessageOf<'e2eeCommit'>,
): string[] | null {
  const view = inspectHandshake(fromBase64Url(message.commit));
  if (
    view?.kind !== 'commit' ||
    !Buffer.from(view.groupId).equals(group.id) ||
    view.epoch !== group.epoch ||
    view.committer !== committerLeaf ||
    view.inline !== 0
  ) {
    return null;
  }
  const references = view.references.map(hex);
  if (references.length !== round.proposals.size || !references.every((r) => round.proposals.has(r))) {
    return null;
  }
  const adds = references.flatMap((r) => {
    const change = round.proposals.get(r);
    return change && 'add' in change ? [change.add] : [];
  });
  const welcome = message.welcome === undefined ? null : fromBase64Url(message.welcome);
  return adds.length > 0 === (welcome !== null && isWelcome(welcome)) ? adds : null;
}
