/** Below this many encoded frames nothing is judged: the encoder has barely started. */
const MIN_ENCODED = 60;

export interface LeakProbe {
  /** Frames the browser's encoder produced for the sender (outbound-rtp framesEncoded). */
  encoded(): Promise<number>;
  /** Frames that sender handed to the encrypting worker, as the worker last reported. */
  offered(): number;
}

/**
 * Checks that what a sender encodes really passes through the encrypting worker. Every encoded
 * frame must; the worker reports its count about once a second, so a lag of that much is normal,
 * but a sender whose frames mostly go around the worker is sending in clear: a browser bug did
 * exactly that (docs/e2ee.md), and this is the net under any other. True means: stop sending.
 */
export async function leaking(probe: LeakProbe): Promise<boolean> {
  const encoded = await probe.encoded();
  return encoded >= MIN_ENCODED && probe.offered() < encoded / 2;
}
