/** Below this many encoded frames nothing is judged: the encoder has barely started. */
const MIN_ENCODED = 60;
/**
 * Frames that may be encoded but not yet handed to the worker, queued between the encoder and a worker
 * slowed by a busy machine: well over a second of a camera's three simulcast layers at 30 frames per
 * second. A real leak is still stopped within a few seconds.
 */
const IN_FLIGHT = 150;

export interface LeakProbe {
  /** Frames the browser's encoder produced for the sender (outbound-rtp framesEncoded, all layers). */
  encoded(): Promise<number>;
  /** Frames that sender handed to the encrypting worker, counted when asked. */
  offered(): Promise<number>;
}

/**
 * Checks that what a sender encodes really passes through the encrypting worker. Every encoded
 * frame must, apart from those still on their way to a busy worker, so the worker's count is taken
 * after the encoder's; a sender whose frames mostly go around the worker is sending in clear: a
 * browser bug did exactly that (docs/e2ee.md), and this is the net under any other. True means:
 * stop sending.
 */
export async function leaking(probe: LeakProbe): Promise<boolean> {
  const encoded = await probe.encoded();
  const offered = await probe.offered();
  return encoded >= MIN_ENCODED && offered < encoded / 2 && encoded - offered > IN_FLIGHT;
}
