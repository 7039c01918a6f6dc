import { MAX_VIEW_VIDEO, viewKey, type ViewEntry } from '@conclave/protocol';
import { Debounce, type DebounceOptions } from './debounce';
import type { RemoteParticipant } from './remote-participant';
import { SUBSTREAM_OF } from './simulcast';

/** Wishes settle this long before they go out: a page of tiles mounting reports one at a time. */
const VIEW_DEBOUNCE_MS = 60;
/**
 * The first page after joining goes out as soon as the task that mounted it ends: its tiles report in
 * one commit, and the join waits for nothing else (waiting the debounce cost a large meeting's newcomer
 * its page later still, as a busy page's timers fire late).
 */
const FIRST_VIEW_MS = 0;

export interface ViewControlOptions extends DebounceOptions {
  /** Sends the whole view; a failure makes it go out again with the next change. */
  send(video: ViewEntry[]): Promise<void>;
}

/**
 * The videos this client shows, as the server is told them (`setView`, MEET-QUALITY): rebuilt from
 * the publications the app wants (`setSubscribed`), at most MAX_VIEW_VIDEO of them, the earliest
 * asked for first; debounced, and sent only when it changed.
 */
export class ViewControl {
  private sent: string | null = null;
  /** Since a new participation showed nothing: the next wish is its first page. */
  private awaitingFirst = false;
  private readonly debounce: Debounce;

  constructor(
    private readonly options: ViewControlOptions,
    /** The remote participants as they are now. */
    private readonly remotes: () => Iterable<RemoteParticipant>,
  ) {
    this.debounce = new Debounce(() => void this.flush(), options.debounceMs ?? VIEW_DEBOUNCE_MS, options);
  }

  /** Something the view is made of changed: it goes out once things settle. */
  changed(): void {
    if (this.awaitingFirst) {
      this.awaitingFirst = false;
      this.debounce.schedule(false, FIRST_VIEW_MS);
      return;
    }
    this.debounce.schedule(false);
  }

  /**
   * A new participation: the server knows nothing of this view yet. What the app shows already (a
   * rejoin) goes out at once; nothing shown yet is what the server assumes, and the first page the
   * app then mounts goes out without the debounce.
   */
  reset(): void {
    this.cancel();
    const video = this.current();
    this.awaitingFirst = video.length === 0;
    this.sent = this.awaitingFirst ? viewKey(video) : null;
    if (!this.awaitingFirst) void this.flush();
  }

  /** No session to tell (disconnected). */
  cancel(): void {
    this.awaitingFirst = false;
    this.debounce.cancel();
  }

  /** What the app wants shown, in the order it asked. */
  current(): ViewEntry[] {
    const wanted: Array<{ since: number; entry: ViewEntry }> = [];
    for (const participant of this.remotes()) {
      for (const publication of participant.trackPublications) {
        if (!publication.isDesired || publication.source === 'microphone') continue;
        const quality = publication.videoQuality;
        wanted.push({
          since: publication.desiredSince,
          entry: {
            participantId: participant.id,
            source: publication.source,
            ...(quality !== null && { substream: SUBSTREAM_OF[quality] }),
          },
        });
      }
    }
    wanted.sort((a, b) => a.since - b.since);
    return wanted.slice(0, MAX_VIEW_VIDEO).map((w) => w.entry);
  }

  private async flush(): Promise<void> {
    const video = this.current();
    // The same videos in another order (a tile remounted moves to the end) are the same view.
    const key = viewKey(video);
    if (key === this.sent) return;
    this.sent = key;
    try {
      await this.options.send(video);
    } catch {
      // Sent again with the next change (or the next session).
      if (this.sent === key) this.sent = null;
    }
  }
}
