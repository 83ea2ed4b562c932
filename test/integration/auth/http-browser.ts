// A minimal browser for driving SSO over real HTTP: a cookie jar and manual redirects, so each
// hop (IdP login form, consent, callback) can be inspected or tampered with.

export { freePort } from '../ingest/mylog-process.ts';

export class Browser {
  readonly cookies = new Map<string, string>();

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) this.store(line);
    return response;
  }

  private store(line: string): void {
    const [pair, ...attributes] = line.split(';');
    const at = (pair ?? '').indexOf('=');
    const name = (pair ?? '').slice(0, at).trim();
    const value = (pair ?? '').slice(at + 1).trim();
    const expired = attributes.some((a) => {
      const [k, v] = a.trim().split('=');
      if (k?.toLowerCase() === 'max-age') return Number(v) <= 0;
      if (k?.toLowerCase() === 'expires') return new Date(v ?? '').getTime() < Date.now();
      return false;
    });
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

export function location(response: Response, base: string): string {
  const value = response.headers.get('location');
  if (!value) throw new Error(`expected a redirect, got ${response.status}`);
  return new URL(value, base).toString();
}

/**
 * Drives /auth/login → the dev IdP's login form → consent → back to MyLog, stopping before the
 * callback, whose URL it returns.
 */
export async function signInAtIdp(
  base: string,
  browser: Browser,
  email: string,
  options: { password?: string; returnTo?: string } = {},
): Promise<string> {
  const query =
    options.returnTo === undefined ? '' : `?return_to=${encodeURIComponent(options.returnTo)}`;
  const start = await browser.request(`${base}/auth/login${query}`);
  if (start.status !== 302)
    throw new Error(`login answered ${start.status}: ${await start.text()}`);
  let url = location(start, base);
  for (let hop = 0; hop < 12; hop += 1) {
    if (url.startsWith(`${base}/auth/callback`)) return url;
    const response = await browser.request(url);
    if (response.status >= 300 && response.status < 400) {
      url = location(response, url);
      continue;
    }
    const html = await response.text();
    const action = /action="([^"]+)"/.exec(html)?.[1];
    if (!action) throw new Error(`stuck at ${url}: ${response.status} ${html.slice(0, 300)}`);
    const form: Record<string, string> = action.endsWith('/login')
      ? { email, password: options.password ?? 'demo' }
      : {};
    const posted = await browser.request(new URL(action, url).toString(), { method: 'POST', form });
    if (posted.status === 401) throw new Error('IdP refused the password');
    url = location(posted, url);
  }
  throw new Error('too many redirects');
}
