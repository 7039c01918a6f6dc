import type { Room } from '@conclave/client';

declare global {
  interface Window {
    /** Test and debugging hook: the SDK Room of the current meeting, undefined outside one. */
    __conclave?: { room?: Room | undefined };
  }
}

/** Exposes the room the page is in, for the end-to-end tests. */
export function exposeRoom(room: Room): void {
  window.__conclave = { ...window.__conclave, room };
}

/** Withdraws `room` if it is the one exposed (a later room may have replaced it). */
export function withdrawRoom(room: Room): void {
  if (window.__conclave?.room === room) window.__conclave = { ...window.__conclave, room: undefined };
}
