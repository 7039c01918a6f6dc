import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, startMain } from './support/main';
import { describeWithRedis } from './support/redis';

test('OPS-OBS: the server starts on SQLite, logs JSON with its address and the setup hint, and stops on SIGTERM', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'conclave-main-'));
  const port = await freePort();
  const { child, out, exited, printed } = startMain({
    CONCLAVE_PORT: String(port),
    CONCLAVE_DATA_DIR: join(dataDir, 'nested', 'data'),
    CONCLAVE_WEB_DIR: join(dataDir, 'no-web'),
    // This test is about the process, not media: without a Janus binary the media plane cannot start.
    CONCLAVE_JANUS_BINARY: join(dataDir, 'no-janus'),
  });
  try {
    await printed('First-run setup');
    const { stdout } = out;
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; level: number });
    assert.ok(lines.length >= 2, 'every stdout line is a JSON log record');
    const url = `http://127.0.0.1:${port}`;
    assert.ok(lines.some((l) => l.msg === `Conclave is running at ${url}`));
    // OPS-SETUP: the setup link (with its one-time token) is in a file only the service user reads,
    // and the JSON log says where it is without holding the token.
    const linkFile = join(dataDir, 'nested', 'data', 'setup-link');
    const link = readFileSync(linkFile, 'utf8').trim();
    assert.match(link, new RegExp(`^${url}/setup#token=[A-Za-z0-9_-]{43}$`));
    assert.equal(statSync(linkFile).mode & 0o777, 0o600);
    assert.ok(lines.some((l) => l.msg.includes(`open the setup link (in ${linkFile})`)));
    assert.ok(!stdout.includes(link.split('#token=')[1]!), 'the token is not in the log');
    assert.ok(
      existsSync(join(dataDir, 'nested', 'data', 'conclave.db')),
      'SQLite file created with its folder',
    );

    const health = await fetch(`${url}/api/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; media: string };
    assert.equal(body.status, 'degraded');
    assert.notEqual(body.media, 'ready');
    // Alive but not ready: a load balancer sends no one here without media.
    const ready = await fetch(`${url}/api/ready`);
    assert.equal(ready.status, 503);
    assert.equal(((await ready.json()) as { status: string }).status, 'not_ready');
    const metrics = await fetch(`${url}/metrics`);
    assert.equal(metrics.status, 200, 'loopback may read the metrics');
    assert.match(await metrics.text(), /^conclave_media_ready 0$/m);
    const setup = await fetch(`${url}/api/setup`);
    assert.deepEqual(await setup.json(), { needed: true });

    child.kill('SIGTERM');
    assert.equal(await exited, 0, out.stderr);
    assert.doesNotMatch(out.stderr, /\n\s+at /, 'no stack trace');
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describeWithRedis('a node of several', (redisUrl) => {
  test('NET-SCALE: on SIGTERM a node of a cluster says it is draining (readiness 503) before it hands over and exits', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'conclave-main-'));
    const port = await freePort();
    const { child, out, exited, printed } = startMain({
      CONCLAVE_PORT: String(port),
      CONCLAVE_DATA_DIR: dataDir,
      CONCLAVE_WEB_DIR: join(dataDir, 'no-web'),
      CONCLAVE_JANUS_BINARY: join(dataDir, 'no-janus'),
      CONCLAVE_REDIS_URL: redisUrl,
    });
    try {
      await printed('Conclave is running');
      assert.match(out.stdout, /control-plane node of a cluster/);
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      const ready = await fetch(`http://127.0.0.1:${port}/api/ready`);
      assert.equal(ready.status, 503);
      assert.equal(((await ready.json()) as { status: string }).status, 'draining');
      assert.equal(await exited, 0);
      assert.match(out.stdout, /draining, then shutting down/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
