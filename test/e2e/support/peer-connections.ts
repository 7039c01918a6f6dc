/**
 * An init script (`context.addInitScript`): keeps every RTCPeerConnection the page makes on
 * window.__pcs, so that a test can read a sender's own stats (what it encodes, which layers).
 */
export function recordPeerConnections(): void {
  const Native = window.RTCPeerConnection;
  const pcs: RTCPeerConnection[] = [];
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
  window.RTCPeerConnection = class extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      pcs.push(this);
    }
  };
}
