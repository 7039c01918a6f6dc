#!/usr/bin/env node
// Idempotent, dependency-free setup: installs what is missing (Debian packages, npm dependencies,
// the build) and nothing else. `--for-tests` adds what the test suite needs (browser, PostgreSQL,
// Redis).
// A second run with nothing changed only checks and prints one line.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { headersPrefix, useSupportedNode } from './lib/runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forTests = process.argv.includes('--for-tests');
const quiet = process.argv.includes('--quiet');
const log = (msg) => !quiet && console.log(`[setup] ${msg}`);

/** Debian package → how we know it is installed. */
const runtimePackages = [
  { pkg: 'janus', present: () => existsSync('/usr/bin/janus') },
  // The embedded TURN relay (NET-TURN): Conclave runs its own turnserver; the system service stays off.
  { pkg: 'coturn', present: () => existsSync('/usr/bin/turnserver'), service: 'coturn' },
  { pkg: 'iproute2', present: () => existsSync('/usr/sbin/ip') || existsSync('/sbin/ip') },
  // pg_dump, pg_restore and psql, for `npm run backup` / `npm run restore` with PostgreSQL.
  { pkg: 'postgresql-client', present: () => findPostgresBin('pg_dump') !== null },
  // Recording and live streaming (REC-START, STREAM-LIVE): the recorder is a headless Chromium that
  // draws the meeting (names in a font it has), and ffmpeg packs what it records.
  { pkg: 'chromium', present: () => existsSync('/usr/bin/chromium') },
  { pkg: 'fonts-dejavu-core', present: () => existsSync('/usr/share/fonts/truetype/dejavu') },
  { pkg: 'ffmpeg', present: () => existsSync('/usr/bin/ffmpeg') },
  // The SIP gateway (INTEROP-SIP, docs/sip.md): Conclave runs its own Kamailio for SIP over TLS (its TLS
  // module is a package of its own); the system service stays off. Janus's SIP plugin comes with janus.
  { pkg: 'kamailio', present: () => existsSync('/usr/sbin/kamailio'), service: 'kamailio' },
  {
    pkg: 'kamailio-tls-modules',
    present: () =>
      ['x86_64', 'aarch64'].some((a) => existsSync(`/usr/lib/${a}-linux-gnu/kamailio/modules/tls.so`)),
  },
];
const testPackages = [
  { pkg: 'postgresql', present: () => findPostgresBin('initdb') !== null },
  // The tests start throwaway instances (scripts/lib/redis.mjs); the system service stays off.
  { pkg: 'redis-server', present: () => existsSync(REDIS_SERVER), service: 'redis-server' },
  { pkg: 'util-linux', present: () => existsSync('/usr/bin/unshare') },
  // A network that lets no UDP out, for a browser of its own (test/e2e/support/cut-link.ts, NET-TURN).
  { pkg: 'nftables', present: () => existsSync('/usr/sbin/nft') },
  // The load balancer in front of three control-plane nodes (test/e2e/support/haproxy.ts); the tests
  // start their own, the system service stays off.
  { pkg: 'haproxy', present: () => existsSync('/usr/sbin/haproxy'), service: 'haproxy' },
  // A throwaway certificate authority for HTTPS test servers (test/e2e/support/tls.ts).
  { pkg: 'openssl', present: () => existsSync('/usr/bin/openssl') },
  // OCR of the E2EE watermark in decoded video (test/e2e/watermark.test.ts).
  { pkg: 'tesseract-ocr', present: () => existsSync('/usr/bin/tesseract') },
  { pkg: 'tesseract-ocr-eng', present: () => findTessdata('eng') !== null },
  // SimpleSAMLphp as a real third-party SAML IdP, run by the tests under `php -S`
  // (test/e2e/support/simplesamlphp.ts). Its package depends on `php` (→ mod-php | php-fpm | php-cgi)
  // and on `apache2 | httpd`; apt takes the first alternative unless another is already in the same
  // install, so php-cgi and mini-httpd must stay listed before it: then neither apache2 nor php-fpm
  // comes along. mini-httpd is the httpd with neither a socket unit nor a service enabled by default.
  { pkg: 'php-cli', present: () => existsSync('/usr/bin/php') },
  { pkg: 'php-cgi', present: () => existsSync('/usr/bin/php-cgi') },
  { pkg: 'php-xml', present: () => findPhpModule('dom') !== null },
  { pkg: 'php-mbstring', present: () => findPhpModule('mbstring') !== null },
  { pkg: 'mini-httpd', present: () => existsSync('/usr/sbin/mini_httpd'), service: 'mini-httpd' },
  { pkg: 'simplesamlphp', present: () => existsSync('/usr/share/simplesamlphp/lib/_autoload.php') },
  // A SIP video endpoint for the SIP gateway's tests (packages/server/test/support/baresip.ts): its
  // fakevideo, ausine, srtp, opus and vp8 modules are all in baresip-core.
  { pkg: 'baresip-core', present: () => existsSync('/usr/bin/baresip') },
];

export const REDIS_SERVER = '/usr/bin/redis-server';

export function findPostgresBin(name) {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const p = join(base, v, 'bin', name);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Debian keeps tesseract's language data under its major version: /usr/share/tesseract-ocr/5/tessdata. */
function findTessdata(lang) {
  const base = '/usr/share/tesseract-ocr';
  if (!existsSync(base)) return null;
  for (const v of readdirSync(base)) {
    const p = join(base, v, 'tessdata', `${lang}.traineddata`);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Debian keeps a PHP extension's ini under its PHP version: /etc/php/8.2/mods-available/dom.ini. */
function findPhpModule(name) {
  const base = '/etc/php';
  if (!existsSync(base)) return null;
  for (const v of readdirSync(base)) {
    const p = join(base, v, 'mods-available', `${name}.ini`);
    if (existsSync(p)) return p;
  }
  return null;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: quiet ? 'pipe' : 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    if (quiet && r.stderr) process.stderr.write(r.stderr);
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
  }
}

function ensureDebianPackages() {
  const wanted = [...runtimePackages, ...(forTests ? testPackages : [])];
  const missing = wanted.filter((p) => !p.present()).map((p) => p.pkg);
  if (missing.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  const command = `apt-get update && apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!isRoot || !hasApt) {
    console.error(`[setup] Missing system packages: ${missing.join(', ')}.`);
    console.error(`[setup] Run as root:  ${command}`);
    process.exit(1);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  const services = wanted.filter((p) => p.service && missing.includes(p.pkg)).map((p) => p.service);
  withoutServiceStarts(services.length > 0, () =>
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env }),
  );
  for (const service of services) disableService(service);
}

/**
 * Debian starts a daemon when its package is installed unless /usr/sbin/policy-rc.d says no (exit
 * 101, as container images do). A package we install only for its binary (redis-server: the tests
 * run their own instances) must not leave a system service listening, so we say no for the install.
 */
function withoutServiceStarts(needed, install) {
  const policy = '/usr/sbin/policy-rc.d';
  const ours = needed && !existsSync(policy);
  if (ours)
    writeFileSync(policy, '#!/bin/sh\n# Written by Conclave setup for one apt-get install.\nexit 101\n', {
      mode: 0o755,
    });
  try {
    install();
  } finally {
    if (ours) rmSync(policy, { force: true });
  }
}

/** The package enabled its service at boot (systemd and SysV links); undo that. It never ran, see above. */
function disableService(name) {
  const quietly = { stdio: 'ignore' };
  if (existsSync('/usr/bin/systemctl'))
    spawnSync('systemctl', ['disable', '--quiet', `${name}.service`], quietly);
  if (existsSync(`/etc/init.d/${name}`)) spawnSync('update-rc.d', [name, 'disable'], quietly);
  log(`${name}: installed for its binary only; its system service is disabled`);
}

/** Hash of everything that decides a step's output; a step re-runs only when it changes. */
function fingerprint(paths) {
  const h = createHash('sha256');
  const walk = (p) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) {
      const name = p.split('/').pop();
      if (['node_modules', 'dist', '.git', 'data'].includes(name)) return;
      for (const e of readdirSync(p).sort()) walk(join(p, e));
    } else {
      h.update(relative(root, p)).update(String(st.size)).update(String(st.mtimeMs));
    }
  };
  for (const p of paths) walk(join(root, p));
  h.update(process.version);
  return h.digest('hex');
}

const stampDir = join(root, 'node_modules', '.conclave');
function stepUpToDate(name, fp) {
  const f = join(stampDir, name);
  return existsSync(f) && readFileSync(f, 'utf8') === fp;
}
function markDone(name, fp) {
  mkdirSync(stampDir, { recursive: true });
  writeFileSync(join(stampDir, name), fp);
}

/** npm's environment: native addons are compiled against the headers of the Node that runs them. */
function npmEnv() {
  const nodedir = headersPrefix(process.execPath, { existsSync, realpathSync });
  return nodedir ? { ...process.env, npm_config_nodedir: nodedir } : process.env;
}

function ensureNodeModules() {
  // npm records what it installed in node_modules/.package-lock.json; older than the lock file means stale.
  const installed = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const installedFresh = existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs;
  // Native addons (better-sqlite3) load only into the Node ABI they were compiled for.
  const abi = `node-abi-${process.versions.modules}`;
  if (installedFresh && stepUpToDate('native-modules', abi)) return;
  if (installedFresh) {
    log(`rebuilding native modules for Node ${process.version} (npm rebuild)`);
    run('npm', ['rebuild'], { env: npmEnv() });
  } else {
    log('installing npm dependencies (npm ci)');
    run('npm', ['ci', '--no-audit', '--no-fund'], { env: npmEnv() });
  }
  markDone('native-modules', abi);
}

function ensureBuild() {
  const inputs = [
    'packages/protocol/src',
    'packages/e2ee/src',
    'packages/client/src',
    'packages/server/src',
    'apps/web',
    'docs/sdk.md',
    'scripts/build.mjs',
    'scripts/lib/sdk.mjs',
  ];
  const fp = fingerprint(inputs);
  if (stepUpToDate('build', fp)) return;
  log('building web app, server and SDK');
  run(process.execPath, ['scripts/build.mjs']);
  markDone('build', fp);
}

function main() {
  ensureDebianPackages();
  ensureNodeModules();
  ensureBuild();
  log('ready');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await useSupportedNode();
  try {
    main();
  } catch (err) {
    console.error(`[setup] ${err.message}`);
    process.exit(1);
  }
}
