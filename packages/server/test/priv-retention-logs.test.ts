import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyPluginAsync } from 'fastify';
import { ManualClock } from '../src/common/clock';
import { loadConfig } from '../src/config';
import { ADMIN, setUp, startTestApp, TestClient, type TestApp } from './support/app';
import { configErrorOf, configFiles } from './support/config-files';
import { createTestDatabase, type TestDatabase } from './support/database';

/** Stands in for code that logs a request's headers by hand, which redaction must still catch. */
const logsHeaders: FastifyPluginAsync = async (app) => {
  app.get('/test/headers', async (request) => {
    request.log.info({ headers: request.headers }, 'headers seen');
    return {};
  });
};

interface Line {
  msg?: string;
  req?: { url: string };
  headers?: Record<string, string>;
}

describe('PRIV-RETENTION: the server writes its logs to a file per day when configured', () => {
  let database: TestDatabase;
  let t: TestApp;
  let clock: ManualClock;
  let folder: string;

  before(async () => {
    database = await createTestDatabase('sqlite');
    folder = join(database.dir, 'logs');
    // Files of days long gone and of days still kept, there before the server starts.
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'conclave-2026-01-15.log'), '{}\n');
    writeFileSync(join(folder, 'conclave-2026-02-15.log'), '{}\n');
    clock = new ManualClock(new Date('2026-03-01T23:58:00Z'));
    t = await startTestApp(database, { clock, env: { CONCLAVE_LOG_FILES: '1' }, plugins: [logsHeaders] });
  });
  after(async () => {
    await t?.close();
    await database?.close();
  });

  const lines = (day: string): Line[] =>
    readFileSync(join(folder, `conclave-${day}.log`), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Line);

  test('PRIV-RETENTION: the retention job the server runs at start deletes the log files older than 30 days, and keeps the rest', async () => {
    for (let i = 0; i < 100 && existsSync(join(folder, 'conclave-2026-01-15.log')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.ok(!existsSync(join(folder, 'conclave-2026-01-15.log')), 'the 45-day-old file is gone');
    assert.ok(existsSync(join(folder, 'conclave-2026-02-15.log')), 'the 14-day-old file stays');
  });

  test('PRIV-RETENTION: requests are logged as JSON to <dataDir>/logs/conclave-<UTC day>.log (folder 0700, file 0600) as well as to stdout, with no password, cookie or token in them; at midnight UTC the next day’s file begins', async () => {
    const { client: ada, session } = await setUp(t);
    const signIn = await ada.signIn(ADMIN.email, ADMIN.password);
    assert.equal(signIn.statusCode, 200);
    const bearer = 'Bearer a-secret-api-token-0123456789';
    const seen = await ada.request('GET', '/test/headers', undefined, { headers: { authorization: bearer } });
    assert.equal(seen.statusCode, 200);

    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.equal(statSync(join(folder, 'conclave-2026-03-01.log')).mode & 0o777, 0o600);
    const today = lines('2026-03-01');
    const urls = today.filter((l) => l.msg === 'incoming request').map((l) => l.req!.url);
    assert.ok(urls.includes('/api/setup') && urls.includes('/api/auth/sign-in'), urls.join(', '));
    const headers = today.find((l) => l.msg === 'headers seen')?.headers;
    assert.equal(headers?.cookie, '[redacted]');
    assert.equal(headers?.authorization, '[redacted]');
    const stdout = t.logs.filter((l) => l.includes('"headers seen"'));
    assert.equal(stdout.length, 1, 'stdout gets the lines too');

    const text = readFileSync(join(folder, 'conclave-2026-03-01.log'), 'utf8');
    const cookie = ada.cookie!.split('=')[1]!;
    for (const secret of [ADMIN.password, cookie, session.csrfToken, bearer, 'a-secret-api-token']) {
      assert.ok(
        secret.length > 8 && !text.includes(secret),
        `a secret in the log file: ${secret.slice(0, 4)}…`,
      );
    }

    clock.advance(2 * 60_000);
    await ada.get('/api/auth/session');
    const tomorrow = lines('2026-03-02');
    assert.deepEqual(
      tomorrow.filter((l) => l.msg === 'incoming request').map((l) => l.req!.url),
      ['/api/auth/session'],
    );
    assert.ok(!lines('2026-03-01').some((l) => l.req?.url === '/api/auth/session'), 'not in yesterday’s');
    assert.deepEqual(readdirSync(folder).sort(), [
      'conclave-2026-02-15.log',
      'conclave-2026-03-01.log',
      'conclave-2026-03-02.log',
    ]);
  });

  test('PRIV-RETENTION: without the setting nothing is written to files', async () => {
    const other = await createTestDatabase('sqlite');
    const quiet = await startTestApp(other);
    try {
      await new TestClient(quiet.app).get('/api/health');
      assert.ok(quiet.logs.length > 0);
      assert.equal(existsSync(join(other.dir, 'logs')), false);
    } finally {
      await quiet.close();
      await other.close();
    }
  });
});

describe('PRIV-RETENTION: the log files setting', () => {
  const files = configFiles('conclave-log-files-');

  test('PRIV-RETENTION: CONCLAVE_LOG_FILES is 1 or 0 (logFiles true or false in the file), off by default; anything else stops the start with a message naming it', () => {
    assert.equal(loadConfig({}).logFiles, false);
    assert.equal(loadConfig({ CONCLAVE_LOG_FILES: '1' }).logFiles, true);
    assert.equal(loadConfig({ CONCLAVE_LOG_FILES: '0' }).logFiles, false);
    const file = files.write('{ "logFiles": true }');
    assert.equal(loadConfig({ CONCLAVE_CONFIG: file }).logFiles, true);
    assert.equal(loadConfig({ CONCLAVE_CONFIG: file, CONCLAVE_LOG_FILES: '0' }).logFiles, false);
    assert.match(
      configErrorOf(loadConfig, { CONCLAVE_LOG_FILES: 'yes' }).message,
      /^CONCLAVE_LOG_FILES \(environment\): must be 1 or 0/,
    );
    const wrong = files.write('{ "logFiles": "on" }');
    assert.match(
      configErrorOf(loadConfig, { CONCLAVE_CONFIG: wrong }).message,
      /logFiles: must be true or false/,
    );
  });
});
