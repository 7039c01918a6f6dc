import type { IceCandidate, IceServerInfo } from '@conclave/protocol';

function toRtcIceServers(servers: readonly IceServerInfo[]): RTCIceServer[] {
  return servers.map((s) => ({
    urls: s.urls,
    ...(s.username !== undefined && { username: s.username }),
    ...(s.credential !== undefined && { credential: s.credential }),
  }));
}

/** The configuration both peer connections use. */
export function peerConfiguration(servers: readonly IceServerInfo[]): RTCConfiguration {
  return { iceServers: toRtcIceServers(servers), bundlePolicy: 'max-bundle' };
}

/**
 * A connection made before the ICE servers were known (see Room.prepareConnection) takes them now;
 * this must happen before its first setLocalDescription, which starts gathering candidates.
 */
export function peerConnectionFor(
  servers: readonly IceServerInfo[],
  prepared?: RTCPeerConnection,
): RTCPeerConnection {
  if (!prepared) return new RTCPeerConnection(peerConfiguration(servers));
  if (servers.length > 0) prepared.setConfiguration(peerConfiguration(servers));
  return prepared;
}

export function toIceCandidate(c: RTCIceCandidate): IceCandidate {
  return { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
}
