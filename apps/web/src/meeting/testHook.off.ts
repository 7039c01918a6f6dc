import type * as TestHook from './testHook';

// What every build but the test build gets for ./testHook (see vite.config.ts): nothing is exposed.

export const exposeRoom: typeof TestHook.exposeRoom = () => undefined;
export const withdrawRoom: typeof TestHook.withdrawRoom = () => undefined;
