import type { Page } from 'playwright-core';

export interface SignalingFrame {
  direction: 'sent' | 'received';
  bytes: number;
  /** The frame's `type`, or `?` when it is not a JSON object with one. */
  type: string;
}

/** Every signaling frame a page's sockets carry, both ways, as Chromium saw them (Playwright's websocket events). */
export class SignalingFrames {
  readonly frames: SignalingFrame[] = [];

  constructor(page: Page) {
    page.on('websocket', (ws) => {
      if (!new URL(ws.url()).pathname.endsWith('/api/signal')) return;
      const keep = (direction: SignalingFrame['direction']) => (frame: { payload: string | Buffer }) => {
        const bytes = Buffer.byteLength(frame.payload);
        let type = '?';
        try {
          const parsed = JSON.parse(frame.payload.toString()) as { type?: unknown };
          if (typeof parsed.type === 'string') type = parsed.type;
        } catch {
          // not JSON: counted all the same
        }
        this.frames.push({ direction, bytes, type });
      };
      ws.on('framesent', keep('sent'));
      ws.on('framereceived', keep('received'));
    });
  }

  /** The largest frame each way, with its type. */
  largest(): Record<SignalingFrame['direction'], SignalingFrame | null> {
    const top = (direction: SignalingFrame['direction']) =>
      this.frames
        .filter((f) => f.direction === direction)
        .reduce<SignalingFrame | null>((a, f) => (a && a.bytes >= f.bytes ? a : f), null);
    return { sent: top('sent'), received: top('received') };
  }
}
