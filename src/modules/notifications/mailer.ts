// Email through nodemailer: SMTP done right (STARTTLS, auth, pooling, RFC 5322 headers and
// encodings) is not something to hand-write. SMTP_URL names the server; in development without
// it, mail goes to the in-process sink (dev-mail-sink.ts) that /dev-mail shows.
import type { Transporter } from 'nodemailer';
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
  // nodemailer is loaded with the first mail: most processes never send one.
  let transport: Promise<Transporter> | undefined;
  const open = (): Promise<Transporter> =>
    (transport ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: options.url,
        connectionTimeout: options.timeoutMs,
        greetingTimeout: options.timeoutMs,
        socketTimeout: options.timeoutMs,
      } as SMTPTransport.Options),
    ));
  return {
    async send(mail) {
      await (
        await open()
      ).sendMail({
        from: options.from,
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        // Mail clients thread and de-duplicate on it; receivers can too.
        messageId: `<${mail.eventId.replace(/[^\w.-]/g, '_')}@mylog>`,
        headers: { 'X-MyLog-Event-Id': mail.eventId },
      });
    },
    close: () => void transport?.then((opened) => opened.close()),
  };
}
