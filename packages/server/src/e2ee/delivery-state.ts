import { fromBase64Url, toBase64Url, type DeliveryServiceKeys } from '@conclave/e2ee';
import type { E2eeServerMessage } from '@conclave/protocol';
import { LeafMap } from './leaves';

export interface DeliveryParticipant {
  id: string;
  identityKey: Uint8Array;
  displayName: string;
  /** Signed by the anchor's device as its person let them in from the lobby: no request needed. */
  admission?: string;
  send(message: E2eeServerMessage): void;
}

type Stage = 'waiting' | 'requested' | 'admitted' | 'keyed' | 'proposed' | 'member';

export interface Person {
  p: DeliveryParticipant;
  stage: Stage;
  keyPackage?: Uint8Array;
}

/** What one proposal of a round changes: the participant added, or the leaf removed. */
type Change = { add: string } | { remove: number };

export interface Round {
  epoch: bigint;
  /** Proposal references (hex) → what each changes. */
  proposals: Map<string, Change>;
  committer: string;
  passedOver: Set<string>;
  cancelTimer: () => void;
}

export interface Transition {
  epoch: bigint;
  waiting: Set<string>;
  cancelTimer: () => void;
}

export interface Group {
  id: Uint8Array;
  epoch: bigint;
  leaves: LeafMap;
}

/** Everything a delivery service knows, timers aside, in its own terms. */
export interface DeliveryModel {
  keys: DeliveryServiceKeys;
  anchorKey: Uint8Array | null;
  group: Group | null;
  creating: { groupId: string; by: string } | null;
  people: Map<string, Person>;
  round: Round | null;
  transition: Transition | null;
  removals: number[];
}

/**
 * A delivery service's model as plain data, written with the rest of the meeting room's live state
 * (rooms/room-state.ts) so that a node taking the meeting over serves the same MLS group: the same
 * epoch, leaves and round in flight, signed with the same key, which the group names as its external
 * sender. None of it is a group secret: the key only signs Add/Remove proposals, and every member
 * still checks each joiner's admission against the meeting owner's key (docs/e2ee.md).
 */
export interface DeliveryState {
  keys: { publicKey: string; privateKey: string };
  anchorKey: string | null;
  group: { id: string; epoch: string; leaves: Array<string | null> } | null;
  creating: { groupId: string; by: string } | null;
  people: Array<{
    id: string;
    identityKey: string;
    displayName: string;
    admission?: string;
    stage: Stage;
    keyPackage?: string;
  }>;
  round: {
    epoch: string;
    proposals: Array<[string, Change]>;
    committer: string;
    passedOver: string[];
  } | null;
  transition: { epoch: string; waiting: string[] } | null;
  removals: number[];
}

const b64 = toBase64Url;
const unb64 = (text: string): Uint8Array<ArrayBuffer> => new Uint8Array(fromBase64Url(text));

export function describeModel(m: DeliveryModel): DeliveryState {
  return {
    keys: { publicKey: b64(m.keys.publicKey), privateKey: b64(m.keys.privateKey) },
    anchorKey: m.anchorKey && b64(m.anchorKey),
    group: m.group && { id: b64(m.group.id), epoch: String(m.group.epoch), leaves: m.group.leaves.list() },
    creating: m.creating && { ...m.creating },
    people: [...m.people.values()].map(({ p, stage, keyPackage }) => ({
      id: p.id,
      identityKey: b64(p.identityKey),
      displayName: p.displayName,
      ...(p.admission !== undefined && { admission: p.admission }),
      stage,
      ...(keyPackage && { keyPackage: b64(keyPackage) }),
    })),
    round: m.round && {
      epoch: String(m.round.epoch),
      proposals: [...m.round.proposals],
      committer: m.round.committer,
      passedOver: [...m.round.passedOver],
    },
    transition: m.transition && {
      epoch: String(m.transition.epoch),
      waiting: [...m.transition.waiting],
    },
    removals: [...m.removals],
  };
}

/**
 * The model again, talking to the participants `reach` finds (their connections may be new). Someone
 * the state names but the room no longer has is treated as gone: its leaf is removed next. Timers
 * start again from nothing (`cancelTimer` is a no-op until the delivery service arms them).
 */
export function rebuildModel(
  s: DeliveryState,
  reach: (id: string) => DeliveryParticipant['send'] | null,
): DeliveryModel {
  const group = s.group && {
    id: unb64(s.group.id),
    epoch: BigInt(s.group.epoch),
    leaves: LeafMap.of(s.group.leaves),
  };
  const people = new Map<string, Person>();
  const removals = [...s.removals];
  for (const person of s.people) {
    const send = reach(person.id);
    const leaf = group?.leaves.leafOf(person.id) ?? null;
    if (!send) {
      if (leaf !== null) removals.push(leaf);
      continue;
    }
    people.set(person.id, {
      p: {
        id: person.id,
        identityKey: unb64(person.identityKey),
        displayName: person.displayName,
        ...(person.admission !== undefined && { admission: person.admission }),
        send,
      },
      stage: person.stage,
      ...(person.keyPackage !== undefined && { keyPackage: unb64(person.keyPackage) }),
    });
  }
  const noTimer = () => undefined;
  return {
    keys: { publicKey: unb64(s.keys.publicKey), privateKey: unb64(s.keys.privateKey) },
    anchorKey: s.anchorKey === null ? null : unb64(s.anchorKey),
    group,
    creating: s.creating && people.has(s.creating.by) ? { ...s.creating } : null,
    people,
    round: s.round && {
      epoch: BigInt(s.round.epoch),
      proposals: new Map(s.round.proposals),
      committer: s.round.committer,
      passedOver: new Set(s.round.passedOver),
      cancelTimer: noTimer,
    },
    transition: s.transition && {
      epoch: BigInt(s.transition.epoch),
      waiting: new Set(s.transition.waiting.filter((id) => people.has(id))),
      cancelTimer: noTimer,
    },
    removals,
  };
}
