import { sandboxUnavailableReason } from '../../../scripts/sandbox.mjs';

/**
 * Why media tests cannot run in this process, or undefined when they can. Media needs the network
 * namespace of scripts/sandbox.mjs (Janus and Chromium gather no loopback candidates); when the
 * namespace cannot be made (not root, no unshare) the reason is sandboxUnavailableReason()'s, so the
 * skip says exactly what is missing. Use as `describe(name, { skip: mediaSkipReason() }, …)`.
 */
export function mediaSkipReason(): string | undefined {
  if (process.env.CONCLAVE_SANDBOX === '1') return undefined;
  return (
    sandboxUnavailableReason() ??
    'not inside the media sandbox: run through node scripts/test.mjs or node scripts/sandbox.mjs -- node --import tsx --test FILE'
  );
}
