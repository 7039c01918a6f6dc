import {
  NOTIFICATIONS_PATH,
  NOTIFICATIONS_SUBPROTOCOL,
  notificationSchema,
  type Notification,
} from '@conclave/protocol';

/** The server closes with this when the session ended: coming back would only be refused. */
const SIGNED_OUT = 4001;

/**
 * Keeps the signed-in person's notification socket open (or a room screen's, by `path`) (reconnecting with backoff up to 30 s) and
 * hands each well-formed frame to `onNotification`; `onOpen` hears each time it opens, since frames
 * sent while it was closed are lost. Returns the function that closes it for good.
 */
export function openNotifications(
  onNotification: (n: Notification) => void,
  onOpen: () => void,
  path: string = NOTIFICATIONS_PATH,
): () => void {
  let socket: WebSocket | null = null;
  let stopped = false;
  let delay = 1000;
  let retry: ReturnType<typeof setTimeout> | null = null;
  const connect = () => {
    const url = new URL(path, window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, NOTIFICATIONS_SUBPROTOCOL);
    socket = ws;
    ws.onopen = () => {
      delay = 1000;
      onOpen();
    };
    ws.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data !== 'string') return;
      let parsed;
      try {
        parsed = notificationSchema.safeParse(JSON.parse(event.data));
      } catch {
        return;
      }
      if (parsed.success) onNotification(parsed.data);
    };
    ws.onclose = (event) => {
      if (stopped || event.code === SIGNED_OUT) return;
      retry = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30_000);
    };
  };
  connect();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    socket?.close();
  };
}
