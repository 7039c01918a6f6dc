/**
 * Timing probe installed in every benchmark page before its own scripts (context.addInitScript),
 * so the baseline page and the web app are measured by the same code:
 * - `joinClickedAt`: when a button whose text is "Join meeting" was clicked (capture phase, so
 *   before the page's own handler runs);
 * - `firstRemoteFrameAt`: when the first video frame was presented by a `<video>` inside a remote
 *   participant tile (`[data-testid="participant-tile"][data-self="false"]`), through
 *   requestVideoFrameCallback, which fires once a decoded frame reaches the screen.
 * Both are performance.now() values of the page.
 */
export interface JoinProbe {
  joinClickedAt: number | null;
  firstRemoteFrameAt: number | null;
  /** Milestones (signaling messages, peer connection states, camera opens) for BENCH_TRACE. */
  events: Array<{ t: number; what: string }>;
}

export function installJoinProbe(): void {
  const probe: JoinProbe = { joinClickedAt: null, firstRemoteFrameAt: null, events: [] };
  (window as unknown as { __joinProbe: JoinProbe }).__joinProbe = probe;
  const watched = new WeakSet<HTMLVideoElement>();
  const note = (what: string) => {
    if (probe.events.length < 500) probe.events.push({ t: performance.now(), what });
  };

  // What each side says on its WebSocket (Conclave signaling or the Janus API), by message type.
  const describe = (data: unknown): string => {
    if (typeof data !== 'string') return 'binary';
    try {
      const m = JSON.parse(data) as { type?: string; janus?: string; body?: { request?: string } };
      const pd = (m as { plugindata?: { data?: { videoroom?: string } } }).plugindata?.data?.videoroom;
      return m.type ?? [m.janus, m.body?.request, pd].filter(Boolean).join(':');
    } catch {
      return 'unparsable';
    }
  };
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      note('ws connecting');
      this.addEventListener('open', () => note('ws open'));
      this.addEventListener('message', (e) => note(`ws ← ${describe(e.data)}`));
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      note(`ws → ${describe(data)}`);
      super.send(data);
    }
  };

  const NativePc = window.RTCPeerConnection;
  let pcs = 0;
  window.RTCPeerConnection = class extends NativePc {
    constructor(config?: RTCConfiguration) {
      super(config);
      const n = ++pcs;
      note(`pc${n} created`);
      this.addEventListener('connectionstatechange', () => note(`pc${n} ${this.connectionState}`));
      this.addEventListener('track', (e) => note(`pc${n} track ${e.track.kind}`));
    }
  };

  // HTTP requests (API calls, lazily loaded code) with when they started and ended.
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as PerformanceResourceTiming[]) {
      if (probe.events.length >= 500 || e.initiatorType === 'video') continue;
      const path = new URL(e.name).pathname;
      probe.events.push({ t: e.startTime, what: `http start ${path}` });
      probe.events.push({ t: e.responseEnd, what: `http done ${path}` });
    }
  }).observe({ type: 'resource', buffered: false });

  const md = navigator.mediaDevices;
  // Undefined outside secure contexts, whatever the DOM types say.
  if (md !== undefined) {
    const gum = md.getUserMedia.bind(md);
    md.getUserMedia = async (c?: MediaStreamConstraints) => {
      note('getUserMedia start');
      const s = await gum(c);
      note('getUserMedia done');
      return s;
    };
  }

  document.addEventListener(
    'click',
    (e) => {
      const button = (e.target as Element | null)?.closest?.('button');
      if (button && button.textContent?.trim() === 'Join meeting' && probe.joinClickedAt === null) {
        probe.joinClickedAt = performance.now();
      }
    },
    true,
  );

  const watch = (video: HTMLVideoElement) => {
    if (watched.has(video)) return;
    watched.add(video);
    video.requestVideoFrameCallback(() => {
      if (probe.firstRemoteFrameAt === null && probe.joinClickedAt !== null) {
        probe.firstRemoteFrameAt = performance.now();
      }
    });
  };
  const scan = () => {
    document
      .querySelectorAll<HTMLVideoElement>('[data-testid="participant-tile"][data-self="false"] video')
      .forEach(watch);
  };
  new MutationObserver(scan).observe(document, { childList: true, subtree: true, attributes: true });
}
