import type { Room } from '@conclave/client';

// Only test builds contain this module (`vite build --mode test`); vite.config.ts gives every other
// build testHook.off.ts instead.

declare global {
  interface Window {
    /** The SDK Room of the current meeting, undefined outside one: the end-to-end tests read it. */
    __conclave?: { room?: Room | undefined };
  }
}

/** Exposes the room the page is in. */
export function exposeRoom(room: Room): void {
  window.__conclave = { ...window.__conclave, room };
}

/** Withdraws `room` if it is the one exposed (a later room may have replaced it). */
export function withdrawRoom(room: Room): void {
  if (window.__conclave?.room === room) window.__conclave = { ...window.__conclave, room: undefined };
}
