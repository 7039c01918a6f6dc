/**
 * An effect on a local camera or microphone track, run on the device before the track is sent (and,
 * under E2EE, before the Codeword is drawn in and the frames are encrypted): background blur or
 * replacement, noise suppression. Modelled on LiveKit's track processors, without any UI in it.
 */
export interface TrackProcessor {
  /** What it processes: a camera ('video') or a microphone ('audio'). */
  readonly kind: 'audio' | 'video';
  /** A stable name for logs and settings, e.g. "background-blur". */
  readonly name: string;
  /**
   * Starts processing `input` and resolves with the track to send in its place. The input stays the
   * caller's (it is not stopped here). Calling it again with another input (a device switch) moves the
   * processor to that input and gives a new output. Rejects with EffectUnavailableError where this
   * device cannot run the effect, so the caller sends the plain track instead.
   */
  process(input: MediaStreamTrack): Promise<MediaStreamTrack>;
  /** Stops processing and ends the output track; the input is left running. */
  stop(): void;
}

/** The effect cannot run here (no WebAssembly, no worker support, or too slow to keep up). */
export class EffectUnavailableError extends Error {
  override readonly name = 'EffectUnavailableError';
}
