import { SIGNALING_PATH } from '@conclave/protocol';
import type { AppDeps } from '../../src/app';
import type { MediaPlane } from '../../src/media/media-plane';
import { PUBLIC_URL, startTestApp, type TestApp, type TestAppOptions } from '../support/app';
import type { TestDatabase } from '../support/database';
import { SignalClient, startTestMediaPlane, type ConnectOptions } from './signaling-harness';

/**
 * The whole control plane (real auth, meetings and signaling services) over a real media plane,
 * listening on loopback, for tests where signaling meets the other domains.
 */
export async function startAppWithSignaling(
  database: TestDatabase,
  options: TestAppOptions & {
    emptyGraceMs?: number;
    /** A media plane another app shares (it is left running on stop); default: one of its own. */
    media?: MediaPlane;
    /** This app as one control-plane node of several. */
    cluster?: NonNullable<AppDeps['signaling']>['cluster'];
    /** The recorders' tokens this node knows (REC-START). */
    egress?: NonNullable<AppDeps['signaling']>['egress'];
    /** What records and streams meetings (a fake: the real one is a browser and ffmpeg). */
    capture?: NonNullable<AppDeps['signaling']>['capture'];
  } = {},
) {
  const media = options.media ? { media: options.media, stop: async () => {} } : await startTestMediaPlane();
  const { emptyGraceMs, cluster, egress, capture, media: _shared, ...appOptions } = options;
  const t: TestApp = await startTestApp(database, {
    ...appOptions,
    signaling: {
      media: media.media,
      ...(emptyGraceMs !== undefined && { emptyGraceMs }),
      ...(cluster && { cluster }),
      ...(egress && { egress }),
      ...(capture && { capture }),
    },
  });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const url = `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${SIGNALING_PATH}`;
  const opened: SignalClient[] = [];
  /** Opens a signaling socket from a page of the service (its Origin). */
  const connect = (connectOptions: ConnectOptions = {}) =>
    SignalClient.connect(url, { origin: new URL(PUBLIC_URL).origin, ...connectOptions });
  return {
    t,
    connect,
    /** A socket of this signed-in client (its session cookie), or of nobody yet (a guest); `stop()` ends it. */
    async socketOf(client?: { cookie?: string | undefined }): Promise<SignalClient> {
      const socket = await connect(client ? { cookieHeader: client.cookie ?? '' } : {});
      opened.push(socket);
      return socket;
    },
    async stop() {
      for (const socket of opened) socket.ws.terminate();
      await t.close();
      await media.stop();
    },
  };
}
