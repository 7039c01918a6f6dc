import type { Page } from 'playwright-core';

/**
 * What reaches a page, below the app: every signaling frame's type as the WebSocket delivers it, and
 * every RTCPeerConnection the page makes. A test reads them to prove what a page was never sent
 * (a roster, a subscription) and never decoded, whatever its UI shows.
 */
interface Wire {
  __wire?: { types: string[]; connections: RTCPeerConnection[] };
}

/** Runs in the page before any of its scripts (context.addInitScript). */
export function recordWire(): void {
  const wire: NonNullable<Wire['__wire']> = { types: [], connections: [] };
  (window as unknown as Wire).__wire = wire;
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        try {
          const { type } = JSON.parse(String(event.data)) as { type?: unknown };
          if (typeof type === 'string') wire.types.push(type);
        } catch {
          // Not a frame of ours.
        }
      });
    }
  };
  const NativePc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePc {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      wire.connections.push(this);
    }
  };
}

/** The types of the signaling frames the page has received so far, in order. */
export async function framesReceived(page: Page): Promise<string[]> {
  return page.evaluate(() => [...((window as unknown as Wire).__wire?.types ?? [])]);
}

/** Summed over every peer connection the page made: media it received and video frames it decoded. */
export async function mediaReceived(page: Page): Promise<{ inbound: number; framesDecoded: number }> {
  return page.evaluate(async () => {
    let inbound = 0;
    let framesDecoded = 0;
    for (const pc of (window as unknown as Wire).__wire?.connections ?? []) {
      if (pc.signalingState === 'closed') continue;
      const report = await pc.getStats();
      report.forEach((s: { type: string; packetsReceived?: number; framesDecoded?: number }) => {
        if (s.type !== 'inbound-rtp') return;
        inbound += s.packetsReceived ?? 0;
        framesDecoded += s.framesDecoded ?? 0;
      });
    }
    return { inbound, framesDecoded };
  });
}

/** The media server ports the page's open peer connections send to and receive from (their selected pairs). */
export async function mediaServerPorts(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const ports = new Set<number>();
    for (const pc of (window as unknown as Wire).__wire?.connections ?? []) {
      if (pc.connectionState !== 'connected') continue;
      const report = await pc.getStats();
      const remotes = new Map<string, number>();
      report.forEach((s: { type: string; id: string; port?: number }) => {
        if (s.type === 'remote-candidate' && s.port !== undefined) remotes.set(s.id, s.port);
      });
      report.forEach(
        (s: { type: string; nominated?: boolean; state?: string; remoteCandidateId?: string }) => {
          if (s.type !== 'candidate-pair' || !s.nominated || s.state !== 'succeeded') return;
          const port = s.remoteCandidateId === undefined ? undefined : remotes.get(s.remoteCandidateId);
          if (port !== undefined) ports.add(port);
        },
      );
    }
    return [...ports];
  });
}

/** How each of the page's connected peer connections reaches the media server: its selected local candidate. */
export async function selectedPaths(
  page: Page,
): Promise<Array<{ candidateType: string; relayProtocol: string | null }>> {
  return page.evaluate(async () => {
    const paths: Array<{ candidateType: string; relayProtocol: string | null }> = [];
    for (const pc of (window as unknown as Wire).__wire?.connections ?? []) {
      if (pc.connectionState !== 'connected') continue;
      const report = await pc.getStats();
      const stats = new Map<string, Record<string, unknown>>();
      report.forEach((s: Record<string, unknown> & { id: string }) => stats.set(s.id, s));
      for (const s of stats.values()) {
        if (s.type !== 'transport' || typeof s.selectedCandidatePairId !== 'string') continue;
        const pair = stats.get(s.selectedCandidatePairId);
        const local =
          typeof pair?.localCandidateId === 'string' ? stats.get(pair.localCandidateId) : undefined;
        paths.push({
          candidateType: String(local?.candidateType ?? 'unknown'),
          relayProtocol: typeof local?.relayProtocol === 'string' ? local.relayProtocol : null,
        });
      }
    }
    return paths;
  });
}

/** The addresses of the candidates the media server offered the page's connections (from their descriptions). */
export async function remoteCandidateAddresses(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const addresses = new Set<string>();
    for (const pc of (window as unknown as Wire).__wire?.connections ?? []) {
      for (const line of pc.remoteDescription?.sdp.split(/\r?\n/) ?? []) {
        // a=candidate:foundation component transport priority address port typ …
        const address = /^a=candidate:\S+ \d+ \S+ \d+ (\S+) /.exec(line)?.[1];
        if (address) addresses.add(address);
      }
    }
    return [...addresses];
  });
}
