import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message as the test SMTP server received it. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  /** It came over TLS (STARTTLS or TLS from the first byte). */
  overTls: boolean;
}

/**
 * A real SMTP server on 127.0.0.1 (smtp-server) that takes mail only after authentication and keeps
 * what arrives, parsed (mailparser), for tests to read. STARTTLS with the given certificate, or TLS
 * from the first byte with `implicitTls`.
 */
const USER = 'conclave';
const PASSWORD = 'the SMTP password of the test server';

export class TestSmtp {
  readonly received: ReceivedMail[] = [];
  readonly password = PASSWORD;
  private waiting: Array<() => void> = [];

  private constructor(
    private readonly server: SMTPServer,
    readonly url: string,
  ) {}

  static async start(tls: { key: string; cert: string }, implicitTls = false): Promise<TestSmtp> {
    // Set before start returns, and so before any mail can arrive.
    const made: { smtp?: TestSmtp } = {};
    const server = new SMTPServer({
      secure: implicitTls,
      key: tls.key,
      cert: tls.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth: (auth, _session, done) => {
        if (auth.username === USER && auth.password === PASSWORD) done(null, { user: USER });
        else done(new Error('Invalid username or password'));
      },
      onData: (stream, session, done) => {
        simpleParser(stream).then(
          (mail) => {
            made.smtp!.received.push({
              to: session.envelope.rcptTo.map((r) => r.address).join(', '),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              overTls: session.secure,
            });
            for (const wake of made.smtp!.waiting.splice(0)) wake();
            done();
          },
          (err: Error) => done(err),
        );
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.server.address() as AddressInfo).port;
    const scheme = implicitTls ? 'smtps' : 'smtp';
    made.smtp = new TestSmtp(server, `${scheme}://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`);
    return made.smtp;
  }

  /** The next message to `to` that arrives (or has arrived and was not taken yet). */
  async next(to: string, timeoutMs = 10_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.received.findIndex((m) => m.to === to);
      if (i >= 0) return this.received.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
