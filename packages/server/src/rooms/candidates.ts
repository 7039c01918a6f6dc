import type { IceCandidate } from '@conclave/protocol';
import type { IceCandidateInit } from '../media/janus-client';

/**
 * Copies an ICE candidate between the client's and Janus's shapes (the same fields), keeping only
 * the known ones, so nothing else a peer put in the object travels on.
 */
export function copyCandidate(c: IceCandidate | IceCandidateInit): IceCandidate & IceCandidateInit {
  return {
    candidate: c.candidate,
    ...(c.sdpMid != null && { sdpMid: c.sdpMid }),
    ...(c.sdpMLineIndex != null && { sdpMLineIndex: c.sdpMLineIndex }),
  };
}
