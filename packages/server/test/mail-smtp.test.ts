import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../src/http';
import { SmtpMailer } from '../src/mail';
import { TestSmtp } from './support/smtp';
import { makeTestTls, type TestTls } from './support/tls';

/** The mail that carries password reset links: what it promises about the way there. */
describe('IAM-LOCAL: outgoing mail goes over TLS to a server whose certificate checks out', () => {
  let tls: TestTls;
  let impostorTls: TestTls;
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(line) });
  const message = { kind: 'test', to: 'bob@example.test', subject: 'Hello', text: 'A secret link' };

  before(() => {
    tls = makeTestTls();
    impostorTls = makeTestTls();
  });
  after(() => {
    tls.remove();
    impostorTls.remove();
  });

  for (const implicitTls of [false, true]) {
    test(`IAM-LOCAL: ${implicitTls ? 'smtps:// (TLS from the first byte)' : 'smtp:// (STARTTLS)'} delivers, authenticated, over TLS`, async () => {
      const smtp = await TestSmtp.start(tls, implicitTls);
      const mailer = new SmtpMailer(
        { url: smtp.url, from: 'Conclave <noreply@example.test>', ca: readFileSync(tls.caFile, 'utf8') },
        logger,
      );
      try {
        assert.equal(await mailer.send(message), true);
        const got = await smtp.next('bob@example.test');
        assert.deepEqual([got.subject, got.text.trim(), got.overTls], ['Hello', 'A secret link', true]);
      } finally {
        mailer.close();
        await smtp.stop();
      }
    });
  }

  test('IAM-LOCAL: a server whose certificate another authority signed gets nothing, and the failure is logged without the message or the password', async () => {
    const smtp = await TestSmtp.start(impostorTls);
    const mailer = new SmtpMailer(
      { url: smtp.url, from: 'Conclave <noreply@example.test>', ca: readFileSync(tls.caFile, 'utf8') },
      logger,
    );
    try {
      assert.equal(await mailer.send(message), false);
      assert.equal(smtp.received.length, 0);
      const log = logs.join('\n');
      assert.match(log, /mail not sent/);
      assert.ok(!log.includes('A secret link') && !log.includes(encodeURIComponent(smtp.password)));
    } finally {
      mailer.close();
      await smtp.stop();
    }
  });
});
