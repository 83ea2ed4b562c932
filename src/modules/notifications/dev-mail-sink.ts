// Development only: a real SMTP server (smtp-server, the receiving half of nodemailer's project)
// on a loopback port, keeping the last messages in memory for /dev-mail. So email channels work
// and can be looked at on a laptop without an SMTP account or a MailHog binary.

export interface DevMail {
  id: number;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  raw: string;
}

export interface DevMailSink {
  url: string;
  messages(): readonly DevMail[];
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 1024 * 1024;

export async function startDevMailSink(maxMessages: number): Promise<DevMailSink> {
  // Loaded here, not at import: only an embedded worker runs the sink.
  const { SMTPServer } = await import('smtp-server');
  const messages: DevMail[] = [];
  let next = 1;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const subject = /^Subject: (.*)$/im.exec(raw)?.[1] ?? '';
        messages.unshift({
          id: next++,
          receivedAt: new Date().toISOString(),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject,
          raw,
        });
        messages.length = Math.min(messages.length, maxMessages);
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => undefined);
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages: () => messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
