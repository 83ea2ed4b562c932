// Email through nodemailer: SMTP done right (STARTTLS, auth, pooling, RFC 5322 headers and
// encodings) is not something to hand-write. SMTP_URL names the server; in development without
// it, mail goes to the in-process sink (dev-mail-sink.ts) that /dev-mail shows.
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';

export interface Mailer {
  send(mail: {
    to: readonly string[];
    subject: string;
    text: string;
    eventId: string;
  }): Promise<void>;
  close(): void;
}

export function createMailer(options: { url: string; from: string; timeoutMs: number }): Mailer {
  const transport: Transporter = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  } as SMTPTransport.Options);
  return {
    async send(mail) {
      await transport.sendMail({
        from: options.from,
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        // Mail clients thread and de-duplicate on it; receivers can too.
        messageId: `<${mail.eventId.replace(/[^\w.-]/g, '_')}@mylog>`,
        headers: { 'X-MyLog-Event-Id': mail.eventId },
      });
    },
    close: () => transport.close(),
  };
}
