import { mediaCodec, type MediaCodec } from '@conclave/e2ee';
import type { TransformOptions } from './messages';
import type { WorkerKeys } from './worker-keys';

/** What RTCEncodedVideoFrame and RTCEncodedAudioFrame have in common, as far as encryption goes. */
export interface EncodedFrame {
  data: ArrayBuffer;
  getMetadata(): { mimeType?: string };
}

/** When a frame does not say its codec (older browsers): what an E2EE room negotiates. */
const DEFAULT_CODEC = { audio: 'opus', video: 'vp8' } as const satisfies Record<string, MediaCodec>;

/**
 * The transform of one sender or receiver. A frame goes on only once encrypted (sending) or
 * decrypted and authenticated (receiving); anything else, a missing key, a codec the frame layer
 * cannot protect, even an unexpected error, drops that frame and no other: erroring the stream
 * instead would stop the track for good. `report` hears of a failure the counts do not show, once.
 */
export function frameTransform(
  keys: WorkerKeys,
  options: TransformOptions,
  report: (message: string) => void,
): TransformStream<EncodedFrame, EncodedFrame> {
  const kind = options.side === 'receive' ? options.kind : options.stream === 'audio' ? 'audio' : 'video';
  const codecOf = (frame: EncodedFrame): MediaCodec => {
    const mimeType = frame.getMetadata().mimeType;
    return mimeType ? mediaCodec(mimeType) : DEFAULT_CODEC[kind];
  };
  let reported = false;
  const fail = (err: unknown) => {
    if (reported) return;
    reported = true;
    const what = options.side === 'send' ? `sending ${options.stream}` : `receiving ${kind}`;
    report(`E2EE ${what}: ${err instanceof Error ? err.message : String(err)}; frames are dropped`);
  };

  if (options.side === 'send') {
    const { stream } = options;
    return new TransformStream({
      async transform(frame, out) {
        try {
          const sealed = await keys.encrypt(stream, codecOf(frame), new Uint8Array(frame.data));
          if (!sealed) return;
          frame.data = sealed;
          out.enqueue(frame);
        } catch (err) {
          fail(err);
        }
      },
    });
  }
  return new TransformStream({
    async transform(frame, out) {
      let codec: MediaCodec;
      try {
        codec = codecOf(frame);
      } catch {
        keys.malformed();
        return;
      }
      try {
        const opened = await keys.decrypt(codec, new Uint8Array(frame.data));
        if (!opened) return;
        frame.data = opened;
        out.enqueue(frame);
      } catch (err) {
        fail(err);
      }
    },
  });
}
