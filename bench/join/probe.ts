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
}

export function installJoinProbe(): void {
  const probe: JoinProbe = { joinClickedAt: null, firstRemoteFrameAt: null };
  (window as unknown as { __joinProbe: JoinProbe }).__joinProbe = probe;
  const watched = new WeakSet<HTMLVideoElement>();

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
