import { generateDeliveryServiceKeys, type DeliveryServiceKeys } from '@conclave/e2ee';
import type { E2eeAnchorStore } from '../domain';

/** What every E2EE meeting room of this server shares. */
export interface E2eeRoomContext {
  /**
   * The delivery service's MLS signature key pair: one per server process, made at start and never
   * stored (it only signs Add/Remove proposals, and a new one serves new groups as well).
   */
  keys: Promise<DeliveryServiceKeys>;
  /** Where the meeting owner's identity key is registered as the trust anchor. */
  anchors: E2eeAnchorStore;
  /** How often keys are updated with nobody joining or leaving (0: never). */
  rotateEveryMs: number;
}

export function e2eeRoomContext(anchors: E2eeAnchorStore, rotateEveryMs: number): E2eeRoomContext {
  const keys = generateDeliveryServiceKeys();
  // Awaited by the first E2EE room; an unhandled rejection before that would end the process.
  keys.catch(() => undefined);
  return { keys, anchors, rotateEveryMs };
}
