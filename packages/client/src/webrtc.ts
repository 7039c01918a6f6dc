import type { IceCandidate, IceServerInfo } from '@conclave/protocol';
import type { E2eePeerOptions } from './e2ee/media';

function toRtcIceServers(servers: readonly IceServerInfo[]): RTCIceServer[] {
  return servers.map((s) => ({
    urls: s.urls,
    ...(s.username !== undefined && { username: s.username }),
    ...(s.credential !== undefined && { credential: s.credential }),
  }));
}

/** The servers a session's connections gather through, and whether only relayed paths are allowed (NET-TURN). */
export interface IceSetup {
  servers: readonly IceServerInfo[];
  relayOnly: boolean;
}

/** Before `joined` said more: no servers, any path. */
export const NO_ICE: IceSetup = { servers: [], relayOnly: false };

/** The configuration both peer connections use; an E2EE call's add E2eeMedia.peerConnectionOptions(). */
export function peerConfiguration(ice: IceSetup, e2ee: E2eePeerOptions = {}): RTCConfiguration {
  return {
    iceServers: toRtcIceServers(ice.servers),
    bundlePolicy: 'max-bundle',
    ...(ice.relayOnly && { iceTransportPolicy: 'relay' as const }),
    ...e2ee,
  };
}

/**
 * A connection made before the ICE servers were known (see Room.prepareConnection) takes them now;
 * this must happen before its first setLocalDescription, which starts gathering candidates. `e2ee`
 * must be what the prepared connection was made with: Chromium refuses to change it.
 */
export function peerConnectionFor(
  ice: IceSetup,
  prepared?: RTCPeerConnection,
  e2ee: E2eePeerOptions = {},
): RTCPeerConnection {
  if (!prepared) return new RTCPeerConnection(peerConfiguration(ice, e2ee));
  if (ice.servers.length > 0 || ice.relayOnly) prepared.setConfiguration(peerConfiguration(ice, e2ee));
  return prepared;
}

export function toIceCandidate(c: RTCIceCandidate): IceCandidate {
  return { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
}
