// A browser that navigates to /auth/login or /auth/callback and fails must land on a page a person
// can act on (what went wrong, and a way to start again), not on a JSON error body. API clients
// (anything that does not ask for HTML) still get the usual JSON error.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../infra/errors.ts';
import { escapeHtml } from './dev-idp/dev-idp-pages.ts';

const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

export function authErrorPage(message: string, startAgainHref: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in failed · MyLog</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;display:grid;place-items:center;min-height:100vh;background:#f6f7f9;color:#1d2330}
main{max-width:28rem;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px #0001}
a.button{display:inline-block;margin-top:1rem;padding:.6rem 1.1rem;border-radius:8px;background:#3a5bd9;color:#fff;text-decoration:none}
@media (prefers-color-scheme:dark){body{background:#111521;color:#e6e8ee}main{background:#1b2030}}</style></head>
<body><main><h1>Sign-in failed</h1><p>${escapeHtml(message)}</p>
<p><a class="button" href="${escapeHtml(startAgainHref)}">Start again</a></p></main></body></html>
`;
}

/**
 * Route error handler for the browser-facing auth routes: HTML for a browser, otherwise the error
 * goes on to the app's JSON handler (Fastify hands an error thrown here to the parent handler).
 */
export function htmlForBrowsers(startAgainHref: (request: FastifyRequest) => string) {
  return function handler(
    error: FastifyError | AppError,
    request: FastifyRequest,
    reply: FastifyReply,
  ): FastifyReply {
    if (!wantsHtml(request)) throw error;
    const status =
      error instanceof AppError ? error.statusCode : ((error as FastifyError).statusCode ?? 500);
    if (status >= 500) request.log.error({ err: error }, 'sign-in failed');
    const message =
      error instanceof AppError || (status >= 400 && status < 500)
        ? error.message
        : 'Something went wrong on our side.';
    return reply
      .status(status >= 400 ? status : 500)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .header('cache-control', 'no-store')
      .send(authErrorPage(message, startAgainHref(request)));
  };
}
