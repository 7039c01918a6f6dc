import { preparePublisherConnection } from './publisher';
import { NO_ICE, peerConfiguration } from './webrtc';

/**
 * The publishing and the subscribing peer connection, made ahead of joining so that joining does not
 * wait for them (see Room.prepareConnection). Each is taken once, by the publisher or the subscriber;
 * what is never taken is closed with the session.
 */
export class PreparedPeers {
  private publisher: RTCPeerConnection | null = null;
  private subscriber: RTCPeerConnection | null = null;

  private constructor() {}

  /** Both connections, or null where this browser cannot make them. */
  static make(): PreparedPeers | null {
    if (typeof RTCPeerConnection === 'undefined') return null;
    const peers = new PreparedPeers();
    try {
      peers.publisher = preparePublisherConnection();
      peers.subscriber = new RTCPeerConnection(peerConfiguration(NO_ICE));
      return peers;
    } catch {
      peers.close();
      return null;
    }
  }

  takePublisher(): RTCPeerConnection | undefined {
    const pc = this.publisher ?? undefined;
    this.publisher = null;
    return pc;
  }

  takeSubscriber(): RTCPeerConnection | undefined {
    const pc = this.subscriber ?? undefined;
    this.subscriber = null;
    return pc;
  }

  /**
   * Under E2EE: never the publishing connection made ahead of joining. In Chromium 156 a sender of
   * such a connection accepts an RTCRtpScriptTransform (the worker even hears of it) and then sends its
   * frames around it, in clear (found by e2ee-meeting.test.ts). The receiving one is kept, since its
   * receivers only come with the server's offer and are protected then like any other's, unless
   * frames go through createEncodedStreams (`keepSubscriber` false), which a connection must be made for.
   */
  forE2ee(keepSubscriber: boolean): void {
    this.takePublisher()?.close();
    if (!keepSubscriber) this.takeSubscriber()?.close();
  }

  close(): void {
    this.takePublisher()?.close();
    this.takeSubscriber()?.close();
  }
}
