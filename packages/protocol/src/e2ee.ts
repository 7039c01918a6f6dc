import { z } from 'zod';
import { ID_PATTERN } from './api';

/**
 * E2EE signaling: the control plane is the MLS delivery service (RFC 9420 §16.4) and nothing more.
 * It relays key packages, proposals, commits and Welcomes as opaque base64url bytes, and decides
 * only who commits and when; it never holds a group secret. Binary fields are base64url without
 * padding; epochs are plain numbers.
 */

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const bytes = (max: number) => z.string().min(1).max(max).regex(BASE64URL, 'Not base64url');
const epoch = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const rid = z.string().min(1).max(64).optional();

/** A raw uncompressed P-256 public key (65 bytes) as base64url. */
export const identityKeySchema = z.string().length(87).regex(BASE64URL, 'Not base64url');
/** Welcomes and commits grow with the group: about 23 KB and 9 KB at 100 members (notes/e2ee-mls.md). */
const MAX_HANDSHAKE = 48 * 1024;

const e2eeGroupCreatedMessageSchema = z.object({
  type: z.literal('e2eeGroupCreated'),
  rid,
  groupId: bytes(64),
});

/** An admission signed by the meeting's anchor (docs/e2ee.md). */
export const admissionSchema = bytes(1024);

/** The meeting's anchor signs that `participantId` (holding the identity key announced) may have keys. */
const e2eeAdmitMessageSchema = z.object({
  type: z.literal('e2eeAdmit'),
  rid,
  participantId: z.string().regex(ID_PATTERN),
  admission: admissionSchema,
});

const e2eeKeyPackageMessageSchema = z.object({
  type: z.literal('e2eeKeyPackage'),
  rid,
  keyPackage: bytes(4096),
});

const e2eeCommitMessageSchema = z.object({
  type: z.literal('e2eeCommit'),
  rid,
  epoch,
  commit: bytes(MAX_HANDSHAKE),
  welcome: bytes(MAX_HANDSHAKE).optional(),
});

/** The member processed the commit into `epoch` and can decrypt its frames. */
const e2eeReadyMessageSchema = z.object({ type: z.literal('e2eeReady'), rid, epoch });

export const e2eeClientMessageSchemas = [
  e2eeGroupCreatedMessageSchema,
  e2eeAdmitMessageSchema,
  e2eeKeyPackageMessageSchema,
  e2eeCommitMessageSchema,
  e2eeReadyMessageSchema,
] as const;

/** What `joined` says about an E2EE meeting. */
export interface E2eeJoinInfo {
  /** The delivery service's MLS signature key: the group's only external sender. */
  deliveryServiceKey: string;
  /** The meeting owner's identity key, the trust anchor of admissions; null until the owner has joined once. */
  anchorKey: string | null;
}

export type E2eeServerMessage =
  /** To the anchor's client when no group exists: create it with this id. */
  | { type: 'e2eeCreateGroup'; groupId: string }
  /** To the anchor's client: someone waits to be admitted. */
  | { type: 'e2eeAdmissionRequest'; participantId: string; displayName: string; identityKey: string }
  /** To a waiting participant: its admission, and the group to make its key package for. */
  | { type: 'e2eeAdmitted'; admission: string; groupId: string; anchorKey: string }
  /** A delivery-service proposal (Add or Remove) for the current epoch. */
  | { type: 'e2eeProposal'; epoch: number; message: string }
  /** To the member chosen to commit: commit every proposal of `epoch` (none: a key update). */
  | { type: 'e2eeCommitRequest'; epoch: number }
  /** The commit accepted into `epoch` (from `epoch - 1`), relayed to every member, its committer included. */
  | { type: 'e2eeCommit'; epoch: number; message: string }
  /** To a joiner: the Welcome into `epoch`. */
  | { type: 'e2eeWelcome'; epoch: number; welcome: string }
  /** Every member can decrypt `epoch` (or the wait ran out): senders switch to it now. */
  | { type: 'e2eeExecute'; epoch: number };
