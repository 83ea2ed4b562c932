// After SSO the browser goes back only to a path on this origin (issue 21 item 4), a login begun on
// another host name for this server moves to PUBLIC_URL's first, and a failed browser sign-in is a
// page with a way to start again, not a JSON body.
import t from 'tap';
import { buildTestApp } from '../../helpers/app.ts';
import type { Teardown } from '../../helpers/services.ts';
import { Browser, freePort, location, signInAtIdp } from './http-browser.ts';

const port = await freePort();
const base = `http://127.0.0.1:${port}`;

async function startApp(t: Teardown, publicUrl = base) {
  const ctx = await buildTestApp(t, { env: { PORT: String(port), PUBLIC_URL: publicUrl } });
  await ctx.app.listen({ port, host: '127.0.0.1' });
  return ctx;
}

/** Where the callback sends a browser that started the login with this return_to. */
async function landingAfterLogin(returnTo: string): Promise<{ status: number; location: string }> {
  const browser = new Browser();
  const callback = await signInAtIdp(base, browser, 'admin@demo.local', { returnTo });
  const done = await browser.request(callback);
  return { status: done.status, location: done.headers.get('location') ?? '' };
}

t.test('return_to: same-origin paths only', async (t) => {
  await startApp(t);
  const hostile = [
    '/\t/evil.example/', // Chromium drops the tab: //evil.example/
    '/\n/evil.example/',
    '/\r\n/evil.example/',
    '/x\r\nSet-Cookie: a=b', // header injection
    '/\\evil.example',
    '/\\/evil.example',
    '//evil.example',
    '///evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '/\u0000/evil.example',
    '/\u007f/evil.example',
    'evil.example',
  ];
  for (const value of hostile) {
    const answer = await landingAfterLogin(value);
    t.equal(answer.status, 302, `${JSON.stringify(value)}: no 500`);
    t.equal(answer.location, '/', `${JSON.stringify(value)}: back to / only`);
  }
  const fine = await landingAfterLogin('/logs?q=level%3Aerror&apps=web#top');
  t.equal(fine.location, '/logs?q=level%3Aerror&apps=web#top', 'a real path is kept as it was');
});

t.test('a login started on another host name moves to PUBLIC_URL first', async (t) => {
  const publicUrl = `http://localhost:${port}`;
  await startApp(t, publicUrl);
  const browser = new Browser();
  const start = await browser.request(`${base}/auth/login?return_to=%2Flogs%3Fq%3Dx`);
  t.equal(start.status, 302);
  t.equal(
    start.headers.get('location'),
    `${publicUrl}/auth/login?return_to=%2Flogs%3Fq%3Dx`,
    'same login, on the public host',
  );
  t.equal(browser.cookies.size, 0, 'no state cookie on the wrong host');
  const onPublic = await new Browser().request(location(start, base));
  t.equal(onPublic.status, 302);
  t.match(
    location(onPublic, publicUrl),
    `${publicUrl}/dev-idp/`,
    'the public host goes to the IdP',
  );
});

t.test('a failed browser sign-in is a page with "Start again"', async (t) => {
  await startApp(t);
  const browser = new Browser();
  const html = await browser.request(`${base}/auth/callback?code=x&state=forged`, {
    headers: { accept: 'text/html,application/xhtml+xml' },
  });
  t.equal(html.status, 401);
  t.match(html.headers.get('content-type'), /^text\/html/);
  const page = await html.text();
  t.match(page, /Sign-in failed/);
  t.match(page, /start again/i, "the state problem's own message");
  t.match(page, /<a class="button" href="\/auth\/login\?return_to=%2Flogs">Start again<\/a>/);
  t.notMatch(page, /"error"\s*:/, 'no JSON body');

  const api = await browser.request(`${base}/auth/callback?code=x&state=forged`, {
    headers: { accept: 'application/json' },
  });
  t.equal(api.status, 401);
  const body = (await api.json()) as { error: { code: string } };
  t.equal(body.error.code, 'invalid_state', 'API clients still get the JSON error');

  const tooLong = await browser.request(`${base}/auth/login?return_to=/${'a'.repeat(2100)}`, {
    headers: { accept: 'text/html' },
  });
  t.equal(tooLong.status, 400, 'a refused login request is a 4xx page too');
  t.match(await tooLong.text(), /Start again/);
});
