#!/usr/bin/env node
// Runs a command inside a fresh network namespace with loopback and a veth pair up
// (media0 = 10.77.0.1/24), so media tests have a non-loopback interface that ICE will use
// while no packet can leave this machine. Needs root (or CAP_SYS_ADMIN).
//
//   node scripts/sandbox.mjs -- CMD [ARGS…]
//   node scripts/sandbox.mjs --check      exit 0 when a sandbox can be made here, else print why
//
// Inside, CONCLAVE_SANDBOX=1, CONCLAVE_MEDIA_INTERFACE=media0 and CONCLAVE_MEDIA_IP=10.77.0.1 are set.
import { spawnSync } from 'node:child_process';
import { useSupportedNode } from './lib/runtime.mjs';

export const SANDBOX_INTERFACE = 'media0';
export const SANDBOX_IP = '10.77.0.1';
/** The other end of the media veth pair (no address); a test may lend it to a namespace of its own. */
export const SANDBOX_PEER = 'media1';

const netSetup = [
  'set -e',
  'ip link set lo up',
  `ip link add ${SANDBOX_INTERFACE} type veth peer name ${SANDBOX_PEER}`,
  `ip link set ${SANDBOX_INTERFACE} up`,
  `ip link set ${SANDBOX_PEER} up`,
  `ip addr add ${SANDBOX_IP}/24 dev ${SANDBOX_INTERFACE}`,
].join('\n');

/** Why a sandbox cannot be made here, or null when it can. */
export function sandboxUnavailableReason() {
  if (process.env.CONCLAVE_SANDBOX === '1') return null;
  if (process.getuid?.() !== 0) return 'media tests need root to create a network namespace (unshare --net)';
  const r = spawnSync('unshare', ['--net', '--', 'sh', '-c', netSetup], { encoding: 'utf8' });
  if (r.error) return `unshare is not available: ${r.error.message}`;
  if (r.status !== 0) return `cannot create a network namespace: ${(r.stderr || '').trim()}`;
  return null;
}

function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--check') {
    const reason = sandboxUnavailableReason();
    if (reason) {
      console.error(`[sandbox] ${reason}`);
      process.exit(1);
    }
    return;
  }
  const sep = args.indexOf('--');
  const cmd = sep >= 0 ? args.slice(sep + 1) : args;
  if (cmd.length === 0) {
    console.error('usage: node scripts/sandbox.mjs -- CMD [ARGS…]');
    process.exit(2);
  }
  if (process.env.CONCLAVE_SANDBOX === '1') {
    // Already inside one: just run the command.
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
  const reason = sandboxUnavailableReason();
  if (reason) {
    console.error(`[sandbox] ${reason}`);
    process.exit(1);
  }
  const env = {
    ...process.env,
    CONCLAVE_SANDBOX: '1',
    CONCLAVE_MEDIA_INTERFACE: SANDBOX_INTERFACE,
    CONCLAVE_MEDIA_IP: SANDBOX_IP,
  };
  const r = spawnSync('unshare', ['--net', '--', 'sh', '-c', `${netSetup}\nexec "$@"`, 'sandbox', ...cmd], {
    stdio: 'inherit',
    env,
  });
  if (r.signal) process.kill(process.pid, r.signal);
  process.exit(r.status ?? 1);
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  await useSupportedNode();
  main();
}
