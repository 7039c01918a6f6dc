import type { E2eeAnchorStore } from '../domain';

/** What every E2EE meeting room of this server shares. */
export interface E2eeRoomContext {
  /** Where the meeting owner's identity key is registered as the trust anchor. */
  anchors: E2eeAnchorStore;
  /** How often keys are updated with nobody joining or leaving (0: never). */
  rotateEveryMs: number;
}

export function e2eeRoomContext(anchors: E2eeAnchorStore, rotateEveryMs: number): E2eeRoomContext {
  return { anchors, rotateEveryMs };
}
