#!/usr/bin/env node
// The whole test suite, as CI and the README run it: typecheck, lint, unit and integration tests
// (SQLite and a throwaway PostgreSQL and Redis), then end-to-end tests in real Chromium against a real Janus.
// Everything runs inside one network namespace (scripts/sandbox.mjs) so no test traffic leaves
// the machine. Ends with a line "tests: N passed, N failed, N skipped".
//
//   node scripts/test.mjs [--only unit|e2e] [--skip-static] [FILTER…]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxUnavailableReason } from './sandbox.mjs';
import { startThrowawayPostgres } from './lib/postgres.mjs';
import { startThrowawayRedis } from './lib/redis.mjs';
import { DEFAULT_SBOM, writeSbom } from './sbom.mjs';
import { useSupportedNode } from './lib/runtime.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
const skipStatic = argv.includes('--skip-static');
const filters = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--only');

function findTests(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) findTests(p, out);
    else if (/\.test\.[cm]?tsx?$/.test(e.name)) out.push(relative(root, p));
  }
  return out.sort();
}

// Unit and integration files share nothing (each PostgreSQL test has its own database, each Redis
// test its own keys, each server its own port), so they run side by side: three at a time on two
// cores, since many wait on a database, a socket or a child process (150 s at two, 121 s at three,
// 117 s at four). End-to-end files run alone: their browsers and Janus need the whole machine for
// media to flow in time.
const UNIT_CONCURRENCY = 3;

const pick = (files) => (filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files);

/**
 * Runs the node scripts of each lane one after another, the lanes side by side; each step's output is
 * printed whole when it ends, under its name. The first failure ends the run once its lane stops.
 */
async function lanes(list) {
  const run = ([name, args]) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      child.on('exit', (code) => {
        process.stdout.write(`\n=== ${name}\n${out}`);
        resolve(code ?? 1);
      });
    });
  const codes = await Promise.all(
    list.map(async (lane) => {
      for (const s of lane) {
        const code = await run(s);
        if (code !== 0) {
          console.error(`\n${s[0]} failed`);
          return code;
        }
      }
      return 0;
    }),
  );
  const failed = codes.find((c) => c !== 0);
  if (failed !== undefined) process.exit(failed);
}

/** Runs node's test runner and returns its counts, parsed from its closing summary. */
function nodeTests(name, files, env, concurrency) {
  console.log(`\n=== ${name} (${files.length} files, ${concurrency} at a time)`);
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
      { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('exit', (code) => {
      const n = (label) => Number(out.match(new RegExp(`^ℹ ${label} (\\d+)`, 'm'))?.[1] ?? 0);
      resolve({ code: code ?? 1, pass: n('pass'), fail: n('fail'), skipped: n('skipped') + n('todo') });
    });
  });
}

async function main() {
  await useSupportedNode();
  const inSandbox = process.env.CONCLAVE_SANDBOX === '1';
  if (!inSandbox) {
    const reason = sandboxUnavailableReason();
    if (reason === null) {
      // Re-run this script inside one fresh namespace; everything below happens in there.
      const r = spawnSync(
        process.execPath,
        [join(root, 'scripts/sandbox.mjs'), '--', process.execPath, ...process.argv.slice(1)],
        {
          stdio: 'inherit',
        },
      );
      process.exit(r.status ?? 1);
    }
    console.warn(`[test] no network namespace (${reason}): media tests will be reported as skipped`);
  }

  console.log(`[test] Node.js ${process.version} (${process.execPath})`);
  if (!skipStatic && !only) {
    // Each is one busy thread: the typecheck beside the others takes the two cores (86 s → 53 s here).
    await lanes([
      [['typecheck', ['scripts/typecheck.mjs']]],
      [
        ['eslint', ['node_modules/eslint/bin/eslint.js', '.']],
        ['prettier', ['node_modules/prettier/bin/prettier.cjs', '--check', '.']],
        ['knip', ['node_modules/knip/bin/knip.js']],
        [
          'knip --production',
          ['node_modules/knip/bin/knip.js', '--production', '--strict', '--dependencies'],
        ],
      ],
    ]);
  }

  const totals = { pass: 0, fail: 0, skipped: 0 };
  let failed = false;
  const add = (r) => {
    totals.pass += r.pass;
    totals.fail += r.fail;
    totals.skipped += r.skipped;
    if (r.code !== 0) failed = true;
  };

  if (only !== 'e2e') {
    // CI keeps the SBOM of what it tested (dist/sbom.cdx.json); a unit test checks it (OPS-SUPPLY).
    console.log('\n=== sbom');
    writeSbom();
    console.log(`written to ${relative(root, DEFAULT_SBOM)}`);
    const unit = pick(['packages', 'apps', 'scripts'].flatMap((d) => findTests(join(root, d))));
    let pg = null;
    try {
      pg = await startThrowawayPostgres();
    } catch (err) {
      console.warn(`[test] PostgreSQL unavailable (${err.message}): PostgreSQL store tests will be skipped`);
    }
    let redis = null;
    try {
      redis = await startThrowawayRedis();
    } catch (err) {
      // Under CI (CI=true) the tests that need it fail instead of skipping (test/support/redis.ts).
      console.warn(`[test] Redis unavailable (${err.message}): shared-limit tests will be skipped`);
    }
    try {
      if (unit.length)
        add(
          await nodeTests(
            'unit and integration',
            unit,
            {
              CONCLAVE_TEST_SBOM: DEFAULT_SBOM,
              ...(pg && { CONCLAVE_TEST_PG_URL: pg.url }),
              ...(redis && { CONCLAVE_TEST_REDIS_URL: redis.url }),
            },
            UNIT_CONCURRENCY,
          ),
        );
    } finally {
      await Promise.all([pg?.stop(), redis?.stop()]);
    }
  }
  if (only !== 'unit') {
    const e2e = pick(findTests(join(root, 'test/e2e')));
    if (e2e.length) add(await nodeTests('end-to-end', e2e, {}, 1));
  }

  console.log(`\ntests: ${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
  process.exit(failed || totals.fail > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
