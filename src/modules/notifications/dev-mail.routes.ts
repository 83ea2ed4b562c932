// /dev-mail (development only): the messages the in-process SMTP sink received, newest first.
// `/dev-mail?format=json` for scripts. Never registered in production.
import type { FastifyInstance } from 'fastify';
import type { DevMailSink } from './dev-mail-sink.ts';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function devMailRoutes(app: FastifyInstance, options: { sink: DevMailSink }) {
  app.get('/dev-mail', { schema: { hide: true } }, async (request, reply) => {
    const messages = options.sink.messages();
    if ((request.query as { format?: string }).format === 'json') return { messages };
    const items = messages
      .map(
        (m) =>
          `<article><h2>${escape(m.subject)}</h2><p>${escape(m.receivedAt)} · to ${escape(m.to.join(', '))}</p>` +
          `<details><summary>message</summary><pre>${escape(m.raw)}</pre></details></article>`,
      )
      .join('\n');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(
        `<!doctype html><meta charset="utf-8"><title>MyLog dev mail</title>` +
          `<style>body{font:14px system-ui;margin:2rem;max-width:60rem}pre{white-space:pre-wrap}</style>` +
          `<h1>Development mail sink</h1><p>${messages.length} message(s); email channels deliver here because SMTP_URL is not set.</p>${items || '<p>No mail yet.</p>'}`,
      );
  });
}
