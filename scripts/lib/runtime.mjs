// Makes every entry script (setup, build, start, test, sandbox, bench) run on a supported Node.js.
// On an older Node it re-executes the same script under a newer one, found on PATH or else provisioned
// from the npm registry (./provision-node.mjs), with that Node first on PATH so child `node`, npm scripts
// and npx follow, and npm_config_nodedir at its headers so native addons are built for it.
// On a supported Node it does nothing. Dependency-free: it runs before `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  PINNED_NODE_VERSION,
  ProvisionError,
  pinnedNodeBinary,
  provisionPinnedNode,
  runtimeDir,
} from './provision-node.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Set in a re-executed script's environment: the Node version it was started with. */
export const SWITCHED_FROM = 'CONCLAVE_NODE_SWITCHED_FROM';

const majorOf = (version) => Number(/^v?(\d+)\./.exec(version ?? '')?.[1] ?? Number.NaN);

/** The oldest supported major, read from package.json's engines.node (">=22") so it is stated once. */
export function minimumMajor(packageJson) {
  const range = packageJson.engines?.node ?? '';
  const m = /^>=\s*(\d+)(\.\d+)*$/.exec(range.trim());
  if (!m) throw new Error(`package.json engines.node must read ">=MAJOR", found ${JSON.stringify(range)}`);
  return Number(m[1]);
}

/**
 * The `node` executables on PATH in order, each binary once (symlinks resolved), leaving out `exclude`.
 * `fs` holds existsSync and realpathSync, replaceable in tests.
 */
function nodesOnPath(pathVar, { exclude, fs }) {
  const seen = new Set(exclude.map((p) => (fs.existsSync(p) ? fs.realpathSync(p) : p)));
  const found = [];
  for (const dir of (pathVar ?? '').split(delimiter)) {
    const candidate = dir && join(dir, 'node');
    if (!candidate || !fs.existsSync(candidate)) continue;
    const real = fs.realpathSync(candidate);
    if (seen.has(real)) continue;
    seen.add(real);
    found.push(candidate);
  }
  return found;
}

/**
 * Which Node this script must run on. `host` gives the facts: the running `version` and `execPath`, `env`,
 * `minMajor`, the checkout `root`, `fs`, and `versionOf(node)` (its `--version`, or null when it does not run).
 * Returns { use: 'current' }, { use: 'machine', node, version } or { use: 'pinned', node, version, provision }.
 */
export function chooseNode(host) {
  if (majorOf(host.version) >= host.minMajor) return { use: 'current' };
  // Our switch put the new Node first on PATH; being that Node and still old would re-execute forever.
  const [first] = nodesOnPath(host.env.PATH, { exclude: [], fs: host.fs });
  if (host.env[SWITCHED_FROM] && first && host.fs.realpathSync(first) === host.fs.realpathSync(host.execPath))
    throw new ProvisionError(`${host.execPath} was chosen as a newer Node but runs ${host.version}`);
  const pinned = pinnedNodeBinary(host.root);
  const onPath = nodesOnPath(host.env.PATH, { exclude: [host.execPath, pinned], fs: host.fs });
  for (const node of onPath) {
    const version = host.versionOf(node);
    if (majorOf(version) >= host.minMajor) return { use: 'machine', node, version };
  }
  const wanted = `v${PINNED_NODE_VERSION}`;
  const present = host.fs.existsSync(pinned) && host.versionOf(pinned) === wanted;
  return { use: 'pinned', node: pinned, version: wanted, provision: !present };
}

/** The installation prefix holding `node`'s C headers (what node-gyp calls nodedir), or null. */
export function headersPrefix(node, fs) {
  const prefix = dirname(dirname(fs.realpathSync(node)));
  return fs.existsSync(join(prefix, 'include', 'node', 'node.h')) ? prefix : null;
}

/** The environment a script re-executed under `node` runs with. */
export function switchedEnv(env, { node, nodedir, from }) {
  const next = {
    ...env,
    PATH: [dirname(node), env.PATH].filter(Boolean).join(delimiter),
    [SWITCHED_FROM]: from,
  };
  if (nodedir) next.npm_config_nodedir = nodedir;
  // npm tells scripts which Node runs it; a script started by npm on the old Node must not follow that.
  for (const name of ['npm_node_execpath', 'NODE']) if (name in env) next[name] = node;
  return next;
}

/**
 * Runs this process's script again under `node` and exits as it does, relaying signals meanwhile.
 * Never resolves: nothing after the caller's await may run on the old Node.
 * @public — also imported by the script scripts/test/runtime.test.ts writes and runs, which Knip cannot see.
 */
export function relaunch(node, env) {
  const child = spawn(node, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const relay = (signal) => child.kill(signal);
  for (const s of signals) process.on(s, relay);
  child.on('error', (err) => {
    console.error(`[runtime] cannot start ${node}: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of signals) process.off(s, relay);
    if (signal) process.kill(process.pid, signal);
    process.exit(code ?? 1);
  });
  return new Promise(() => {});
}

const realFs = { existsSync, realpathSync };

function versionOf(node) {
  const r = spawnSync(node, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Call first in every entry script: `await useSupportedNode();`. Returns only on a supported Node. */
export async function useSupportedNode() {
  const minMajor = minimumMajor(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')));
  const { version, execPath, env } = process;
  try {
    const choice = chooseNode({ version, execPath, env, minMajor, root, fs: realFs, versionOf });
    if (choice.use === 'current') return;
    if (choice.provision) {
      console.error(
        `[runtime] fetching Node ${choice.version} from the npm registry into ` +
          `${relative(root, runtimeDir(root))}/ (about 50 MB, once)`,
      );
      provisionPinnedNode({ root });
    }
    console.error(
      `[runtime] Node ${process.version} is older than ${minMajor}: running on Node ${choice.version} ` +
        `(${choice.node.startsWith(`${root}/`) ? relative(root, choice.node) : choice.node})`,
    );
    const switched = switchedEnv(env, {
      node: choice.node,
      nodedir: headersPrefix(choice.node, realFs),
      from: version,
    });
    return relaunch(choice.node, switched);
  } catch (err) {
    if (!(err instanceof ProvisionError)) throw err;
    console.error(`[runtime] Conclave needs Node.js ${minMajor} or newer; this is ${process.version}.`);
    console.error(`[runtime] ${err.message}.`);
    const ownNode = `install Node.js ${minMajor} or newer and put it first on PATH`;
    console.error(`[runtime] To fix: ${err.remedy ? `${err.remedy}, or ${ownNode}` : ownNode}.`);
    process.exit(1);
  }
}
