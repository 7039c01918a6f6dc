import type { ClientMessage, E2eeServerMessage, WaitingInfo } from '@conclave/protocol';
import { ConclaveError, toConclaveError } from '../errors';
import type { Publisher } from '../publisher';
import { E2eeController, type E2eeSetup, type E2eeState } from './controller';
import { leaking } from './leak-guard';
import type { E2eeMedia } from './media';
import { StampedCamera } from './stamped-camera';

/** How often an E2EE session checks that its camera's frames pass through the encrypting worker. */
const LEAK_CHECK_MS = 1_000;

export interface SessionEncryptionOptions {
  meetingId: string;
  participantId: string;
  setup: E2eeSetup;
  joinInfo: ConstructorParameters<typeof E2eeController>[0]['joinInfo'];
  send: (message: ClientMessage) => void;
  onState: (state: E2eeState) => void;
  onError: (error: ConclaveError) => void;
}

/**
 * A session's end-to-end encryption, once `joined` said the meeting has it: the group membership
 * (E2eeController), the Codeword drawn into the outgoing camera, admissions this device signs as the
 * meeting's anchor, and the watch that stops sending if frames ever go around the encrypting worker.
 */
export class SessionEncryption {
  readonly media: E2eeMedia;
  private readonly controller: E2eeController;
  private readonly stamp: StampedCamera;
  private readonly onError: (error: ConclaveError) => void;
  private closed = false;

  /** Joins the group; `ownCodeword` is the device's own, once known. */
  constructor(o: SessionEncryptionOptions, ownCodeword: Awaited<E2eeSetup['ownCodeword']>) {
    this.onError = o.onError;
    this.media = o.setup.media;
    this.stamp = new StampedCamera(ownCodeword.text);
    this.controller = new E2eeController({
      meetingId: o.meetingId,
      participantId: o.participantId,
      setup: o.setup,
      ownCodeword,
      joinInfo: o.joinInfo,
      send: o.send,
      onState: o.onState,
      onError: (err) => o.onError(toConclaveError(err, 'e2ee_failed', 'End-to-end encryption failed')),
    });
  }

  /** The camera track as it is sent: with this device's Codeword drawn in. */
  outgoing(track: MediaStreamTrack | null): MediaStreamTrack | null {
    return this.stamp.outgoing(track);
  }

  handle(message: E2eeServerMessage): void {
    this.controller.handle(message);
  }

  /** Chat under E2EE (E2EE-CHAT): sealed for the group's members, opened from them. */
  sealChat(body: string): Promise<string | null> {
    return this.controller.sealChat(body);
  }

  openChat(message: string): Promise<{ participantId: string; body: string } | null> {
    return this.controller.openChat(message);
  }

  /** Admissions this device signs for people let in from the lobby (only the anchor's device can). */
  async admissions(waiting: readonly WaitingInfo[]): Promise<{ participantId: string; admission: string }[]> {
    const signed = await Promise.all(
      waiting.map(async (w) => {
        const admission = w.identityKey && (await this.controller.admissionFor(w.id, w.identityKey));
        return admission ? [{ participantId: w.id, admission }] : [];
      }),
    );
    return signed.flat();
  }

  /** Stops sending if the camera's frames go around the encrypting worker (see LeakGuard). */
  guard(publisher: Publisher, current: () => Publisher | null): void {
    let checking = false;
    const timer = setInterval(() => {
      if (this.closed || current() !== publisher) {
        clearInterval(timer);
        return;
      }
      // A busy worker may take more than a check's interval to count: one question at a time.
      if (checking) return;
      checking = true;
      const probe = {
        encoded: () => publisher.framesEncoded('camera'),
        offered: () => this.media.countOffered('camera'),
      };
      void leaking(probe).then((leak) => {
        checking = false;
        if (!leak || current() !== publisher) return;
        clearInterval(timer);
        publisher.close();
        this.onError(
          new ConclaveError(
            'e2ee_failed',
            'This browser sent video around its encryption, so sending has stopped',
          ),
        );
      });
    }, LEAK_CHECK_MS);
  }

  close(): void {
    this.closed = true;
    this.controller.close();
    this.stamp.stop();
  }
}
