import type { IceCandidate, IceServerInfo } from '@conclave/protocol';
import type { E2eePeerOptions } from './e2ee/media';

function toRtcIceServers(servers: readonly IceServerInfo[]): RTCIceServer[] {
  return servers.map((s) => ({
    urls: s.urls,
    ...(s.username !== undefined && { username: s.username }),
    ...(s.credential !== undefined && { credential: s.credential }),
  }));
}

/** The configuration both peer connections use; an E2EE call's add E2eeMedia.peerConnectionOptions(). */
export function peerConfiguration(
  servers: readonly IceServerInfo[],
  e2ee: E2eePeerOptions = {},
): RTCConfiguration {
  return { iceServers: toRtcIceServers(servers), bundlePolicy: 'max-bundle', ...e2ee };
}

/**
 * A connection made before the ICE servers were known (see Room.prepareConnection) takes them now;
 * this must happen before its first setLocalDescription, which starts gathering candidates. `e2ee`
 * must be what the prepared connection was made with: Chromium refuses to change it.
 */
export function peerConnectionFor(
  servers: readonly IceServerInfo[],
  prepared?: RTCPeerConnection,
  e2ee: E2eePeerOptions = {},
): RTCPeerConnection {
  if (!prepared) return new RTCPeerConnection(peerConfiguration(servers, e2ee));
  if (servers.length > 0) prepared.setConfiguration(peerConfiguration(servers, e2ee));
  return prepared;
}

export function toIceCandidate(c: RTCIceCandidate): IceCandidate {
  return { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
}
