import { createTransport, type Transporter } from 'nodemailer';
import type { Logger } from 'pino';

/** One plain-text message to one person. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** What kind of message this is, for the log (never its text: it may carry a link that signs in). */
  kind: string;
}

/**
 * Outgoing mail. `send` never rejects: a message that cannot be delivered is logged (without its
 * text) and reported as false, so that what the requester is told does not depend on it.
 */
export interface Mailer {
  readonly configured: boolean;
  send(message: MailMessage): Promise<boolean>;
}

/** No SMTP server configured: features that need mail say they are unavailable. */
export const noMailer: Mailer = { configured: false, send: () => Promise.resolve(false) };

export interface SmtpOptions {
  /** smtps://user:password@host:465 (TLS from the start) or smtp://user:password@host:587 (STARTTLS). */
  url: string;
  /** The From header, e.g. `Conclave <meetings@example.com>`. */
  from: string;
  /** Extra certificate authorities to trust (PEM), besides the system's. */
  ca?: string;
}

const isLoopback = (host: string) => ['127.0.0.1', '[::1]', '::1', 'localhost'].includes(host);

/**
 * Mail through an SMTP server with nodemailer, always over TLS: smtps:// from the first byte, smtp://
 * with STARTTLS required — only a relay on this machine may be spoken to in the clear. Credentials
 * come from the URL and never reach the log.
 */
export class SmtpMailer implements Mailer {
  readonly configured = true;
  private readonly transport: Transporter;

  constructor(
    private readonly o: SmtpOptions,
    private readonly log: Logger,
  ) {
    const url = new URL(o.url);
    const secure = url.protocol === 'smtps:';
    this.transport = createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      requireTLS: !secure && !isLoopback(url.hostname),
      ...(url.username && {
        auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
      }),
      tls: { minVersion: 'TLSv1.2', ...(o.ca && { ca: o.ca }) },
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  async send(message: MailMessage): Promise<boolean> {
    try {
      await this.transport.sendMail({
        from: this.o.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
      this.log.info({ kind: message.kind }, 'mail sent');
      return true;
    } catch (err) {
      const e = err as { code?: unknown; responseCode?: unknown };
      this.log.warn({ kind: message.kind, code: e.code, responseCode: e.responseCode }, 'mail not sent');
      return false;
    }
  }

  close(): void {
    this.transport.close();
  }
}
