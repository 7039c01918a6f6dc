import type { Page } from 'playwright-core';

/**
 * A client that ignores its own mute: the SDK mutes by `replaceTrack(null)` on the sender (so the
 * browser stops sending) and then tells the server, which stops Janus relaying the track. The SDK's
 * half hides whether the server's half works. This init script takes the SDK's half away: a sender
 * asked to send nothing sends a copy of its current track instead, which the app does not hold, so
 * its disabling the microphone or stopping the camera leaves the copy live and the media flowing.
 *
 * The camera must be the fake capture device itself (`distinctCamera: false`): camera.ts's marked
 * track stops its source when the app stops it, and the copy would then stall with it.
 */

/** What the init script leaves on `window`: per kind, the sender it kept sending and the copy it sends. */
interface KeptSending {
  __keptSending?: Partial<Record<'audio' | 'video', { sender: RTCRtpSender; copy: MediaStreamTrack }>>;
}

/** Runs in the page before any of its scripts (context.addInitScript). */
export function keepSendingWhenMuted(): void {
  const kept: NonNullable<KeptSending['__keptSending']> = {};
  (window as unknown as KeptSending).__keptSending = kept;
  const replaceTrack = RTCRtpSender.prototype.replaceTrack;
  RTCRtpSender.prototype.replaceTrack = async function (
    this: RTCRtpSender,
    track: MediaStreamTrack | null,
  ): Promise<void> {
    const current = this.track;
    if (track === null && current) {
      const copy = current.clone();
      kept[current.kind as 'audio' | 'video'] = { sender: this, copy };
      return replaceTrack.call(this, copy);
    }
    await replaceTrack.call(this, track);
    // Unmuted: the copy has been replaced and can go.
    for (const entry of Object.values(kept)) if (entry.sender === this) entry.copy.stop();
  };
}

export type OutboundCounter = 'packetsSent' | 'framesEncoded';

/**
 * The sender's own `outbound-rtp` counter (summed over its encodings) for the track of this kind that
 * the page was asked to stop sending. Throws when the app never asked, i.e. it no longer mutes by
 * `replaceTrack(null)` and this test's premise is gone.
 */
export async function keptSendingCounter(
  page: Page,
  kind: 'audio' | 'video',
  counter: OutboundCounter,
): Promise<number> {
  return page.evaluate(
    async ({ kind, counter }) => {
      const entry = (window as unknown as KeptSending).__keptSending?.[kind];
      if (!entry) throw new Error(`the page never replaced its ${kind} sender's track with null`);
      const report = await entry.sender.getStats();
      let total = 0;
      report.forEach((s: { type: string } & Partial<Record<OutboundCounter, number>>) => {
        if (s.type === 'outbound-rtp') total += s[counter] ?? 0;
      });
      return total;
    },
    { kind, counter },
  );
}
